// Estadísticas (/casos/estadisticas): records by month and by comuna, and risk levels — only those
// whose consent allows statistics. Counts from 1 to 4 come as null and are shown as «<5».
import { useState } from 'preact/hooks';
import { setQuery, useLocation } from '../app/router';
import { ErrorAlert, Field, FilterForm, Loading, PageHeader, useAsync, useForm } from '../app/ui';
import { CasesNav, RiskBadge } from './common';
import { getStatistics, monthInput, monthName, RISK_LEVELS, statCell, type StatRow } from './data';

const COLUMNS: [string, string][] = [
  ['contact', 'Contactos'],
  ['complaint', 'Denuncias'],
  ['risk_assessment', 'Evaluaciones de riesgo'],
  ['protective_order', 'Medidas'],
  ['order_breach', 'Incumplimientos'],
  ['referral', 'Derivaciones'],
];

const toTyped = (m: string | null) => (m && /^\d{4}-\d{2}$/.test(m) ? `${m.slice(5)}-${m.slice(0, 4)}` : '');

export default function StatisticsPage() {
  const { search } = useLocation();
  const from = search.get('desde') ?? '';
  const to = search.get('hasta') ?? '';
  const [fromText, setFromText] = useState(toTyped(from));
  const [toText, setToText] = useState(toTyped(to));
  const stats = useAsync((signal) => getStatistics({ from, to }, signal), [from, to]);
  const { errors, onSubmit, invalid } = useForm();
  const s = stats.data;

  function apply() {
    const local: Record<string, string> = {};
    const f = fromText.trim() ? monthInput(fromText) : '';
    const t = toText.trim() ? monthInput(toText) : '';
    if (f === null) local.from = 'Escriba el mes como mm-aaaa.';
    if (t === null) local.to = 'Escriba el mes como mm-aaaa.';
    if (invalid(local, 'Revise los meses.')) return;
    setQuery({ desde: f || null, hasta: t || null });
  }

  return (
    <section class="cases">
      <CasesNav />
      <PageHeader
        eyebrow="Registro único de casos"
        title="Estadísticas"
        lead="Registros por mes y por comuna y niveles de riesgo, de todas las instituciones del registro."
      />
      <FilterForm label="Período" onSubmit={onSubmit(apply)}>
        <Field label="Desde (mes)" name="from" value={fromText} onValue={setFromText} error={errors.fields.from} hint="mm-aaaa; vacío: hace 12 meses" hintBelow inputMode="numeric" />
        <Field label="Hasta (mes)" name="to" value={toText} onValue={setToText} error={errors.fields.to} hint="mm-aaaa; vacío: este mes" hintBelow inputMode="numeric" />
        <div class="filter-actions">
          <button type="submit" class="btn btn-primary">
            Ver período
          </button>
        </div>
      </FilterForm>
      <ErrorAlert error={errors.general ?? stats.error} />
      {stats.loading && !s && <Loading />}
      {s && (
        <>
          <p class="consent-note" role="note" data-testid="consent-note">
            <strong>Del {s.from} al {s.to}.</strong> {s.note} Los registros sin consentimiento para fines estadísticos no se cuentan, por lo que
            estas cifras son menores que la atención real.
          </p>
          <section class="card" aria-labelledby="levels-h">
            <h2 id="levels-h">Niveles de riesgo evaluados</h2>
            <ul class="levels" data-testid="risk-levels">
              {RISK_LEVELS.map((l) => (
                <li key={l}>
                  <RiskBadge level={l} prefix="" />
                  <strong class="level-n">{statCell(s.risk_levels[l])}</strong>
                </li>
              ))}
            </ul>
          </section>
          <StatTable title="Por mes" rows={s.by_month} label={(r) => monthName(r.key)} first="Mes" testId="stats-month" />
          <StatTable
            title="Por comuna"
            rows={[...s.by_comuna].sort((a, b) => (a.name ?? 'zzz').localeCompare(b.name ?? 'zzz', 'es'))}
            label={(r) => (r.key === 'sin_comuna' ? 'Sin comuna registrada' : r.name ?? r.key)}
            first="Comuna"
            testId="stats-comuna"
          />
          <section class="card" aria-labelledby="alerts-h">
            <h2 id="alerts-h">Alertas tempranas por mes y comuna</h2>
            {s.alerts.length === 0 ? (
              <p>No hay alertas en el período (solo se cuentan las que provienen de registros con consentimiento).</p>
            ) : (
              <table class="data-table" data-testid="stats-alerts">
                <thead>
                  <tr>
                    <th scope="col">Mes</th>
                    <th scope="col">Comuna</th>
                    <th scope="col" class="num">Alertas</th>
                  </tr>
                </thead>
                <tbody>
                  {s.alerts.map((a) => (
                    <tr key={`${a.month}-${a.comuna_id}`}>
                      <td>{monthName(a.month)}</td>
                      <td>{a.comuna_id === 'sin_comuna' ? 'Sin comuna registrada' : a.name ?? a.comuna_id}</td>
                      <td class="num">{statCell(a.count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </section>
  );
}

function StatTable(props: { title: string; rows: StatRow[]; label: (r: StatRow) => string; first: string; testId: string }) {
  const id = `st-${props.testId}`;
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{props.title}</h2>
      {props.rows.length === 0 ? (
        <p class="empty">No hay registros con consentimiento en este período.</p>
      ) : (
        <div class="table-wrap">
          <table class="data-table responsive stats-table" data-testid={props.testId}>
            <caption class="visually-hidden">{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">{props.first}</th>
                <th scope="col">Contactos y denuncias</th>
                {COLUMNS.map(([, l]) => (
                  <th scope="col" key={l}>
                    {l}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr key={r.key}>
                  <th scope="row" data-label={props.first}>
                    {props.label(r)}
                  </th>
                  <td data-label="Contactos y denuncias" class="num strong">
                    {statCell(r.contacts_and_complaints)}
                  </td>
                  {COLUMNS.map(([k, l]) => (
                    <td data-label={l} class="num" key={k}>
                      {statCell(k in r.counts ? r.counts[k] : undefined)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
