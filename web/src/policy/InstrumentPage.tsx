// One instrument: its tree of items with published weights and validated progress, its periods.
import { DataTable, ErrorAlert, Loading, PageHeader, useAsync, Badge } from '../app/ui';
import { Coverage, DeclaredList, Method, ProgressBar } from './common';
import { getInstrument, type InstrumentDetail, type Item } from './data';
import './policy.css';

function Tree({ items, parent, all }: { items: Item[]; parent: number | null; all: InstrumentDetail }) {
  const level = items.filter((i) => i.parent_id === parent);
  if (!level.length) return null;
  const total = level.reduce((s, i) => s + i.weight, 0);
  return (
    <ul class="pol-tree">
      {level.map((i) => (
        <li key={i.id}>
          <div class="pol-node" data-testid="tree-node" data-item={i.id}>
            <div>
              <a href={`/politicas/items/${i.id}`} class="cell-main">
                {i.code ? `${i.code}. ` : ''}
                {i.title}
              </a>
              <span class="meta">
                {i.level_name} · peso {i.weight.toLocaleString('es-CL')} de {total.toLocaleString('es-CL')}
                {i.institutions.length > 0 && ` · ${i.institutions.map((x) => x.name).join(', ')}`}
                {i.is_leaf && i.no_report && (
                  <>
                    {' '}
                    <Badge tone="warn">sin reporte</Badge>
                  </>
                )}
                {i.indicator?.computed_text && ` · ${i.indicator.name ?? 'Indicador'}: ${i.indicator.computed_text}`}
              </span>
            </div>
            <ProgressBar figure={i} label={`Avance de ${i.title}`} />
          </div>
          <Tree items={items} parent={i.id} all={all} />
        </li>
      ))}
    </ul>
  );
}

export default function InstrumentPage({ instrumentId }: { instrumentId: string }) {
  const d = useAsync((signal) => getInstrument(instrumentId, signal), [instrumentId]);
  const ins = d.data;
  return (
    <section>
      <nav aria-label="Ruta de navegación" class="breadcrumb">
        <ol>
          <li>
            <a href="/politicas">Seguimiento de políticas</a>
          </li>
          <li>
            <span aria-current="page">{ins?.name ?? 'Instrumento'}</span>
          </li>
        </ol>
      </nav>
      <ErrorAlert error={d.error} />
      {d.loading && !ins && <Loading />}
      {ins && (
        <>
          <PageHeader title={ins.name} lead={ins.description ?? undefined} />
          <ProgressBar figure={ins} label={`Avance validado de ${ins.name}`} />
          <Coverage figure={ins} />
          <Method text={ins.method} />
          <DeclaredList items={ins.declared} />
          <h2>Ítems y pesos publicados</h2>
          {ins.items.length ? <Tree items={ins.items} parent={null} all={ins} /> : <p class="muted">La fuente no detalla los ítems de este instrumento.</p>}
          <h2>Períodos de reporte</h2>
          <DataTable
            loading={false}
            error={null}
            count={ins.periods.length}
            empty="Sin períodos de reporte."
            caption="Calendario de reporte"
            columns={['Período', 'Apertura', 'Cierre', 'Gracia', 'Estado']}
          >
            {ins.periods.map((p) => (
              <tr key={p.id}>
                <th scope="row">{p.label}</th>
                <td>{p.opens_on}</td>
                <td>{p.closes_on}</td>
                <td>{p.grace_days} días</td>
                <td>
                  <Badge tone={p.accepts_reports ? 'ok' : 'neutral'}>{p.state_name}</Badge>
                  {p.reopened_until && <span class="cell-sub">Reabierto hasta {p.reopened_until}</span>}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </section>
  );
}
