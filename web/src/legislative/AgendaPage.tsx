// Public legislative agenda: bills and laws with their stage and urgency, filters by stage and text,
// the urgencies due within 30 days, and (with «legislative.manage») the registration of a new bill.
import { useState } from 'preact/hooks';
import { formatDate, parseDateInput, todayIso } from '../app/format';
import { navigate, useLocation } from '../app/router';
import { hasPermission, useSession } from '../app/session';
import {
  Badge,
  DataTable,
  DateField,
  Dialog,
  ErrorAlert,
  Field,
  FilterForm,
  FormActions,
  PageHeader,
  QuerySelect,
  ResultSummary,
  SearchField,
  SelectField,
  useAsync,
  useForm,
} from '../app/ui';
import { countOf, useDebounced } from '../app/hooks';
import {
  CHAMBERS,
  createBill,
  getBills,
  getDueUrgencies,
  isoToCl,
  KINDS,
  MANAGE,
  STAGES,
  billRef,
  daysLeftText,
  isUrgent,
  type Bill,
} from './data';
import { UrgencyInfo } from './UrgencyInfo';
import { setFlash } from './flash';
import './legislative.css';

const DUE_DAYS = 30;

export default function AgendaPage() {
  const { search } = useLocation();
  const { state } = useSession();
  const canManage = hasPermission(state, MANAGE);
  const [q, setQ] = useState(search.get('q') ?? '');
  const stage = search.get('etapa') ?? '';
  const dq = useDebounced(q.trim());
  const [creating, setCreating] = useState(false);

  const bills = useAsync((signal) => getBills({ stage, q: dq }, signal), [stage, dq]);
  const due = useAsync((signal) => getDueUrgencies(DUE_DAYS, signal), []);
  const list = bills.data ?? [];

  return (
    <section class="agenda">
      <nav aria-label="Ruta de navegación" class="breadcrumb">
        <ol>
          <li>
            <a href="/">Portada</a>
          </li>
          <li>
            <span aria-current="page">Agenda legislativa</span>
          </li>
        </ol>
      </nav>
      <PageHeader
        title="Agenda legislativa"
        lead="Proyectos de ley y leyes de igualdad de género que sigue el Ministerio, con su etapa de tramitación y sus urgencias (Ley N° 18.918, art. 27: simple 30 días, suma 15, discusión inmediata 6)."
        actions={
          canManage && (
            <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
              Nuevo proyecto
            </button>
          )
        }
      />

      <DuePanel loading={due.loading && !due.data} error={due.error} items={due.data ?? []} />

      <h2 class="agenda-subtitle">Proyectos y leyes</h2>
      <FilterForm label="Filtrar la agenda legislativa">
        <SearchField value={q} onValue={setQ} hint="Título, boletín o número de ley." />
        <QuerySelect label="Etapa" name="etapa" value={stage} placeholder="Todas" options={STAGES} />
      </FilterForm>
      <ErrorAlert error={bills.error} />
      <ResultSummary loading={bills.loading}>{countOf(list, 'proyecto', 'proyectos')}</ResultSummary>
      <DataTable
        loading={bills.loading && !bills.data}
        error={bills.error}
        count={list.length}
        empty="No hay proyectos que coincidan con los filtros."
        caption="Proyectos de ley y leyes de la agenda"
        columns={['Boletín', 'Proyecto', 'Etapa', 'Urgencia']}
        class="agenda-table"
        testId="bills-table"
      >
        {list.map((b) => (
          <tr key={b.id}>
            <td data-label="Boletín" class="nowrap">
              {b.boletin ?? <span class="muted">Sin boletín</span>}
            </td>
            <th scope="row" data-label="Proyecto">
              <a class="cell-main" href={`/agenda-legislativa/${b.id}`}>
                {b.title}
              </a>
              {b.law_number && (
                <span class="cell-sub">
                  <Badge tone="ok">Ley N° {b.law_number}</Badge>
                  {b.published_on && <span class="nowrap"> Diario Oficial: {b.published_on}</span>}
                </span>
              )}
            </th>
            <td data-label="Etapa">
              <span class="cell-main">{b.stage_name}</span>
              {b.committee && b.committee !== b.stage_name && <span class="cell-sub">{b.committee}</span>}
            </td>
            <td data-label="Urgencia">
              <UrgencyInfo urgency={b.urgency} />
            </td>
          </tr>
        ))}
      </DataTable>
      {creating && <NewBillDialog onClose={() => setCreating(false)} />}
    </section>
  );
}

function DuePanel(props: { loading: boolean; error: string | null; items: Bill[] }) {
  return (
    <section class="card due-panel" aria-labelledby="due-title" data-testid="due-panel">
      <h2 id="due-title">Urgencias por vencer</h2>
      <p class="muted small">Plazos que vencen dentro de los próximos {DUE_DAYS} días, el más próximo primero.</p>
      <ErrorAlert error={props.error} />
      {props.loading ? (
        <p class="muted">Cargando…</p>
      ) : props.items.length === 0 ? (
        !props.error && <p class="empty">No hay urgencias con plazo dentro de los próximos {DUE_DAYS} días.</p>
      ) : (
        <ul class="due-list">
          {props.items.map((b) => (
            <li key={b.id} class={isUrgent(b.urgency) ? 'due-close' : undefined}>
              <a href={`/agenda-legislativa/${b.id}`} class="due-title">
                {b.title}
              </a>
              <span class="due-meta">
                <span class="nowrap">{billRef(b)}</span>
                {b.urgency && (
                  <>
                    {' · '}
                    {b.urgency.name} · plazo <span class="nowrap">{b.urgency.deadline}</span>
                    {b.urgency.days_left !== null && (
                      <>
                        {' · '}
                        <strong class="nowrap">{daysLeftText(b.urgency.days_left)}</strong>
                      </>
                    )}
                  </>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function NewBillDialog(props: { onClose: () => void }) {
  const [boletin, setBoletin] = useState('');
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState('');
  const [chamber, setChamber] = useState('');
  const [entered, setEntered] = useState(formatDate(todayIso()));
  const [stage, setStage] = useState('primer_tramite');
  const [committee, setCommittee] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  function submit() {
    const local: Record<string, string> = {};
    // The boletín's format is checked by the server, which explains it; here only that it is there.
    if (!boletin.trim()) local.boletin = 'Ingrese el número de boletín.';
    if (!title.trim()) local.title = 'Ingrese el título del proyecto.';
    if (!kind) local.kind = 'Elija si es mensaje o moción.';
    if (!chamber) local.origin_chamber = 'Elija la cámara de origen.';
    const day = parseDateInput(entered);
    if (!day) local.entered_on = 'Escriba la fecha como dd-mm-aaaa, por ejemplo 27-05-2020.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      const bill = await createBill({
        boletin: boletin.trim(),
        title: title.trim(),
        kind,
        origin_chamber: chamber,
        entered_on: isoToCl(day!),
        stage,
        committee: committee.trim() || null,
      });
      setFlash(`Se registró el proyecto ${billRef(bill)}.`);
      navigate(`/agenda-legislativa/${bill.id}`);
    });
  }

  return (
    <Dialog title="Nuevo proyecto" open onClose={props.onClose} wide>
      <ErrorAlert error={errors.general} title="No fue posible registrar el proyecto" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <div class="field-row">
          <Field
            label="Boletín"
            name="boletin"
            value={boletin}
            onValue={setBoletin}
            error={errors.fields.boletin}
            hint="Número-comisión, por ejemplo 13541-07."
            hintBelow
            required
            autocomplete="off"
            autoFocus
          />
          <DateField label="Fecha de ingreso" name="entered_on" value={entered} onValue={setEntered} error={errors.fields.entered_on} required />
        </div>
        <Field label="Título" name="title" value={title} onValue={setTitle} error={errors.fields.title} required autocomplete="off" maxLength={500} />
        <div class="field-row">
          <SelectField label="Iniciativa" name="kind" value={kind} onValue={setKind} options={KINDS} placeholder="Elija" error={errors.fields.kind} required />
          <SelectField
            label="Cámara de origen"
            name="origin_chamber"
            value={chamber}
            onValue={setChamber}
            options={CHAMBERS}
            placeholder="Elija"
            error={errors.fields.origin_chamber}
            required
          />
        </div>
        <div class="field-row">
          <SelectField
            label="Etapa"
            name="stage"
            value={stage}
            onValue={setStage}
            options={STAGES.filter((s) => s.value !== 'publicada' && s.value !== 'archivada')}
            error={errors.fields.stage}
          />
          <Field label="Comisión" name="committee" value={committee} onValue={setCommittee} error={errors.fields.committee} hint="Opcional." hintBelow autocomplete="off" />
        </div>
        <FormActions label="Registrar proyecto" busy={busy} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
