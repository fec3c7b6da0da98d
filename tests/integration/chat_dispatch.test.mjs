// Issue 13, item 4: the silent chat's escalation "to the monitoring module's dispatch where her
// comuna has a municipal unit". Real HTTP and WebSockets end to end: she writes from comuna 13101
// (Santiago, a pilot comuna with a municipal security unit in the demo), the operator takes her
// through the real queue and escalates; the municipal unit finds the dispatch in its inbox and on
// its live stream (no identity: her comuna, the urgency and the operator's note), accepts it, and
// the operator's pane shows it accepted. Another unit (Carabineros) neither lists it nor moves it,
// and its attempt is logged.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { auditEntries, login, loginDemo } from './auth_helpers.mjs';
import { freshDatabase, nextClientAddress, sleep, startServer } from './harness.mjs';
import { WsClient } from './ws_client.mjs';

let db;
let srv;
let operator;
let admin;
let muni; // Municipalidad de Santiago (comuna 13101), dispatch.receive
let police; // Carabineros de Chile, dispatch.receive: another unit

async function liveAs(client, path) {
  return WsClient.connect(srv.baseUrl, path, { headers: { Cookie: client.cookie, 'User-Agent': client.ua }, localAddress: client.address });
}

async function startChat(form) {
  const ws = await WsClient.connect(srv.baseUrl, '/api/v1/chat/ws', { localAddress: nextClientAddress() });
  ws.sendJson({ type: 'start', urgent: false, comuna: '', text: '', ...form });
  const m = await ws.next((x) => x.type === 'started' || x.type === 'error');
  assert.equal(m.type, 'started', JSON.stringify(m));
  return { ws, ref: m.session };
}

// The operator takes the conversation's contact through the real queue (offered to her, or waiting).
async function take(ref) {
  const end = Date.now() + 8000;
  let c;
  while (Date.now() < end) {
    const q = (await operator.get('/api/v1/channels/queue')).json;
    c = [...q.mine, ...q.queue].find((x) => x.channel === 'chat' && x.external_ref === ref);
    if (c && (c.state === 'offered' || c.state === 'waiting')) break;
    await sleep(50);
  }
  assert.ok(c, `the queue shows the chat ${ref}`);
  const r = await operator.post(`/api/v1/channels/contacts/${c.id}/take`, {});
  assert.equal(r.status, 200, r.text);
  return c.id;
}

before(async () => {
  db = await freshDatabase();
  srv = await startServer({ db: db.url, env: { EQ_CHANNELS_HOURS: '24/7' }, extraArgs: ['--demo'] });
  [operator, admin, muni, police] = await Promise.all([
    loginDemo(srv, 'operator'), loginDemo(srv, 'admin'), loginDemo(srv, 'municipal'), login(srv, 'patrulla@equidad.demo'),
  ]);
  const ready = await operator.post('/api/v1/channels/me/presence', { presence: 'disponible', skills: ['chat'], max_chats: 6 });
  assert.equal(ready.status, 200, ready.text);
});
after(async () => {
  await srv?.stop();
  await db?.cleanup();
});

describe('municipal escalation from the silent chat', () => {
  test('opens a real dispatch the unit of her comuna sees, accepts, and the operator sees accepted', async () => {
    const { ws, ref } = await startChat({ urgent: true, comuna: '13101', text: 'Me llamo Rosa Canario Pérez, estoy en peligro' });
    await take(ref);
    const pane = await liveAs(operator, `/api/v1/chat/sessions/${ref}/live`);
    const unitWs = await liveAs(muni, '/api/v1/monitoring/unit/live');
    const policeWs = await liveAs(police, '/api/v1/monitoring/unit/live');
    try {
      await unitWs.next((m) => m?.type === 'hello', 15_000);
      await policeWs.next((m) => m?.type === 'hello', 15_000);

      const note = 'Está en su casa, el agresor llega en una hora; puede recibir a la unidad.';
      const e = await operator.post(`/api/v1/chat/sessions/${ref}/escalations`, { kind: 'municipal', note });
      assert.equal(e.status, 201, e.text);
      assert.equal(e.json.kind, 'municipal');
      assert.equal(e.json.unit, 'Municipalidad de Santiago');
      assert.ok(e.json.dispatch, e.text);
      assert.equal(e.json.dispatch.state, 'enviado');
      const dispatchId = e.json.dispatch.id;

      // The unit's live stream carries it at once, with origin, comuna, urgency and note; no identity.
      const live = await unitWs.next((m) => m?.type === 'dispatch' && m.dispatch.id === dispatchId, 15_000);
      assert.equal(live.dispatch.state, 'enviado');
      assert.equal(live.dispatch.incident.origin, 'chat');
      assert.equal(live.dispatch.incident.type, 'chat_silencioso');
      assert.match(live.dispatch.incident.type_label, /Chat silencioso/);
      assert.equal(live.dispatch.incident.comuna_id, '13101');
      assert.equal(live.dispatch.incident.severity, 'critical');
      assert.equal(live.dispatch.note, note);
      assert.equal(live.dispatch.incident.victim_name, '');
      assert.equal(live.dispatch.incident.victim_phone, '');
      assert.doesNotMatch(JSON.stringify(live), /Rosa|Canario/, 'her words never reach the unit');
      assert.doesNotMatch(JSON.stringify(live), new RegExp(ref), 'nor the conversation reference');

      // …and its inbox lists it.
      const inbox = await muni.get('/api/v1/monitoring/dispatches');
      assert.equal(inbox.status, 200, inbox.text);
      const mine = inbox.json.items.find((d) => d.id === dispatchId);
      assert.ok(mine, inbox.text);
      assert.equal(mine.incident.origin_label, 'Chat silencioso del Fono 1455');

      // Another unit: not in its inbox, not on its stream, and moving it is answered as missing and logged.
      const theirs = await police.get('/api/v1/monitoring/dispatches');
      assert.equal(theirs.status, 200, theirs.text);
      assert.ok(!theirs.json.items.some((d) => d.id === dispatchId), 'Carabineros does not list it');
      const grab = await police.post(`/api/v1/monitoring/dispatches/${dispatchId}/status`, { state: 'aceptado' });
      assert.equal(grab.status, 404, grab.text);
      const denied = await auditEntries(admin, 'action=monitoring.dispatch_denied');
      assert.ok(denied.some((x) => x.object === `monitoring_dispatch:${dispatchId}` && x.outcome === 'denied'), JSON.stringify(denied));
      await assert.rejects(policeWs.next((m) => m?.type === 'dispatch' && m.dispatch.id === dispatchId, 500));

      // The control centre sees the incident on its console, of origin chat, without an order.
      const incident = await operator.get(`/api/v1/monitoring/incidents/${mine.incident_id}`);
      assert.equal(incident.status, 200, incident.text);
      assert.equal(incident.json.incident.origin, 'chat');
      assert.equal(incident.json.order, null);
      // The channel's own order row is no monitored order.
      const orders = await operator.get('/api/v1/monitoring/orders');
      assert.ok(!orders.json.items.some((o) => o.id === incident.json.incident.order_id), 'no pseudo-order in the list');

      // The unit accepts: the operator's pane is told live, and her transcript shows it.
      const acc = await muni.post(`/api/v1/monitoring/dispatches/${dispatchId}/status`, { state: 'aceptado' });
      assert.equal(acc.status, 200, acc.text);
      const told = await pane.next((m) => m?.type === 'dispatch' && m.dispatch.state === 'aceptado', 15_000);
      assert.equal(told.dispatch.id, dispatchId);
      assert.equal(told.dispatch.state_label, 'Aceptado');
      const t = await operator.get(`/api/v1/chat/sessions/${ref}`);
      assert.equal(t.status, 200, t.text);
      const esc = t.json.escalations.find((x) => x.kind === 'municipal');
      assert.equal(esc.dispatch.id, dispatchId);
      assert.equal(esc.dispatch.state, 'aceptado');
      assert.ok(esc.dispatch.accepted_at > 0);

      // A second municipal escalation of the same conversation while the first is in course: 409.
      const again = await operator.post(`/api/v1/chat/sessions/${ref}/escalations`, { kind: 'municipal' });
      assert.equal(again.status, 409, again.text);
      assert.equal(again.json.error.code, 'already_dispatched');
      // Audited on both sides.
      const opened = await auditEntries(admin, 'action=monitoring.channel_dispatch');
      assert.ok(opened.some((x) => x.object === `monitoring_incident:${mine.incident_id}`), JSON.stringify(opened));
    } finally {
      ws.close();
      pane.close();
      unitWs.close();
      policeWs.close();
    }
  });

  test('no municipal unit in her comuna, or no comuna: 409 and no dispatch anywhere', async () => {
    const before = (await muni.get('/api/v1/monitoring/dispatches')).json.items.length;
    const { ws, ref } = await startChat({ comuna: '05101' }); // Valparaíso: outside the pilot
    const { ws: ws2, ref: ref2 } = await startChat({});
    try {
      await take(ref);
      await take(ref2);
      const r = await operator.post(`/api/v1/chat/sessions/${ref}/escalations`, { kind: 'municipal' });
      assert.equal(r.status, 409, r.text);
      assert.equal(r.json.error.code, 'no_municipal_unit');
      const r2 = await operator.post(`/api/v1/chat/sessions/${ref2}/escalations`, { kind: 'municipal' });
      assert.equal(r2.status, 409, r2.text);
      assert.equal(r2.json.error.code, 'no_comuna');
      assert.equal((await muni.get('/api/v1/monitoring/dispatches')).json.items.length, before);
      // An operator who does not hold the conversation cannot open a dispatch from it.
      const other = await login(srv, 'operador2@equidad.demo');
      const { ws: ws3, ref: ref3 } = await startChat({ comuna: '13101' });
      try {
        await take(ref3);
        const stranger = await other.post(`/api/v1/chat/sessions/${ref3}/escalations`, { kind: 'municipal' });
        assert.equal(stranger.status, 403, stranger.text);
        assert.equal((await muni.get('/api/v1/monitoring/dispatches')).json.items.length, before);
      } finally {
        ws3.close();
      }
    } finally {
      ws.close();
      ws2.close();
    }
  });
});
