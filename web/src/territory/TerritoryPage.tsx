// Territory browser: the 16 regions on a list and a map; a region's provinces and comunas;
// a comuna search; and "¿En qué comuna estoy?" from a latitude and longitude.
import type { ComponentProps } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../app/api';
import { formatNumber, parseDecimal } from '../app/format';
import { navigate, setQuery, useLocation } from '../app/router';
import type { Comuna, Province, Region } from '../app/types';
import { type Async, EmptyState, ErrorAlert, Field, Loading, PageHeader, SelectField, useAsync } from '../app/ui';
import { BoundaryMap } from './BoundaryMap';
import { type Boundaries, getComunaBoundaries, getRegionBoundaries } from './boundaries';
import { getDirectory } from '../care/data';
import { getComunasOfProvince, getProvinces, getRegions, locateComuna, regionLabel, searchComunas } from './data';

/** A boundary map in its card, with its heading, load error and loading state. */
function MapCard({ id, title, boundaries, ...map }: { id: string; title: string; boundaries: Async<Boundaries> } & Omit<ComponentProps<typeof BoundaryMap>, 'data'>) {
  return (
    <section aria-labelledby={id} class="card map-card">
      <h2 id={id}>{title}</h2>
      <ErrorAlert error={boundaries.error} />
      {boundaries.data ? <BoundaryMap data={boundaries.data} {...map} /> : !boundaries.error && <Loading label="Cargando mapa…" />}
    </section>
  );
}

export default function TerritoryPage({ regionId }: { regionId?: string }) {
  const regions = useAsync(() => getRegions(), []);
  const region = regionId ? regions.data?.find((r) => r.id === regionId) : undefined;

  return (
    <div class="territory">
      <nav aria-label="Ruta de navegación" class="breadcrumb">
        <ol>
          <li>
            <a href="/">Portada</a>
          </li>
          <li>{regionId ? <a href="/territorio">Territorio</a> : <span aria-current="page">Territorio</span>}</li>
          {regionId && (
            <li>
              <span aria-current="page">{region ? region.name : regionId}</span>
            </li>
          )}
        </ol>
      </nav>
      <PageHeader
        title={region ? region.name : 'Territorio'}
        eyebrow={region ? `Región · código ${region.id} · ${region.iso_code}` : 'División político-administrativa de Chile'}
        lead={
          region
            ? 'Provincias y comunas de la región, con sus códigos únicos territoriales.'
            : 'Regiones, provincias y comunas con sus códigos únicos territoriales (CUT). Elija una región en la lista o en el mapa.'
        }
      />
      <ErrorAlert error={regions.error} />
      <div class="territory-tools">
        <ComunaSearch regions={regions.data} />
        <Locate regions={regions.data} />
      </div>
      {regions.loading && !regions.data ? (
        <Loading label="Cargando regiones…" />
      ) : regionId ? (
        regions.data && !region ? (
          <ErrorAlert error="La región solicitada no existe." />
        ) : (
          region && <RegionDetail region={region} />
        )
      ) : (
        regions.data && <Country regions={regions.data} />
      )}
    </div>
  );
}

function Country({ regions }: { regions: Region[] }) {
  const boundaries = useAsync(() => getRegionBoundaries(), []);
  return (
    <div class="territory-grid country">
      <section aria-labelledby="regions-title" class="card list-card">
        <h2 id="regions-title">
          Regiones <span class="count">({formatNumber(regions.length)})</span>
        </h2>
        <p class="hint">De norte a sur.</p>
        <ol class="region-list">
          {regions.map((r) => (
            <li key={r.id}>
              <a href={`/territorio/${encodeURIComponent(r.id)}`} data-region={r.id}>
                <span class="region-abbr" aria-hidden="true">
                  {r.abbreviation}
                </span>
                <span class="region-name">{r.name}</span>
                <span class="region-code">
                  <span class="visually-hidden">código </span>
                  {r.id}
                </span>
              </a>
            </li>
          ))}
        </ol>
      </section>
      <MapCard
        id="map-title"
        title="Mapa de regiones"
        boundaries={boundaries}
        idProperty="region_id"
        onSelect={(id) => navigate(`/territorio/${encodeURIComponent(id)}`)}
        tall
        label="Mapa de las regiones de Chile"
        description="Haga clic en una región para ver sus provincias y comunas. La misma información está en la lista de regiones."
      />
    </div>
  );
}

interface ProvinceWithComunas {
  province: Province;
  comunas: Comuna[];
}

function RegionDetail({ region }: { region: Region }) {
  const { search } = useLocation();
  const selected = search.get('comuna');
  const tree = useAsync<ProvinceWithComunas[]>(async () => {
    const provinces = await getProvinces(region.id);
    return Promise.all(provinces.map(async (p) => ({ province: p, comunas: await getComunasOfProvince(p.id) })));
  }, [region.id]);
  const boundaries = useAsync(() => getComunaBoundaries(region.id), [region.id]);
  // The public centres of the network of care (Centros de la Mujer, CAVAS) as points on the map.
  const centres = useAsync((signal) => getDirectory({ region: region.id }, signal), [region.id]);
  const points = useMemo(
    () => (centres.data?.items ?? []).filter((p) => p.lat !== null && p.lon !== null).map((p) => ({ lat: p.lat!, lon: p.lon!, label: `${p.name} · ${p.phone}` })),
    [centres.data],
  );

  const comunaCount = tree.data?.reduce((n, p) => n + p.comunas.length, 0) ?? 0;
  const selectedComuna = useMemo(() => {
    for (const p of tree.data ?? []) {
      const c = p.comunas.find((x) => x.id === selected);
      if (c) return { comuna: c, province: p.province };
    }
    return null;
  }, [tree.data, selected]);

  const select = (id: string | null) => setQuery({ comuna: id });

  // When a comuna is chosen on the map, bring its entry in the list into view.
  useEffect(() => {
    if (!selected) return;
    const el = document.querySelector(`[data-comuna="${CSS.escape(selected)}"]`);
    el?.scrollIntoView({ block: 'nearest' });
  }, [selected, tree.data]);

  return (
    <div class="territory-grid">
      <section aria-labelledby="prov-title" class="card list-card">
        <div class="list-head">
          <h2 id="prov-title">Provincias y comunas</h2>
          <a href="/territorio" class="link-back">
            ← Todas las regiones
          </a>
        </div>
        <ErrorAlert error={tree.error} />
        {tree.loading && !tree.data && <Loading label="Cargando provincias…" />}
        {tree.data && (
          <>
            <p class="summary" aria-live="polite">
              {formatNumber(tree.data.length)} {tree.data.length === 1 ? 'provincia' : 'provincias'} ·{' '}
              {formatNumber(comunaCount)} {comunaCount === 1 ? 'comuna' : 'comunas'}
            </p>
            {selectedComuna && (
              <div class="selected-comuna" role="status">
                <p class="eyebrow">Comuna seleccionada</p>
                <p class="selected-name">{selectedComuna.comuna.name}</p>
                <p class="muted">
                  Código {selectedComuna.comuna.id} · Provincia de {selectedComuna.province.name}
                </p>
                <button type="button" class="btn btn-ghost btn-sm" onClick={() => select(null)}>
                  Quitar selección
                </button>
              </div>
            )}
            <div class="province-list">
              {tree.data.map(({ province, comunas }) => (
                <section key={province.id} class="province" aria-labelledby={`prov-${province.id}`}>
                  <h3 id={`prov-${province.id}`}>
                    Provincia de {province.name} <span class="code">{province.id}</span>
                  </h3>
                  <ul class="comuna-chips">
                    {comunas.map((c) => (
                      <li key={c.id}>
                        <button
                          type="button"
                          class={`chip${c.id === selected ? ' chip-selected' : ''}`}
                          aria-pressed={c.id === selected ? 'true' : 'false'}
                          data-comuna={c.id}
                          onClick={() => select(c.id === selected ? null : c.id)}
                        >
                          {c.name}
                          <span class="visually-hidden">, código {c.id}</span>
                        </button>
                      </li>
                    ))}
                  </ul>
                </section>
              ))}
            </div>
          </>
        )}
      </section>
      <MapCard
        id="cmap-title"
        title="Mapa de comunas"
        boundaries={boundaries}
        idProperty="comuna_id"
        selectedId={selected}
        onSelect={(id) => select(id)}
        label={`Mapa de las comunas de ${region.name}`}
        points={points}
        description={`Haga clic en una comuna para seleccionarla. Las comunas también están en la lista, agrupadas por provincia. Los puntos son los ${points.length} centros de la red de atención de la región (directorio en /red).`}
      />
    </div>
  );
}

function ComunaSearch({ regions }: { regions: Region[] | undefined }) {
  const [q, setQ] = useState('');
  const [region, setRegion] = useState('');
  const [results, setResults] = useState<Comuna[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const term = q.trim();
    if (term.length < 2) {
      setResults(null);
      setError(null);
      return;
    }
    const ctrl = new AbortController();
    const t = window.setTimeout(() => {
      setBusy(true);
      searchComunas(term, region || undefined, 20, ctrl.signal)
        .then((items) => {
          setResults(items);
          setError(null);
        })
        .catch((e) => {
          if (ctrl.signal.aborted) return;
          setError(errorMessage(e));
        })
        .finally(() => {
          if (!ctrl.signal.aborted) setBusy(false);
        });
    }, 200);
    return () => {
      window.clearTimeout(t);
      ctrl.abort();
    };
  }, [q, region]);

  return (
    <section class="card tool-card" aria-labelledby="search-title">
      <h2 id="search-title">Buscar una comuna</h2>
      <form
        role="search"
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <Field
          label="Nombre de la comuna"
          name="q"
          type="search"
          autocomplete="off"
          value={q}
          onValue={setQ}
          describedBy="search-hint"
        />
        <SelectField
          label="Región"
          name="region"
          value={region}
          onValue={setRegion}
          placeholder="Todas las regiones"
          options={(regions ?? []).map((r) => ({ value: r.id, label: r.short_name || r.name }))}
        />
      </form>
      <p class="hint" id="search-hint">
        Escriba al menos 2 letras; no importan las tildes ni las mayúsculas.
      </p>
      <ErrorAlert error={error} />
      <div aria-live="polite" class="search-results" data-testid="comuna-results">
        {busy && !results && <Loading label="Buscando…" />}
        {results &&
          (results.length === 0 ? (
            <EmptyState>No hay comunas que coincidan con «{q.trim()}».</EmptyState>
          ) : (
            <>
              <p class="visually-hidden">{formatNumber(results.length)} resultados.</p>
              <ul class="result-list">
                {results.map((c) => (
                  <li key={c.id}>
                    <a href={`/territorio/${encodeURIComponent(c.region_id)}?comuna=${encodeURIComponent(c.id)}`}>
                      <strong>{c.name}</strong>
                      <span class="muted">
                        {regionLabel(regions, c.region_id)} · {c.id}
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ))}
      </div>
    </section>
  );
}

function Locate({ regions }: { regions: Region[] | undefined }) {
  const [lat, setLat] = useState('');
  const [lon, setLon] = useState('');
  const [errors, setErrors] = useState<{ lat?: string; lon?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Comuna | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  async function locate(latN: number, lonN: number) {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await locateComuna(latN, lonN));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        setError('No encontramos una comuna de Chile en esa posición. Revise la latitud y la longitud.');
      } else if (e instanceof ApiError && e.field && (e.field === 'lat' || e.field === 'lon')) {
        setErrors({ [e.field]: e.message });
        setError(e.message);
      } else {
        setError(errorMessage(e));
      }
    } finally {
      setBusy(false);
    }
  }

  function submit(e: Event) {
    e.preventDefault();
    const latN = parseDecimal(lat);
    const lonN = parseDecimal(lon);
    const errs: { lat?: string; lon?: string } = {};
    if (latN === null || latN < -90 || latN > 90) errs.lat = 'Ingrese una latitud entre -90 y 90, por ejemplo -33,4372.';
    if (lonN === null || lonN < -180 || lonN > 180) errs.lon = 'Ingrese una longitud entre -180 y 180, por ejemplo -70,6506.';
    setErrors(errs);
    if (errs.lat || errs.lon) {
      setResult(null);
      setError('Revise los datos marcados.');
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    void locate(latN!, lonN!);
  }

  function locateMe() {
    if (!('geolocation' in navigator)) {
      setError('Este navegador no permite obtener la ubicación.');
      return;
    }
    setBusy(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const la = Number(pos.coords.latitude.toFixed(5));
        const lo = Number(pos.coords.longitude.toFixed(5));
        setLat(String(la).replace('.', ','));
        setLon(String(lo).replace('.', ','));
        void locate(la, lo);
      },
      () => {
        setBusy(false);
        setError('No fue posible obtener su ubicación. Puede escribir la latitud y la longitud.');
      },
      { timeout: 10000 },
    );
  }

  return (
    <section class="card tool-card" aria-labelledby="locate-title">
      <h2 id="locate-title">¿En qué comuna estoy?</h2>
      <form ref={formRef} class="inline-form" onSubmit={submit} noValidate>
        <Field label="Latitud" name="lat" inputMode="decimal" autocomplete="off" value={lat} onValue={setLat} error={errors.lat} placeholder="-33,4372" />
        <Field label="Longitud" name="lon" inputMode="decimal" autocomplete="off" value={lon} onValue={setLon} error={errors.lon} placeholder="-70,6506" />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Buscar comuna
          </button>
          <button type="button" class="btn btn-ghost" onClick={locateMe} disabled={busy}>
            Usar mi ubicación
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      <div aria-live="polite" data-testid="locate-result">
        {result && (
          <p class="locate-result">
            Está en la comuna de <strong>{result.name}</strong> ({regionLabel(regions, result.region_id)}).{' '}
            <a href={`/territorio/${encodeURIComponent(result.region_id)}?comuna=${encodeURIComponent(result.id)}`}>Ver en el mapa</a>
          </p>
        )}
      </div>
    </section>
  );
}
