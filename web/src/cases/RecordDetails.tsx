// Part 3 of the record form: the details of each kind of record (contact, complaint, risk
// assessment, protective order, breach, referral, shelter, closure), their local checks and the
// `details` object the API takes.
import { parseDateInput } from '../app/format';
import { useSession } from '../app/session';
import { Field, Loading, ErrorAlert, DateField, SelectField, useAsync, type useForm } from '../app/ui';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { CHANNELS, CLOSURE_REASONS, getInstrument, getServingInstitutions, KINDS, labelOf, ORDER_TYPES, type Person } from './data';
import { RiskForm, type RiskDraft } from './RiskForm';

/** What the details part holds while it is being filled in. */
export interface DetailsDraft {
  /** Text fields by the API's key (channel, summary, court…). */
  d: Record<string, string>;
  risk: RiskDraft;
  referralConsent: boolean;
}

export const EMPTY_DETAILS: DetailsDraft = { d: {}, risk: { answers: {}, level: '', reason: '' }, referralConsent: false };

/** The `details` object of a record of `kind`, as the API takes it (empty texts left out). */
export function detailsBody(kind: string, { d, risk, referralConsent }: DetailsDraft): Record<string, unknown> {
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

/** Local checks of the details, keyed by the API's field names (details.court…). */
export function detailsProblems(kind: string, { d, risk, referralConsent }: DetailsDraft): Record<string, string> {
  const local: Record<string, string> = {};
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
  return local;
}

export function DetailsFieldset(props: {
  kind: string;
  /** The person the record is for, when it starts from her page: her orders are offered for a breach. */
  person: Person | null;
  value: DetailsDraft;
  onChange: (v: DetailsDraft) => void;
  errors: ReturnType<typeof useForm>['errors'];
}) {
  const { kind, person: p, errors } = props;
  const { d, risk, referralConsent } = props.value;
  const e = errors.fields;
  const { state } = useSession();
  const user = state.status === 'signed-in' ? state.session.user : null;
  const instrument = useAsync(() => (kind === 'risk_assessment' ? getInstrument() : Promise.resolve(null)), [kind === 'risk_assessment']);
  const institutions = useAsync(() => (kind === 'referral' ? getServingInstitutions() : Promise.resolve([])), [kind === 'referral']);
  const setDetail = (k: string) => (v: string) => props.onChange({ ...props.value, d: { ...d, [k]: v } });
  // A text detail's field, wired to its value and to its error under the API's name (details.court…).
  const detail = (k: string) => ({ name: `details.${k}`, value: d[k] ?? '', onValue: setDetail(k), error: e[`details.${k}`] });
  const setRisk = (r: RiskDraft) => props.onChange({ ...props.value, risk: r });
  const setReferralConsent = (c: boolean) => props.onChange({ ...props.value, referralConsent: c });
  const orders = (p?.timeline ?? []).filter((r) => r.kind === 'protective_order');

  return (
      <fieldset class="card fieldset-card">
        <legend>3. {labelOf(KINDS, kind)}</legend>
        {kind === 'contact' && (
          <>
            <SelectField label="Canal" name="details.channel" value={d.channel ?? ''} onValue={setDetail('channel')} options={CHANNELS} placeholder="Elija el canal" error={e['details.channel']} required />
            <TextAreaField label="Resumen de la atención" {...detail('summary')} rows={4} maxLength={4000} />
          </>
        )}
        {kind === 'complaint' && (
          <>
            <div class="field-row">
              <Field label="Delito o hecho denunciado" {...detail('offence')} maxLength={200} />
              <Field label="Recibida por" {...detail('received_by')} hint="Unidad o fiscalía" hintBelow maxLength={200} />
            </div>
            <TextAreaField label="Resumen" {...detail('summary')} rows={4} maxLength={4000} />
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
              <Field label="Tribunal" {...detail('court')} required maxLength={200} hint="Ej.: Juzgado de Familia de Santiago (1.º)" hintBelow />
              <SelectField label="Tipo de medida" name="details.order_type" value={d.order_type ?? ''} onValue={setDetail('order_type')} options={ORDER_TYPES} placeholder="Elija el tipo" error={e['details.order_type']} required />
            </div>
            <div class="field-row three">
              <Field
                label="Distancia (metros)"
                {...detail('distance_m')}
                inputMode="numeric"
                hint="Obligatoria en prohibición de acercamiento y vigilancia telemática (10 a 10.000)."
                hintBelow
                required={d.order_type === 'prohibicion_acercamiento' || d.order_type === 'vigilancia_telematica'}
              />
              <DateField label="Rige desde" {...detail('starts_on')} required />
              <DateField label="Rige hasta" {...detail('ends_on')} hint="dd-mm-aaaa (vacío si no tiene término)" />
            </div>
            <TextAreaField label="Lugares protegidos" {...detail('places')} hint="Uno por línea, hasta 10: domicilio, trabajo, colegio de los hijos…" rows={3} />
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
                {...detail('order_record_id')}
                inputMode="numeric"
                hint={p ? 'Esta persona no tiene medidas registradas; escriba el número si lo conoce.' : 'El número del registro de la medida (figura en la ficha de la mujer).'}
                hintBelow
                required
              />
            )}
            <TextAreaField label="Qué ocurrió" {...detail('description')} required rows={4} />
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
            <TextAreaField label="Motivo de la derivación" {...detail('reason')} required rows={3} />
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
            <Field label="Casa de acogida" {...detail('shelter')} required maxLength={200} />
            <TextAreaField label="Nota" {...detail('note')} />
          </>
        )}
        {kind === 'closure' && (
          <>
            <SelectField label="Motivo del cierre" name="details.reason" value={d.reason ?? ''} onValue={setDetail('reason')} options={CLOSURE_REASONS} placeholder="Elija el motivo" error={e['details.reason']} required />
            <TextAreaField label="Nota" {...detail('note')} />
          </>
        )}
      </fieldset>

  );
}
