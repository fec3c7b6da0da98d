// Shared by the monitoring tests that kill servers (monitoring_reliability, two_instances): every
// alert of an order from its incidents' evidence exports, and one metric of /metrics.
import assert from 'node:assert/strict';

// Every alert of an order, from the evidence exports of its incidents: [{incident, type, device, at}].
export async function alertsOf(op, orderId) {
  const list = await op.get('/api/v1/monitoring/incidents?state=all');
  assert.equal(list.status, 200, list.text);
  const out = [];
  for (const inc of list.json.items.filter((i) => i.order_id === orderId)) {
    const ex = await op.get(`/api/v1/monitoring/incidents/${inc.id}/export`);
    assert.equal(ex.status, 200, ex.text);
    for (const e of ex.json.entries.filter((x) => x.kind === 'alert')) out.push({ incident: inc.id, type: e.data.type, device: e.data.device_id, at: e.at });
  }
  return out;
}
export const alertKey = (a) => `${a.incident}|${a.type}|${a.device}|${a.at}`;

// The metric's value in the Prometheus text of /metrics.
export async function metric(srv, name) {
  const r = await srv.request('GET', '/metrics');
  assert.equal(r.status, 200);
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(r.text);
  assert.ok(m, `${name} not in /metrics`);
  return Number(m[1]);
}
