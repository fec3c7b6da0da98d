// An item's management buttons for analysts (policy.validate): edit it, or add a subitem under it.
// The form needs the instrument's whole tree (parent list, siblings' weights): loaded when opened.
import { useState } from 'preact/hooks';
import { ErrorAlert, Loading, Notice, useAsync } from '../app/ui';
import { getInstrument, type ItemDetail } from './data';
import ItemForm from './ItemForm';

function Editor({ item, adding, onClose, onSaved }: { item: ItemDetail; adding: boolean; onClose: () => void; onSaved: (m: string) => void }) {
  const ins = useAsync((signal) => getInstrument(String(item.instrument.id), signal), [item.instrument.id]);
  if (ins.error) return <ErrorAlert error={ins.error} />;
  if (!ins.data) return <Loading />;
  const self = ins.data.items.find((i) => i.id === item.id);
  return (
    <ItemForm
      instrumentId={ins.data.id}
      items={ins.data.items}
      item={adding ? undefined : self}
      parentId={adding ? item.id : undefined}
      onClose={onClose}
      onSaved={onSaved}
    />
  );
}

export default function ItemAdmin({ item, onSaved }: { item: ItemDetail; onSaved: () => void }) {
  const [open, setOpen] = useState<'edit' | 'add' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const hasReports = item.reports.length > 0;
  return (
    <section class="pol-admin card" aria-labelledby="pol-admin-title" data-testid="manage">
      <h2 id="pol-admin-title">Administrar</h2>
      <div class="pol-exports">
        <button type="button" class="btn btn-primary btn-sm" onClick={() => setOpen('edit')}>
          Editar ítem
        </button>
        <button
          type="button"
          class="btn btn-secondary btn-sm"
          onClick={() => setOpen('add')}
          disabled={hasReports}
          title={hasReports ? 'Este ítem ya tiene reportes: no se le pueden agregar subítems.' : undefined}
        >
          Agregar subítem
        </button>
      </div>
      {hasReports && <p class="hint">Este ítem ya tiene reportes: no se le pueden agregar subítems.</p>}
      {notice && <Notice kind="success">{notice}</Notice>}
      {open && (
        <Editor
          item={item}
          adding={open === 'add'}
          onClose={() => setOpen(null)}
          onSaved={(m) => {
            setOpen(null);
            setNotice(m);
            onSaved();
          }}
        />
      )}
    </section>
  );
}
