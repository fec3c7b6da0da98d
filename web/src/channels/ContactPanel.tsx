// One contact as the operator who holds it works it: what she said before anyone answered, the
// record (reason, violence, the short risk screen, orientation, notes, consent to keep her number),
// identifying her in the registry (then her timeline, within need-to-know) and a referral through
// the registry's flow, and the close with its outcome. Chat contacts show the chat's conversation.
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime } from '../app/format';
import { Badge, Checkbox, DateField, Dialog, ErrorAlert, Field, FormActions, Loading, Notice, SelectField, useAsync, useForm } from '../app/ui';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { getServingInstitutions, RISK_LABELS, type Person } from '../cases/data';
import { ChatPane } from '../chat/ChatPane';
import { WhatsappPane } from '../whatsapp/WhatsappPane';
import { api } from '../app/api';
import {
  closeContact,
  formatWait,
  getContact,
  HAND_BACK_REASONS,
  handBackContact,
  identifyContact,
  labelOf,
  recordContact,
  referContact,
  STATE_LABELS,
  type Contact,
  type Vocabularies,
} from './data';

const options = (terms: { id: string; name: string }[]) => terms.map((t) => ({ value: t.id, label: t.name }));

export function ContactPanel({ id, vocab, onChanged, onHandedBack }: { id: number; vocab: Vocabularies; onChanged: () => void; onHandedBack?: () => void }) {
  const loaded = useAsync((signal) => getContact(id, signal), [id]);
  const [contact, setContact] = useState<Contact | undefined>(undefined);
  useEffect(() => setContact(loaded.data), [loaded.data]);
  if (loaded.loading && !contact) return <Loading label="Abriendo el contacto…" />;
  if (loaded.error) return <ErrorAlert error={loaded.error} />;
  if (!contact) return null;
  const update = (c: Contact) => {
    setContact(c);
    onChanged();
  };
  const closed = contact.state === 'closed' || contact.state === 'abandoned';
  return (
    <section class="card channels-contact" aria-labelledby="contacto-titulo" data-testid="contact-panel">
      <header class="channels-contact-head">
        <h2 id="contacto-titulo">
          Contacto n.º {contact.id} · {contact.channel_name}
        </h2>
        <p>
          <Badge tone={contact.urgent ? 'danger' : 'neutral'}>{contact.urgent ? 'Urgente' : STATE_LABELS[contact.state]}</Badge>{' '}
          {contact.urgent && <Badge tone="info">{STATE_LABELS[contact.state]}</Badge>}{' '}
          {contact.repeat_caller && <Badge tone="warn">Ha llamado antes ({contact.repeat_count})</Badge>}{' '}
          <Badge tone={contact.anonymous ? 'neutral' : 'purple'}>{contact.anonymous ? 'Anónimo' : 'Identificada en el registro'}</Badge>
        </p>
        <p class="muted">
          Ingresó {formatDateTime(new Date(contact.created_at))}; esperó {formatWait(contact.waiting_s)}.
          {contact.left_at ? ` ${contact.left_why || 'La persona dejó el contacto'} (${formatDateTime(new Date(contact.left_at))}).` : ''}
        </p>
      </header>
      {contact.opening_text && (
        <Notice title="Lo que escribió o informó la central antes de ser atendida">
          <p>{contact.opening_text}</p>
        </Notice>
      )}
      {contact.channel === 'chat' && contact.external_ref && <ChatPane contactId={String(contact.id)} sessionRef={contact.external_ref} />}
      {contact.channel === 'whatsapp' && contact.external_ref && <WhatsappPane conversationRef={contact.external_ref} />}
      {closed ? (
        <ClosedSummary contact={contact} vocab={vocab} />
      ) : (
        <>
          <RecordForm contact={contact} vocab={vocab} onSaved={update} />
          {contact.anonymous ? <IdentifyForm contact={contact} onSaved={update} /> : <Timeline contact={contact} />}
          {!contact.anonymous && !contact.referral_record_id && <ReferralForm contact={contact} onSaved={update} />}
          {contact.referral_record_id && <Notice kind="success">Derivación registrada en el registro único (n.º {contact.referral_record_id}).</Notice>}
          <CloseForm contact={contact} vocab={vocab} onSaved={update} />
          {contact.state === 'active' && (
            <HandBack
              contact={contact}
              onDone={() => {
                onChanged();
                onHandedBack?.();
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

function ClosedSummary({ contact, vocab }: { contact: Contact; vocab: Vocabularies }) {
  return (
    <div data-testid="contact-closed">
      <Notice kind="success" title="Contacto cerrado">
        <p>
          Resultado: <strong>{contact.outcome_name || STATE_LABELS[contact.state]}</strong>
          {contact.closed_at ? ` · ${formatDateTime(new Date(contact.closed_at))}` : ''}. Un contacto cerrado ya no se puede modificar.
        </p>
      </Notice>
      <dl class="channels-summary">
        {contact.reason && (
          <>
            <dt>Motivo</dt>
            <dd>{labelOf(vocab.reasons, contact.reason)}</dd>
          </>
        )}
        {contact.violence_type && (
          <>
            <dt>Tipo de violencia</dt>
            <dd>{labelOf(vocab.violence_types, contact.violence_type)}</dd>
          </>
        )}
        {contact.risk_level && (
          <>
            <dt>Pauta breve de riesgo</dt>
            <dd>{RISK_LABELS[contact.risk_level] ?? contact.risk_level}</dd>
          </>
        )}
        {contact.orientation && (
          <>
            <dt>Orientación entregada</dt>
            <dd>{contact.orientation}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

function RecordForm({ contact, vocab, onSaved }: { contact: Contact; vocab: Vocabularies; onSaved: (c: Contact) => void }) {
  const form = useForm();
  const [reason, setReason] = useState(contact.reason);
  const [violence, setViolence] = useState(contact.violence_type);
  const [yes, setYes] = useState<string[]>(contact.risk_screen);
  const [orientation, setOrientation] = useState(contact.orientation);
  const [notes, setNotes] = useState(contact.notes);
  const [consent, setConsent] = useState(contact.number_consent);
  const [saved, setSaved] = useState(false);
  const submit = form.onSubmit(() => {
    setSaved(false);
    const body: Record<string, unknown> = { reason: reason || null, violence_type: violence || null, risk_screen: yes, orientation, notes };
    if (contact.channel === 'phone' && consent !== contact.number_consent) body.number_consent = consent;
    void form.send(async () => {
      onSaved(await recordContact(contact.id, body));
      setSaved(true);
    });
  });
  return (
    <form ref={form.formRef} onSubmit={submit} class="stack" aria-labelledby="registro-titulo" noValidate>
      <h3 id="registro-titulo">Registro del contacto</h3>
      <ErrorAlert error={form.errors.general} />
      <div class="grid-2">
        <SelectField label="Motivo" name="reason" value={reason} onValue={setReason} options={options(vocab.reasons)} placeholder="Sin registrar" error={form.errors.fields.reason} />
        <SelectField label="Tipo de violencia" name="violence_type" value={violence} onValue={setViolence} options={options(vocab.violence_types)} placeholder="Sin registrar" error={form.errors.fields.violence_type} />
      </div>
      <fieldset class="channels-screen">
        <legend>Pauta breve de riesgo (marque lo que ella responde que sí)</legend>
        {vocab.risk_screen.map((q) => (
          <Checkbox key={q.id} name={`riesgo-${q.id}`} checked={yes.includes(q.id)} onValue={(v) => setYes(v ? [...yes, q.id] : yes.filter((x) => x !== q.id))}>
            {q.text}
          </Checkbox>
        ))}
        {contact.risk_level && (
          <p>
            Nivel según la pauta: <Badge tone={contact.risk_level === 'vital' || contact.risk_level === 'alto' ? 'danger' : 'info'}>{RISK_LABELS[contact.risk_level] ?? contact.risk_level}</Badge>
          </p>
        )}
      </fieldset>
      <TextAreaField label="Orientación entregada" name="orientation" value={orientation} onValue={setOrientation} rows={3} error={form.errors.fields.orientation} />
      <TextAreaField label="Notas de la operadora" name="notes" value={notes} onValue={setNotes} rows={3} hint="Se guardan cifradas; no escriba datos que ella no quiera dejar." error={form.errors.fields.notes} />
      {contact.channel === 'phone' && (
        <Checkbox name="number_consent" checked={consent} onValue={setConsent}>
          Ella acepta que se guarde su número para volver a llamarla
          {contact.caller_number ? ` (guardado: ${contact.caller_number})` : ''}
        </Checkbox>
      )}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={form.busy}>
          Guardar registro
        </button>
        {saved && <span role="status">Registro guardado.</span>}
      </div>
    </form>
  );
}

function IdentifyForm({ contact, onSaved }: { contact: Contact; onSaved: (c: Contact) => void }) {
  const form = useForm();
  const [open, setOpen] = useState(false);
  const [d, setD] = useState<Record<string, string>>({});
  const set = (k: string) => (v: string) => setD({ ...d, [k]: v });
  if (!open)
    return (
      <div class="channels-identify">
        <p class="muted">El contacto es anónimo. Si ella quiere identificarse, el contacto pasa a ser un registro del registro único y se abre su historia.</p>
        <button type="button" class="btn btn-secondary" onClick={() => setOpen(true)}>
          Identificar a la mujer
        </button>
      </div>
    );
  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    if (!d.given_names?.trim()) local['persons[0].identity.given_names'] = 'Indique sus nombres.';
    if (!d.surname1?.trim()) local['persons[0].identity.surname1'] = 'Indique su primer apellido.';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    const identity: Record<string, string> = { sex: 'F' };
    for (const [k, v] of Object.entries(d)) if (v.trim()) identity[k] = v.trim();
    void form.send(async () => onSaved(await identifyContact(contact.id, [{ role: 'victim', identity }])));
  });
  const f = form.errors.fields;
  const p = 'persons[0].identity.';
  return (
    <form ref={form.formRef} onSubmit={submit} class="stack" aria-labelledby="identificar-titulo" noValidate>
      <h3 id="identificar-titulo">Identificar a la mujer</h3>
      <ErrorAlert error={form.errors.general} />
      <div class="grid-2">
        <Field label="Nombres" name="given_names" value={d.given_names ?? ''} onValue={set('given_names')} required error={f[`${p}given_names`]} />
        <Field label="Primer apellido" name="surname1" value={d.surname1 ?? ''} onValue={set('surname1')} required error={f[`${p}surname1`]} />
        <Field label="Segundo apellido" name="surname2" value={d.surname2 ?? ''} onValue={set('surname2')} error={f[`${p}surname2`]} />
        <DateField label="Fecha de nacimiento" name="birth_date" value={d.birth_date ?? ''} onValue={set('birth_date')} error={f[`${p}birth_date`]} />
        <Field label="RUN" name="run" value={d.run ?? ''} onValue={set('run')} hint="Opcional" error={f[`${p}run`]} />
        <Field label="Teléfono" name="phone" value={d.phone ?? ''} onValue={set('phone')} hint="Solo si ella lo entrega" error={f[`${p}phone`]} />
      </div>
      <FormActions label="Crear registro e identificar" busy={form.busy} onCancel={() => setOpen(false)} />
    </form>
  );
}

function Timeline({ contact }: { contact: Contact }) {
  const t = useAsync((signal) => api.get<Person>(`/channels/contacts/${contact.id}/timeline`, { signal }), [contact.id, contact.person_id]);
  return (
    <section aria-labelledby="historia-titulo" class="channels-timeline" data-testid="timeline">
      <h3 id="historia-titulo">Su historia en el registro</h3>
      {t.loading && <Loading />}
      <ErrorAlert error={t.error} />
      {t.data && (
        <>
          <p>
            <strong>{t.data.identity?.name}</strong>{' '}
            {t.data.summary?.risk_level && <Badge tone="warn">Riesgo {RISK_LABELS[t.data.summary.risk_level] ?? t.data.summary.risk_level}</Badge>}{' '}
            <a href={`/casos/personas/${t.data.id}`}>Ver ficha completa</a>
          </p>
          <ol class="channels-timeline-list">
            {t.data.timeline.map((r) => (
              <li key={r.id}>
                {r.occurred_on} · {r.kind_name} · {r.institution}
                {r.masked ? ' (mínimo compartido)' : ''}
              </li>
            ))}
          </ol>
          {t.data.masked_records > 0 && <p class="muted">Otras instituciones tienen {t.data.masked_records} registro(s) que no puede ver completos.</p>}
        </>
      )}
    </section>
  );
}

function ReferralForm({ contact, onSaved }: { contact: Contact; onSaved: (c: Contact) => void }) {
  const form = useForm();
  const inst = useAsync(() => getServingInstitutions(), []);
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [consent, setConsent] = useState(false);
  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    if (!to) local['details.to_institution_id'] = 'Elija la institución.';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    void form.send(async () => onSaved(await referContact(contact.id, { to_institution_id: Number(to), consent, reason })));
  });
  return (
    <form ref={form.formRef} onSubmit={submit} class="stack" aria-labelledby="derivar-titulo" noValidate>
      <h3 id="derivar-titulo">Derivar</h3>
      <ErrorAlert error={form.errors.general} />
      <SelectField
        label="Institución"
        name="to_institution_id"
        value={to}
        onValue={setTo}
        placeholder="Elija…"
        options={(inst.data ?? []).map((i) => ({ value: String(i.id), label: i.name }))}
        error={form.errors.fields['details.to_institution_id']}
      />
      <Field label="Motivo de la derivación" name="referral_reason" value={reason} onValue={setReason} error={form.errors.fields['details.reason']} />
      <Checkbox name="referral_consent" checked={consent} onValue={setConsent}>
        Ella consiente la derivación
      </Checkbox>
      {form.errors.fields['details.consent'] && <p class="field-error">{form.errors.fields['details.consent']}</p>}
      <div class="form-actions">
        <button type="submit" class="btn btn-secondary" disabled={form.busy}>
          Registrar derivación
        </button>
      </div>
    </form>
  );
}

// Giving the contact back to the queue without closing it: it waits again with its priority and its
// waiting time, and another operator takes it (the woman in a chat is told so, neutrally). Confirmed
// in a dialog: afterwards this operator no longer sees the contact.
function HandBack({ contact, onDone }: { contact: Contact; onDone: () => void }) {
  const form = useForm();
  const [reason, setReason] = useState('');
  const [confirm, setConfirm] = useState(false);
  const submit = form.onSubmit(() => {
    if (form.invalid(reason ? {} : { reason: 'Elija por qué lo devuelve.' }, 'Revise los campos marcados.')) return;
    setConfirm(true);
  });
  const handBack = () =>
    void form.send(async () => {
      await handBackContact(contact.id, reason);
      setConfirm(false);
      onDone();
    });
  return (
    <form ref={form.formRef} onSubmit={submit} class="stack channels-handback" aria-labelledby="devolver-titulo" noValidate>
      <h3 id="devolver-titulo">Devolver a la cola</h3>
      <p class="muted">Sin cerrarlo: vuelve a la cola con su prioridad y su tiempo de espera, y lo que registró se conserva.</p>
      <ErrorAlert error={form.errors.general} />
      <SelectField label="Motivo" name="hand_back_reason" value={reason} onValue={setReason} options={HAND_BACK_REASONS} placeholder="Elija…" required error={form.errors.fields.reason} />
      <div class="form-actions">
        <button type="submit" class="btn btn-secondary" disabled={form.busy}>
          Devolver a la cola…
        </button>
      </div>
      <Dialog title="¿Devolver el contacto a la cola?" open={confirm} onClose={() => setConfirm(false)}>
        <p>
          Otra orientadora lo atenderá. Usted dejará de verlo, salvo que la cola se lo vuelva a ofrecer.
          {contact.channel === 'chat' ? ' A ella se le avisará que la atenderá otra orientadora.' : ''}
        </p>
        <ErrorAlert error={form.errors.general} />
        <FormActions label="Devolver a la cola" busy={form.busy} onConfirm={handBack} onCancel={() => setConfirm(false)} />
      </Dialog>
    </form>
  );
}

function CloseForm({ contact, vocab, onSaved }: { contact: Contact; vocab: Vocabularies; onSaved: (c: Contact) => void }) {
  const form = useForm();
  const [outcome, setOutcome] = useState('');
  const [notes, setNotes] = useState('');
  const needsReason = vocab.data_outcomes.includes(outcome) && !contact.reason;
  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    if (!outcome) local.outcome = 'Elija el resultado del contacto.';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    void form.send(async () => onSaved(await closeContact(contact.id, outcome, notes)));
  });
  const groups = vocab.outcomes.map((t) => ({
    value: t.id,
    label: t.name,
    group: vocab.data_outcomes.includes(t.id) ? 'Atención' : 'Sin atención (igual se registra)',
  }));
  return (
    <form ref={form.formRef} onSubmit={submit} class="stack channels-close" aria-labelledby="cerrar-titulo" noValidate>
      <h3 id="cerrar-titulo">Cerrar el contacto</h3>
      <ErrorAlert error={form.errors.general} />
      <SelectField label="Resultado" name="outcome" value={outcome} onValue={setOutcome} options={groups} placeholder="Elija…" required error={form.errors.fields.outcome} />
      {needsReason && <p class="muted">Este resultado requiere el motivo del contacto: guárdelo arriba antes de cerrar.</p>}
      <Field label="Nota de cierre" name="close_notes" value={notes} onValue={setNotes} />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={form.busy}>
          Cerrar contacto
        </button>
      </div>
    </form>
  );
}
