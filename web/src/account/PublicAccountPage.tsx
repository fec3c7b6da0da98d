// The public account for citizens, without a session: the published editions, and one edition to
// read on the web or to download as a printable page (print or save as PDF from the browser).
// A published edition is frozen: what is shown is what was published, with its SHA-256.
import { useEffect, useState } from 'preact/hooks';
import { keepDates, Badge, EmptyState, ErrorAlert, FilterForm, Loading, Notice, PageHeader, ResultSummary, SearchField, useAsync } from '../app/ui';
import { hasPermission, useSession } from '../app/session';
import { DocumentView } from './DocumentView';
import { EDIT, pdfUrl, printUrl, publishedEdition, publishedEditions } from './data';
import { matches, sectionText } from './search';
import './account.css';

function Breadcrumb({ current, list }: { current: string; list?: boolean }) {
  return (
    <nav aria-label="Ruta de navegación" class="breadcrumb">
      <ol>
        <li>
          <a href="/">Portada</a>
        </li>
        {!list && (
          <li>
            <a href="/cuenta-publica">Cuenta Pública Participativa</a>
          </li>
        )}
        <li>
          <span aria-current="page">{current}</span>
        </li>
      </ol>
    </nav>
  );
}

export function EditionList() {
  const { state } = useSession();
  const list = useAsync((signal) => publishedEditions(signal), []);
  return (
    <section class="narrow-wide">
      <Breadcrumb current="Cuenta Pública Participativa" list />
      <PageHeader
        title="Cuenta Pública Participativa"
        lead="El Ministerio da cuenta cada año de su gestión (Ley N° 20.500). Cada edición se compila con los datos de la plataforma: la agenda legislativa, el avance de los instrumentos de política, los canales de orientación y los hitos de las 16 Secretarías Regionales Ministeriales. Al publicarse, sus cifras quedan fijas."
        actions={
          hasPermission(state, EDIT) && (
            <a class="btn btn-secondary" href="/cuenta-publica/editor">
              Editor de la cuenta
            </a>
          )
        }
      />
      <ErrorAlert error={list.error} />
      {list.loading && <Loading />}
      {list.data && list.data.length === 0 && <EmptyState>Aún no hay ediciones publicadas.</EmptyState>}
      <ul class="account-editions">
        {(list.data ?? []).map((e) => (
          <li key={e.id} class="card">
            <h2>
              <a href={`/cuenta-publica/${e.id}`}>{e.title}</a>
            </h2>
            <p class="account-meta">
              <span>Período {e.period}</span>
              <span>Publicada el {keepDates(e.published_on ?? '')}</span>
              {e.demo && <Badge tone="warn">Datos de demostración</Badge>}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function EditionPage({ editionId }: { editionId: string }) {
  const view = useAsync((signal) => publishedEdition(editionId, signal), [editionId]);
  const v = view.data;
  const [query, setQuery] = useState('');
  const found = v && query.trim() ? v.document.sections.filter((s) => matches(sectionText(s), query)).length : null;
  // A link to a section (…/cuenta-publica/3#seremis) lands on it once the edition has loaded.
  useEffect(() => {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (v && id) document.getElementById(id)?.scrollIntoView();
  }, [v]);
  return (
    <section class="narrow-wide">
      <Breadcrumb current={v?.edition.title ?? 'Edición'} />
      {view.loading && <Loading />}
      <ErrorAlert error={view.error} />
      {v && (
        <>
          <PageHeader
            title={v.edition.title}
            eyebrow="Cuenta Pública Participativa"
            lead={
              <span class="account-meta">
                <span>Período {v.edition.period}</span>
                <span>Publicada el {keepDates(v.edition.published_on ?? '')}</span>
                <span>Cifras compiladas el {keepDates(v.document.compiled_on)}</span>
              </span>
            }
            actions={
              <>
                <a class="btn btn-primary" href={pdfUrl(v.edition.id)} download={`cuenta-publica-${v.edition.id}.pdf`} type="application/pdf">
                  Descargar PDF
                </a>{' '}
                <a class="btn btn-secondary" href={printUrl(v.edition.id)} target="_blank" rel="noopener">
                  Versión para imprimir
                </a>
              </>
            }
          />
          {v.edition.demo && (
            <Notice kind="warning" title="Datos de demostración">
              Esta edición se compiló desde los datos de demostración de la plataforma: los hitos regionales son los de la Cuenta Pública
              2020–2021 y las cifras se calculan desde registros de demostración.
            </Notice>
          )}
          <FilterForm label="Buscar en la cuenta pública">
            <SearchField value={query} onValue={setQuery} hint="Busca en los textos, las leyes, los instrumentos y los hitos regionales (sin distinguir tildes)." />
          </FilterForm>
          {found !== null && (
            <ResultSummary loading={false}>
              {found === 0
                ? `Ninguna sección contiene «${query.trim()}».`
                : `${found} ${found === 1 ? 'sección contiene' : 'secciones contienen'} «${query.trim()}»; las coincidencias están marcadas.`}
            </ResultSummary>
          )}
          <DocumentView doc={v.document} query={query} />
          <p class="account-source">
            Documento publicado y fijo. Huella SHA-256: <span class="account-hash">{v.sha256}</span>
          </p>
        </>
      )}
    </section>
  );
}

export default function PublicAccountPage({ editionId }: { editionId?: string }) {
  return editionId ? <EditionPage editionId={editionId} /> : <EditionList />;
}
