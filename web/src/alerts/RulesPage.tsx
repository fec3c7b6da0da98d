// Reglas de alerta (/alertas/reglas, alerts.configure): the rules in force with their versions;
// editing one (parameters, severity, enabled, time to take) saves a new version. The dry run tries a
// rule on the whole history and shows what it would have raised, by month and with examples.
import { useState } from 'preact/hooks';
import { formatDateTime, formatNumber } from '../app/format';
import { Checkbox, DataTable, Dialog, ErrorAlert, Field, FormActions, Loading, Notice, PageHeader, RowButton, SelectField, useAsync, useForm } from '../app/ui';
import { hasPermission, useSession } from '../app/session';
import { SeverityBadge } from '../app/widgets/SeverityBadge';
import { RISK_LABELS, RISK_LEVELS } from '../cases/data';
import { monthName } from '../cases/data';
import {
  dryRun,
  getRule,
  getRules,
  kindName,
  minutesText,
  PARAM_LABELS,
  RESPOND,
  paramsText,
  RECORD_KINDS,
  SEVERITIES,
  updateRule,
  type DryRun,
  type RuleVersion,
  type Template,
} from './data';
import './alerts.css';

type ParamDraft = Record<string, string | string[]>;

function toDraft(params: Record<string, unknown>): ParamDraft {
  const out: ParamDraft = {};
  for (const [k, v] of Object.entries(params)) out[k] = Array.isArray(v) ? v.map(String) : String(v);
  return out;
}

/** Back to JSON with the types of the template's defaults (numbers stay numbers). */
function fromDraft(draft: ParamDraft, defaults: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(draft)) {
    const d = defaults[k];
    if (typeof d === 'number' && typeof v === 'string') out[k] = /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v;
    else out[k] = v;
  }
  return out;
}

function ParamsEditor(props: { defaults: Record<string, unknown>; value: ParamDraft; onChange: (v: ParamDraft) => void; errors: Record<string, string>; idPrefix: string }) {
  const keys = Array.from(new Set([...Object.keys(props.defaults), ...Object.keys(props.value)]));
  if (!keys.length) return <p class="muted">Esta regla no tiene parámetros.</p>;
  return (
    <div class="field-row params">
      {keys.map((k) => {
        const v = props.value[k] ?? toDraft({ [k]: props.defaults[k] })[k] ?? '';
        const err = props.errors[`params.${k}`];
        const label = PARAM_LABELS[k] ?? k;
        if (Array.isArray(v) || Array.isArray(props.defaults[k])) {
          const list = Array.isArray(v) ? v : [];
          return (
            <fieldset key={k} class={`fieldset${err ? ' has-error' : ''}`}>
              <legend>{label}</legend>
              {err && <p class="field-error">{err}</p>}
              <div class="checks checks-inline">
                {RECORD_KINDS.map((kind) => (
                  <Checkbox
                    key={kind}
                    name={`${props.idPrefix}-${k}`}
                    checked={list.includes(kind)}
                    onValue={(on) => props.onChange({ ...props.value, [k]: on ? [...list, kind] : list.filter((x) => x !== kind) })}
                  >
                    {kindName(kind)}
                  </Checkbox>
                ))}
              </div>
            </fieldset>
          );
        }
        if (k === 'min_level' || k === 'level')
          return (
            <SelectField
              key={k}
              label={label}
              name={`params.${k}`}
              value={String(v)}
              onValue={(x) => props.onChange({ ...props.value, [k]: x })}
              options={RISK_LEVELS.map((l) => ({ value: l, label: RISK_LABELS[l]! }))}
              error={err}
            />
          );
        return (
          <Field
            key={k}
            label={label}
            name={`params.${k}`}
            value={String(v)}
            onValue={(x) => props.onChange({ ...props.value, [k]: x })}
            error={err}
            inputMode={typeof props.defaults[k] === 'number' ? 'numeric' : undefined}
            autocomplete="off"
          />
        );
      })}
    </div>
  );
}

export default function RulesPage() {
  const { state } = useSession();
  const rules = useAsync((signal) => getRules(signal), []);
  const [editing, setEditing] = useState<RuleVersion | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [trial, setTrial] = useState<{ template: string; params: Record<string, unknown>; severity: string; key: number } | null>(null);
  const items = rules.data?.items ?? [];
  const templates = rules.data?.templates ?? [];

  return (
    <section class="alerts">
      <nav aria-label="Ruta de navegación" class="breadcrumb">
        <ol>
          <li>{hasPermission(state, RESPOND) ? <a href="/alertas">Alertas</a> : 'Alerta temprana'}</li>
          <li>
            <span aria-current="page">Reglas</span>
          </li>
        </ol>
      </nav>
      <PageHeader
        eyebrow="Alerta temprana"
        title="Reglas de alerta"
        lead="Cada regla es una plantilla con parámetros. Al modificarla se guarda una versión nueva; las alertas ya levantadas conservan la versión que las levantó. Pruebe los cambios sobre la historia antes de guardarlos."
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      <ErrorAlert error={rules.error} />
      <DataTable
        loading={rules.loading && !rules.data}
        error={rules.error}
        count={items.length}
        empty="No hay reglas configuradas."
        caption="Reglas de alerta vigentes"
        columns={['Regla', 'Parámetros', 'Severidad', 'Plazo para tomarla', 'Estado', 'Versión']}
        actions
        testId="rules-table"
      >
        {items.map((r) => (
          <tr key={r.id} class={r.enabled ? undefined : 'row-closed'}>
            <th scope="row" data-label="Regla">
              <span class="cell-main">{r.name_es}</span>
              <span class="cell-sub">
                Plantilla: {r.template_name}
                {r.time_based ? ' (por plazo vencido)' : ''}
              </span>
            </th>
            <td data-label="Parámetros">{paramsText(r.params)}</td>
            <td data-label="Severidad">
              <SeverityBadge severity={r.severity} />
            </td>
            <td data-label="Plazo para tomarla">{minutesText(r.take_within_minutes)}</td>
            <td data-label="Estado">{r.enabled ? <span class="badge badge-ok">Activa</span> : <span class="badge badge-neutral">Desactivada</span>}</td>
            <td data-label="Versión" class="num">
              {r.version}
              <span class="cell-sub nowrap">{formatDateTime(new Date(r.created_at)).slice(0, 10)}</span>
            </td>
            <td class="cell-actions">
              <span class="row-buttons">
                <RowButton label="Editar" detail={r.name_es} onClick={() => setEditing(r)} />
                <RowButton
                  label="Probar"
                  detail={r.name_es}
                  onClick={() => {
                    setTrial({ template: r.template, params: r.params, severity: r.severity, key: Date.now() });
                    window.setTimeout(() => document.getElementById('dry-run')?.scrollIntoView({ behavior: 'smooth' }), 50);
                  }}
                />
              </span>
            </td>
          </tr>
        ))}
      </DataTable>
      {templates.length > 0 && <DryRunPanel key={trial?.key ?? 0} templates={templates} initial={trial} canReadCases={hasPermission(state, 'cases.read')} />}
      {editing && (
        <RuleDialog
          rule={editing}
          template={templates.find((t) => t.id === editing.template)}
          onClose={() => setEditing(null)}
          onSaved={(r) => {
            setEditing(null);
            setNotice(r.version === editing.version ? 'No hubo cambios: se mantiene la misma versión.' : `Se guardó la versión ${r.version} de «${r.name_es}».`);
            rules.reload();
          }}
        />
      )}
    </section>
  );
}

function RuleDialog(props: { rule: RuleVersion; template?: Template; onClose: () => void; onSaved: (r: RuleVersion) => void }) {
  const r = props.rule;
  const defaults = props.template?.defaults ?? r.params;
  const [name, setName] = useState(r.name_es);
  const [severity, setSeverity] = useState(r.severity);
  const [enabled, setEnabled] = useState(r.enabled);
  const [take, setTake] = useState(String(r.take_within_minutes));
  const [params, setParams] = useState<ParamDraft>(toDraft(r.params));
  const [showVersions, setShowVersions] = useState(false);
  const versions = useAsync((signal) => (showVersions ? getRule(r.id, signal) : Promise.resolve(null)), [r.id, showVersions]);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  function submit() {
    const local: Record<string, string> = {};
    if (!name.trim()) local.name_es = 'Escriba el nombre de la regla.';
    if (!/^\d+$/.test(take.trim()) || Number(take) < 1) local.take_within_minutes = 'Escriba los minutos (número entero mayor que 0).';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      const out = await updateRule(r.id, {
        name_es: name.trim(),
        severity,
        enabled,
        take_within_minutes: Number(take),
        params: fromDraft(params, defaults),
      });
      props.onSaved(out);
    });
  }

  return (
    <Dialog title={`Editar regla: ${r.name_es}`} open onClose={props.onClose} wide>
      <p class="muted">
        Plantilla «{r.template_name}» · versión vigente {r.version}. Guardar crea la versión {r.version + 1}.
      </p>
      <ErrorAlert error={errors.general} title="No fue posible guardar" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <Field label="Nombre" name="name_es" value={name} onValue={setName} error={errors.fields.name_es} required maxLength={200} />
        <div class="field-row">
          <SelectField label="Severidad" name="severity" value={severity} onValue={setSeverity} options={SEVERITIES} error={errors.fields.severity} />
          <Field
            label="Plazo para tomarla (minutos)"
            name="take_within_minutes"
            value={take}
            onValue={setTake}
            error={errors.fields.take_within_minutes}
            inputMode="numeric"
            hint="Si nadie la toma en ese plazo, escala."
            hintBelow
          />
        </div>
        <h3 class="small-h">Parámetros</h3>
        <ParamsEditor defaults={defaults} value={params} onChange={setParams} errors={errors.fields} idPrefix="edit" />
        <Checkbox name="enabled" checked={enabled} onValue={setEnabled}>
          Regla activa (si la desactiva, deja de levantar alertas nuevas)
        </Checkbox>
        <FormActions label={busy ? 'Guardando…' : 'Guardar versión nueva'} busy={busy} onCancel={props.onClose} />
      </form>
      <div class="versions">
        <button type="button" class="btn btn-ghost btn-sm" aria-expanded={showVersions ? 'true' : 'false'} onClick={() => setShowVersions(!showVersions)}>
          {showVersions ? 'Ocultar versiones anteriores' : 'Ver versiones anteriores'}
        </button>
        {showVersions && versions.loading && <Loading />}
        {showVersions && versions.data && (
          <ol class="plain version-list" data-testid="versions">
            {versions.data.versions.map((v) => (
              <li key={v.version}>
                <strong>Versión {v.version}</strong> · {formatDateTime(new Date(v.created_at))} · {v.severity_name} · {v.enabled ? 'activa' : 'desactivada'} ·{' '}
                {minutesText(v.take_within_minutes)}
                <span class="cell-sub">{paramsText(v.params)}</span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </Dialog>
  );
}

function DryRunPanel(props: { templates: Template[]; canReadCases: boolean; initial: { template: string; params: Record<string, unknown>; severity: string } | null }) {
  const first = props.initial?.template ?? props.templates[0]!.id;
  const [template, setTemplate] = useState(first);
  const [severity, setSeverity] = useState(props.initial?.severity ?? 'alta');
  const tpl = props.templates.find((t) => t.id === template);
  const [params, setParams] = useState<ParamDraft>(toDraft(props.initial?.params ?? tpl?.defaults ?? {}));
  const [result, setResult] = useState<DryRun | null>(null);
  const { errors, formRef, busy, onSubmit, send } = useForm();

  function submit() {
    setResult(null);
    void send(async () => {
      setResult(await dryRun({ template, severity, params: fromDraft(params, tpl?.defaults ?? {}) }));
    });
  }
  const max = Math.max(1, ...(result?.by_month ?? []).map((m) => m.count));

  return (
    <section class="card dry-run" id="dry-run" aria-labelledby="dry-h" data-testid="dry-run">
      <h2 id="dry-h">Probar una regla sobre la historia</h2>
      <p class="muted">Calcula cuántas alertas habría levantado la regla con estos parámetros sobre todos los registros. No guarda nada ni avisa a nadie; la prueba queda en la auditoría.</p>
      <ErrorAlert error={errors.general} title="No fue posible probar la regla" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <div class="field-row">
          <SelectField
            label="Plantilla"
            name="template"
            value={template}
            onValue={(t) => {
              setTemplate(t);
              setParams(toDraft(props.templates.find((x) => x.id === t)?.defaults ?? {}));
              setResult(null);
            }}
            options={props.templates.map((t) => ({ value: t.id, label: t.name }))}
            error={errors.fields.template}
          />
          <SelectField label="Severidad" name="severity" value={severity} onValue={setSeverity} options={SEVERITIES} error={errors.fields.severity} />
        </div>
        <ParamsEditor defaults={tpl?.defaults ?? {}} value={params} onChange={setParams} errors={errors.fields} idPrefix="dry" />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Calculando…' : 'Probar sobre la historia'}
          </button>
        </div>
      </form>
      {busy && <Loading label="Recorriendo la historia de todas las personas…" />}
      {result && (
        <div class="dry-result" aria-live="polite" data-testid="dry-result">
          <ul class="dry-totals">
            <li>
              <strong>{formatNumber(result.total)}</strong> alertas
            </li>
            <li>
              <strong>{formatNumber(result.persons)}</strong> personas
            </li>
            <li>
              <strong>{formatNumber(result.persons_scanned)}</strong> personas revisadas
            </li>
          </ul>
          {result.total === 0 ? (
            <p class="empty">Con estos parámetros la regla no habría levantado ninguna alerta.</p>
          ) : (
            <>
              <h3 class="small-h">Por mes</h3>
              <table class="data-table month-bars" data-testid="dry-months">
                <caption class="visually-hidden">Alertas que habría levantado, por mes</caption>
                <thead>
                  <tr>
                    <th scope="col">Mes</th>
                    <th scope="col">Alertas</th>
                  </tr>
                </thead>
                <tbody>
                  {result.by_month.map((m) => (
                    <tr key={m.month}>
                      <th scope="row">{monthName(m.month)}</th>
                      <td>
                        <span class="bar" style={{ width: `${Math.max(4, (m.count / max) * 100)}%` }} aria-hidden="true" />
                        <span class="bar-n">{formatNumber(m.count)}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3 class="small-h">Ejemplos (los {result.examples.length} más recientes)</h3>
              <ul class="plain examples">
                {result.examples.map((x, i) => (
                  <li key={i}>
                    <span class="nowrap">{x.date}</span> ·{' '}
                    {props.canReadCases ? <a href={`/casos/personas/${x.person_id}`}>Ficha N° {x.person_id}</a> : <span>Ficha N° {x.person_id}</span>}
                    <span class="cell-sub">{x.explanation}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
