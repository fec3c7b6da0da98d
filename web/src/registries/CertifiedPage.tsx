// Public list of certified organisations: NCh3262 certifications, the Sello Iguala-Conciliación and
// IPG Chile adherents (and those in the process of signing), with filters by program, status and
// text; the seed's figures beside the counts computed from the records. A record opens with its
// status history; the ministry (registries.manage) records organisations and status changes, sees the
// expiry alerts (90 and 30 days before a certification in force expires, and once it has) and
// records a renewal (new dates) from the record.
import { useState } from 'preact/hooks';
import { formatNumber } from '../app/format';
import { countOf, useDebounced } from '../app/hooks';
import { useLocation } from '../app/router';
import { hasPermission, useSession } from '../app/session';
import {
  Badge,
  DataTable,
  Dialog,
  ErrorAlert,
  Field,
  FilterForm,
  FormActions,
  Notice,
  PageHeader,
  QuerySelect,
  ResultSummary,
  RowButton,
  SearchField,
  SelectField,
  useAsync,
  useForm,
} from '../app/ui';
import {
  MANAGE,
  changeStatus,
  createCertification,
  getCertification,
  getCertAlerts,
  getCertifications,
  getVocabularies,
  options,
  renewCertification,
  type CertificationList,
  type Vocabularies,
} from './data';
import './registries.css';

const PAGE = 50;

const TONE: Record<string, 'ok' | 'warn' | 'danger' | 'info' | 'neutral'> = {
  certificada: 'ok',
  otorgado: 'ok',
  adherida: 'ok',
  en_proceso: 'info',
  en_proceso_firma: 'info',
  suspendida: 'warn',
  vencida: 'danger',
  retirada: 'neutral',
};

export default function CertifiedPage() {
  const { search } = useLocation();
  const { state } = useSession();
  const canManage = hasPermission(state, MANAGE);
  const program = search.get('programa') ?? '';
  const status = search.get('estado') ?? '';
  const [q, setQ] = useState(search.get('q') ?? '');
  const dq = useDebounced(q.trim());
  const [reload, setReload] = useState(0);
  const [open, setOpen] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  // A long list shows its first page; the rest on request (the filters narrow it first).
  const [shown, setShown] = useState(PAGE);
  const vocab = useAsync((_signal) => getVocabularies(), []);
  const list = useAsync((signal) => getCertifications({ program, status, q: dq }, signal), [program, status, dq, reload]);
  const items = list.data?.items ?? [];
  const statusOptions = program
    ? options(vocab.data?.statuses[program] ?? [])
    : Object.values(vocab.data?.statuses ?? {})
        .flat()
        .filter((o, i, all) => all.findIndex((x) => x.id === o.id) === i)
        .map((o) => ({ value: o.id, label: o.name }));

  return (
    <section class="registries">
      <PageHeader
        title="Organizaciones certificadas"
        lead="Organizaciones certificadas en la Norma Chilena NCh3262 (igualdad de género y conciliación de la vida laboral, familiar y personal), con el Sello Iguala-Conciliación, y adherentes de la Iniciativa Paridad de Género (IPG Chile). El texto de la norma es del INN y no se publica aquí."
        actions={
          canManage && (
            <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
              Registrar organización
            </button>
          )
        }
      />
      {canManage && <CertAlertsPanel reload={reload} onOpen={setOpen} />}
      {list.data && <SeedPanel data={list.data} />}
      <FilterForm label="Filtrar organizaciones certificadas">
        <SearchField value={q} onValue={setQ} hint="Nombre o RUT de la organización." />
        <QuerySelect label="Programa" name="programa" value={program} placeholder="Todos" options={options(vocab.data?.programs ?? [])} />
        <QuerySelect label="Estado" name="estado" value={status} placeholder="Todos" options={statusOptions} />
      </FilterForm>
      <ErrorAlert error={list.error} />
      <ResultSummary loading={list.loading}>{countOf(items, 'registro', 'registros')}</ResultSummary>
      <DataTable
        loading={list.loading && !list.data}
        error={list.error}
        count={items.length}
        empty="No hay organizaciones que coincidan con los filtros."
        caption="Organizaciones certificadas y adherentes"
        columns={['Organización', 'Programa', 'Estado', 'Edición y certificadora', 'Vigencia']}
        actions
        testId="certifications-table"
      >
        {items.slice(0, shown).map((c) => (
          <tr key={c.id}>
            <th scope="row" data-label="Organización">
              <span class="cell-main">{c.organisation.name}</span>
              <span class="cell-sub nowrap">
                RUT {c.organisation.rut}
                {c.demo && (
                  <>
                    {' '}
                    <Badge tone="purple">Demostración</Badge>
                  </>
                )}
              </span>
            </th>
            <td data-label="Programa">{c.program_name}</td>
            <td data-label="Estado">
              <Badge tone={TONE[c.status] ?? 'neutral'}>{c.status_name}</Badge>
            </td>
            <td data-label="Edición y certificadora">
              {c.edition && <span class="cell-main">{c.edition}</span>}
              {c.program === 'nch3262' && <span class="cell-sub">{c.certifier}</span>}
            </td>
            <td data-label="Vigencia" class="nowrap">
              {c.issued_on.value || c.expires_on.value ? `${c.issued_on.label} – ${c.expires_on.label}` : <span class="muted">sin información</span>}
            </td>
            <td>
              <RowButton label="Historial" detail={`de ${c.organisation.name}`} onClick={() => setOpen(c.id)} />
            </td>
          </tr>
        ))}
      </DataTable>
      {items.length > shown && (
        <p>
          <button type="button" class="btn btn-secondary" onClick={() => setShown((n) => n + PAGE)}>
            Mostrar {Math.min(PAGE, items.length - shown)} más (de {items.length - shown} restantes)
          </button>
        </p>
      )}
      {open !== null && vocab.data && (
        <HistoryDialog id={open} vocab={vocab.data} onClose={() => setOpen(null)} onChanged={() => setReload((n) => n + 1)} />
      )}
      {creating && vocab.data && (
        <NewDialog vocab={vocab.data} onClose={() => setCreating(false)} onDone={() => (setCreating(false), setReload((n) => n + 1))} />
      )}
    </section>
  );
}

/** The ministry's expiry alerts: certifications in force near or past their expiry. */
function CertAlertsPanel(props: { reload: number; onOpen: (id: number) => void }) {
  const alerts = useAsync((signal) => getCertAlerts(signal), [props.reload]);
  const items = alerts.data ?? [];
  if (alerts.error) return <ErrorAlert error={alerts.error} title="No fue posible cargar las alertas de vencimiento" />;
  if (!items.length) return null;
  return (
    <section class="card alerts-panel" aria-labelledby="cert-alerts-title" data-testid="cert-alerts">
      <h2 id="cert-alerts-title">Certificaciones por vencer o vencidas ({formatNumber(items.length)})</h2>
      <ul>
        {items.map((x) => (
          <li key={x.id}>
            <Badge tone={x.kind === 'vence_90' ? 'warn' : 'danger'}>{x.kind_name}</Badge> {x.message}{' '}
            <RowButton label="Ver registro" detail={`de ${x.organisation}`} onClick={() => props.onOpen(x.certification_id)} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function SeedPanel({ data }: { data: CertificationList }) {
  const rows: [string, number, number][] = [
    ['IPG Chile: empresas adheridas', data.computed.ipg_adhered, data.seed.ipg_adhered],
    ['IPG Chile: en proceso de firma', data.computed.ipg_in_process, data.seed.ipg_in_process],
    ['NCh3262: organizaciones certificadas', data.computed.nch3262_certified, data.seed.nch3262_certified],
  ];
  return (
    <section class="card seed-panel" aria-labelledby="seed-title" data-testid="seed-panel">
      <h2 id="seed-title">En cifras</h2>
      <div class="seed-grid">
        {rows.map(([label, computed, seed]) => (
          <div key={label} class="seed-figure">
            <span class="seed-value">{formatNumber(computed)}</span>
            <span class="seed-label">{label}</span>
            <span class="muted small">Cuenta pública: {formatNumber(seed)}</span>
          </div>
        ))}
      </div>
      <p class="muted small">
        Contado desde los registros. Fuente de las cifras de referencia: {data.seed.source} ({data.seed.quotes.join(' ')}). Los registros marcados
        «Demostración» son datos generados para la demostración.
      </p>
    </section>
  );
}

function HistoryDialog(props: { id: number; vocab: Vocabularies; onClose: () => void; onChanged: () => void }) {
  const [reload, setReload] = useState(0);
  const d = useAsync((signal) => getCertification(props.id, signal), [props.id, reload]);
  const [status, setStatus] = useState('');
  const [note, setNote] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  const c = d.data;

  function submit() {
    if (invalid(status ? {} : { status: 'Elija el nuevo estado.' }, 'Revise los datos marcados.')) return;
    void send(async () => {
      await changeStatus(props.id, status, note.trim());
      setDone('Se registró el cambio de estado.');
      setStatus('');
      setNote('');
      setReload((n) => n + 1);
      props.onChanged();
    });
  }

  return (
    <Dialog title={c ? c.organisation.name : 'Historial'} open onClose={props.onClose} wide>
      <ErrorAlert error={d.error} />
      {c && (
        <div class="stack">
          <p>
            {c.program_name} · <Badge tone={TONE[c.status] ?? 'neutral'}>{c.status_name}</Badge>
            {c.edition && <> · {c.edition}</>}
          </p>
          <dl class="facts">
            <dt>RUT</dt>
            <dd>{c.organisation.rut}</dd>
            {c.program === 'nch3262' && (
              <>
                <dt>Certificadora</dt>
                <dd>{c.certifier}</dd>
                <dt>Alcance</dt>
                <dd>{c.scope}</dd>
              </>
            )}
            <dt>Emisión</dt>
            <dd>{c.issued_on.label}</dd>
            <dt>Vencimiento</dt>
            <dd>{c.expires_on.label}</dd>
          </dl>
          <h3>Historial de estados</h3>
          <ol class="history" data-testid="status-history">
            {c.history.map((h, i) => (
              <li key={i}>
                <span class="nowrap">{h.at}</span> · <strong>{h.status_name}</strong>
                {h.by && <span class="muted"> · {h.by}</span>}
                {h.note && <div class="muted small">{h.note}</div>}
              </li>
            ))}
          </ol>
          {c.alerts && c.alerts.length > 0 && (
            <>
              <h3>Alertas de vencimiento</h3>
              <ul class="plain" data-testid="cert-record-alerts">
                {c.alerts.map((x) => (
                  <li key={x.id}>
                    <Badge tone={x.expires_on.value !== c.expires_on.value ? 'neutral' : x.kind === 'vence_90' ? 'warn' : 'danger'}>{x.kind_name}</Badge>{' '}
                    <span class="muted small">
                      ({x.raised_at}, {x.expires_on.value !== c.expires_on.value ? 'vencimiento anterior' : 'vencimiento'} {x.expires_on.label})
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {c.editable && c.program !== 'ipg' && (
            <RenewForm id={c.id} onDone={() => (setReload((n) => n + 1), props.onChanged())} />
          )}
          {c.editable && (
            <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack card inner">
              <h3>Cambiar estado</h3>
              {done && <Notice kind="success">{done}</Notice>}
              <ErrorAlert error={errors.general} title="No fue posible cambiar el estado" />
              <div class="field-row">
                <SelectField
                  label="Nuevo estado"
                  name="status"
                  value={status}
                  onValue={setStatus}
                  options={options((props.vocab.statuses[c.program] ?? []).filter((o) => o.id !== c.status))}
                  placeholder="Elija"
                  error={errors.fields.status}
                  required
                />
                <Field label="Nota" name="note" value={note} onValue={setNote} error={errors.fields.note} hint="Motivo o referencia (opcional)." hintBelow maxLength={500} />
              </div>
              <FormActions label="Registrar cambio" busy={busy} onCancel={props.onClose} cancelLabel="Cerrar" />
            </form>
          )}
        </div>
      )}
    </Dialog>
  );
}

function NewDialog(props: { vocab: Vocabularies; onClose: () => void; onDone: () => void }) {
  const [f, setF] = useState<Record<string, string>>({ organisation_name: '', rut: '', program: 'nch3262', status: '', edition: 'NCh3262:2021', certifier: '', scope: '', issued_on: '', expires_on: '', note: '' });
  const set = (k: string) => (v: string) => setF((x) => ({ ...x, [k]: v, ...(k === 'program' ? { status: '' } : {}) }));
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  const nch = f.program === 'nch3262';

  function submit() {
    const local: Record<string, string> = {};
    if (!f.organisation_name.trim()) local.organisation_name = 'Ingrese el nombre de la organización.';
    if (!f.rut.trim()) local.rut = 'Ingrese el RUT de la organización.';
    if (!f.status) local.status = 'Elija el estado.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    const body: Record<string, string> = { organisation_name: f.organisation_name, rut: f.rut, program: f.program, status: f.status, note: f.note };
    if (nch) Object.assign(body, { edition: f.edition, certifier: f.certifier, scope: f.scope });
    Object.assign(body, { issued_on: f.issued_on, expires_on: f.expires_on });
    void send(async () => {
      await createCertification(body);
      props.onDone();
    });
  }

  return (
    <Dialog title="Registrar organización" open onClose={props.onClose} wide>
      <ErrorAlert error={errors.general} title="No fue posible registrar la organización" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <div class="field-row">
          <Field label="Organización" name="organisation_name" value={f.organisation_name} onValue={set('organisation_name')} error={errors.fields.organisation_name} required autoFocus maxLength={200} />
          <Field label="RUT" name="rut" value={f.rut} onValue={set('rut')} error={errors.fields.rut} hint="Ejemplo: 76.123.456-7" hintBelow required autocomplete="off" />
        </div>
        <div class="field-row">
          <SelectField label="Programa" name="program" value={f.program} onValue={set('program')} options={options(props.vocab.programs)} error={errors.fields.program} required />
          <SelectField label="Estado" name="status" value={f.status} onValue={set('status')} options={options(props.vocab.statuses[f.program] ?? [])} placeholder="Elija" error={errors.fields.status} required />
        </div>
        {nch && (
          <>
            <div class="field-row">
              <SelectField label="Edición de la norma" name="edition" value={f.edition} onValue={set('edition')} options={props.vocab.editions.map((e) => ({ value: e, label: e }))} error={errors.fields.edition} required />
              <Field label="Organismo certificador" name="certifier" value={f.certifier} onValue={set('certifier')} error={errors.fields.certifier} maxLength={200} />
            </div>
            <Field label="Alcance" name="scope" value={f.scope} onValue={set('scope')} error={errors.fields.scope} hint="Sedes, áreas o procesos certificados." hintBelow maxLength={1000} />
          </>
        )}
        <div class="field-row">
          <Field label="Fecha de emisión" name="issued_on" value={f.issued_on} onValue={set('issued_on')} error={errors.fields.issued_on} hint="dd-mm-aaaa, mm-aaaa o aaaa; vacío si no se sabe." hintBelow autocomplete="off" />
          <Field label="Fecha de vencimiento" name="expires_on" value={f.expires_on} onValue={set('expires_on')} error={errors.fields.expires_on} hint="dd-mm-aaaa, mm-aaaa o aaaa; vacío si no se sabe." hintBelow autocomplete="off" />
        </div>
        <Field label="Nota" name="note" value={f.note} onValue={set('note')} error={errors.fields.note} hint="Queda en el historial (opcional)." hintBelow maxLength={500} />
        <FormActions label="Registrar" busy={busy} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}


/** A renewal: the certification's new issue and expiry dates, kept in its history (IPG has no term). */
function RenewForm(props: { id: number; onDone: () => void }) {
  const [f, setF] = useState({ issued_on: '', expires_on: '', note: '' });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const [done, setDone] = useState<string | null>(null);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  function submit() {
    setDone(null);
    if (invalid(f.expires_on.trim() ? {} : { expires_on: 'Ingrese el nuevo vencimiento.' }, 'Revise los datos marcados.')) return;
    void send(async () => {
      await renewCertification(props.id, { issued_on: f.issued_on.trim(), expires_on: f.expires_on.trim(), note: f.note.trim() });
      setDone('Se registró la renovación.');
      setF({ issued_on: '', expires_on: '', note: '' });
      props.onDone();
    });
  }

  return (
    <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack card inner">
      <h3>Registrar renovación</h3>
      {done && <Notice kind="success">{done}</Notice>}
      <ErrorAlert error={errors.general} title="No fue posible registrar la renovación" />
      <div class="field-row">
        <Field label="Nueva emisión" name="issued_on" value={f.issued_on} onValue={set('issued_on')} error={errors.fields.issued_on} hint="dd-mm-aaaa (opcional)." hintBelow autocomplete="off" />
        <Field label="Nuevo vencimiento" name="expires_on" value={f.expires_on} onValue={set('expires_on')} error={errors.fields.expires_on} hint="dd-mm-aaaa" hintBelow required autocomplete="off" />
      </div>
      <Field label="Observación de la renovación" name="renew_note" value={f.note} onValue={set('note')} error={errors.fields.note} hint="Queda en el historial (opcional)." hintBelow maxLength={500} />
      <FormActions label="Registrar renovación" busy={busy} onCancel={() => setF({ issued_on: '', expires_on: '', note: '' })} cancelLabel="Limpiar" />
    </form>
  );
}
