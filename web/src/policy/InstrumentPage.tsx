// One instrument: its tree of items with published weights and validated progress, its periods.
// Analysts (policy.validate) manage it here: items and weights, reporting periods and reopenings.
import { useState } from 'preact/hooks';
import { hasPermission, useSession } from '../app/session';
import { Badge, DataTable, ErrorAlert, Loading, Notice, PageHeader, RowButton, useAsync } from '../app/ui';
import { Coverage, DeclaredList, ExportLinks, Method, ProgressBar } from './common';
import { getInstrument, itemsExportUrl, periodsExportUrl, VALIDATE, type InstrumentDetail, type Item, type Period } from './data';
import ItemForm from './ItemForm';
import { PeriodForm, ReopenForm } from './PeriodForms';
import './policy.css';

type Editing = { kind: 'item'; item?: Item; parentId?: number | null } | { kind: 'period' } | { kind: 'reopen'; period: Period } | null;

interface TreeProps {
  items: Item[];
  parent: number | null;
  /** Row buttons for analysts. */
  onEdit?: (item: Item) => void;
  onAdd?: (parent: Item) => void;
}

function Tree({ items, parent, onEdit, onAdd }: TreeProps) {
  const level = items.filter((i) => i.parent_id === parent);
  if (!level.length) return null;
  const total = level.reduce((s, i) => s + i.weight, 0);
  return (
    <ul class="pol-tree">
      {level.map((i) => (
        <li key={i.id}>
          <div class={`pol-node${onEdit ? ' pol-node-admin' : ''}`} data-testid="tree-node" data-item={i.id}>
            <div>
              <a href={`/politicas/items/${i.id}`} class="cell-main">
                {i.code ? `${i.code}. ` : ''}
                {i.title}
              </a>
              <span class="meta">
                {i.level_name} · peso {i.weight.toLocaleString('es-CL')} de {total.toLocaleString('es-CL')}
                {i.institutions.length > 0 && ` · ${i.institutions.map((x) => x.name).join(', ')}`}
                {i.status !== 'vigente' && ` · ${i.status === 'no_cumplido' ? 'no cumplido' : i.status}`}
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
            {onEdit && onAdd && (
              <div class="pol-node-actions">
                <RowButton label="Editar" detail={i.title} onClick={() => onEdit(i)} />
                <RowButton label="Agregar subítem" detail={`bajo ${i.title}`} onClick={() => onAdd(i)} />
              </div>
            )}
          </div>
          <Tree items={items} parent={i.id} onEdit={onEdit} onAdd={onAdd} />
        </li>
      ))}
    </ul>
  );
}

function Periods({ ins, onReopen }: { ins: InstrumentDetail; onReopen?: (p: Period) => void }) {
  return (
    <DataTable
      loading={false}
      error={null}
      count={ins.periods.length}
      empty="Sin períodos de reporte."
      caption="Calendario de reporte"
      columns={['Período', 'Apertura', 'Cierre', 'Gracia', 'Estado']}
      actions={!!onReopen}
      testId="periods"
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
          {onReopen && <td>{(p.state === 'cerrado' || p.state === 'gracia') && <RowButton label="Reabrir" detail={`el período ${p.label}`} onClick={() => onReopen(p)} />}</td>}
        </tr>
      ))}
    </DataTable>
  );
}

export default function InstrumentPage({ instrumentId }: { instrumentId: string }) {
  const { state } = useSession();
  const canManage = hasPermission(state, VALIDATE);
  const d = useAsync((signal) => getInstrument(instrumentId, signal), [instrumentId]);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const ins = d.data;
  const close = () => setEditing(null);
  const saved = (message: string) => {
    setEditing(null);
    setNotice(message);
    d.reload();
  };
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
          <DeclaredList items={ins.declared} demo={ins.demo_data} />
          {canManage && (
            <section class="pol-admin card" aria-labelledby="pol-admin-title" data-testid="manage">
              <h2 id="pol-admin-title">Administrar</h2>
              <p class="muted">
                Agregue o edite ítems y pesos, y abra o reabra períodos de reporte. Cada cambio queda en la auditoría y el avance se recalcula al instante.
              </p>
              <div class="pol-exports">
                <button type="button" class="btn btn-primary btn-sm" onClick={() => setEditing({ kind: 'item', parentId: null })}>
                  Agregar ítem de primer nivel
                </button>
                <button type="button" class="btn btn-secondary btn-sm" onClick={() => setEditing({ kind: 'period' })}>
                  Nuevo período de reporte
                </button>
              </div>
            </section>
          )}
          {notice && <Notice kind="success">{notice}</Notice>}
          <h2>Ítems y pesos publicados</h2>
          {ins.items.length ? (
            <>
              <ExportLinks what="ítems" url={(f) => itemsExportUrl(ins.id, f)} />
              <Tree
                items={ins.items}
                parent={null}
                onEdit={canManage ? (item) => setEditing({ kind: 'item', item }) : undefined}
                onAdd={canManage ? (p) => setEditing({ kind: 'item', parentId: p.id }) : undefined}
              />
            </>
          ) : (
            <p class="muted">{canManage ? 'Este instrumento aún no tiene ítems: agregue el primero desde «Administrar».' : 'La fuente no detalla los ítems de este instrumento.'}</p>
          )}
          <h2>Períodos de reporte</h2>
          {ins.periods.length > 0 && <ExportLinks what="períodos" url={(f) => periodsExportUrl(ins.id, f)} />}
          <Periods ins={ins} onReopen={canManage ? (period) => setEditing({ kind: 'reopen', period }) : undefined} />
          {editing?.kind === 'item' && (
            <ItemForm instrumentId={ins.id} items={ins.items} item={editing.item} parentId={editing.parentId} onClose={close} onSaved={saved} />
          )}
          {editing?.kind === 'period' && <PeriodForm instrumentId={ins.id} onClose={close} onSaved={saved} />}
          {editing?.kind === 'reopen' && <ReopenForm period={editing.period} onClose={close} onSaved={saved} />}
        </>
      )}
    </section>
  );
}
