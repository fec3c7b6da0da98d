// Public catalogue of the ministry's studies and surveys (/estudios): search that ignores accents
// and case (over title, summary and findings) and filters by theme, kind, year, region and partner,
// all kept in the address so a filtered list can be shared. Each study leads to its page, whose
// address is stable (/estudios/:id). Drafts never appear here.
import { useState } from 'preact/hooks';
import { countOf, useDebounced } from '../app/hooks';
import { useLocation } from '../app/router';
import { hasPermission, useSession } from '../app/session';
import { Badge, ErrorAlert, FilterForm, Loading, EmptyState, PageHeader, QuerySelect, ResultSummary, SearchField, useAsync } from '../app/ui';
import { EDIT, getCatalogue, type Facet, type StudySummary } from './data';
import './studies.css';

const opts = (f: Facet[] | undefined) => (f ?? []).map((x) => ({ value: String(x.id), label: `${x.name} (${x.count})` }));

export default function CataloguePage() {
  const { search } = useLocation();
  const { state } = useSession();
  const [q, setQ] = useState(search.get('q') ?? '');
  const dq = useDebounced(q.trim());
  const filters = {
    q: dq,
    theme: search.get('tema') ?? '',
    kind: search.get('tipo') ?? '',
    year: search.get('anio') ?? '',
    region: search.get('region') ?? '',
    partner: search.get('contraparte') ?? '',
  };
  const list = useAsync((signal) => getCatalogue(filters, signal), Object.values(filters));
  const items = list.data?.items ?? [];
  const facets = list.data?.facets;
  // The studies staff reaches the editor from here too (their nav item leads there directly).
  const editLink = hasPermission(state, EDIT) ? <a class="btn btn-secondary" href="/estudios/gestion">Editar estudios</a> : null;
  const lead =
    'Estudios, encuestas, evaluaciones e informes del Ministerio de la Mujer y la Equidad de Género, con sus principales hallazgos, su metodología, sus contrapartes y sus archivos.';
  return (
    <section class="studies">
      <PageHeader title="Estudios y encuestas" lead={lead} actions={editLink} />
      <FilterForm label="Buscar y filtrar estudios">
        <SearchField value={q} onValue={setQ} hint="Título, resumen o hallazgos; sin importar tildes ni mayúsculas." />
        <QuerySelect label="Tema" name="tema" value={filters.theme} placeholder="Todos" options={opts(facets?.themes)} />
        <QuerySelect label="Tipo" name="tipo" value={filters.kind} placeholder="Todos" options={opts(facets?.kinds)} />
        <QuerySelect label="Año" name="anio" value={filters.year} placeholder="Todos" options={opts(facets?.years)} />
        <QuerySelect label="Región" name="region" value={filters.region} placeholder="Todas"
          options={(list.data?.vocabularies.regions ?? []).map((r) => ({ value: r.id, label: r.name }))} />
        <QuerySelect label="Contraparte" name="contraparte" value={filters.partner} placeholder="Todas" options={opts(facets?.partners)} />
      </FilterForm>
      <ErrorAlert error={list.error} />
      <ResultSummary loading={list.loading}>{countOf(items, 'estudio', 'estudios')}</ResultSummary>
      {list.loading && !list.data ? (
        <Loading />
      ) : items.length === 0 ? (
        !list.error && <EmptyState>No hay estudios que coincidan con la búsqueda y los filtros.</EmptyState>
      ) : (
        <ul class="study-list" data-testid="studies-list">
          {items.map((s) => (
            <StudyCard key={s.id} s={s} />
          ))}
        </ul>
      )}
    </section>
  );
}

function StudyCard({ s }: { s: StudySummary }) {
  const figures = s.findings.filter((f) => f.figure_label).slice(0, 3);
  return (
    <li class="card study-card">
      <p class="study-meta">
        <span>{s.kind.name}</span> · <span>{s.year}</span>
        {s.status.id === 'retirado' && (
          <>
            {' '}
            <Badge tone="warn">Retirado</Badge>
          </>
        )}
        {s.demo && (
          <>
            {' '}
            <Badge tone="purple">Demostración</Badge>
          </>
        )}
      </p>
      <h2>
        <a href={s.link}>{s.title}</a>
      </h2>
      <p class="study-summary">{s.summary}</p>
      {figures.length > 0 && (
        <ul class="figures" aria-label="Cifras destacadas">
          {figures.map((f, i) => (
            <li key={i}>
              <span class="figure">{f.figure_label}</span>
              <span class="figure-text">{f.text}</span>
            </li>
          ))}
        </ul>
      )}
      <p class="study-tags">
        {s.themes.map((t) => (
          <Badge key={t.id} tone="info">
            {t.name}
          </Badge>
        ))}
        <span class="muted small">
          {' '}
          {s.national ? 'Nacional' : s.regions.map((r) => r.name).join(', ')}
          {s.partners.length > 0 && ` · Con ${s.partners.join(', ')}`}
        </span>
      </p>
    </li>
  );
}
