// The bench's console (an operator's /api/v1/monitoring/live WebSocket) on a thread of its own, so
// that it reads as fast as the server writes: on the load generator's thread it fell behind at
// saturation, the server's slow-consumer policy (src/http/server.cc kMaxQueue) cut it off and the
// one-instance run "matched only 43 of its positions". Receipt times are absolute
// (performance.timeOrigin + now), comparable with the send times of the main thread.
import { parentPort, workerData } from 'node:worker_threads';

import { WsClient } from '../../tests/integration/ws_client.mjs';

const { baseUrl, cookie, ua, address } = workerData;
const ws = await WsClient.connect(baseUrl, '/api/v1/monitoring/live', { headers: { Cookie: cookie, 'User-Agent': ua }, localAddress: address });
const keys = [];
const times = [];
let other = 0;
let closedAt = null;
ws.onMessage((m) => {
  const j = m.json;
  if (j?.type === 'position') {
    keys.push(`${j.device_id}|${j.at}`);
    times.push(performance.timeOrigin + m.at);
  } else other++;
});
ws.socket.on('close', () => { closedAt ??= performance.timeOrigin + performance.now(); });
parentPort.postMessage({ ready: true });
parentPort.on('message', (msg) => {
  if (msg !== 'stop') return;
  parentPort.postMessage({ keys, times, other, closedAt, closeCode: ws.closeCode });
  ws.socket.destroy();
  parentPort.close();
});
