// Estadística diaria de atención (/canales/estadistica, channels.supervise): contacts of one day
// (America/Santiago) by channel, outcome, reason and hour; abandonment; waiting times.
import './channels.css';
import { useState } from 'preact/hooks';
import { formatDate, formatNumber, formatPercent } from '../app/format';
import { DateField, ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { formatWait, getStatistics, type Counted } from './data';

export default function StatisticsPage() {
  const [date, setDate] = useState(formatDate(new Date()));
  const [shown, setShown] = useState(date);
  const stats = useAsync((signal) => getStatistics(shown, signal), [shown]);
  const s = stats.data;
  const max = Math.max(1, ...(s?.by_hour ?? []).map((h) => h.count));
  return (
    <section class="channels">
      <PageHeader title="Estadística diaria de atención" lead="Contactos de un día (hora de Santiago) en todos los canales." />
      <form class="channels-presence" onSubmit={(e) => { e.preventDefault(); setShown(date); }}>
        <DateField label="Día" name="date" value={date} onValue={setDate} />
        <button type="submit" class="btn btn-secondary">Ver</button>
      </form>
      <ErrorAlert error={stats.error} />
      {stats.loading && <Loading />}
      {s && (
        <>
          <div class="channels-kpis" data-testid="kpis">
            <div><strong>{formatNumber(s.total)}</strong> contactos</div>
            <div><strong>{formatNumber(s.answered)}</strong> atendidos</div>
            <div><strong>{formatPercent(s.abandonment_rate === null ? null : s.abandonment_rate * 100)}</strong> abandono ({formatNumber(s.abandoned)})</div>
            <div><strong>{formatWait(s.wait_s.median)}</strong> espera mediana</div>
            <div><strong>{formatWait(s.wait_s.p90)}</strong> espera p90</div>
            <div><strong>{formatNumber(s.urgent)}</strong> urgentes</div>
          </div>
          <div class="grid-2">
            <CountTable title="Por canal" rows={s.by_channel} total={s.total} />
            <CountTable title="Por resultado" rows={s.by_outcome} total={s.total} />
            <CountTable title="Por motivo" rows={s.by_reason} total={s.total} />
          </div>
          <h2>Por hora</h2>
          <ul class="channels-bars" aria-label="Contactos por hora">
            {s.by_hour.map((h) => (
              <li key={h.hour}>
                <span>{String(h.hour).padStart(2, '0')}:00</span>
                <span>
                  <span class="channels-bar" style={{ display: 'inline-block', width: `${(100 * (h.count - h.abandoned)) / max}%` }} />
                  <span class="channels-bar abandoned" style={{ display: 'inline-block', width: `${(100 * h.abandoned) / max}%` }} />
                </span>
                <span>{formatNumber(h.count)}</span>
              </li>
            ))}
          </ul>
          <p class="muted">En rojo, las llamadas abandonadas antes de ser atendidas.</p>
        </>
      )}
    </section>
  );
}

function CountTable({ title, rows, total }: { title: string; rows: Counted[]; total: number }) {
  return (
    <div class="table-wrap card">
      <table class="data-table">
        <caption>{title}</caption>
        <thead>
          <tr><th scope="col">Categoría</th><th scope="col">Contactos</th><th scope="col">%</th></tr>
        </thead>
        <tbody>
          {rows.length === 0 && <tr><td colSpan={3}>Sin datos.</td></tr>}
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{r.name}</td>
              <td>{formatNumber(r.count)}</td>
              <td>{formatPercent(total ? (100 * r.count) / total : null)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
