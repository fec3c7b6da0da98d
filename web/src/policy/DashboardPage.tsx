// Public transparency page: validated progress of every instrument, with the figures its source
// states beside it, roll-ups by institution and region, and CSV downloads.
import { useState } from 'preact/hooks';
import { DataTable, ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { Coverage, DeclaredList, Method, ProgressBar } from './common';
import { getInstruments, getRollup, rollupCsvUrl } from './data';
import './policy.css';

const METHOD =
  'Solo cuentan reportes validados por el Ministerio. Un compromiso sin reporte validado cuenta como 0 % y sigue en el denominador. Cada nivel es el promedio ponderado de sus subítems; los pesos se publican en el detalle de cada instrumento.';

export default function DashboardPage() {
  const list = useAsync((signal) => getInstruments(signal), []);
  const [by, setBy] = useState<'institution' | 'region'>('institution');
  const groups = useAsync((signal) => getRollup(by, signal), [by]);
  return (
    <section>
      <PageHeader
        title="Seguimiento de políticas de igualdad"
        lead="Avance validado de los instrumentos con que el Estado se compromete con la igualdad de género: Plan Nacional de Igualdad, Agenda Mujer, Compromisos Ministeriales, PMG de Género y agendas regionales."
      />
      <Method text={METHOD} />
      <div class="pol-exports">
        <a class="btn btn-secondary btn-sm" href={rollupCsvUrl('instrument')} download data-external="">
          Descargar avance por instrumento (CSV)
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
            <DeclaredList items={i.declared} />
          </article>
        ))}
      </div>

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
