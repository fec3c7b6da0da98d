// The enrolment map of «Mascarilla 19»: offline like the territory map (Leaflet, no tiles, BCN
// boundaries from the server). The country: regions shaded by enrolled pharmacies (a choropleth in
// five classes). One region: its comunas, with a circle on each comuna's centroid whose AREA is its
// count of enrolled pharmacies; a comuna with pharmacies but no activation in the year is drawn in
// orange with a dashed ring («sin activaciones»: the scheme is not known there, outreach is missing).
// The same figures are in the tables below the map (the map is never the only way to read them).
import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import { formatNumber } from '../app/format';
import { BCN_CREDIT, framingBounds } from '../territory/BoundaryMap';
import type { Boundaries } from '../territory/boundaries';
import { circleRadius, classOf, featureCentroid, type TerritoryCount } from './data';

// Sequential purple, light to dark (the house's map colour); grey: no pharmacy enrolled.
export const CLASS_COLOURS = ['#E8DDF1', '#C7AEDD', '#A47FC5', '#7E51A8', '#5A2A82'];
const NONE = '#EEF0F3';
const MISSING = '#D9480F';

function tip(text: string): HTMLElement {
  const el = document.createElement('span');
  el.textContent = text; // names come from the server: text, never HTML
  return el;
}

const countText = (t: TerritoryCount | undefined, name: string) =>
  `${name}: ${formatNumber(t?.enrolled ?? 0)} farmacias inscritas, ${formatNumber(t?.activations ?? 0)} activaciones` +
  (t?.outreach_missing ? ' (sin activaciones: falta difusión)' : '');

interface Props {
  boundaries: Boundaries;
  /** Region codes → counts (country view) or comuna codes → counts (region view). */
  counts: Map<string, TerritoryCount>;
  level: 'region' | 'comuna';
  /** Class limits of the choropleth (country view). */
  limits?: number[];
  onSelect?: (code: string) => void;
  label: string;
  description: string;
}

export function EnrolmentMap({ boundaries, counts, level, limits = [], onSelect, label, description }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;

  useEffect(() => {
    if (!el.current) return;
    const map = L.map(el.current, { zoomSnap: 0.25, zoomDelta: 0.5, scrollWheelZoom: false, minZoom: 2, maxZoom: 13 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(BCN_CREDIT);
    const idProperty = level === 'region' ? 'region_id' : 'comuna_id';
    const largest = Math.max(0, ...[...counts.values()].map((c) => c.enrolled));
    const circles: L.Layer[] = [];
    const geo = L.geoJSON(boundaries, {
      style: (f) => {
        const id = String(f?.properties?.[idProperty] ?? '');
        const t = counts.get(id);
        if (level === 'comuna') return { color: '#ffffff', weight: 1, fillColor: t?.enrolled ? '#D8CCE6' : NONE, fillOpacity: 0.9 };
        const k = t?.enrolled ? classOf(t.enrolled, limits) : -1;
        return {
          color: t?.outreach_missing ? MISSING : '#ffffff',
          weight: t?.outreach_missing ? 2.5 : 1,
          dashArray: t?.outreach_missing ? '5 4' : undefined,
          fillColor: k < 0 ? NONE : CLASS_COLOURS[k],
          fillOpacity: 0.9,
        };
      },
      onEachFeature: (f, layer) => {
        const id = String(f.properties?.[idProperty] ?? '');
        const name = String(f.properties?.name ?? id);
        const t = counts.get(id);
        layer.bindTooltip(tip(countText(t, name)), { sticky: true, direction: 'top', className: 'map-tooltip' });
        layer.on('click', () => onSelectRef.current?.(id));
        layer.on('add', () => {
          const node = (layer as unknown as { getElement?: () => Element | undefined }).getElement?.();
          node?.setAttribute('data-id', id);
          node?.setAttribute('data-enrolled', String(t?.enrolled ?? 0));
        });
        if (level === 'comuna' && t?.enrolled) {
          const c = featureCentroid(f.geometry);
          if (!c) return;
          const missing = t.outreach_missing;
          const circle = L.circleMarker([c.lat, c.lon], {
            radius: circleRadius(t.enrolled, largest),
            color: missing ? MISSING : '#3B1A5A',
            weight: missing ? 2.5 : 1,
            dashArray: missing ? '4 3' : undefined,
            fillColor: missing ? '#F59F00' : '#6B2C91',
            fillOpacity: 0.75,
          }).bindTooltip(tip(countText(t, name)), { direction: 'top', className: 'map-tooltip' });
          circle.on('add', () => {
            const node = circle.getElement();
            node?.setAttribute('data-circle', id);
            node?.setAttribute('data-missing', String(missing));
          });
          circles.push(circle);
        }
      },
    }).addTo(map);
    const group = L.layerGroup(circles).addTo(map);
    const bounds = framingBounds(boundaries.features) ?? geo.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
    else map.setView([-35.5, -71.5], 4);
    const resize = new ResizeObserver(() => map.invalidateSize());
    resize.observe(el.current);
    return () => {
      resize.disconnect();
      group.remove();
      map.remove();
    };
  }, [boundaries, counts, level, limits]);

  return (
    <figure class="map-figure pharmacy-map-figure">
      <div ref={el} class={`map${level === 'region' ? ' map-tall' : ''}`} aria-label={label} aria-describedby="pharmacy-map-desc" role="region" data-testid="enrolment-map" data-level={level} />
      <figcaption id="pharmacy-map-desc" class="map-caption">
        {description}
      </figcaption>
    </figure>
  );
}
