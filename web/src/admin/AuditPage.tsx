// Audit browser: the append-only log, filtered, paged backwards by sequence, with chain verification.
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { formatDate, formatDateTime, formatNumber, parseDateInput } from '../app/format';
import { OUTCOME_LABELS } from '../app/labels';
import { setQuery, useLocation } from '../app/router';
import type { AuditAction, AuditEntry, AuditVerify } from '../app/types';
import { Badge, DataTable, DateField, ErrorAlert, Field, FilterForm, Notice, PageHeader, ResultSummary, SelectField, useAsync } from '../app/ui';
import { getAuditActions, getAuditPage, verifyAudit } from './data';

const PAGE = 50;

interface Filters {
  actor: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
}

/** Filters as the API takes them (dates YYYY-MM-DD), read from the address bar. */
function filtersFrom(search: URLSearchParams): Filters {
  const date = (v: string | null) => (v && parseDateInput(v)) || '';
  return {
    actor: search.get('actor') ?? '',
    action: search.get('accion') ?? '',
    outcome: search.get('resultado') ?? '',
    from: date(search.get('desde')),
    to: date(search.get('hasta')),
  };
}

/** The same filters as a person types them (dates dd-mm-aaaa). */
function draftOf(f: Filters): Filters {
  return { ...f, from: f.from ? formatDate(f.from) : '', to: f.to ? formatDate(f.to) : '' };
}

/** The Spanish name with the code beneath; a code the server does not name is shown as such, marked. */
function ActionName({ entry }: { entry: AuditEntry }) {
  if (entry.action_es)
    return (
      <>
        <span class="cell-main">{entry.action_es}</span>
        <code class="cell-sub">{entry.action}</code>
      </>
    );
  return (
    <>
      <span class="cell-main">
        <code>{entry.action || '(sin código)'}</code>
      </span>
      <span class="cell-sub">
        <Badge tone="warn">Acción sin nombre</Badge>
      </span>
    </>
  );
}

/** The action filter: every named action, grouped by module; a code from the address bar that the list does not name stays selectable. */
function ActionSelect(props: { actions: AuditAction[]; value: string; onValue: (v: string) => void }) {
  const unknown = props.value && !props.actions.some((a) => a.code === props.value);
  const options = [
    ...(unknown ? [{ value: props.value, label: `Código: ${props.value}` }] : []),
    ...props.actions.map((a) => ({ value: a.code, label: a.label, group: a.group })),
  ];
  return <SelectField label="Acción" name="action" value={props.value} onValue={props.onValue} placeholder="Todas" options={options} />;
}

function outcomeTone(o: AuditEntry['outcome']) {
  return o === 'ok' ? 'ok' : o === 'denied' ? 'warn' : 'danger';
}

export default function AuditPage() {
  const { search } = useLocation();
  const applied = filtersFrom(search);
  const appliedKey = JSON.stringify(applied);
  const [draft, setDraft] = useState<Filters>(() => draftOf(applied));
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [verify, setVerify] = useState<AuditVerify | null>(null);
  const [verifyError, setVerifyError] = useState<string | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [dateError, setDateError] = useState<{ from?: string; to?: string }>({});
  const reqId = useRef(0);
  // The names of the actions come from the server's catalogue; without it the filter falls back to
  // typing a code, and the table still has each entry's own action_es.
  const actions = useAsync(() => getAuditActions(), []);

  async function load(before: number | null) {
    const id = ++reqId.current;
    setLoading(true);
    setError(null);
    try {
      const page = await getAuditPage({ ...applied, limit: PAGE, before: before ?? undefined });
      if (id !== reqId.current) return;
      setItems((prev) => (before === null ? page.items : [...prev, ...page.items]));
      setNextBefore(page.next_before);
    } catch (e) {
      if (id !== reqId.current) return;
      setError(errorMessage(e));
    } finally {
      if (id === reqId.current) setLoading(false);
    }
  }

  useEffect(() => {
    setDraft(draftOf(applied));
    void load(null);
  }, [appliedKey]);

  function apply(e: Event) {
    e.preventDefault();
    const errs: { from?: string; to?: string } = {};
    const from = draft.from.trim() ? parseDateInput(draft.from) : '';
    const to = draft.to.trim() ? parseDateInput(draft.to) : '';
    const badDate = 'Escriba la fecha como dd-mm-aaaa, por ejemplo 24-11-2026.';
    if (from === null) errs.from = badDate;
    if (to === null) errs.to = badDate;
    if (from && to && from > to) errs.to = 'La fecha final debe ser igual o posterior a la inicial.';
    setDateError(errs);
    if (errs.from || errs.to) return;
    setQuery({
      actor: draft.actor.trim(),
      accion: draft.action.trim(),
      resultado: draft.outcome,
      desde: from,
      hasta: to,
    });
  }

  function clear() {
    setDraft({ actor: '', action: '', outcome: '', from: '', to: '' });
    setDateError({});
    setQuery({ actor: null, accion: null, resultado: null, desde: null, hasta: null });
  }

  async function runVerify() {
    setVerifying(true);
    setVerifyError(null);
    setVerify(null);
    try {
      setVerify(await verifyAudit());
    } catch (e) {
      setVerifyError(errorMessage(e));
    } finally {
      setVerifying(false);
    }
  }

  const set = (k: keyof Filters) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const dateField = (name: 'from' | 'to', label: string) => (
    <DateField label={label} name={name} value={draft[name]} onValue={set(name)} error={dateError[name]} />
  );

  return (
    <section>
      <PageHeader
        eyebrow="Administración"
        title="Auditoría"
        lead="Registro inalterable de las acciones en Equidad. Cada registro se encadena con el anterior mediante un hash, de modo que cualquier alteración se detecta."
        actions={
          <button type="button" class="btn btn-secondary" onClick={runVerify} disabled={verifying}>
            {verifying ? 'Verificando…' : 'Verificar integridad'}
          </button>
        }
      />
      <div aria-live="polite">
        {verify && verify.ok && (
          <Notice kind="success" title="La cadena de auditoría está íntegra.">
            Se verificaron {formatNumber(verify.count)} registros.
          </Notice>
        )}
      </div>
      {verify && !verify.ok && (
        <div class="alert alert-error" role="alert">
          <strong class="alert-title">La cadena de auditoría está rota.</strong>
          <span>El primer registro alterado es el N° {formatNumber(verify.first_broken_seq)}. Informe de inmediato a seguridad de la información.</span>
        </div>
      )}
      <ErrorAlert error={verifyError} />

      <FilterForm label="Filtrar auditoría" onSubmit={apply}>
        <Field label="Persona" name="actor" hintBelow value={draft.actor} onValue={set('actor')} hint="Nombre, correo o ID." autocomplete="off" />
        {actions.data ? (
          <ActionSelect actions={actions.data} value={draft.action} onValue={set('action')} />
        ) : (
          <Field label="Acción" name="action" hintBelow value={draft.action} onValue={set('action')} hint="Código, ej.: user.create" autocomplete="off" />
        )}
        <SelectField
          label="Resultado"
          name="outcome"
          value={draft.outcome}
          onValue={set('outcome')}
          placeholder="Todos"
          options={Object.entries(OUTCOME_LABELS).map(([value, label]) => ({ value, label }))}
        />
        {dateField('from', 'Desde')}
        {dateField('to', 'Hasta')}
        <div class="filter-actions filter-actions-row">
          <button type="submit" class="btn btn-primary">
            Filtrar
          </button>
          <button type="button" class="btn btn-ghost" onClick={clear}>
            Limpiar
          </button>
        </div>
      </FilterForm>

      <ErrorAlert error={error} />
      <ResultSummary loading={loading && items.length === 0}>
        {`${formatNumber(items.length)} ${items.length === 1 ? 'registro' : 'registros'}${nextBefore !== null ? ' (hay más)' : ''}`}
      </ResultSummary>
      <DataTable
        loading={loading && items.length === 0}
        error={error}
        count={items.length}
        empty="No hay registros que coincidan con los filtros."
        caption="Registros de auditoría, del más reciente al más antiguo"
        columns={['N°', 'Fecha y hora', 'Persona', 'Acción', 'Objeto', 'IP', 'Resultado', 'Hash']}
        class="audit-table"
        testId="audit-table"
      >
        {items.map((a) => {
          return (
            <tr key={a.seq}>
              <td data-label="N°" class="num">
                {a.seq}
              </td>
              <td data-label="Fecha y hora" class="nowrap">
                {formatDateTime(a.at, true)}
              </td>
              <td data-label="Persona">
                {a.actor ? <span class="cell-main">{a.actor.name}</span> : <span class="muted">Anónimo / sistema</span>}
                {a.institution && <span class="cell-sub">{a.institution.name}</span>}
              </td>
              <td data-label="Acción">
                <ActionName entry={a} />
              </td>
              <td data-label="Objeto">{a.object ? <code>{a.object}</code> : '—'}</td>
              <td data-label="IP">{a.client_ip ? <code>{a.client_ip}</code> : '—'}</td>
              <td data-label="Resultado">
                <Badge tone={outcomeTone(a.outcome)}>{OUTCOME_LABELS[a.outcome] ?? a.outcome}</Badge>
              </td>
              <td data-label="Hash">
                <code class="hash" title={a.hash}>
                  {a.hash.slice(0, 12)}…
                </code>
              </td>
            </tr>
          );
        })}
      </DataTable>
      {nextBefore !== null && items.length > 0 && (
        <p class="center">
          <button type="button" class="btn btn-secondary" onClick={() => load(nextBefore)} disabled={loading}>
            {loading ? 'Cargando…' : 'Cargar registros anteriores'}
          </button>
        </p>
      )}
      <p class="muted small">Horas de Chile continental (America/Santiago).</p>
    </section>
  );
}
