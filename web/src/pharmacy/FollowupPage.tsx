// «Mascarilla 19» for SernamEG (/farmacia/seguimiento, channels.answer): activations still waiting for
// a call, overdue first (each is also a contact in the console's one queue); for supervisors the
// enrolled pharmacies and the year's activations by region and comuna, beside the seed's figures.
import './pharmacy.css';
import { useState } from 'preact/hooks';
import { formatDateTime, formatNumber } from '../app/format';
import { Badge, EmptyState, ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { hasPermission, useSession } from '../app/session';
import { durationText, getFollowups, getOverview, stateTone } from './data';

export default function FollowupPage() {
  const { state } = useSession();
  const supervisor = hasPermission(state, 'channels.supervise');
  const open = useAsync((signal) => getFollowups(signal), []);
  return (
    <section class="pharmacy">
      <PageHeader title="Mascarilla 19: seguimiento" eyebrow="Canales de ayuda" lead="Mujeres que pidieron ayuda en una farmacia. Cada una está en la cola de la consola 1455." />
      <ErrorAlert error={open.error} />
      {open.loading && <Loading />}
      {open.data && (
        <div class="table-wrap card">
          <table class="data-table" data-testid="followups">
            <caption>Por contactar</caption>
            <thead>
              <tr><th scope="col">Reportada</th><th scope="col">Farmacia</th><th scope="col">Urgencia</th><th scope="col">Plazo</th><th scope="col">Escalamiento</th><th scope="col">Estado</th></tr>
            </thead>
            <tbody>
              {open.data.items.map((r) => (
                <tr key={r.ref}>
                  <td>{formatDateTime(new Date(r.at))}</td>
                  <td>{r.pharmacy}</td>
                  <td>{r.in_danger ? <Badge tone="danger">En peligro ahora</Badge> : 'Contactar'}</td>
                  <td>{(r.overdue_ms ?? 0) > 0 ? <Badge tone="danger">Vencido hace {durationText(r.overdue_ms ?? 0)}</Badge> : formatDateTime(new Date(r.due_at))}</td>
                  <td>{r.escalation ? <Badge tone={r.escalation >= 2 ? 'danger' : 'warn'}>{r.escalation_label}</Badge> : '—'}</td>
                  <td><Badge tone={stateTone(r.state)}>{r.state_label}</Badge></td>
                </tr>
              ))}
            </tbody>
          </table>
          {open.data.items.length === 0 && <EmptyState>No hay activaciones esperando contacto.</EmptyState>}
        </div>
      )}
      {supervisor && <Territories />}
    </section>
  );
}

function Territories() {
  const [year, setYear] = useState(2020);
  const o = useAsync((signal) => getOverview(year, signal), [year]);
  return (
    <>
      <h2>Farmacias inscritas y activaciones por región</h2>
      <label class="pharmacy-year">
        Año{' '}
        <select value={year} onChange={(e) => setYear(Number((e.target as HTMLSelectElement).value))}>
          {[2020, 2021, new Date().getFullYear()].filter((y, i, a) => a.indexOf(y) === i).map((y) => (
            <option key={y} value={y}>{y}</option>
          ))}
        </select>
      </label>
      <ErrorAlert error={o.error} />
      {o.data && (
        <>
          <p data-testid="activations">
            <strong>{formatNumber(o.data.activations)}</strong> activaciones en {o.data.year}, {formatNumber(o.data.contacted)} contactadas por SernamEG.
          </p>
          <div class="table-wrap card">
            <table class="data-table" data-testid="territories">
              <thead>
                <tr><th scope="col">Región</th><th scope="col">Inscritas</th><th scope="col">Cadenas</th><th scope="col">Independientes</th><th scope="col">Personal capacitado</th><th scope="col">Activaciones</th></tr>
              </thead>
              <tbody>
                {o.data.regions.map((r) => (
                  <tr key={r.code}>
                    <td>{r.name || r.code}</td>
                    <td>{formatNumber(r.enrolled)}</td>
                    <td>{formatNumber(r.chains)}</td>
                    <td>{formatNumber(r.independent)}</td>
                    <td>{formatNumber(r.trained)}</td>
                    <td>{formatNumber(r.activations)}{r.outreach_missing && <Badge tone="warn" title="Hay farmacias inscritas pero nadie pidió ayuda: falta difusión"> sin activaciones</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>Por comuna</h3>
          {o.data.regions.map((r) => (
            <details key={r.code} class="pharmacy-comunas" data-testid={`comunas-${r.code}`}>
              <summary>{r.name || r.code}: {formatNumber(r.comunas?.length ?? 0)} comunas con farmacias inscritas</summary>
              <table class="data-table">
                <thead>
                  <tr><th scope="col">Comuna</th><th scope="col">Inscritas</th><th scope="col">Personal capacitado</th><th scope="col">Activaciones</th></tr>
                </thead>
                <tbody>
                  {(r.comunas ?? []).map((c) => (
                    <tr key={c.code}>
                      <td>{c.name || c.code}</td>
                      <td>{formatNumber(c.enrolled)}</td>
                      <td>{formatNumber(c.trained)}</td>
                      <td>{formatNumber(c.activations)}{c.outreach_missing && <Badge tone="warn" title="Hay farmacias inscritas pero nadie pidió ayuda: falta difusión"> sin activaciones</Badge>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          ))}
          <table class="data-table" data-testid="seed">
            <caption>Cifras de la Cuenta Pública y las calculadas desde los registros (datos de demostración)</caption>
            <thead><tr><th scope="col">Cifra</th><th scope="col">Cuenta Pública</th><th scope="col">Calculada</th><th scope="col">Fuente</th></tr></thead>
            <tbody>
              {o.data.seed.map((s) => (
                <tr key={s.what}>
                  <td>{s.what}</td>
                  <td>{formatNumber(s.seed)}</td>
                  <td>{formatNumber(s.computed)}</td>
                  <td class="muted">{s.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
