// The risk form, drawn from the instrument the server serves (sections, items, answers). The level
// computed here while answering is a guide; the server computes the one that is saved. The
// professional may raise it (never lower it) with a reason.
import { SelectField } from '../app/ui';
import { RiskBadge, TextAreaField } from './common';
import { evaluateRisk, RISK_LABELS, RISK_LEVELS, riskRank, type Instrument } from './data';

export interface RiskDraft {
  answers: Record<string, string>;
  level: string; // '' = the computed one
  reason: string;
}

export function RiskForm(props: {
  instrument: Instrument;
  value: RiskDraft;
  onChange: (v: RiskDraft) => void;
  errors: Record<string, string>;
}) {
  const { instrument, value, errors } = props;
  const ev = evaluateRisk(instrument, value.answers);
  const sections = instrument.sections?.length ? instrument.sections : [{ id: '', title: 'Preguntas' }];
  const higher = RISK_LEVELS.filter((l) => riskRank(l) > riskRank(ev.computedLevel));
  const raised = !!value.level && riskRank(value.level) > riskRank(ev.computedLevel);

  function answer(item: string, a: string) {
    const answers = { ...value.answers, [item]: a };
    const next = evaluateRisk(instrument, answers);
    // A raise that the answers have caught up with is no longer a raise.
    const level = value.level && riskRank(value.level) > riskRank(next.computedLevel) ? value.level : '';
    props.onChange({ ...value, answers, level });
  }

  return (
    <div class="risk-form" data-testid="risk-form">
      <p class="muted">
        {instrument.name} (versión {instrument.version}). Lea cada pregunta a la mujer y marque su respuesta. Las marcadas con * son
        obligatorias.
      </p>
      {errors['details.answers'] && (
        <p class="field-error" role="alert">
          {errors['details.answers']}
        </p>
      )}
      {sections.map((s) => {
        const items = instrument.items.filter((i) => (s.id ? i.section === s.id : true));
        if (!items.length) return null;
        return (
          <section key={s.id} class="risk-section" aria-labelledby={`risk-sec-${s.id}`}>
            <h3 id={`risk-sec-${s.id}`}>{s.title}</h3>
            {items.map((item, n) => {
              const err = errors[`details.answers.${item.id}`];
              const errId = `risk-err-${item.id}`;
              return (
                <fieldset
                  key={item.id}
                  class={`risk-item${err ? ' has-error' : ''}`}
                  aria-describedby={err ? errId : undefined}
                  data-item={item.id}
                >
                  <legend>
                    <span class="risk-n">{n + 1}.</span> {item.question}
                    {item.required && <span class="req" aria-hidden="true"> *</span>}
                    {item.required && <span class="visually-hidden"> (obligatoria)</span>}
                  </legend>
                  {err && (
                    <p class="field-error" id={errId}>
                      {err}
                    </p>
                  )}
                  <div class="risk-answers">
                    {item.answers.map((a) => (
                      <label key={a.id} class="risk-answer">
                        <input
                          type="radio"
                          name={`details.answers.${item.id}`}
                          value={a.id}
                          checked={value.answers[item.id] === a.id}
                          aria-invalid={err ? 'true' : undefined}
                          onChange={() => answer(item.id, a.id)}
                        />
                        <span>{a.label}</span>
                      </label>
                    ))}
                  </div>
                </fieldset>
              );
            })}
          </section>
        );
      })}

      <div class="risk-live card" aria-live="polite" data-testid="risk-live">
        <h3>Resultado de la pauta (mientras responde)</h3>
        <p>
          Puntaje {ev.score} · <RiskBadge level={ev.computedLevel} prefix="Nivel calculado:" />
        </p>
        {ev.overrides.length > 0 && (
          <ul class="plain overrides">
            {ev.overrides.map((o) => (
              <li key={o.id}>
                <strong>{o.description}</strong>: el nivel no puede ser menor que «{RISK_LABELS[o.min_level]?.toLowerCase() ?? o.min_level}».
              </li>
            ))}
          </ul>
        )}
        {ev.missing.length > 0 && (
          <p class="muted small">
            Faltan {ev.missing.length === 1 ? '1 pregunta obligatoria' : `${ev.missing.length} preguntas obligatorias`}.
          </p>
        )}
        <p class="muted small">El nivel que vale es el que calcula el servidor al guardar; se muestra después de guardar.</p>
      </div>

      <div class="field-row">
        <SelectField
          label="Nivel final"
          name="details.level"
          value={raised ? value.level : ''}
          onValue={(level) => props.onChange({ ...value, level })}
          options={[
            { value: '', label: `El calculado por la pauta (${RISK_LABELS[ev.computedLevel]?.toLowerCase() ?? ev.computedLevel})` },
            ...higher.map((l) => ({ value: l, label: `Elevar a ${RISK_LABELS[l]!.toLowerCase()}` })),
          ]}
          error={errors['details.level']}
          hint="Puede elevar el nivel por su juicio profesional; no puede bajarlo."
          hintBelow
        />
      </div>
      {raised && (
        <TextAreaField
          label="Motivo para elevar el nivel"
          name="details.raise_reason"
          value={value.reason}
          onValue={(reason) => props.onChange({ ...value, reason })}
          error={errors['details.raise_reason']}
          minChars={10}
          required
          hint="Qué observó que la pauta no recoge."
        />
      )}
    </div>
  );
}
