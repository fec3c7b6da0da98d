import { describe, expect, test } from 'vitest';
import {
  ageText,
  applyDispatch,
  backoffMs,
  distanceText,
  type Incident,
  liveUrl,
  mergeLiveDevice,
  metersBetween,
  noFixText,
  nextDispatchStep,
  positionAt,
  repeatText,
  replayFrame,
  SEVERITY_LOOK,
  severityLook,
  sortQueue,
  telHref,
  trackSpan,
  TYPE_SEVERITY,
  typeLook,
  upsertIncident,
} from './data';

function inc(id: number, type: string, severity: string, first_at: number, state = 'nueva'): Incident {
  return {
    id, order_id: 1, order_label: 'Orden', type, type_label: '', severity, device_id: 'd', device_kind: 'aggressor_tag', zone_id: null,
    zone_label: null, first_at, last_at: first_at, count: 1, lat: null, lon: null, distance_m: null, battery: null, comuna_id: null,
    state, escalated: false, taken_by: null, outcome: null, dispatch: null,
  };
}

describe('severity presentation', () => {
  test('the types of API.md map to their severities', () => {
    expect(TYPE_SEVERITY.panic).toBe('critical');
    expect(TYPE_SEVERITY.proximity_breach).toBe('critical');
    expect(TYPE_SEVERITY.tamper).toBe('high');
    expect(TYPE_SEVERITY.zone_enter).toBe('high');
    expect(TYPE_SEVERITY.proximity_warning).toBe('medium');
    expect(TYPE_SEVERITY.silence).toBe('medium');
    expect(TYPE_SEVERITY.low_battery).toBe('low');
    expect(TYPE_SEVERITY.zone_exit).toBe('info');
  });
  test('each severity has its own icon, name, colour and rank; only critical/high/medium sound', () => {
    const looks = Object.values(SEVERITY_LOOK);
    expect(new Set(looks.map((l) => l.icon)).size).toBe(looks.length);
    expect(new Set(looks.map((l) => l.color)).size).toBe(looks.length);
    expect(new Set(looks.map((l) => l.name)).size).toBe(looks.length);
    expect(SEVERITY_LOOK.critical.sound).toBe('urgent');
    expect(SEVERITY_LOOK.high.sound).toBe('alert');
    expect(SEVERITY_LOOK.medium.sound).toBe('chime');
    expect(SEVERITY_LOOK.low.sound).toBe('none');
    expect(SEVERITY_LOOK.info.sound).toBe('none');
  });
  test('a low battery never looks like a breach', () => {
    const battery = severityLook('low', 'low_battery');
    const breach = severityLook('critical', 'proximity_breach');
    expect(battery.icon).not.toBe(breach.icon);
    expect(battery.color).not.toBe(breach.color);
    expect(battery.sound).toBe('none');
    expect(typeLook('low_battery').glyph).not.toBe(typeLook('proximity_breach').glyph);
  });
  test('unknown or missing severities fall back to the type, then to info', () => {
    expect(severityLook(undefined, 'panic').id).toBe('critical');
    expect(severityLook('bogus', 'tamper').id).toBe('high');
    expect(severityLook('bogus', 'bogus').id).toBe('info');
    expect(typeLook('panic', 'Botón de pánico (servidor)').label).toBe('Botón de pánico (servidor)');
    expect(typeLook('nuevo_tipo').label).toBe('nuevo_tipo');
  });
});

describe('queue', () => {
  test('sorted by severity, then the longest waiting, closed last', () => {
    const q = sortQueue([
      inc(1, 'low_battery', 'low', 100),
      inc(2, 'panic', 'critical', 300),
      inc(3, 'proximity_breach', 'critical', 200),
      inc(4, 'zone_exit', 'info', 50),
      inc(5, 'tamper', 'high', 10),
      inc(6, 'panic', 'critical', 1, 'cerrada'),
      inc(7, 'silence', 'medium', 400),
    ]);
    expect(q.map((x) => x.id)).toEqual([3, 2, 5, 7, 1, 4, 6]);
  });
  test('equal rows keep a stable order by id', () => {
    expect(sortQueue([inc(9, 'panic', 'critical', 5), inc(2, 'panic', 'critical', 5)]).map((x) => x.id)).toEqual([2, 9]);
  });
  test('upsert: new, repeat (count grows in place), closed leaves the queue', () => {
    let list: Incident[] = [];
    let r = upsertIncident(list, inc(1, 'panic', 'critical', 1));
    expect(r.isNew).toBe(true);
    list = r.list;
    r = upsertIncident(list, { ...inc(1, 'panic', 'critical', 1), count: 14 });
    expect(r.isNew).toBe(false);
    expect(r.list).toHaveLength(1);
    expect(r.list[0]!.count).toBe(14);
    r = upsertIncident(r.list, inc(1, 'panic', 'critical', 1, 'cerrada'));
    expect(r.list).toHaveLength(0);
    expect(upsertIncident([], inc(2, 'panic', 'critical', 1, 'cerrada')).list).toHaveLength(0);
  });
  test('a dispatch update lands in its incident', () => {
    const d = { id: 5, incident_id: 1, institution_id: 3, unit_name: 'Municipalidad', state: 'aceptado' } as never;
    const list = applyDispatch([inc(1, 'panic', 'critical', 1), inc(2, 'panic', 'critical', 1)], d);
    expect(list[0]!.dispatch).toBe(d);
    expect(list[1]!.dispatch).toBeNull();
  });
});

describe('words', () => {
  const now = 1_700_000_000_000;
  test('age', () => {
    expect(ageText(now - 2000, now)).toBe('recién');
    expect(ageText(now - 40_000, now)).toBe('hace 40 s');
    expect(ageText(now - 2 * 60_000 - 5000, now)).toBe('hace 2 min');
    expect(ageText(now - 3 * 3600_000, now)).toBe('hace 3 h');
    expect(ageText(now - 3 * 86400_000, now)).toBe('hace 3 días');
    expect(ageText(now + 10_000, now)).toBe('recién');
  });
  test('repeats, distances, phones', () => {
    expect(repeatText(1)).toBe('');
    expect(repeatText(14)).toBe('×14');
    expect(distanceText(123.4)).toBe('123 m');
    expect(distanceText(12345)).toBe('12,3 km');
    expect(distanceText(null)).toBe('—');
    expect(telHref('+56 9 6123 4567')).toBe('tel:+56961234567');
  });
  test('unit steps only move forward', () => {
    expect(nextDispatchStep('enviado')?.state).toBe('aceptado');
    expect(nextDispatchStep('aceptado')?.state).toBe('en_camino');
    expect(nextDispatchStep('en_camino')?.state).toBe('en_sitio');
    expect(nextDispatchStep('en_sitio')?.state).toBe('cerrado');
    expect(nextDispatchStep('cerrado')).toBeNull();
  });
});

describe('replay', () => {
  const pts = [
    { lat: 0, lon: 0, at: 1000 },
    { lat: 10, lon: 20, at: 2000 },
    { lat: 10, lon: 20, at: 4000 },
  ];
  test('interpolates linearly between fixes', () => {
    expect(positionAt(pts, 1500)).toEqual({ lat: 5, lon: 10, interpolated: true });
    expect(positionAt(pts, 1000)).toEqual({ lat: 0, lon: 0, interpolated: false });
    expect(positionAt(pts, 2000)).toEqual({ lat: 10, lon: 20, interpolated: false });
    expect(positionAt(pts, 3000)).toEqual({ lat: 10, lon: 20, interpolated: true });
  });
  test('nothing before the first fix, the last fix after the end, unsorted input', () => {
    expect(positionAt(pts, 999)).toBeNull();
    expect(positionAt(pts, 9999)).toEqual({ lat: 10, lon: 20, interpolated: false });
    expect(positionAt([...pts].reverse(), 1500)).toEqual({ lat: 5, lon: 10, interpolated: true });
    expect(positionAt([], 1500)).toBeNull();
  });
  test('frames and span over several devices', () => {
    const devices = [
      { device_id: 'a', kind: 'aggressor_tag', points: pts },
      { device_id: 'v', kind: 'victim_mobile', points: [{ lat: 1, lon: 1, at: 3000 }] },
    ];
    expect(trackSpan(devices)).toEqual({ start: 1000, end: 4000 });
    expect(trackSpan([])).toBeNull();
    expect(replayFrame(devices, 1500).map((f) => f.device_id)).toEqual(['a']);
    expect(replayFrame(devices, 3500).map((f) => f.device_id)).toEqual(['a', 'v']);
  });
  test('distance', () => {
    // 0.01° of latitude ≈ 1.11 km
    expect(Math.round(metersBetween({ lat: -33.45, lon: -70.66 }, { lat: -33.46, lon: -70.66 }))).toBe(1112);
  });
});

describe('live connection', () => {
  test('back-off doubles up to 30 s with jitter', () => {
    expect(backoffMs(0, () => 0.5)).toBe(1000);
    expect(backoffMs(1, () => 0.5)).toBe(2000);
    expect(backoffMs(3, () => 0.5)).toBe(8000);
    expect(backoffMs(20, () => 0.5)).toBe(30000);
    expect(backoffMs(0, () => 0)).toBe(800);
    expect(backoffMs(0, () => 1)).toBe(1200);
  });
  test('same-origin WebSocket address', () => {
    expect(liveUrl('live', { protocol: 'https:', host: 'equidad.cl' })).toBe('wss://equidad.cl/api/v1/monitoring/live');
    expect(liveUrl('unit/live', { protocol: 'http:', host: '127.0.0.1:8392' })).toBe('ws://127.0.0.1:8392/api/v1/monitoring/unit/live');
  });
});

describe('reports without a GPS fix (issue 22)', () => {
  const fix = { device_id: 'p1', kind: 'victim_bracelet', order_id: 3, lat: -33.44, lon: -70.65, at: 1_000_000, battery: 80 };
  test('a no-fix report keeps the last fix as the place, never (0, 0), and says when the device last reported', () => {
    const before = mergeLiveDevice(undefined, fix);
    expect(before).toMatchObject({ lat: -33.44, lon: -70.65, at: 1_000_000, no_fix: false, report_at: 1_000_000 });
    const after = mergeLiveDevice(before, { device_id: 'p1', kind: 'victim_bracelet', order_id: 3, lat: null, lon: null, at: null, battery: 41, no_fix: true, report_at: 2_800_000 });
    expect(after).toMatchObject({ lat: -33.44, lon: -70.65, at: 1_000_000, battery: 41, no_fix: true, report_at: 2_800_000 });
    expect(noFixText(after, 2_860_000)).toBe('Sin GPS · último reporte hace 1 min · último lugar conocido hace 31 min');
    // A device that never had a fix has no place at all.
    const never = mergeLiveDevice(undefined, { ...fix, device_id: 'p2', lat: null, lon: null, at: null, no_fix: true, report_at: 2_800_000 });
    expect(never.lat).toBeNull();
    expect(noFixText(never, 2_860_000)).toBe('Sin GPS · último reporte hace 1 min · sin lugar conocido');
    // The next fix ends it.
    expect(mergeLiveDevice(after, { ...fix, at: 2_900_000, lat: -33.45 })).toMatchObject({ no_fix: false, lat: -33.45, at: 2_900_000 });
  });
});
