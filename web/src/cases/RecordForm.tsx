// The new record's form: what is recorded (kind, date, comuna, consent), the persons
// (RecordPersons.tsx), an emergency reason when the institution does not serve the woman, and the
// kind's details (RecordDetails.tsx); it checks locally what it can and sends one record.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../app/api';
import { formatDate, formatDateTime, parseDateInput, todayIso } from '../app/format';
import { useSession } from '../app/session';
import { Checkbox, DateField, ErrorAlert, Field, Notice, SelectField, useForm } from '../app/ui';
import { ComunaField } from '../app/widgets/ComunaField';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { PersonLink } from './common';
import {
  KINDS,
  newIdempotencyKey,
  personsBody,
  personsProblems,
  santiagoToIso,
  submitRecord,
  type IdentityDraft,
  type Person,
  type PersonDraft,
  type SavedRecord,
} from './data';
import { DetailsFieldset, detailsBody, detailsProblems, EMPTY_DETAILS, type DetailsDraft } from './RecordDetails';
import { draftPerson, existingPerson, PersonsFieldset } from './RecordPersons';

// The server's rule (cases/access.h): 20 visible characters, 10 of them letters.
function reasonHasWords(text: string): boolean {
  const visible = text.replace(/[\s\u00a0\u00ad\u200b-\u200f\u2028-\u202f\u205f-\u206f\ufeff]/g, '');
  const letters = visible.replace(/[^a-zA-Z\u00c0-\u024f]/g, '');
  return visible.length >= 20 && letters.length >= 10;
}

function nowTime(): string {
  return formatDateTime(new Date()).slice(11, 16);
}

export function RecordForm(props: { person: Person | null; prefill: URLSearchParams; onSaved: (r: SavedRecord) => void }) {
  const { state } = useSession();
  const user = state.status === 'signed-in' ? state.session.user : null;
  const p = props.person;
  const [kind, setKind] = useState(props.prefill.get('tipo') ?? 'contact');
  // One key per record being filled in: a retry after a lost answer cannot store it twice.
  const idempotencyKey = useRef(newIdempotencyKey());
  const [day, setDay] = useState(formatDate(todayIso()));
  const [time, setTime] = useState(nowTime());
  const [comuna, setComuna] = useState(p?.identity.comuna_id ?? user?.comuna_id ?? '');
  const [consent, setConsent] = useState(false);
  const [persons, setPersons] = useState<PersonDraft[]>(() => {
    if (p) return [existingPerson('victim', p.id, p.identity.name)];
    const pre: Partial<IdentityDraft> = {};
    for (const k of ['run', 'given_names', 'surname1', 'surname2', 'birth_date', 'other_document', 'comuna_id'] as const) {
      const v = props.prefill.get(k);
      if (v) pre[k] = v;
    }
    return [draftPerson('victim', pre)];
  });
  const [details, setDetails] = useState<DetailsDraft>(EMPTY_DETAILS);
  // A woman the institution does not serve (nor has an emergency access to) is written about only
  // with a stated emergency reason: audited and told to the institutions that serve her.
  const [emergencyReason, setEmergencyReason] = useState('');
  const [serverAskedReason, setServerAskedReason] = useState(false);
  const needsReason = serverAskedReason || (p !== null && p.may_add_records === false);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  const e = errors.fields;

  // A protective order names the person it obliges: offer the field right away.
  useEffect(() => {
    if (kind === 'protective_order' && !persons.some((x) => x.role === 'aggressor')) setPersons((ps) => [...ps, draftPerson('aggressor')]);
  }, [kind]);

  function submit() {
    const local: Record<string, string> = { ...personsProblems(persons), ...detailsProblems(kind, details) };
    const iso = parseDateInput(day);
    if (!iso) local.occurred_at = 'Escriba la fecha como dd-mm-aaaa.';
    const at = iso ? santiagoToIso(iso, time) : null;
    if (iso && !at) local.occurred_time = 'Escriba la hora como hh:mm (24 horas).';
    if (comuna && !/^\d{5}$/.test(comuna)) local.comuna_id = 'Elija la comuna de la lista.';
    if (needsReason && !reasonHasWords(emergencyReason))
      local.emergency_reason = 'Describa con palabras el motivo de la emergencia (al menos 20 caracteres).';
    if (invalid(local, 'Revise los datos marcados.')) return;

    const body = {
      kind,
      occurred_at: at,
      comuna_id: comuna || undefined,
      consent_statistics: consent,
      persons: personsBody(persons),
      details: JSON.parse(JSON.stringify(detailsBody(kind, details))),
      emergency_reason: needsReason ? emergencyReason.trim() : undefined,
    };
    void send(
      async () => {
        const r = await submitRecord(body, idempotencyKey.current);
        idempotencyKey.current = newIdempotencyKey();
        props.onSaved(r);
        window.scrollTo(0, 0);
      },
      (err) => {
        // A person added by number that the institution does not serve: ask for the reason.
        if (err instanceof ApiError && err.code === 'need_to_know') setServerAskedReason(true);
        errors.fromError(err);
      },
    );
  }

  return (
    <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="record-form stack" data-testid="record-form">
      <ErrorAlert error={errors.general} title="No fue posible guardar el registro" />
      {p && (
        <Notice kind="info">
          Registro para <strong>{p.identity.name}</strong> (<PersonLink id={p.id} />
          ).
        </Notice>
      )}

      <fieldset class="card fieldset-card">
        <legend>1. Qué se registra</legend>
        <div class="field-row three">
          <SelectField label="Tipo de registro" name="kind" value={kind} onValue={setKind} options={KINDS} error={e.kind} required autoFocus />
          <DateField label="Fecha" name="occurred_at" value={day} onValue={setDay} error={e.occurred_at} required />
          <Field label="Hora" name="occurred_time" value={time} onValue={setTime} error={e.occurred_time} hint="hh:mm, 24 horas" hintBelow inputMode="numeric" autocomplete="off" />
        </div>
        <div class="field-row">
          <ComunaField label="Comuna donde ocurrió o se atendió" name="comuna_id" value={comuna} onValue={setComuna} error={e.comuna_id} />
          <div class="field">
            <span class="label-like">Estadísticas</span>
            <Checkbox name="consent_statistics" checked={consent} onValue={setConsent}>
              La mujer consiente que este registro se cuente, sin datos que la identifiquen, en las estadísticas
            </Checkbox>
          </div>
        </div>
      </fieldset>

      <PersonsFieldset persons={persons} setPersons={setPersons} errors={errors} />

      {needsReason && (
        <fieldset class="card fieldset-card" data-testid="emergency-reason">
          <legend>Acceso de emergencia</legend>
          <Notice kind="warning">
            Su institución no atiende a esta persona. Solo puede agregar un registro con acceso de emergencia: el motivo queda en el registro
            de accesos de la persona y se avisa a cada institución que la atiende. Su registro no cambia el nivel de riesgo ni cierra el caso
            de otra institución.
          </Notice>
          <TextAreaField
            label="Motivo de la emergencia"
            name="emergency_reason"
            value={emergencyReason}
            onValue={setEmergencyReason}
            error={e.emergency_reason}
            hint="Qué ocurre y por qué debe registrarlo ahora."
            required
            rows={3}
            maxLength={1000}
          />
        </fieldset>
      )}

      <DetailsFieldset kind={kind} person={p} value={details} onChange={setDetails} errors={errors} />

      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? 'Guardando…' : 'Guardar registro'}
        </button>
        <a class="btn btn-ghost" href={p ? `/casos/personas/${p.id}` : '/casos'}>
          Cancelar
        </a>
      </div>
    </form>
  );
}
