// The ministry's agreements (convenios): list with validity, obligations and alerts; a new
// agreement (parties, dates, obligations); the detail page shows parties, dates (only what the
// source gives: unknown stays «sin información»), obligations with their owner, deadline and status,
// documents (links) and the alerts the job raised (60 and 30 days before the end, expired without a
// closing, an obligation past its deadline). The ministry edits the agreement from its page:
// obligations are added, edited (description, owner, deadline) and completed; document links are
// attached and removed. Each change is one request the server audits.
import { useState } from 'preact/hooks';
import { countOf } from '../app/hooks';
import { navigate } from '../app/router';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { Badge, DataTable, Dialog, ErrorAlert, Field, FormActions, Notice, PageHeader, ResultSummary, RowButton, SelectField, useAsync, useForm } from '../app/ui';
import {
  addDocument,
  addObligation,
  createAgreement,
  editObligation,
  getAgreement,
  getAgreements,
  getVocabularies,
  options,
  removeDocument,
  setObligation,
  type Agreement,
  type AgreementDetail,
  type Obligation,
} from './data';
import './registries.css';

const VALIDITY_TONE = { vigente: 'ok', vencido: 'danger', sin_termino: 'neutral' } as const;

function Validity({ a }: { a: Agreement }) {
  return <Badge tone={VALIDITY_TONE[a.validity.code]}>{a.validity.label}</Badge>;
}

export default function AgreementsPage() {
  const list = useAsync((signal) => getAgreements(signal), []);
  const [creating, setCreating] = useState(false);
  const items = list.data ?? [];
  const alerts = items.reduce((n, a) => n + a.alerts_count, 0);
  return (
    <section class="registries">
      <PageHeader
        title="Convenios"
        lead="Convenios de colaboración del Ministerio: partes, firma, vigencia, obligaciones y alertas antes del vencimiento y por obligaciones atrasadas."
        actions={
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
            Nuevo convenio
          </button>
        }
      />
      {alerts > 0 && (
        <Notice kind="warning" title="Alertas">
          {countOf(Array(alerts), 'alerta', 'alertas')} en los convenios: ábralos para verlas.
        </Notice>
      )}
      <ErrorAlert error={list.error} />
      <ResultSummary loading={list.loading}>{countOf(items, 'convenio', 'convenios')}</ResultSummary>
      <DataTable
        loading={list.loading && !list.data}
        error={list.error}
        count={items.length}
        empty="No hay convenios registrados."
        caption="Convenios del Ministerio"
        columns={['Convenio', 'Partes', 'Firma', 'Vigencia', 'Obligaciones', 'Alertas']}
        testId="agreements-table"
      >
        {items.map((a) => (
          <tr key={a.id}>
            <th scope="row" data-label="Convenio">
              <a class="cell-main" href={`/registros/convenios/${a.id}`}>
                {a.title}
              </a>
              <span class="cell-sub">
                {a.status_name}
                {a.demo && (
                  <>
                    {' '}
                    <Badge tone="purple">Demostración</Badge>
                  </>
                )}
              </span>
            </th>
            <td data-label="Partes">{a.parties.join(' · ')}</td>
            <td data-label="Firma" class="nowrap">
              {a.signed_on.value ? a.signed_on.label : <span class="muted">sin información</span>}
            </td>
            <td data-label="Vigencia">
              <Validity a={a} />
            </td>
            <td data-label="Obligaciones">
              {a.obligations_count}
              {a.obligations_overdue > 0 && (
                <>
                  {' '}
                  <Badge tone="danger">{a.obligations_overdue} atrasada{a.obligations_overdue > 1 ? 's' : ''}</Badge>
                </>
              )}
            </td>
            <td data-label="Alertas">{a.alerts_count > 0 ? <Badge tone="warn">{a.alerts_count}</Badge> : <span class="muted">0</span>}</td>
          </tr>
        ))}
      </DataTable>
      <p class="muted small">
        Los convenios de la cuenta pública 2020–2021 llevan solo los datos que ella entrega; lo que no informa aparece como «sin información».
      </p>
      {creating && <NewAgreementDialog onClose={() => setCreating(false)} />}
    </section>
  );
}

/** "descripción | responsable | plazo" per line, for the new agreement's obligations. */
function parseObligations(text: string): { description: string; owner: string; due_on: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [description = '', owner = '', due_on = ''] = l.split('|').map((x) => x.trim());
      return { description, owner, due_on };
    });
}

function NewAgreementDialog(props: { onClose: () => void }) {
  const vocab = useAsync((_s) => getVocabularies(), []);
  const [f, setF] = useState<Record<string, string>>({ title: '', purpose: '', status: 'suscrito', parties: 'Ministerio de la Mujer y la Equidad de Género\n', signed_on: '', starts_on: '', ends_on: '', obligations: '', doc_title: '', doc_url: '' });
  const set = (k: string) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  function submit() {
    const local: Record<string, string> = {};
    if (!f.title.trim()) local.title = 'Ingrese el nombre del convenio.';
    const parties = f.parties.split('\n').map((p) => p.trim()).filter(Boolean);
    if (parties.length < 2) local.parties = 'Indique al menos dos partes, una por línea.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    const documents = f.doc_url.trim() ? [{ title: f.doc_title.trim() || 'Texto del convenio', url: f.doc_url.trim(), kind: 'texto' }] : [];
    void send(async () => {
      const r = await createAgreement({
        title: f.title,
        purpose: f.purpose,
        status: f.status,
        parties,
        signed_on: f.signed_on,
        starts_on: f.starts_on,
        ends_on: f.ends_on,
        obligations: parseObligations(f.obligations),
        documents,
      });
      navigate(`/registros/convenios/${r.id}`);
    });
  }

  // The server names nested fields ("obligations[0].owner", "documents[0].url"): shown on their box.
  const nested = (prefix: string) => Object.entries(errors.fields).find(([k]) => k.startsWith(prefix))?.[1];
  return (
    <Dialog title="Nuevo convenio" open onClose={props.onClose} wide>
      <ErrorAlert error={errors.general} title="No fue posible registrar el convenio" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <Field label="Nombre del convenio" name="title" value={f.title} onValue={set('title')} error={errors.fields.title} required autoFocus maxLength={200} />
        <TextAreaField label="Objetivo" name="purpose" value={f.purpose} onValue={set('purpose')} error={errors.fields.purpose} rows={2} />
        <TextAreaField label="Partes" name="parties" value={f.parties} onValue={set('parties')} error={errors.fields.parties ?? nested('parties')} hint="Una por línea." rows={3} required />
        <div class="field-row">
          <SelectField label="Estado" name="status" value={f.status} onValue={set('status')} options={options(vocab.data?.agreement_statuses ?? [])} error={errors.fields.status} required />
          <Field label="Firma" name="signed_on" value={f.signed_on} onValue={set('signed_on')} error={errors.fields.signed_on} hint="dd-mm-aaaa, mm-aaaa o aaaa" hintBelow autocomplete="off" />
        </div>
        <div class="field-row">
          <Field label="Inicio de la vigencia" name="starts_on" value={f.starts_on} onValue={set('starts_on')} error={errors.fields.starts_on} hint="Vacío: desde la firma." hintBelow autocomplete="off" />
          <Field label="Término de la vigencia" name="ends_on" value={f.ends_on} onValue={set('ends_on')} error={errors.fields.ends_on} hint="dd-mm-aaaa; vacío si no tiene." hintBelow autocomplete="off" />
        </div>
        <TextAreaField
          label="Obligaciones"
          name="obligations"
          value={f.obligations}
          onValue={set('obligations')}
          error={nested('obligations')}
          hint="Una por línea: descripción | responsable | plazo (dd-mm-aaaa, opcional)."
          rows={3}
        />
        <div class="field-row">
          <Field label="Documento" name="doc_title" value={f.doc_title} onValue={set('doc_title')} error={nested('documents[0].title')} hint="Título (opcional)." hintBelow />
          <Field label="Enlace del documento" name="doc_url" value={f.doc_url} onValue={set('doc_url')} error={nested('documents[0].url')} hint="https://…" hintBelow autocomplete="off" />
        </div>
        <FormActions label="Registrar convenio" busy={busy} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

export function AgreementPage({ agreementId }: { agreementId: string }) {
  const id = Number(agreementId);
  const [reload, setReload] = useState(0);
  const d = useAsync((signal) => getAgreement(id, signal), [id, reload]);
  const vocab = useAsync((_s) => getVocabularies(), []);
  const a = d.data;
  return (
    <section class="registries">
      <nav aria-label="Ruta de navegación" class="breadcrumb">
        <ol>
          <li>
            <a href="/registros/convenios">Convenios</a>
          </li>
          <li>
            <span aria-current="page">{a?.title ?? 'Convenio'}</span>
          </li>
        </ol>
      </nav>
      <ErrorAlert error={d.error} />
      {a && <Detail a={a} statuses={options(vocab.data?.obligation_statuses ?? [])} onChanged={() => setReload((n) => n + 1)} />}
    </section>
  );
}

function Detail({ a, statuses, onChanged }: { a: AgreementDetail; statuses: { value: string; label: string }[]; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Obligation | 'new' | null>(null);
  async function remove(did: number) {
    setError(null);
    try {
      await removeDocument(a.id, did);
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'No fue posible retirar el documento.');
    }
  }
  async function change(oid: number, status: string) {
    setError(null);
    try {
      await setObligation(a.id, oid, status);
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'No fue posible cambiar la obligación.');
    }
  }
  return (
    <>
      <PageHeader title={a.title} lead={a.purpose} />
      {a.demo && <Notice kind="info">Cargado con los datos de demostración; vea su fuente más abajo.</Notice>}
      {a.alerts.length > 0 && (
        <section class="card alerts-panel" aria-labelledby="alerts-title" data-testid="agreement-alerts">
          <h2 id="alerts-title">Alertas</h2>
          <ul>
            {a.alerts.map((x) => (
              <li key={x.id}>
                <Badge tone={x.kind === 'vence_60' ? 'warn' : 'danger'}>{x.kind_name}</Badge> {x.message} <span class="muted small nowrap">({x.raised_at})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section class="card">
        <dl class="facts">
          <dt>Partes</dt>
          <dd>
            <ul class="plain">
              {a.parties.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </dd>
          <dt>Estado</dt>
          <dd>{a.status_name}</dd>
          <dt>Firma</dt>
          <dd>{a.signed_on.label}</dd>
          <dt>Inicio</dt>
          <dd>{a.starts_on.value ? a.starts_on.label : 'Desde la firma'}</dd>
          <dt>Término</dt>
          <dd>
            {a.ends_on.label} · <Validity a={a} />
          </dd>
          <dt>Fuente</dt>
          <dd>{a.source || 'Registro del Ministerio'}</dd>
        </dl>
      </section>
      <div class="obligations-head">
        <h2>Obligaciones</h2>
        <button type="button" class="btn btn-secondary" onClick={() => setEditing('new')}>
          Agregar obligación
        </button>
      </div>
      <ErrorAlert error={error} />
      <DataTable
        loading={false}
        error={null}
        count={a.obligations.length}
        empty="El convenio no tiene obligaciones registradas."
        caption="Obligaciones del convenio"
        columns={['Obligación', 'Responsable', 'Plazo', 'Estado']}
        actions
        testId="obligations-table"
      >
        {a.obligations.map((o) => (
          <tr key={o.id} class={o.overdue ? 'row-overdue' : undefined}>
            <th scope="row" data-label="Obligación">
              {o.description}
              {o.overdue && (
                <>
                  {' '}
                  <Badge tone="danger">Plazo vencido</Badge>
                </>
              )}
            </th>
            <td data-label="Responsable">{o.owner}</td>
            <td data-label="Plazo" class="nowrap">
              {o.due_on.label}
            </td>
            <td data-label="Estado">
              <SelectField label="Estado" class="compact" name={`obligation-${o.id}`} value={o.status} onValue={(v) => void change(o.id, v)} options={statuses} />
            </td>
            <td>
              <RowButton label="Editar" detail={`la obligación «${o.description}»`} onClick={() => setEditing(o)} />
            </td>
          </tr>
        ))}
      </DataTable>
      <h2>Documentos</h2>
      {a.documents.length === 0 ? (
        <p class="muted">Sin documentos registrados.</p>
      ) : (
        <ul class="documents" data-testid="agreement-documents">
          {a.documents.map((doc) => (
            <li key={doc.id}>
              <a href={doc.url} rel="noreferrer noopener" target="_blank" data-external="">
                {doc.title}
              </a>{' '}
              <span class="muted small">({doc.kind})</span>{' '}
              <RowButton label="Retirar" detail={`el documento «${doc.title}»`} onClick={() => void remove(doc.id)} />
            </li>
          ))}
        </ul>
      )}
      <DocumentForm agreementId={a.id} onAdded={onChanged} />
      {editing !== null && (
        <ObligationDialog
          agreementId={a.id}
          obligation={editing === 'new' ? null : editing}
          statuses={statuses}
          onClose={() => setEditing(null)}
          onSaved={() => (setEditing(null), onChanged())}
        />
      )}
    </>
  );
}

/** Adds an obligation (obligation null) or edits one: description, owner, deadline and status. */
function ObligationDialog(props: {
  agreementId: number;
  obligation: Obligation | null;
  statuses: { value: string; label: string }[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const o = props.obligation;
  const [f, setF] = useState({ description: o?.description ?? '', owner: o?.owner ?? '', due_on: o?.due_on.value ?? '', status: o?.status ?? 'pendiente' });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  function submit() {
    const local: Record<string, string> = {};
    if (!f.description.trim()) local.description = 'Describa la obligación.';
    if (!f.owner.trim()) local.owner = 'Indique quién es responsable.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    const body = { description: f.description.trim(), owner: f.owner.trim(), due_on: f.due_on.trim(), status: f.status };
    void send(async () => {
      if (o) await editObligation(props.agreementId, o.id, body);
      else await addObligation(props.agreementId, body);
      props.onSaved();
    });
  }

  return (
    <Dialog title={o ? 'Editar obligación' : 'Agregar obligación'} open onClose={props.onClose}>
      <ErrorAlert error={errors.general} title="No fue posible guardar la obligación" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <TextAreaField label="Obligación" name="description" value={f.description} onValue={set('description')} error={errors.fields.description} rows={2} required />
        <Field label="Responsable" name="owner" value={f.owner} onValue={set('owner')} error={errors.fields.owner} required maxLength={200} />
        <div class="field-row">
          <Field label="Plazo" name="due_on" value={f.due_on} onValue={set('due_on')} error={errors.fields.due_on} hint="dd-mm-aaaa, mm-aaaa o aaaa; vacío si no tiene." hintBelow autocomplete="off" />
          <SelectField label="Estado" name="status" value={f.status} onValue={set('status')} options={props.statuses} error={errors.fields.status} required />
        </div>
        <FormActions label={o ? 'Guardar cambios' : 'Agregar obligación'} busy={busy} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

/** Attaches a document to the agreement: a link (https://…), never an upload. */
function DocumentForm(props: { agreementId: number; onAdded: () => void }) {
  const [f, setF] = useState({ title: '', url: '', kind: '' });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  function submit() {
    const local: Record<string, string> = {};
    if (!f.title.trim()) local.title = 'Ingrese el título del documento.';
    if (!f.url.trim()) local.url = 'Ingrese el enlace del documento.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      await addDocument(props.agreementId, { title: f.title.trim(), url: f.url.trim(), kind: f.kind.trim() });
      setF({ title: '', url: '', kind: '' });
      props.onAdded();
    });
  }

  return (
    <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack card inner" aria-labelledby="doc-form-title">
      <h3 id="doc-form-title">Adjuntar documento</h3>
      <ErrorAlert error={errors.general} title="No fue posible adjuntar el documento" />
      <div class="field-row">
        <Field label="Título del documento" name="title" value={f.title} onValue={set('title')} error={errors.fields.title} required maxLength={200} />
        <Field label="Enlace" name="url" value={f.url} onValue={set('url')} error={errors.fields.url} hint="https://…" hintBelow required autocomplete="off" />
        <Field label="Tipo" name="kind" value={f.kind} onValue={set('kind')} error={errors.fields.kind} hint="Texto, resolución, informe… (opcional)." hintBelow maxLength={60} />
      </div>
      <FormActions label="Adjuntar" busy={busy} onCancel={() => setF({ title: '', url: '', kind: '' })} cancelLabel="Limpiar" />
    </form>
  );
}
