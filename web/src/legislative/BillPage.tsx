// One bill of the legislative agenda: its record (stage, committee, urgency, law number and Diario
// Oficial date) and its timeline; with «legislative.manage», the form to register a movement.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../app/api';
import { formatDate, parseDateInput, todayIso } from '../app/format';
import { hasPermission, useSession } from '../app/session';
import { DateField, ErrorAlert, Field, Loading, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import {
  addEvent,
  billRef,
  CHAMBERS,
  eventKindsFor,
  getBill,
  isoToCl,
  KINDS,
  labelOf,
  MANAGE,
  nextStages,
  URGENCIES,
  type BillDetail,
  type BillEvent,
  type EventKind,
} from './data';
import { takeFlash } from './flash';
import { UrgencyInfo } from './UrgencyInfo';
import { BillCommitments } from '../policy/LinkedBills';
import './legislative.css';

export default function BillPage({ billId }: { billId: string }) {
  const { state } = useSession();
  const canManage = hasPermission(state, MANAGE);
  const bill = useAsync((signal) => getBill(billId, signal), [billId]);
  const [notice, setNotice] = useState<string | null>(() => takeFlash());
  const b = bill.data;

  // The shell focuses the new page's heading right after navigating, before this one has loaded:
  // once it is there, give it the focus unless the person has already moved it.
  useEffect(() => {
    if (!b) return;
    const active = document.activeElement;
    if (!active || active === document.body || active.id === 'contenido') {
      document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
    }
  }, [b?.id]);

  const crumbs = (
    <nav aria-label="Ruta de navegación" class="breadcrumb">
      <ol>
        <li>
          <a href="/">Portada</a>
        </li>
        <li>
          <a href="/agenda-legislativa">Agenda legislativa</a>
        </li>
        <li>
          <span aria-current="page">{b ? billRef(b) : 'Proyecto'}</span>
        </li>
      </ol>
    </nav>
  );

  if (!b) {
    if (bill.loading) return <Loading />;
    const notFound = bill.errorObj instanceof ApiError && bill.errorObj.status === 404;
    return (
      <section class="narrow">
        {crumbs}
        <PageHeader title={notFound ? 'Proyecto no encontrado' : 'Agenda legislativa'} />
        <ErrorAlert error={bill.error} />
        <p>
          <a href="/agenda-legislativa" class="link-back">
            ← Volver a la agenda legislativa
          </a>
        </p>
      </section>
    );
  }

  return (
    <section class="bill">
      {crumbs}
      <PageHeader title={b.title} eyebrow={billRef(b)} />
      {notice && <Notice kind="success">{notice}</Notice>}
      <div class="bill-grid">
        <section class="card" aria-labelledby="bill-record">
          <h2 id="bill-record">Ficha</h2>
          <dl class="facts" data-testid="bill-facts">
            <div>
              <dt>Boletín</dt>
              <dd>{b.boletin ?? 'Sin boletín en la fuente'}</dd>
            </div>
            <div>
              <dt>Etapa</dt>
              <dd>{b.stage_name}</dd>
            </div>
            {b.committee && (
              <div>
                <dt>Comisión</dt>
                <dd>{b.committee}</dd>
              </div>
            )}
            <div>
              <dt>Iniciativa</dt>
              <dd>{b.kind ? labelOf(KINDS, b.kind) : 'No indicado'}</dd>
            </div>
            <div>
              <dt>Cámara de origen</dt>
              <dd>{b.origin_chamber ? labelOf(CHAMBERS, b.origin_chamber) : 'No indicada'}</dd>
            </div>
            <div>
              <dt>Ingreso</dt>
              <dd>{b.entered_on ?? 'Fecha no indicada'}</dd>
            </div>
            <div>
              <dt>Urgencia</dt>
              <dd data-testid="bill-urgency">
                <UrgencyInfo urgency={b.urgency} />
                {b.urgency?.since && <span class="cell-sub">Se dio cuenta el {b.urgency.since}</span>}
              </dd>
            </div>
            {b.law_number && (
              <div>
                <dt>Ley</dt>
                <dd>N° {b.law_number}</dd>
              </div>
            )}
            {b.law_number && (
              <div>
                <dt>Publicación en el Diario Oficial</dt>
                <dd>{b.published_on ?? 'Fecha no indicada en la fuente'}</dd>
              </div>
            )}
          </dl>
          <BillCommitments billId={billId} />
        </section>
        <section class="card" aria-labelledby="bill-timeline">
          <h2 id="bill-timeline">Tramitación</h2>
          {b.timeline.length === 0 ? (
            <p class="empty">Sin movimientos registrados.</p>
          ) : (
            <ol class="timeline" data-testid="timeline">
              {b.timeline.map((e) => (
                <li key={e.id}>
                  <span class="timeline-date">{e.date ?? 'Sin fecha'}</span>
                  <span class="timeline-what">{describe(e)}</span>
                  {e.kind === 'stage' && e.committee && <span class="cell-sub">{e.committee}</span>}
                  {e.note && <span class="timeline-note">{e.note}</span>}
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
      {canManage && (
        <EventForm
          bill={b}
          onSaved={(message) => {
            setNotice(message);
            bill.reload();
          }}
        />
      )}
    </section>
  );
}

function describe(e: BillEvent): string {
  const u = e.urgency_name ?? e.urgency ?? '';
  switch (e.kind) {
    case 'stage':
      if (e.from_stage && e.stage_name) return `Avanza a ${e.stage_name}`;
      return e.stage_name ?? 'Etapa';
    case 'urgency_set':
      return `Se hace presente urgencia ${u}`.trim();
    case 'urgency_renewed':
      return `Se renueva la urgencia ${u}`.trim();
    case 'urgency_withdrawn':
      return `Se retira la urgencia ${u}`.trim();
    default:
      return 'Nota';
  }
}

function EventForm(props: { bill: BillDetail; onSaved: (message: string) => void }) {
  const b = props.bill;
  const kinds = eventKindsFor(b);
  const stages = nextStages(b.stage);
  const [kind, setKind] = useState<string>(kinds[0]?.value ?? 'note');
  const [date, setDate] = useState(formatDate(todayIso()));
  const [stage, setStage] = useState('');
  const [committee, setCommittee] = useState('');
  const [urgency, setUrgency] = useState('');
  const [lawNumber, setLawNumber] = useState('');
  const [publishedOn, setPublishedOn] = useState('');
  const [note, setNote] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  // After a movement the bill may allow other kinds (e.g. no urgency left to renew).
  useEffect(() => {
    if (!kinds.some((k) => k.value === kind)) setKind(kinds[0]?.value ?? 'note');
  }, [b.stage, !!b.urgency]);

  const k = kind as EventKind;
  const publishing = k === 'stage' && stage === 'publicada';
  const isUrgency = k.startsWith('urgency_');

  function submit() {
    const local: Record<string, string> = {};
    const day = date.trim() ? parseDateInput(date) : null;
    if (!publishing && date.trim() && !day) local.date = 'Escriba la fecha como dd-mm-aaaa.';
    if (isUrgency && !date.trim()) local.date = 'Indique el día en que se dio cuenta de la urgencia en la Sala (dd-mm-aaaa).';
    const pub = publishedOn.trim() ? parseDateInput(publishedOn) : null;
    if (publishing && publishedOn.trim() && !pub) local.published_on = 'Escriba la fecha como dd-mm-aaaa.';
    if (invalid(local, 'Revise los datos marcados.')) return;

    const body: Record<string, string> = { kind: k };
    if (day && !publishing) body.date = isoToCl(day);
    if (note.trim()) body.note = note.trim();
    if (k === 'stage') {
      if (stage) body.stage = stage;
      if (committee.trim()) body.committee = committee.trim();
      if (publishing) {
        if (lawNumber.trim()) body.law_number = lawNumber.trim();
        if (pub) body.published_on = isoToCl(pub);
      }
    }
    if ((k === 'urgency_set' || k === 'urgency_renewed') && urgency) body.urgency = urgency;

    void send(async () => {
      await addEvent(b.id, body);
      setNote('');
      setStage('');
      setCommittee('');
      setUrgency('');
      setLawNumber('');
      setPublishedOn('');
      props.onSaved('Se registró el movimiento.');
    });
  }

  return (
    <section class="card event-form" aria-labelledby="event-title">
      <h2 id="event-title">Registrar un movimiento</h2>
      <p class="muted small">Avance de etapa, urgencia hecha presente, renovada o retirada, o una nota. Las fechas se escriben dd-mm-aaaa.</p>
      <ErrorAlert error={errors.general} title="No fue posible registrar el movimiento" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <div class="field-row">
          <SelectField label="Tipo de movimiento" name="kind" value={kind} onValue={setKind} options={kinds} error={errors.fields.kind} required />
          {!publishing && (
            <DateField
              label={isUrgency ? 'Fecha de cuenta en la Sala' : 'Fecha'}
              name="date"
              value={date}
              onValue={setDate}
              error={errors.fields.date}
              hint={isUrgency ? 'dd-mm-aaaa: el plazo se cuenta desde este día.' : undefined}
              required={isUrgency}
            />
          )}
        </div>
        {k === 'stage' && (
          <div class="field-row">
            <SelectField
              label="Nueva etapa"
              name="stage"
              value={stage}
              onValue={setStage}
              options={stages}
              placeholder="Elija la etapa"
              error={errors.fields.stage}
              required
            />
            <Field label="Comisión" name="committee" value={committee} onValue={setCommittee} error={errors.fields.committee} hint="Opcional." hintBelow autocomplete="off" />
          </div>
        )}
        {publishing && (
          <div class="field-row">
            <Field
              label="Número de ley"
              name="law_number"
              value={lawNumber}
              onValue={setLawNumber}
              error={errors.fields.law_number}
              hint="Por ejemplo N° 21.212."
              hintBelow
              required
              autocomplete="off"
            />
            <DateField
              label="Publicación en el Diario Oficial"
              name="published_on"
              value={publishedOn}
              onValue={setPublishedOn}
              error={errors.fields.published_on}
              required
            />
          </div>
        )}
        {(k === 'urgency_set' || k === 'urgency_renewed') && (
          <SelectField
            label="Urgencia"
            name="urgency"
            value={urgency}
            onValue={setUrgency}
            options={URGENCIES}
            placeholder={k === 'urgency_renewed' ? 'La misma vigente' : 'Elija la urgencia'}
            error={errors.fields.urgency}
            required={k === 'urgency_set'}
          />
        )}
        <Field
          label="Nota"
          name="note"
          value={note}
          onValue={setNote}
          error={errors.fields.note}
          hint={k === 'note' ? undefined : 'Opcional.'}
          hintBelow
          required={k === 'note'}
          maxLength={1000}
          autocomplete="off"
        />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Registrar movimiento
          </button>
        </div>
      </form>
    </section>
  );
}
