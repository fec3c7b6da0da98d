// Public transparency page: validated progress of every instrument, with the figures its source
// states beside it, roll-ups by institution and region, and CSV downloads.
import { useState } from 'preact/hooks';
import { navigate } from '../app/router';
import { hasPermission, useSession } from '../app/session';
import { getRegions } from '../territory/data';
import { DataTable, ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { pct, ProgressBars, ProgressLines, type BarDatum } from './Charts';
import { Coverage, DeclaredList, Method, ProgressBar } from './common';
import { getHistory, getInstrument, getInstruments, getRollup, rollupCsvUrl, rollupXlsxUrl, VALIDATE, type Instrument, type Item } from './data';
import InstrumentForm from './InstrumentForm';
import { timeline } from './timeline';
import './policy.css';

/** The roll-up by region names each region by its code; show the region's name (the code if the look-up fails). */
async function regionRollup(signal: AbortSignal) {
  const [rows, regions] = await Promise.all([getRollup('region', signal), getRegions().catch(() => [])]);
  const names = new Map(regions.map((r) => [r.id, r.name]));
  return rows.map((g) => ({ ...g, name: names.get(g.key) ?? g.name }));
}

type Group = { by: 'institution' | 'region'; datum: BarDatum };

/** Drill-down of an institution or a region: its commitments (leaf items) in every instrument. */
function GroupItems({ group, instruments, onClose }: { group: Group; instruments: Instrument[]; onClose: () => void }) {
  const ids = instruments.map((i) => i.id).join(',');
  const items = useAsync(
    async (signal) => {
      const details = await Promise.all(instruments.map((i) => getInstrument(String(i.id), signal)));
      const out: (Item & { instrument: string })[] = [];
      for (const d of details)
        for (const it of d.items) {
          if (!it.is_leaf) continue;
          const match = group.by === 'region' ? it.region_id === group.datum.key : it.institutions.some((x) => String(x.id) === group.datum.key);
          if (match) out.push({ ...it, instrument: d.name });
        }
      return out;
    },
    [group.by, group.datum.key, ids],
  );
  const rows = items.data ?? [];
  return (
    <div class="pol-drill" data-testid="group-items">
      <h3 id="pol-drill-title">
        Compromisos de {group.datum.name} <span class="cell-sub">Avance validado: {pct(group.datum.progress)}</span>
      </h3>
      <button type="button" class="btn btn-ghost btn-sm" onClick={onClose}>
        Cerrar detalle
      </button>
      <DataTable
        loading={items.loading && !items.data}
        error={items.error}
        count={rows.length}
        empty="Sin compromisos."
        caption={`Compromisos de ${group.datum.name}`}
        columns={['Compromiso', 'Instrumento', 'Avance']}
      >
        {rows.map((it) => (
          <tr key={it.id}>
            <th scope="row">
              <a href={`/politicas/items/${it.id}`}>{it.code ? `${it.code} · ${it.title}` : it.title}</a>
            </th>
            <td>{it.instrument}</td>
            <td>
              <ProgressBar figure={it} label={`Avance de ${it.title}`} />
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

const METHOD =
  'Solo cuentan reportes validados por el Ministerio. Un compromiso sin reporte validado cuenta como 0 % y sigue en el denominador. Cada nivel es el promedio ponderado de sus subítems; los pesos se publican en el detalle de cada instrumento.';

export default function DashboardPage() {
  const { state } = useSession();
  const canManage = hasPermission(state, VALIDATE);
  const [creating, setCreating] = useState(false);
  const list = useAsync((signal) => getInstruments(signal), []);
  const [by, setBy] = useState<'institution' | 'region'>('institution');
  const groups = useAsync((signal) => (by === 'region' ? regionRollup(signal) : getRollup(by, signal)), [by]);
  const byInstitution = useAsync((signal) => getRollup('institution', signal), []);
  const byRegion = useAsync((signal) => regionRollup(signal), []);
  const history = useAsync((signal) => getHistory(signal), []);
  const [group, setGroup] = useState<Group | null>(null);
  const time = history.data ? timeline(history.data) : null;
  const pickGroup = (g: Group) => {
    setGroup(g);
    requestAnimationFrame(() => document.getElementById('pol-drill-title')?.scrollIntoView({ block: 'start' }));
  };
  return (
    <section>
      <PageHeader
        title="Seguimiento de políticas de igualdad"
        lead="Avance validado de los instrumentos con que el Estado se compromete con la igualdad de género: Plan Nacional de Igualdad, Agenda Mujer, Compromisos Ministeriales, PMG de Género y agendas regionales."
        actions={
          canManage && (
            <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
              Nuevo instrumento
            </button>
          )
        }
      />
      {creating && <InstrumentForm onClose={() => setCreating(false)} />}
      <Method text={METHOD} />
      <p>
        <a href="/politicas/pmg">Indicador de género del PMG: servicios por nivel y resultado, medidas, año a año</a>
      </p>
      <div class="pol-exports">
        <a class="btn btn-secondary btn-sm" href={rollupCsvUrl('instrument')} download data-external="">
          Descargar avance por instrumento (CSV)
        </a>
        <a class="btn btn-secondary btn-sm" href={rollupXlsxUrl('instrument')} download data-external="">
          Descargar avance por instrumento (XLSX)
        </a>
      </div>
      <ErrorAlert error={list.error} />
      {list.loading && !list.data && <Loading />}
      <div class="pol-cards" data-testid="instrument-cards">
        {(list.data ?? []).map((i) => (
          <article class="pol-card" key={i.id} data-code={i.code}>
            <h2>
              <a href={`/politicas/instrumentos/${i.id}`}>{i.name}</a>
            </h2>
            <ProgressBar figure={i} label={`Avance validado de ${i.name}`} />
            {i.leaves > 0 ? <Coverage figure={i} /> : <span class="cell-sub muted">Sin ítems cargados: la fuente no los detalla.</span>}
            <DeclaredList items={i.declared} demo={i.demo_data} />
          </article>
        ))}
      </div>

      <h2>Gráficos de avance validado</h2>
      <p class="muted">Pulse una barra para ver el detalle: el instrumento, o los compromisos de la institución o región.</p>
      <div class="pol-charts">
        {list.data && (
          <ProgressBars
            id="chart-instrument"
            caption="Avance validado por instrumento"
            label="Instrumento"
            data={list.data.map((i) => ({ key: String(i.id), name: i.name, progress: i.progress }))}
            onPick={(d) => navigate(`/politicas/instrumentos/${d.key}`)}
          />
        )}
        <ErrorAlert error={byInstitution.error} />
        {byInstitution.data && (
          <ProgressBars
            id="chart-institution"
            caption="Avance validado por ministerio o institución responsable"
            label="Institución"
            data={byInstitution.data.map((g) => ({ key: g.key, name: g.name, progress: g.progress }))}
            onPick={(d) => pickGroup({ by: 'institution', datum: d })}
          />
        )}
        <ErrorAlert error={byRegion.error} />
        {byRegion.data && byRegion.data.length > 0 && (
          <ProgressBars
            id="chart-region"
            caption="Avance validado por región"
            label="Región"
            data={byRegion.data.map((g) => ({ key: g.key, name: g.name, progress: g.progress }))}
            onPick={(d) => pickGroup({ by: 'region', datum: d })}
          />
        )}
        <ErrorAlert error={history.error} />
        {time && time.labels.length > 0 && (
          <ProgressLines
            id="chart-time"
            caption="Avance validado de cada instrumento al cierre de cada período de reporte"
            periods={time.labels}
            series={time.series}
            onPick={(i) => time.instruments[i] && navigate(`/politicas/instrumentos/${time.instruments[i].id}`)}
          />
        )}
      </div>
      {group && list.data && <GroupItems group={group} instruments={list.data} onClose={() => setGroup(null)} />}

      <h2>Avance por {by === 'institution' ? 'institución responsable' : 'región'}</h2>
      <div class="pol-exports" role="group" aria-label="Agrupar por">
        <button type="button" class={`btn btn-sm ${by === 'institution' ? 'btn-primary' : 'btn-secondary'}`} aria-pressed={by === 'institution'} onClick={() => setBy('institution')}>
          Por institución
        </button>
        <button type="button" class={`btn btn-sm ${by === 'region' ? 'btn-primary' : 'btn-secondary'}`} aria-pressed={by === 'region'} onClick={() => setBy('region')}>
          Por región
        </button>
        <a class="btn btn-ghost btn-sm" href={rollupCsvUrl(by)} download data-external="">
          Descargar (CSV)
        </a>
        <a class="btn btn-ghost btn-sm" href={rollupXlsxUrl(by)} download data-external="">
          Descargar (XLSX)
        </a>
      </div>
      <DataTable
        loading={groups.loading && !groups.data}
        error={groups.error}
        count={groups.data?.length ?? 0}
        empty="Sin datos."
        caption={by === 'institution' ? 'Avance por institución' : 'Avance por región'}
        columns={[by === 'institution' ? 'Institución' : 'Región', 'Avance', 'Compromisos']}
        testId="rollup-table"
      >
        {(groups.data ?? []).map((g) => (
          <tr key={g.key}>
            <th scope="row">{g.name}</th>
            <td>
              <ProgressBar figure={g} label={`Avance de ${g.name}`} />
            </td>
            <td>
              <Coverage figure={g} />
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
