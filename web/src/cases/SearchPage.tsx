// Búsqueda de personas (/casos): RUN, names, birth date, other document, comuna. The linkage index
// tolerates typos; results say how close they are, whether her own institution serves her and in
// how many institutions she appears. When nobody matches, a new attention starts with what was typed.
import { useState } from 'preact/hooks';
import { formatNumber, formatRun } from '../app/format';
import { setQuery, useLocation } from '../app/router';
import { hasPermission, useSession } from '../app/session';
import { DataTable, ErrorAlert, Field, Notice, PageHeader, ResultSummary, useAsync, useForm } from '../app/ui';
import { CasesNav, ComunaField, MatchBadge } from './common';
import { birthDateProblem, getNotifications, searchPersons, WRITE } from './data';

// Address parameter ↔ API parameter.
const PARAMS: [string, string][] = [
  ['run', 'run'],
  ['nombres', 'given_names'],
  ['apellido1', 'surname1'],
  ['apellido2', 'surname2'],
  ['nacimiento', 'birth_date'],
  ['documento', 'other_document'],
  ['comuna', 'comuna_id'],
];

/** The address of the new-record form, prefilled with what was searched. */
function newRecordHref(q: Record<string, string>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) s.set(k, v);
  const qs = s.toString();
  return `/casos/nuevo${qs ? `?${qs}` : ''}`;
}

export default function SearchPage() {
  const { search } = useLocation();
  const { state } = useSession();
  const canWrite = hasPermission(state, WRITE);
  const fromUrl = Object.fromEntries(PARAMS.map(([p, api]) => [api, search.get(p) ?? '']));
  const [draft, setDraft] = useState<Record<string, string>>(fromUrl);
  const { errors, formRef, onSubmit, invalid } = useForm();
  const active = Object.fromEntries(Object.entries(fromUrl).filter(([, v]) => v.trim()));
  const key = JSON.stringify(active);
  const hasQuery = Object.keys(active).length > 0;

  const results = useAsync((signal) => (hasQuery ? searchPersons(active, signal) : Promise.resolve(null)), [key]);
  const notices = useAsync((signal) => getNotifications(signal), []);
  const set = (k: string) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));

  function submit() {
    const local: Record<string, string> = {};
    const any = Object.values(draft).some((v) => v.trim());
    if (!any) local.run = 'Escriba al menos el RUN, un nombre, un apellido o un documento.';
    const b = birthDateProblem(draft.birth_date ?? '');
    if (b) local.birth_date = b;
    if (draft.comuna_id && !/^\d{5}$/.test(draft.comuna_id)) local.comuna_id = 'Elija la comuna de la lista.';
    if (invalid(local, 'Revise los datos de búsqueda.')) return;
    setQuery(Object.fromEntries(PARAMS.map(([p, api]) => [p, (draft[api] ?? '').trim() || null])));
  }

  function clear() {
    setDraft(Object.fromEntries(PARAMS.map(([, a]) => [a, ''])));
    errors.clear();
    setQuery(Object.fromEntries(PARAMS.map(([p]) => [p, null])));
  }

  const list = results.data ?? [];
  const namesOnly = hasQuery && !active.run && !active.other_document && !active.birth_date && !active.comuna_id;
  const fieldError = errors.fields.q ?? null;

  return (
    <section class="cases">
      <CasesNav />
      <PageHeader
        eyebrow="Registro único de casos"
        title="Búsqueda de personas"
        lead="Busque a la mujer (o a otra persona) antes de registrar una atención, para no duplicar su ficha. La búsqueda tolera errores de tipeo."
        actions={
          canWrite && (
            <a class="btn btn-secondary" href={newRecordHref(active)}>
              Registrar nueva atención
            </a>
          )
        }
      />
      {(notices.data ?? []).length > 0 && (
        <Notice kind="warning" title="Avisos a su institución">
          <ul class="plain notice-list">
            {notices.data!.slice(0, 5).map((n) => (
              <li key={n.id}>
                <span class="nowrap">{n.at}</span> — {n.message} {n.person_id !== null && <a href={`/casos/personas/${n.person_id}`}>Ver ficha N° {n.person_id}</a>}
              </li>
            ))}
          </ul>
        </Notice>
      )}
      <ErrorAlert error={errors.general ?? results.error} title={errors.general ? undefined : 'No fue posible buscar'} />
      <form ref={formRef} class="card search-form" role="search" aria-label="Buscar personas" onSubmit={onSubmit(submit)} noValidate>
        <div class="search-grid">
          <Field label="RUN" name="run" value={draft.run} onValue={set('run')} error={errors.fields.run ?? fieldError} hint="Ej.: 12.345.678-5" hintBelow autocomplete="off" autoFocus />
          <Field label="Nombres" name="given_names" value={draft.given_names} onValue={set('given_names')} error={errors.fields.given_names} autocomplete="off" />
          <Field label="Primer apellido" name="surname1" value={draft.surname1} onValue={set('surname1')} error={errors.fields.surname1} autocomplete="off" />
          <Field label="Segundo apellido" name="surname2" value={draft.surname2} onValue={set('surname2')} error={errors.fields.surname2} autocomplete="off" />
          <Field
            label="Fecha de nacimiento"
            name="birth_date"
            value={draft.birth_date}
            onValue={set('birth_date')}
            error={errors.fields.birth_date}
            hint="dd-mm-aaaa, mm-aaaa o solo el año"
            hintBelow
            inputMode="numeric"
            autocomplete="off"
          />
          <Field
            label="Otro documento"
            name="other_document"
            value={draft.other_document}
            onValue={set('other_document')}
            error={errors.fields.other_document}
            hint="Pasaporte o documento extranjero"
            hintBelow
            autocomplete="off"
          />
          <ComunaField name="comuna_id" value={draft.comuna_id ?? ''} onValue={set('comuna_id')} error={errors.fields.comuna_id} hint="Donde vive; ayuda a encontrarla por nombre." />
        </div>
        <p class="hint">
          Para buscar solo por nombre, agregue también el año de nacimiento o la comuna: la búsqueda compara personas del mismo año o
          de la misma comuna. Las personas que su institución no atiende aparecen solo con RUN, documento, o nombres, primer apellido y
          año de nacimiento, y con sus datos mínimos.
        </p>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary">
            Buscar
          </button>
          {hasQuery && (
            <button type="button" class="btn btn-ghost" onClick={clear}>
              Limpiar
            </button>
          )}
        </div>
      </form>

      {hasQuery && (
        <>
          <h2 class="section-title">Resultados</h2>
          <ResultSummary loading={results.loading}>
            {list.length === 1 ? '1 persona encontrada' : `${formatNumber(list.length)} personas encontradas`}
          </ResultSummary>
          {!results.loading && !results.error && list.length === 0 && (
            <div class="card empty-card" data-testid="no-results">
              <p>
                <strong>No se encontró a nadie con esos datos.</strong>
              </p>
              {namesOnly && <p>Agregue el año de nacimiento o la comuna y busque de nuevo: sin ellos la búsqueda por nombre no compara.</p>}
              <p>Si está segura de que es su primera atención en el registro, regístrela como persona nueva con los datos que escribió.</p>
              {canWrite && (
                <a class="btn btn-primary" href={newRecordHref(active)}>
                  Registrar nueva atención
                </a>
              )}
            </div>
          )}
          {(list.length > 0 || results.loading) && (
          <DataTable
            loading={results.loading && !results.data}
            error={results.error}
            count={list.length}
            empty=""
            caption="Personas encontradas"
            columns={['Coincidencia', 'Nombre', 'Nacimiento', 'Comuna', 'Su institución', 'Instituciones']}
            actions
            testId="search-results"
          >
            {list.map((r) => (
              <tr key={r.person_id}>
                <td data-label="Coincidencia">
                  <MatchBadge match={r.match} />
                </td>
                <th scope="row" data-label="Nombre">
                  <a class="cell-main" href={`/casos/personas/${r.person_id}`}>
                    {r.identity.name}
                  </a>
                  <span class="cell-sub">
                    {r.identity.run ? `RUN ${formatRun(r.identity.run)}${r.identity.run_valid === false ? ' (dígito verificador inválido)' : ''}` : r.identity.other_document ? `Documento ${r.identity.other_document}` : r.identity.contact_masked ? 'RUN reservado' : 'Sin RUN registrado'}
                  </span>
                </th>
                <td data-label="Nacimiento">{r.identity.birth_date || 'No registrada'}</td>
                <td data-label="Comuna">{r.comuna ?? '—'}</td>
                <td data-label="Su institución">{r.served_by_my_institution ? <span class="yes">Atendida por su institución</span> : 'No la atiende'}</td>
                <td data-label="Instituciones" class="num">
                  {formatNumber(r.institutions)}
                </td>
                <td class="cell-actions">
                  <a class="btn btn-ghost btn-sm" href={`/casos/personas/${r.person_id}`}>
                    Abrir ficha<span class="visually-hidden"> de {r.identity.name}</span>
                  </a>
                </td>
              </tr>
            ))}
          </DataTable>
          )}
          {list.length > 0 && canWrite && (
            <p class="after-results">
              ¿No es ninguna de estas personas? <a href={newRecordHref(active)}>Registrar nueva atención con los datos buscados</a>.
            </p>
          )}
        </>
      )}
      {!hasQuery && <p class="empty">Escriba el RUN o el nombre y apellido con el año de nacimiento, y presione «Buscar».</p>}
    </section>
  );
}
