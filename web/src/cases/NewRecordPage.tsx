// Nuevo registro (/casos/nuevo, or from a person's page with ?persona=N): the kind of record, the
// persons it concerns (an existing person by her file number, or identity fields for the registry
// to link), the kind's details, the risk form. After saving: how each person was linked, the risk
// level the server computed and the alerts the record raised.
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDate, formatDateTime, parseDateInput, todayIso } from '../app/format';
import { useLocation } from '../app/router';
import { useSession } from '../app/session';
import { ApiError } from '../app/api';
import { Checkbox, DateField, ErrorAlert, Field, Loading, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import { CasesNav, ComunaField, PersonLink, RiskBadge, SeverityBadge, TextAreaField } from './common';
import {
  CHANNELS,
  CLOSURE_REASONS,
  DOCUMENT_TYPES,
  EMPTY_IDENTITY,
  getInstrument,
  getPerson,
  getServingInstitutions,
  KINDS,
  labelOf,
  newIdempotencyKey,
  ORDER_TYPES,
  personsBody,
  personsProblems,
  RISK_LABELS,
  ROLES,
  santiagoToIso,
  SEXES,
  submitRecord,
  type IdentityDraft,
  type Linkage,
  type Person,
  type PersonDraft,
  type SavedRecord,
} from './data';
import { RiskForm, type RiskDraft } from './RiskForm';

let nextKey = 1;
const draftPerson = (role: string, identity: Partial<IdentityDraft> = {}): PersonDraft => ({
  key: nextKey++,
  role,
  personId: null,
  identity: { ...EMPTY_IDENTITY, ...identity },
});

// The server's rule (cases/access.h): 20 visible characters, 10 of them letters.
function reasonHasWords(text: string): boolean {
  const visible = text.replace(/[\s\u00a0\u00ad\u200b-\u200f\u2028-\u202f\u205f-\u206f\ufeff]/g, '');
  const letters = visible.replace(/[^a-zA-Z\u00c0-\u024f]/g, '');
  return visible.length >= 20 && letters.length >= 10;
}

function nowTime(): string {
  return formatDateTime(new Date()).slice(11, 16);
}

export default function NewRecordPage() {
  const { search } = useLocation();
  const personParam = search.get('persona');
  const known = useAsync((signal) => (personParam ? getPerson(personParam, signal) : Promise.resolve(null)), [personParam]);
  const [saved, setSaved] = useState<SavedRecord | null>(null);
  const [formKey, setFormKey] = useState(0);

  const header = (
    <PageHeader
      eyebrow="Registro único de casos"
      title="Nuevo registro"
      lead="Registre una atención, denuncia, evaluación de riesgo, medida, derivación, acogida o cierre. Cada persona se vincula a su ficha en el registro."
    />
  );

  if (personParam && known.loading) return <Loading label="Cargando la ficha…" />;

  return (
    <section class="cases">
      <CasesNav />
      {header}
      {known.error && <ErrorAlert error={known.error} title="No fue posible cargar la persona" />}
      {saved ? (
        <SavedPanel
          record={saved}
          onAnother={() => {
            setSaved(null);
            setFormKey((k) => k + 1);
          }}
        />
      ) : (
        <RecordForm key={formKey} person={known.data ?? null} prefill={search} onSaved={setSaved} />
      )}
    </section>
  );
}

function RecordForm(props: { person: Person | null; prefill: URLSearchParams; onSaved: (r: SavedRecord) => void }) {
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
    if (p) return [{ key: nextKey++, role: 'victim', personId: p.id, name: p.identity.name, identity: { ...EMPTY_IDENTITY } }];
    const pre: Partial<IdentityDraft> = {};
    for (const k of ['run', 'given_names', 'surname1', 'surname2', 'birth_date', 'other_document', 'comuna_id'] as const) {
      const v = props.prefill.get(k);
      if (v) pre[k] = v;
    }
    return [draftPerson('victim', pre)];
  });
  const [d, setD] = useState<Record<string, string>>({});
  const [referralConsent, setReferralConsent] = useState(false);
  const [risk, setRisk] = useState<RiskDraft>({ answers: {}, level: '', reason: '' });
  const [addId, setAddId] = useState('');
  // A woman the institution does not serve (nor has an emergency access to) is written about only
  // with a stated emergency reason: audited and told to the institutions that serve her.
  const [emergencyReason, setEmergencyReason] = useState('');
  const [serverAskedReason, setServerAskedReason] = useState(false);
  const needsReason = serverAskedReason || (p !== null && p.may_add_records === false);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  const instrument = useAsync(() => (kind === 'risk_assessment' ? getInstrument() : Promise.resolve(null)), [kind === 'risk_assessment']);
  const institutions = useAsync(() => (kind === 'referral' ? getServingInstitutions() : Promise.resolve([])), [kind === 'referral']);
  const e = errors.fields;
  const setDetail = (k: string) => (v: string) => setD((x) => ({ ...x, [k]: v }));

  // A protective order names the person it obliges: offer the field right away.
  useEffect(() => {
    if (kind === 'protective_order' && !persons.some((x) => x.role === 'aggressor')) setPersons((ps) => [...ps, draftPerson('aggressor')]);
  }, [kind]);

  const orders = (p?.timeline ?? []).filter((r) => r.kind === 'protective_order');

  function updatePerson(key: number, change: Partial<PersonDraft>) {
    setPersons((ps) => ps.map((x) => (x.key === key ? { ...x, ...change } : x)));
  }
  function updateIdentity(key: number, field: keyof IdentityDraft, v: string) {
    setPersons((ps) => ps.map((x) => (x.key === key ? { ...x, identity: { ...x.identity, [field]: v } } : x)));
  }

  function details(): Record<string, unknown> {
    const t = (k: string) => (d[k] ?? '').trim() || undefined;
    switch (kind) {
      case 'contact':
        return { channel: t('channel'), summary: t('summary') };
      case 'complaint':
        return { offence: t('offence'), received_by: t('received_by'), summary: t('summary') };
      case 'risk_assessment':
        return {
          answers: risk.answers,
          ...(risk.level ? { level: risk.level, raise_reason: risk.reason.trim() } : {}),
        };
      case 'protective_order': {
        const places = (d.places ?? '')
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean);
        const dist = t('distance_m');
        return {
          court: t('court'),
          order_type: t('order_type'),
          distance_m: dist && /^\d+$/.test(dist) ? Number(dist) : dist,
          places: places.length ? places : undefined,
          starts_on: t('starts_on'),
          ends_on: t('ends_on'),
        };
      }
      case 'order_breach': {
        const o = t('order_record_id');
        return { order_record_id: o && /^\d+$/.test(o) ? Number(o) : o, description: t('description') };
      }
      case 'referral': {
        const to = t('to_institution_id');
        return { to_institution_id: to ? Number(to) : undefined, consent: referralConsent, reason: t('reason') };
      }
      case 'shelter_entry':
      case 'shelter_exit':
        return { shelter: t('shelter'), note: t('note') };
      case 'closure':
        return { reason: t('reason'), note: t('note') };
    }
    return {};
  }

  function submit() {
    const local: Record<string, string> = { ...personsProblems(persons) };
    const iso = parseDateInput(day);
    if (!iso) local.occurred_at = 'Escriba la fecha como dd-mm-aaaa.';
    const at = iso ? santiagoToIso(iso, time) : null;
    if (iso && !at) local.occurred_time = 'Escriba la hora como hh:mm (24 horas).';
    if (comuna && !/^\d{5}$/.test(comuna)) local.comuna_id = 'Elija la comuna de la lista.';
    const need = (k: string, msg: string) => {
      if (!(d[k] ?? '').trim()) local[`details.${k}`] = msg;
    };
    if (kind === 'contact') need('channel', 'Elija el canal.');
    if (kind === 'protective_order') {
      need('court', 'Indique el tribunal.');
      need('order_type', 'Elija el tipo de medida.');
      need('starts_on', 'Indique desde cuándo rige.');
      for (const k of ['starts_on', 'ends_on'])
        if ((d[k] ?? '').trim() && !parseDateInput(d[k]!)) local[`details.${k}`] = 'Escriba la fecha como dd-mm-aaaa.';
      if ((d.distance_m ?? '').trim() && !/^\d+$/.test(d.distance_m!.trim())) local['details.distance_m'] = 'Escriba la distancia en metros, solo dígitos.';
    }
    if (kind === 'order_breach') {
      need('order_record_id', 'Elija la medida incumplida.');
      need('description', 'Describa el incumplimiento.');
    }
    if (kind === 'referral') {
      need('to_institution_id', 'Elija la institución de destino.');
      need('reason', 'Indique el motivo de la derivación.');
      if (!referralConsent) local['details.consent'] = 'Registre el consentimiento de la mujer para compartir sus datos.';
    }
    if (kind === 'shelter_entry' || kind === 'shelter_exit') need('shelter', 'Indique la casa de acogida.');
    if (kind === 'closure') need('reason', 'Elija el motivo del cierre.');
    if (kind === 'risk_assessment' && risk.level && risk.reason.trim().length < 10)
      local['details.raise_reason'] = 'Indique el motivo para elevar el nivel (al menos 10 caracteres).';
    if (needsReason && !reasonHasWords(emergencyReason))
      local.emergency_reason = 'Describa con palabras el motivo de la emergencia (al menos 20 caracteres).';
    if (invalid(local, 'Revise los datos marcados.')) return;

    const body = {
      kind,
      occurred_at: at,
      comuna_id: comuna || undefined,
      consent_statistics: consent,
      persons: personsBody(persons),
      details: JSON.parse(JSON.stringify(details())),
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

  function addExisting() {
    const id = addId.trim();
    if (!/^\d+$/.test(id)) {
      errors.show(null, { add_person: 'Escriba el número de ficha (solo dígitos).' });
      return;
    }
    setPersons((ps) => [...ps, { key: nextKey++, role: 'aggressor', personId: Number(id), name: `Ficha N° ${id}`, identity: { ...EMPTY_IDENTITY } }]);
    setAddId('');
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

      <fieldset class="card fieldset-card" aria-describedby={e.persons ? 'persons-err' : undefined}>
        <legend>2. Personas</legend>
        {e.persons && (
          <p class="field-error" id="persons-err" role="alert">
            {e.persons}
          </p>
        )}
        {persons.map((x, i) => (
          <PersonBlock
            key={x.key}
            index={i}
            draft={x}
            errors={e}
            canRemove={persons.length > 1}
            onRole={(role) => updatePerson(x.key, { role })}
            onIdentity={(f, v) => updateIdentity(x.key, f, v)}
            onRemove={() => setPersons((ps) => ps.filter((y) => y.key !== x.key))}
          />
        ))}
        <div class="add-persons">
          <button type="button" class="btn btn-secondary btn-sm" onClick={() => setPersons((ps) => [...ps, draftPerson('aggressor')])} disabled={persons.length >= 10}>
            + Persona agresora
          </button>
          <button type="button" class="btn btn-secondary btn-sm" onClick={() => setPersons((ps) => [...ps, draftPerson('child')])} disabled={persons.length >= 10}>
            + Niña, niño o adolescente
          </button>
          <div class="add-existing">
            <Field label="Agregar persona ya registrada (N° de ficha)" name="add_person" value={addId} onValue={setAddId} error={e.add_person} inputMode="numeric" autocomplete="off" />
            <button type="button" class="btn btn-ghost btn-sm" onClick={addExisting} disabled={persons.length >= 10}>
              Agregar
            </button>
          </div>
        </div>
      </fieldset>

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

      <fieldset class="card fieldset-card">
        <legend>3. {labelOf(KINDS, kind)}</legend>
        {kind === 'contact' && (
          <>
            <SelectField label="Canal" name="details.channel" value={d.channel ?? ''} onValue={setDetail('channel')} options={CHANNELS} placeholder="Elija el canal" error={e['details.channel']} required />
            <TextAreaField label="Resumen de la atención" name="details.summary" value={d.summary ?? ''} onValue={setDetail('summary')} error={e['details.summary']} rows={4} maxLength={4000} />
          </>
        )}
        {kind === 'complaint' && (
          <>
            <div class="field-row">
              <Field label="Delito o hecho denunciado" name="details.offence" value={d.offence ?? ''} onValue={setDetail('offence')} error={e['details.offence']} maxLength={200} />
              <Field label="Recibida por" name="details.received_by" value={d.received_by ?? ''} onValue={setDetail('received_by')} error={e['details.received_by']} hint="Unidad o fiscalía" hintBelow maxLength={200} />
            </div>
            <TextAreaField label="Resumen" name="details.summary" value={d.summary ?? ''} onValue={setDetail('summary')} error={e['details.summary']} rows={4} maxLength={4000} />
          </>
        )}
        {kind === 'risk_assessment' &&
          (instrument.loading ? (
            <Loading label="Cargando la pauta…" />
          ) : instrument.data ? (
            <RiskForm
              instrument={instrument.data}
              value={risk}
              onChange={(v) => {
                setRisk(v);
                // An answered item loses its error mark at once (the rest stay until the next save).
                const fixed = Object.keys(e).filter((k) => k.startsWith('details.answers.') && v.answers[k.slice('details.answers.'.length)]);
                if (fixed.length) errors.show(errors.general, Object.fromEntries(Object.entries(e).filter(([k]) => !fixed.includes(k))));
              }}
              errors={e}
            />
          ) : (
            <ErrorAlert error={instrument.error ?? 'No fue posible cargar la pauta de riesgo.'} />
          ))}
        {kind === 'protective_order' && (
          <>
            <div class="field-row">
              <Field label="Tribunal" name="details.court" value={d.court ?? ''} onValue={setDetail('court')} error={e['details.court']} required maxLength={200} hint="Ej.: Juzgado de Familia de Santiago (1.º)" hintBelow />
              <SelectField label="Tipo de medida" name="details.order_type" value={d.order_type ?? ''} onValue={setDetail('order_type')} options={ORDER_TYPES} placeholder="Elija el tipo" error={e['details.order_type']} required />
            </div>
            <div class="field-row three">
              <Field
                label="Distancia (metros)"
                name="details.distance_m"
                value={d.distance_m ?? ''}
                onValue={setDetail('distance_m')}
                error={e['details.distance_m']}
                inputMode="numeric"
                hint="Obligatoria en prohibición de acercamiento y vigilancia telemática (10 a 10.000)."
                hintBelow
                required={d.order_type === 'prohibicion_acercamiento' || d.order_type === 'vigilancia_telematica'}
              />
              <DateField label="Rige desde" name="details.starts_on" value={d.starts_on ?? ''} onValue={setDetail('starts_on')} error={e['details.starts_on']} required />
              <DateField label="Rige hasta" name="details.ends_on" value={d.ends_on ?? ''} onValue={setDetail('ends_on')} error={e['details.ends_on']} hint="dd-mm-aaaa (vacío si no tiene término)" />
            </div>
            <TextAreaField label="Lugares protegidos" name="details.places" value={d.places ?? ''} onValue={setDetail('places')} error={e['details.places']} hint="Uno por línea, hasta 10: domicilio, trabajo, colegio de los hijos…" rows={3} />
          </>
        )}
        {kind === 'order_breach' && (
          <>
            {orders.length > 0 ? (
              <SelectField
                label="Medida incumplida"
                name="details.order_record_id"
                value={d.order_record_id ?? ''}
                onValue={setDetail('order_record_id')}
                placeholder="Elija la medida"
                options={orders.map((o) => ({
                  value: String(o.id),
                  label: `N° ${o.id}: ${labelOf(ORDER_TYPES, o.order?.order_type)} (${o.institution}, desde ${o.order?.starts_on ?? '—'}${o.order?.active ? ', vigente' : ', no vigente'})`,
                }))}
                error={e['details.order_record_id']}
                required
              />
            ) : (
              <Field
                label="N° de la medida incumplida"
                name="details.order_record_id"
                value={d.order_record_id ?? ''}
                onValue={setDetail('order_record_id')}
                error={e['details.order_record_id']}
                inputMode="numeric"
                hint={p ? 'Esta persona no tiene medidas registradas; escriba el número si lo conoce.' : 'El número del registro de la medida (figura en la ficha de la mujer).'}
                hintBelow
                required
              />
            )}
            <TextAreaField label="Qué ocurrió" name="details.description" value={d.description ?? ''} onValue={setDetail('description')} error={e['details.description']} required rows={4} />
          </>
        )}
        {kind === 'referral' && (
          <>
            <SelectField
              label="Derivar a"
              name="details.to_institution_id"
              value={d.to_institution_id ?? ''}
              onValue={setDetail('to_institution_id')}
              placeholder={institutions.loading ? 'Cargando instituciones…' : 'Elija la institución'}
              options={(institutions.data ?? []).filter((i) => i.id !== user?.institution.id).map((i) => ({ value: String(i.id), label: i.name }))}
              error={e['details.to_institution_id'] ?? institutions.error}
              required
            />
            <TextAreaField label="Motivo de la derivación" name="details.reason" value={d.reason ?? ''} onValue={setDetail('reason')} error={e['details.reason']} required rows={3} />
            <div class={`field${e['details.consent'] ? ' has-error' : ''}`}>
              {e['details.consent'] && <p class="field-error">{e['details.consent']}</p>}
              <label class="check">
                <input type="checkbox" name="details.consent" checked={referralConsent} aria-invalid={e['details.consent'] ? 'true' : undefined} onChange={(ev) => setReferralConsent((ev.currentTarget as HTMLInputElement).checked)} />
                <span>La mujer consiente que sus datos se compartan con la institución de destino</span>
              </label>
            </div>
            <p class="hint">La institución de destino debe acusar recibo y contactarla dentro de plazo (más corto si el riesgo es alto o vital).</p>
          </>
        )}
        {(kind === 'shelter_entry' || kind === 'shelter_exit') && (
          <>
            <Field label="Casa de acogida" name="details.shelter" value={d.shelter ?? ''} onValue={setDetail('shelter')} error={e['details.shelter']} required maxLength={200} />
            <TextAreaField label="Nota" name="details.note" value={d.note ?? ''} onValue={setDetail('note')} error={e['details.note']} />
          </>
        )}
        {kind === 'closure' && (
          <>
            <SelectField label="Motivo del cierre" name="details.reason" value={d.reason ?? ''} onValue={setDetail('reason')} options={CLOSURE_REASONS} placeholder="Elija el motivo" error={e['details.reason']} required />
            <TextAreaField label="Nota" name="details.note" value={d.note ?? ''} onValue={setDetail('note')} error={e['details.note']} />
          </>
        )}
      </fieldset>

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

function PersonBlock(props: {
  index: number;
  draft: PersonDraft;
  errors: Record<string, string>;
  canRemove: boolean;
  onRole: (role: string) => void;
  onIdentity: (field: keyof IdentityDraft, v: string) => void;
  onRemove: () => void;
}) {
  const { index: i, draft: x, errors: e } = props;
  const base = `persons[${i}]`;
  const f = (k: keyof IdentityDraft) => e[`${base}.identity.${k}`];
  const general = e[base] ?? e[`${base}.identity`] ?? e[`${base}.person_id`];
  const roleLabel = ROLES.find((r) => r.value === x.role)?.label ?? 'Persona';
  const set = (k: keyof IdentityDraft) => (v: string) => props.onIdentity(k, v);
  return (
    <fieldset class={`person-block${general ? ' has-error' : ''}`} data-testid="person-block">
      <legend>
        Persona {i + 1}: {x.personId !== null ? x.name : roleLabel.toLowerCase()}
      </legend>
      {general && (
        <p class="field-error" role="alert">
          {general}
        </p>
      )}
      <div class="person-head">
        <SelectField label="Rol en este registro" name={`${base}.role`} value={x.role} onValue={props.onRole} options={ROLES} error={e[`${base}.role`]} />
        {x.personId !== null && (
          <p class="existing">
            Persona ya registrada: <PersonLink id={x.personId} />
          </p>
        )}
        {props.canRemove && (
          <button type="button" class="btn btn-ghost btn-sm" onClick={props.onRemove}>
            Quitar<span class="visually-hidden"> persona {i + 1}</span>
          </button>
        )}
      </div>
      {x.personId === null && (
        <div class="identity-grid">
          <Field label="RUN" name={`${base}.identity.run`} value={x.identity.run} onValue={set('run')} error={f('run')} hint="Si no lo sabe, déjelo vacío" hintBelow autocomplete="off" />
          <SelectField label="Otro documento" name={`${base}.identity.document_type`} value={x.identity.document_type} onValue={set('document_type')} options={DOCUMENT_TYPES} placeholder="Ninguno" error={f('document_type')} />
          <Field label="N° del documento" name={`${base}.identity.other_document`} value={x.identity.other_document} onValue={set('other_document')} error={f('other_document')} autocomplete="off" />
          <Field label="Nombres" name={`${base}.identity.given_names`} value={x.identity.given_names} onValue={set('given_names')} error={f('given_names')} autocomplete="off" />
          <Field label="Primer apellido" name={`${base}.identity.surname1`} value={x.identity.surname1} onValue={set('surname1')} error={f('surname1')} autocomplete="off" />
          <Field label="Segundo apellido" name={`${base}.identity.surname2`} value={x.identity.surname2} onValue={set('surname2')} error={f('surname2')} autocomplete="off" />
          <Field label="Fecha de nacimiento" name={`${base}.identity.birth_date`} value={x.identity.birth_date} onValue={set('birth_date')} error={f('birth_date')} hint="dd-mm-aaaa, mm-aaaa o aaaa" hintBelow inputMode="numeric" autocomplete="off" />
          <SelectField label="Sexo registral" name={`${base}.identity.sex`} value={x.identity.sex} onValue={set('sex')} options={SEXES} placeholder="No indicado" error={f('sex')} />
          <Field label="Nacionalidad" name={`${base}.identity.nationality`} value={x.identity.nationality} onValue={set('nationality')} error={f('nationality')} autocomplete="off" />
          <ComunaField label="Comuna de residencia" name={`${base}.identity.comuna_id`} value={x.identity.comuna_id} onValue={set('comuna_id')} error={f('comuna_id')} />
          <Field label="Teléfono" name={`${base}.identity.phone`} value={x.identity.phone} onValue={set('phone')} error={f('phone')} type="tel" autocomplete="off" />
          <Field label="Dirección" name={`${base}.identity.address`} value={x.identity.address} onValue={set('address')} error={f('address')} autocomplete="off" />
        </div>
      )}
    </fieldset>
  );
}

function linkageText(l: Linkage['linkage']): { text: string; tone: string } {
  switch (l.decision) {
    case 'given':
      return { text: 'Persona ya registrada (elegida en el formulario)', tone: 'ok' };
    case 'link':
      return l.exact_run
        ? { text: 'Vinculada a su ficha por RUN', tone: 'ok' }
        : { text: `Vinculada automáticamente a una ficha existente (peso ${(l.weight ?? 0).toFixed(1).replace('.', ',')})`, tone: 'ok' };
    case 'review':
      return { text: 'Ficha nueva enviada a revisión: podría ser la misma persona que otra ficha', tone: 'warn' };
    case 'new':
      return { text: 'Persona nueva en el registro', tone: 'info' };
    default:
      return { text: l.decision, tone: 'info' };
  }
}

function SavedPanel({ record: r, onAnother }: { record: SavedRecord; onAnother: () => void }) {
  const d = (r.details ?? {}) as Record<string, unknown>;
  const victim = r.linkage.find((l) => l.role === 'victim') ?? r.linkage[0];
  const overrides = Array.isArray(d.overrides) ? (d.overrides as { id: string; description: string; min_level: string }[]) : [];
  return (
    <section class="saved stack" data-testid="saved-record" aria-labelledby="saved-h">
      <div class="alert alert-success" role="status">
        <strong class="alert-title" id="saved-h">
          Registro N° {r.id} guardado
        </strong>
        {r.kind_name} del {r.occurred_on}
        {r.replayed ? ' (ya estaba guardado: no se duplicó)' : ''}.
      </div>

      <section class="card">
        <h2>Personas y su ficha</h2>
        <ul class="plain linkage-list" data-testid="linkage">
          {r.linkage.map((l) => {
            const t = linkageText(l.linkage);
            return (
              <li key={`${l.person_id}-${l.role}`}>
                <span class="cell-main">{labelOf(ROLES, l.role)}</span>
                <span class={`badge badge-${t.tone}`}>{t.text}</span> <PersonLink id={l.person_id} />
                {l.linkage.decision === 'review' && (
                  <span class="cell-sub">
                    <a href={`/casos/revisiones${l.linkage.review_id ? `?revision=${l.linkage.review_id}` : ''}`}>Ir a la revisión de vinculaciones</a>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      {r.kind === 'risk_assessment' && (
        <section class="card" data-testid="risk-result">
          <h2>Resultado de la evaluación</h2>
          <dl class="facts">
            <div>
              <dt>Nivel calculado por la pauta (puntaje {String(d.score ?? '—')})</dt>
              <dd>
                <RiskBadge level={String(d.computed_level ?? '')} prefix="" />
              </dd>
            </div>
            <div>
              <dt>Reglas que fijaron un nivel mínimo</dt>
              <dd>
                {overrides.length === 0 ? (
                  'Ninguna'
                ) : (
                  <ul class="plain">
                    {overrides.map((o) => (
                      <li key={o.id}>
                        {o.description} (mínimo «{RISK_LABELS[o.min_level]?.toLowerCase() ?? o.min_level}»)
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
            <div>
              <dt>Nivel final</dt>
              <dd>
                <RiskBadge level={String(d.level ?? '')} prefix="" />
                {d.raised ? <span class="cell-sub">Elevado por la profesional: {String(d.raise_reason ?? '')}</span> : null}
              </dd>
            </div>
            {typeof d.reassess_due_at === 'number' && (
              <div>
                <dt>Reevaluar a más tardar</dt>
                <dd>{formatDate(new Date(d.reassess_due_at))}</dd>
              </div>
            )}
          </dl>
        </section>
      )}

      <section class="card" data-testid="raised-alerts">
        <h2>Alertas levantadas por este registro</h2>
        {r.alerts.length === 0 ? (
          <p class="muted">Este registro no levantó alertas.</p>
        ) : (
          <ul class="plain alert-mini">
            {r.alerts.map((a) => (
              <li key={a.id}>
                <SeverityBadge severity={a.severity} /> <a href={`/alertas/${a.id}`}>{a.rule}</a>
                <span class="cell-sub">{a.explanation}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <div class="form-actions">
        {victim && (
          <a class="btn btn-primary" href={`/casos/personas/${victim.person_id}`}>
            Ver la ficha
          </a>
        )}
        <button type="button" class="btn btn-secondary" onClick={onAnother}>
          Registrar otro
        </button>
      </div>
    </section>
  );
}
