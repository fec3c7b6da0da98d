// The monitoring map: offline like the territory map (Leaflet with no tile layer; the comunas of the
// Región Metropolitana from the server as the base layer, BCN credit), framed on Santiago, with
// device markers (victim: round, aggressor: square), incident markers by severity (shape + colour),
// fixed zones, trails, the replay positions, and optional click-to-draw for the order page.
import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import { getComunaBoundaries } from '../territory/boundaries';
import { BCN_CREDIT } from '../territory/BoundaryMap';
import { ageText, isAggressor, noFixText, type DeviceTrack, type Incident, type LatLon, type ReplayFrame, severityLook, type Zone } from './data';

export const SANTIAGO = L.latLngBounds([-33.57, -70.78], [-33.36, -70.5]);
const RM = '13';

export interface MapDevice {
  device_id: string;
  kind: string;
  lat: number | null;
  lon: number | null;
  at?: number | null;
  battery?: number | null;
  report_at?: number | null;
  /** Reporting without a GPS fix: drawn faded and dashed at its last known place, never as "here now". */
  no_fix?: boolean;
}

export interface DraftShape {
  shape: 'circle' | 'polygon';
  center: LatLon | null;
  radius_m: number;
  points: LatLon[];
}

interface Props {
  label: string;
  description: string;
  devices?: MapDevice[];
  incidents?: Incident[];
  selectedIncident?: number | null;
  onSelectIncident?: (id: number) => void;
  zones?: Zone[];
  trail?: DeviceTrack[];
  replay?: ReplayFrame[] | null;
  /** Moves the view there when it changes. */
  focus?: LatLon | null;
  /** Frames these instead of Santiago when the map opens (an order's zones and homes). */
  frame?: LatLon[];
  /** Homes of the order's people (house markers). */
  homes?: (LatLon & { who: 'victima' | 'agresor' })[];
  onMapClick?: (p: LatLon) => void;
  draft?: DraftShape | null;
  class?: string;
  testId?: string;
}

function text(s: string): HTMLElement {
  const el = document.createElement('span');
  el.textContent = s;
  return el;
}

/** Victim: a purple circle with "V"; aggressor: a black square with "A". Markup is constant, never server text. */
function deviceIcon(kind: string, big = false, noFix = false): L.DivIcon {
  const aggr = isAggressor(kind);
  const s = big ? 30 : 22;
  if (noFix) {
    // Last known place of a device now reporting without GPS: hollow, dashed, with "?".
    const c = aggr ? '#1c1c1c' : '#6b2c91';
    const shape = aggr
      ? `<rect x="2" y="2" width="20" height="20" rx="2" fill="#fff" fill-opacity="0.85" stroke="${c}" stroke-width="2" stroke-dasharray="3 2"/>`
      : `<circle cx="12" cy="12" r="10" fill="#fff" fill-opacity="0.85" stroke="${c}" stroke-width="2" stroke-dasharray="3 2"/>`;
    const svg = `<svg viewBox="0 0 24 24" width="${s}" height="${s}">${shape}<text x="12" y="16.5" text-anchor="middle" font-size="12" font-weight="700" fill="${c}" font-family="sans-serif">?</text></svg>`;
    return L.divIcon({ html: svg, className: `mon-dev mon-dev-nofix ${aggr ? 'mon-dev-aggr' : 'mon-dev-victim'}`, iconSize: [s, s], iconAnchor: [s / 2, s / 2] });
  }
  const svg = aggr
    ? `<svg viewBox="0 0 24 24" width="${s}" height="${s}"><rect x="2" y="2" width="20" height="20" rx="2" fill="#1c1c1c" stroke="#fff" stroke-width="2"/><text x="12" y="17" text-anchor="middle" font-size="13" font-weight="700" fill="#fff" font-family="sans-serif">A</text></svg>`
    : `<svg viewBox="0 0 24 24" width="${s}" height="${s}"><circle cx="12" cy="12" r="10" fill="#6b2c91" stroke="#fff" stroke-width="2"/><text x="12" y="16.5" text-anchor="middle" font-size="12" font-weight="700" fill="#fff" font-family="sans-serif">V</text></svg>`;
  return L.divIcon({ html: svg, className: `mon-dev ${aggr ? 'mon-dev-aggr' : 'mon-dev-victim'}`, iconSize: [s, s], iconAnchor: [s / 2, s / 2] });
}

/** Incident markers: critical octagon, high triangle, medium diamond, low/info small circle. */
function incidentIcon(sev: string, type: string, selected: boolean): L.DivIcon {
  const look = severityLook(sev, type);
  const c = look.color;
  const s = look.id === 'critical' ? 38 : look.id === 'high' ? 34 : look.id === 'medium' ? 28 : 20;
  let shape: string;
  if (look.id === 'critical')
    shape = `<polygon points="7,1 17,1 23,7 23,17 17,23 7,23 1,17 1,7" fill="${c}" stroke="#fff" stroke-width="1.5"/><text x="12" y="17" text-anchor="middle" font-size="14" font-weight="900" fill="#fff" font-family="sans-serif">!</text>`;
  else if (look.id === 'high')
    shape = `<polygon points="12,1 23,22 1,22" fill="${c}" stroke="#fff" stroke-width="1.5"/><text x="12" y="19" text-anchor="middle" font-size="12" font-weight="900" fill="#fff" font-family="sans-serif">!</text>`;
  else if (look.id === 'medium') shape = `<polygon points="12,1 23,12 12,23 1,12" fill="${c}" stroke="#fff" stroke-width="1.5"/>`;
  else shape = `<circle cx="12" cy="12" r="9" fill="${c}" stroke="#fff" stroke-width="2"/>`;
  return L.divIcon({
    html: `<svg viewBox="0 0 24 24" width="${s}" height="${s}">${shape}</svg>`,
    className: `mon-inc mon-inc-${look.id}${selected ? ' mon-inc-selected' : ''}`,
    iconSize: [s, s],
    iconAnchor: [s / 2, s / 2],
  });
}

const ZONE_STYLE: L.PathOptions = { color: '#b3261e', weight: 2, dashArray: '6 4', fillColor: '#b3261e', fillOpacity: 0.12 };
const DRAFT_STYLE: L.PathOptions = { color: '#0f69c4', weight: 2, fillColor: '#0f69c4', fillOpacity: 0.15 };

export function MonitorMap(props: Props) {
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const groups = useRef<Record<string, L.LayerGroup>>({});
  const clickRef = useRef(props.onMapClick);
  clickRef.current = props.onMapClick;
  const selectRef = useRef(props.onSelectIncident);
  selectRef.current = props.onSelectIncident;

  useEffect(() => {
    if (!el.current) return;
    const map = L.map(el.current, { zoomSnap: 0.5, zoomDelta: 1, scrollWheelZoom: true, minZoom: 8, maxZoom: 18 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(BCN_CREDIT);
    mapRef.current = map;
    const frame = props.frame?.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon)) ?? [];
    if (frame.length) map.fitBounds(L.latLngBounds(frame.map((p) => [p.lat, p.lon] as [number, number])).pad(0.3), { maxZoom: 16 });
    else map.fitBounds(SANTIAGO);
    const base = L.layerGroup().addTo(map);
    for (const name of ['zones', 'homes', 'trail', 'devices', 'incidents', 'replay', 'draft']) groups.current[name] = L.layerGroup().addTo(map);
    let alive = true;
    getComunaBoundaries(RM)
      .then((geo) => {
        if (!alive) return;
        L.geoJSON(geo, {
          style: () => ({ color: '#9d8fb3', weight: 1, fillColor: '#ddd6e7', fillOpacity: 1 }),
          interactive: false,
          onEachFeature: (f, layer) => {
            const name = String((f.properties as Record<string, unknown> | null)?.name ?? '');
            // Comuna names, for orientation without street tiles (shown from zoom 11, see CSS).
            if (name) (layer as L.Path).bindTooltip(text(name), { permanent: true, direction: 'center', className: 'mon-comuna-label', interactive: false });
          },
        }).addTo(base);
        base.eachLayer((l) => (l as L.GeoJSON).bringToBack?.());
      })
      .catch(() => {
        /* the markers still work on the plain background */
      });
    const zoomClass = () => el.current?.classList.toggle('mon-zoomed-in', map.getZoom() >= 11);
    map.on('zoomend', zoomClass);
    zoomClass();
    map.on('click', (e: L.LeafletMouseEvent) => clickRef.current?.({ lat: e.latlng.lat, lon: e.latlng.lng }));
    const resize = new ResizeObserver(() => map.invalidateSize());
    resize.observe(el.current);
    return () => {
      alive = false;
      resize.disconnect();
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // zones
  useEffect(() => {
    const g = groups.current.zones;
    if (!g) return;
    g.clearLayers();
    for (const z of props.zones ?? []) {
      let layer: L.Path | null = null;
      if (z.shape === 'circle' && z.lat !== null && z.lon !== null && z.radius_m) layer = L.circle([z.lat, z.lon], { radius: z.radius_m, ...ZONE_STYLE });
      else if (z.polygon && z.polygon.length >= 3) layer = L.polygon(z.polygon as [number, number][], ZONE_STYLE);
      if (layer) {
        layer.bindTooltip(text(`Zona: ${z.label}`), { sticky: true, className: 'map-tooltip' });
        layer.addTo(g);
      }
    }
  }, [props.zones]);

  // trails
  useEffect(() => {
    const g = groups.current.trail;
    if (!g) return;
    g.clearLayers();
    for (const d of props.trail ?? []) {
      const pts = [...d.points].sort((a, b) => a.at - b.at).map((p) => [p.lat, p.lon] as [number, number]);
      if (pts.length < 1) continue;
      const aggr = isAggressor(d.kind);
      if (pts.length > 1)
        L.polyline(pts, aggr ? { color: '#1c1c1c', weight: 3, opacity: 0.85 } : { color: '#6b2c91', weight: 3, opacity: 0.85, dashArray: '7 5' })
          .bindTooltip(text(`Recorrido de ${aggr ? 'agresor' : 'víctima'} (${d.device_id})`), { sticky: true, className: 'map-tooltip' })
          .addTo(g);
      for (const p of pts) L.circleMarker(p, { radius: 2.5, color: aggr ? '#1c1c1c' : '#6b2c91', weight: 1, fillOpacity: 1, interactive: false }).addTo(g);
    }
  }, [props.trail]);

  // live devices: drawn above the incident markers (where the aggressor is now matters most)
  useEffect(() => {
    const g = groups.current.devices;
    if (!g) return;
    g.clearLayers();
    for (const d of props.devices ?? []) {
      if (d.lat === null || d.lon === null) continue;
      const who = isAggressor(d.kind) ? 'Agresor' : 'Víctima';
      const battery = d.battery !== null && d.battery !== undefined ? ` · batería ${Math.round(d.battery)} %` : '';
      const label = d.no_fix ? `${who} · ${d.device_id} · ${noFixText({ at: d.at ?? null, report_at: d.report_at ?? null, lat: d.lat })}${battery}` : `${who} · ${d.device_id}${battery}`;
      L.marker([d.lat, d.lon], { icon: deviceIcon(d.kind, false, !!d.no_fix), keyboard: false, bubblingMouseEvents: true, zIndexOffset: isAggressor(d.kind) ? 3000 : 2500, title: label })
        .bindTooltip(text(label), { className: 'map-tooltip' })
        .addTo(g);
    }
  }, [props.devices]);

  // incidents
  useEffect(() => {
    const g = groups.current.incidents;
    if (!g) return;
    g.clearLayers();
    for (const i of props.incidents ?? []) {
      if (i.lat === null || i.lon === null) continue;
      const sel = i.id === props.selectedIncident;
      const look = severityLook(i.severity, i.type);
      const m = L.marker([i.lat, i.lon], { icon: incidentIcon(i.severity, i.type, sel), zIndexOffset: 1000 - look.rank * 100 + (sel ? 500 : 0), title: `${i.type_label} — ${i.order_label}` })
        .bindTooltip(text(`${look.name}: ${i.type_label} — ${i.order_label}${i.place_at ? ` (sin GPS: último lugar conocido ${ageText(i.place_at)})` : ''}`), { className: 'map-tooltip' })
        .addTo(g);
      m.on('click', () => selectRef.current?.(i.id));
    }
  }, [props.incidents, props.selectedIncident]);

  // replay
  useEffect(() => {
    const g = groups.current.replay;
    if (!g) return;
    g.clearLayers();
    for (const f of props.replay ?? []) {
      L.marker([f.lat, f.lon], { icon: deviceIcon(f.kind, true), interactive: false, zIndexOffset: 2000 }).addTo(g);
    }
  }, [props.replay]);

  // homes
  useEffect(() => {
    const g = groups.current.homes;
    if (!g) return;
    g.clearLayers();
    for (const h of props.homes ?? []) {
      const c = h.who === 'agresor' ? '#1c1c1c' : '#6b2c91';
      const icon = L.divIcon({
        html: `<svg viewBox="0 0 24 24" width="24" height="24"><path d="M12 2 2 11h3v10h14V11h3z" fill="#fff" stroke="${c}" stroke-width="2.2"/><rect x="10" y="14" width="4" height="7" fill="${c}"/></svg>`,
        className: 'mon-home',
        iconSize: [24, 24],
        iconAnchor: [12, 12],
      });
      L.marker([h.lat, h.lon], { icon, keyboard: false, bubblingMouseEvents: true })
        .bindTooltip(text(h.who === 'agresor' ? 'Domicilio del agresor' : 'Domicilio de la víctima'), { className: 'map-tooltip' })
        .addTo(g);
    }
  }, [props.homes?.map((h) => `${h.who}${h.lat},${h.lon}`).join(';')]);

  // drawing
  useEffect(() => {
    const g = groups.current.draft;
    if (!g) return;
    g.clearLayers();
    const d = props.draft;
    if (!d) return;
    if (d.shape === 'circle' && d.center) {
      L.circle([d.center.lat, d.center.lon], { radius: d.radius_m || 1, ...DRAFT_STYLE }).addTo(g);
      L.circleMarker([d.center.lat, d.center.lon], { radius: 4, color: '#0f69c4', fillOpacity: 1 }).addTo(g);
    } else if (d.shape === 'polygon' && d.points.length) {
      const pts = d.points.map((p) => [p.lat, p.lon] as [number, number]);
      if (pts.length >= 3) L.polygon(pts, DRAFT_STYLE).addTo(g);
      else L.polyline(pts, DRAFT_STYLE).addTo(g);
      for (const p of pts) L.circleMarker(p, { radius: 5, color: '#0f69c4', fillColor: '#fff', fillOpacity: 1, weight: 2 }).addTo(g);
    }
  }, [props.draft]);

  useEffect(() => {
    const map = mapRef.current;
    const f = props.focus;
    if (!map || !f || !Number.isFinite(f.lat) || !Number.isFinite(f.lon)) return;
    map.setView([f.lat, f.lon], Math.max(map.getZoom(), 14), { animate: false });
  }, [props.focus?.lat, props.focus?.lon]);

  return (
    <figure class={`map-figure mon-map-figure${props.class ? ` ${props.class}` : ''}${props.onMapClick ? ' mon-map-drawing' : ''}`}>
      {/* The container's class never changes: Leaflet adds its own classes to it, and a re-render would drop them. */}
      <div
        ref={el}
        class="map mon-map"
        role="region"
        aria-label={props.label}
        data-testid={props.testId ?? 'monitor-map'}
      />
      <figcaption class="map-caption mon-legend">
        <span class="mon-key">
          <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
            <circle cx="12" cy="12" r="10" fill="#6b2c91" />
          </svg>
          Víctima (círculo)
        </span>
        <span class="mon-key">
          <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
            <rect x="2" y="2" width="20" height="20" rx="2" fill="#1c1c1c" />
          </svg>
          Agresor (cuadrado)
        </span>
        <span class="mon-key">
          <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
            <rect x="2" y="6" width="20" height="12" fill="#b3261e" fill-opacity="0.15" stroke="#b3261e" stroke-dasharray="4 3" stroke-width="2" />
          </svg>
          Zona de exclusión
        </span>
        <span class="mon-caption-text">{props.description}</span>
      </figcaption>
    </figure>
  );
}
