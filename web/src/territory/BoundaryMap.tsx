// An offline map: Leaflet without any tile layer, drawing only the boundary polygons.
// Oceanic islands (Rapa Nui, Juan Fernández, San Félix) are drawn but left out of the initial framing,
// otherwise continental Chile would shrink to a sliver.
import L from 'leaflet';
import type { Feature, Geometry, Position } from 'geojson';
import { useEffect, useRef } from 'preact/hooks';
import type { Boundaries } from './boundaries';

export const BCN_CREDIT = 'Límites: Biblioteca del Congreso Nacional de Chile (BCN)';

interface Props {
  data: Boundaries;
  idProperty: 'region_id' | 'comuna_id';
  selectedId?: string | null;
  onSelect?: (id: string) => void;
  label: string;
  /** Accessible explanation shown to screen readers next to the map. */
  description: string;
  /** Taller frame for the whole country (Chile is long and narrow). */
  tall?: boolean;
  /** Points drawn over the boundaries (the public centres of the network of care). */
  points?: MapPoint[];
}

export interface MapPoint {
  lat: number;
  lon: number;
  label: string;
}

const BASE_STYLE: L.PathOptions = {
  color: '#ffffff',
  weight: 1,
  fillColor: '#8E6BB0',
  fillOpacity: 0.55,
};
const HOVER_STYLE: L.PathOptions = { fillColor: '#6B2C91', fillOpacity: 0.75, weight: 2 };
const SELECTED_STYLE: L.PathOptions = { fillColor: '#0F69C4', fillOpacity: 0.85, weight: 2, color: '#0A132D' };

const CONTINENTAL_MIN_LON = -76;

function ringsOf(geometry: Geometry | null): Position[][] {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates[0] ?? []];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.map((p) => p[0] ?? []);
  if (geometry.type === 'GeometryCollection') return geometry.geometries.flatMap(ringsOf);
  return [];
}

/** Bounds of the continental parts; falls back to everything when a feature is only islands. */
export function framingBounds(features: Feature<Geometry, Record<string, unknown>>[]): L.LatLngBounds | null {
  let continental: L.LatLngBounds | null = null;
  let all: L.LatLngBounds | null = null;
  for (const f of features) {
    for (const ring of ringsOf(f.geometry)) {
      if (ring.length === 0) continue;
      let minLon = Infinity;
      let maxLon = -Infinity;
      let minLat = Infinity;
      let maxLat = -Infinity;
      for (const [lon, lat] of ring) {
        if (lon! < minLon) minLon = lon!;
        if (lon! > maxLon) maxLon = lon!;
        if (lat! < minLat) minLat = lat!;
        if (lat! > maxLat) maxLat = lat!;
      }
      // extend() mutates: each accumulator gets its own bounds object.
      const sw = L.latLng(minLat, minLon);
      const ne = L.latLng(maxLat, maxLon);
      all = all ? all.extend(L.latLngBounds(sw, ne)) : L.latLngBounds(sw, ne);
      if (maxLon > CONTINENTAL_MIN_LON) continental = continental ? continental.extend(L.latLngBounds(sw, ne)) : L.latLngBounds(sw, ne);
    }
  }
  return continental ?? all;
}

function tooltipContent(name: string): HTMLElement {
  // Text node, never HTML: names come from the server.
  const el = document.createElement('span');
  el.textContent = name;
  return el;
}

export function BoundaryMap({ data, idProperty, selectedId, onSelect, label, description, tall, points }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const layersRef = useRef<Map<string, L.Path>>(new Map());
  const selectedRef = useRef<string | null | undefined>(selectedId);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  selectedRef.current = selectedId;

  useEffect(() => {
    if (!el.current) return;
    const map = L.map(el.current, {
      zoomSnap: 0.25,
      zoomDelta: 0.5,
      attributionControl: true,
      scrollWheelZoom: false,
      minZoom: 2,
      maxZoom: 13,
    });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(BCN_CREDIT);
    mapRef.current = map;
    const layers = layersRef.current;
    layers.clear();

    const geo = L.geoJSON(data, {
      style: () => BASE_STYLE,
      onEachFeature: (feature, layer) => {
        const props = (feature.properties ?? {}) as Record<string, unknown>;
        const id = String(props[idProperty] ?? '');
        const name = String(props.name ?? '');
        const path = layer as L.Path;
        layers.set(id, path);
        path.bindTooltip(tooltipContent(name), { sticky: true, direction: 'top', className: 'map-tooltip' });
        path.on('mouseover', () => {
          if (selectedRef.current !== id) path.setStyle(HOVER_STYLE);
        });
        path.on('mouseout', () => {
          path.setStyle(selectedRef.current === id ? { ...BASE_STYLE, ...SELECTED_STYLE } : BASE_STYLE);
        });
        path.on('click', () => onSelectRef.current?.(id));
        path.on('add', () => {
          const node = (path as unknown as { getElement?: () => Element | undefined }).getElement?.();
          if (node) {
            node.setAttribute('data-id', id);
            node.setAttribute('data-name', name);
          }
        });
      },
    }).addTo(map);

    const bounds = framingBounds(data.features) ?? geo.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
    else map.setView([-35.5, -71.5], 4);

    const resize = new ResizeObserver(() => map.invalidateSize());
    resize.observe(el.current);

    return () => {
      resize.disconnect();
      map.remove();
      mapRef.current = null;
    };
  }, [data, idProperty]);

  // Points layer, redrawn when the points change (never a shelter: the server does not publish them).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !points?.length) return;
    const group = L.layerGroup(
      points.map((p) =>
        L.circleMarker([p.lat, p.lon], { radius: 6, color: '#0A132D', weight: 1, fillColor: '#F2A900', fillOpacity: 0.95 }).bindTooltip(tooltipContent(p.label), {
          direction: 'top',
          className: 'map-tooltip',
        }),
      ),
    ).addTo(map);
    return () => {
      group.remove();
    };
  }, [points, data]);

  useEffect(() => {
    for (const [id, path] of layersRef.current) {
      if (id === selectedId) {
        path.setStyle({ ...BASE_STYLE, ...SELECTED_STYLE });
        path.bringToFront();
      } else {
        path.setStyle(BASE_STYLE);
      }
    }
  }, [selectedId, data]);

  const descId = `map-desc-${idProperty}`;
  return (
    <figure class="map-figure">
      <div ref={el} class={`map${tall ? ' map-tall' : ''}`} aria-label={label} aria-describedby={descId} role="region" data-testid="map" />
      <figcaption id={descId} class="map-caption">
        {description}
      </figcaption>
    </figure>
  );
}
