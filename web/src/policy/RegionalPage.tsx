// A SEREMI's view of their own region's agenda (the server keeps a regional user to their region;
// national users choose one): its commitments with their validated progress, the figures the
// public account gives for the region beside the computed ones, and the reports.
import { useState } from 'preact/hooks';
import { useSession } from '../app/session';
import { getRegions } from '../territory/data';
import { DataTable, ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { Coverage, DeclaredList, ProgressBar } from './common';
import { getRegional } from './data';
import './policy.css';

export default function RegionalPage() {
  const { state } = useSession();
  const own = state.status === 'signed-in' ? state.session.user.region_id ?? '' : '';
  const [region, setRegion] = useState(own || '13');
  const regions = useAsync(() => getRegions().catch(() => []), []);
  const agenda = useAsync((signal) => getRegional(own ? '' : region, signal), [region, own]);
  const a = agenda.data;
  return (
    <section>
      <PageHeader title="Agenda regional" lead="Compromisos de la agenda regional de igualdad y equidad de género, con su avance validado." />
      {!own && (
        <div class="field">
          <label for="pol-region">Región</label>
          <select id="pol-region" value={region} onChange={(e) => setRegion((e.currentTarget as HTMLSelectElement).value)}>
            {(regions.data ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <ErrorAlert error={agenda.error} />
      {agenda.loading && !a && <Loading />}
      {a && (
        <>
          <h2>{a.title}</h2>
          <ProgressBar figure={a} label={`Avance de ${a.title}`} />
          <Coverage figure={a} />
          <DeclaredList items={a.declared} title="Cifras de la Cuenta Pública 2021 para la región" demo={a.demo_data} />
          <div class="pol-table-scroll">
            <DataTable
              loading={false}
              error={null}
              count={a.children.length}
              empty="La agenda no tiene compromisos."
              caption="Compromisos de la agenda regional"
              columns={['Compromiso', 'Avance']}
              testId="regional-items"
            >
              {a.children.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <a href={`/politicas/items/${c.id}`}>{c.code ? `${c.code} · ${c.title}` : c.title}</a>
                  </th>
                  <td data-label="Avance">
                    <ProgressBar figure={c} label={`Avance de ${c.title}`} />
                  </td>
                </tr>
              ))}
            </DataTable>
          </div>
        </>
      )}
    </section>
  );
}
