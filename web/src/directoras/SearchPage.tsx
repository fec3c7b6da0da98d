// Companies and headhunters search the Registro de Directoras: free text (accents and small typos in
// names do not matter) and facets with their counts. Every search is traced; a profile opens from
// the search that listed it, so the link carries its number.
import { useState } from 'preact/hooks';
import { formatNumber, plural } from '../app/format';
import { setQuery, useLocation } from '../app/router';
import { Badge, EmptyState, ErrorAlert, Field, FilterForm, Loading, Notice, PageHeader, useAsync } from '../app/ui';
import { boardText, searchProfiles, type FacetTerm, type SearchFilter } from './data';
import './directoras.css';

const FACETS: { key: keyof Omit<SearchFilter, 'q' | 'page'>; label: string; facet: 'industry' | 'specialty' | 'studies' | 'region' | 'board' }[] = [
  { key: 'industry', label: 'Industria', facet: 'industry' },
  { key: 'specialty', label: 'Especialidad', facet: 'specialty' },
  { key: 'studies', label: 'Estudios', facet: 'studies' },
  { key: 'board', label: 'Experiencia en directorios', facet: 'board' },
  { key: 'region', label: 'Región', facet: 'region' },
];

function FacetGroup(props: { label: string; name: string; terms: FacetTerm[]; value: string }) {
  const terms = props.terms.filter((t) => t.count > 0 || t.id === props.value);
  return (
    <fieldset>
      <legend>{props.label}</legend>
      <ul>
        {terms.map((t) => (
          <li key={t.id}>
            <button
              type="button"
              aria-pressed={props.value === t.id}
              data-testid={`facet-${props.name}-${t.id}`}
              onClick={() => setQuery({ [props.name]: props.value === t.id ? null : t.id, page: null })}
            >
              <span>{t.name}</span>
              <span class="count">{formatNumber(t.count)}</span>
            </button>
          </li>
        ))}
        {terms.length === 0 && <li class="muted">Sin resultados.</li>}
      </ul>
    </fieldset>
  );
}

export default function SearchPage() {
  const { search } = useLocation();
  const filter: SearchFilter = {
    industry: search.get('industry') ?? '',
    specialty: search.get('specialty') ?? '',
    studies: search.get('studies') ?? '',
    region: search.get('region') ?? '',
    board: search.get('board') ?? '',
    q: search.get('q') ?? '',
    page: Math.max(1, Number(search.get('page') ?? '1') || 1),
  };
  const [text, setText] = useState(filter.q);
  const key = JSON.stringify(filter);
  const res = useAsync((signal) => searchProfiles(filter, signal), [key]);
  const data = res.data;
  const active = FACETS.filter((f) => filter[f.key]);
  const pages = data ? Math.max(1, Math.ceil(data.total / data.page_size)) : 1;

  return (
    <section class="directoras">
      <PageHeader
        title="Registro de Directoras"
        lead="Mujeres capacitadas y disponibles para directorios. Filtre por industria, especialidad, estudios, región y experiencia; los datos de contacto se muestran solo si ella lo autorizó."
      />
      {data && (
        <Notice kind="info" title="Datos de demostración">
          El registro tiene {plural(data.register.profiles, 'perfil', 'perfiles')}; {formatNumber(data.register.demo)} son perfiles generados para la
          demostración (no son personas reales). Al lanzarse en agosto de 2019 tenía más de {formatNumber(data.register.seed_launch_at_least)} mujeres
          inscritas (Cuenta Pública 2020–2021). Cada búsqueda y cada perfil consultado quedan registrados, y cada mujer ve qué empresas vieron su perfil.
        </Notice>
      )}
      <FilterForm
        label="Buscar candidatas"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: text.trim(), page: null });
        }}
      >
        <Field label="Nombre, profesión o palabra clave" name="q" type="search" value={text} onValue={setText} autocomplete="off" hint="Sin importar tildes ni mayúsculas." hintBelow />
        <button type="submit" class="btn btn-primary">
          Buscar
        </button>
        {(active.length > 0 || filter.q) && (
          <button type="button" class="btn btn-secondary" onClick={() => { setText(''); setQuery({ industry: null, specialty: null, studies: null, region: null, board: null, q: null, page: null }); }}>
            Quitar filtros
          </button>
        )}
      </FilterForm>
      <ErrorAlert error={res.error} />
      <div class="directoras-layout">
        <aside class="directoras-facets card" aria-label="Filtros">
          {data ? FACETS.map((f) => <FacetGroup key={f.key} label={f.label} name={f.key} terms={data.facets[f.facet]} value={filter[f.key]} />) : <Loading />}
        </aside>
        <div>
          <p role="status" data-testid="directoras-total">
            {res.loading ? 'Buscando…' : data ? `${plural(data.total, 'candidata', 'candidatas')}${active.length ? ' con los filtros elegidos' : ''}.` : ''}
          </p>
          {data && data.items.length === 0 && <EmptyState>No hay candidatas con esos filtros. Quite alguno para ampliar la búsqueda.</EmptyState>}
          <ul class="directoras-results" data-testid="directoras-results">
            {data?.items.map((p) => (
              <li key={p.id} class="card directoras-card">
                <h3>
                  <a href={`/directoras/perfil/${p.id}?search=${data.search_id}`}>{p.full_name}</a>
                </h3>
                <div>
                  {p.degree} · {p.studies_name} · {plural(p.experience_years, 'año', 'años')} de experiencia · {p.region}
                </div>
                <div class="muted">
                  {boardText(p)} · Disponibilidad: {p.availability_name.toLowerCase()} · Actualizado el {p.updated}
                </div>
                <div class="tags">
                  {p.industries.map((i) => <Badge key={i.id} tone="info">{i.name}</Badge>)}
                  {p.specialties.map((s) => <Badge key={s.id} tone="purple">{s.name}</Badge>)}
                  {p.stale && <Badge tone="warn" title="No se actualiza hace más de un año">Desactualizado</Badge>}
                  {!p.contactable && <Badge tone="neutral">Sin autorización de contacto</Badge>}
                  {p.demo && <Badge tone="neutral" title="Datos generados para la demostración">Demostración</Badge>}
                </div>
              </li>
            ))}
          </ul>
          {data && pages > 1 && (
            <nav class="directoras-pager" aria-label="Páginas">
              <button type="button" class="btn btn-secondary" disabled={filter.page <= 1} onClick={() => setQuery({ page: String(filter.page - 1) })}>
                Anterior
              </button>
              <span>
                Página {formatNumber(filter.page)} de {formatNumber(pages)}
              </span>
              <button type="button" class="btn btn-secondary" disabled={filter.page >= pages} onClick={() => setQuery({ page: String(filter.page + 1) })}>
                Siguiente
              </button>
            </nav>
          )}
        </div>
      </div>
    </section>
  );
}
