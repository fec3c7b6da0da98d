// Add or edit an item of an instrument's tree (analysts, policy.validate): where it hangs, level,
// code, title, weight (with the roll-up rule and the share the weight gives it), status,
// responsible institutions, region and indicator. The API checks every field; its message is shown
// on the field it names.
import { useState } from 'preact/hooks';
import { Checkbox, Dialog, ErrorAlert, Field, FormActions, Loading, SelectField, useAsync, useForm } from '../app/ui';
import { foldText } from '../app/format';
import { getRegions } from '../territory/data';
import {
  createItem,
  decimalText,
  getResponsibleInstitutions,
  ITEM_STATUSES,
  LEVELS,
  parseDecimal,
  shareText,
  updateItem,
  type Item,
  type ItemInput,
} from './data';

/** Items in tree order with their depth, for the "where it hangs" list. */
function treeOrder(items: Item[], parent: number | null = null, depth = 0): { item: Item; depth: number }[] {
  return items.filter((i) => i.parent_id === parent).flatMap((i) => [{ item: i, depth }, ...treeOrder(items, i.id, depth + 1)]);
}

const DEFAULT_LEVEL = ['eje', 'meta', 'compromiso', 'accion'];

export interface ItemFormProps {
  instrumentId: number;
  /** Every item of the instrument (for the parent list and the siblings' weights). */
  items: Item[];
  /** The item to edit; without it, a new item under `parentId` (null: top level). */
  item?: Item;
  parentId?: number | null;
  onClose: () => void;
  onSaved: (message: string) => void;
}

export default function ItemForm({ instrumentId, items, item, parentId = null, onClose, onSaved }: ItemFormProps) {
  const order = treeOrder(items);
  const depthOf = (id: number | null) => (id == null ? -1 : (order.find((o) => o.item.id === id)?.depth ?? 0));
  const [parent, setParent] = useState(item ? String(item.parent_id ?? '') : String(parentId ?? ''));
  const [level, setLevel] = useState(item?.level ?? DEFAULT_LEVEL[Math.min(depthOf(parentId) + 1, 3)]);
  const [code, setCode] = useState(item?.code ?? '');
  const [title, setTitle] = useState(item?.title ?? '');
  const [weight, setWeight] = useState(item ? decimalText(item.weight) : '1');
  const [status, setStatus] = useState(item?.status ?? 'vigente');
  const [region, setRegion] = useState(item?.region_id ?? '');
  const [chosen, setChosen] = useState<Set<string>>(new Set((item?.institutions ?? []).map((i) => String(i.id))));
  const [indicatorName, setIndicatorName] = useState(item?.indicator?.name ?? '');
  const [unit, setUnit] = useState(item?.indicator?.unit ?? '');
  const [baseline, setBaseline] = useState(decimalText(item?.indicator?.baseline));
  const [target, setTarget] = useState(decimalText(item?.indicator?.target));
  const form = useForm();
  const regions = useAsync(() => getRegions(), []);
  const known = useAsync((signal) => getResponsibleInstitutions(signal), []);

  const parentNum = parent ? Number(parent) : null;
  const parentItem = items.find((i) => i.id === parentNum);
  const siblings = items.filter((i) => i.parent_id === parentNum && i.id !== item?.id);
  const others = siblings.reduce((s, i) => s + i.weight, 0);
  const w = parseDecimal(weight);
  const institutions: { id: number; name: string }[] = [...(known.data ?? [])];
  for (const i of item?.institutions ?? []) if (!institutions.some((x) => x.id === i.id)) institutions.push(i);
  // A country has hundreds of public bodies: the chosen ones first, the rest filtered by name.
  const [filter, setFilter] = useState('');
  const shown = [
    ...institutions.filter((i) => chosen.has(String(i.id))),
    ...institutions.filter((i) => !chosen.has(String(i.id)) && foldText(i.name).includes(foldText(filter))),
  ];

  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    const numbers: Record<string, number | null> = {};
    for (const [field, text] of [
      ['weight', weight],
      ['baseline', baseline],
      ['target', target],
    ] as const) {
      numbers[field] = parseDecimal(text);
      if (Number.isNaN(numbers[field])) local[field] = 'Escriba un número, por ejemplo 1,5.';
    }
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    const body: ItemInput = {
      code: code.trim(),
      title: title.trim(),
      status,
      region_id: region || null,
      institution_ids: [...chosen],
      indicator_name: indicatorName.trim() || null,
      indicator_unit: unit.trim() || null,
      baseline: numbers.baseline,
      target: numbers.target,
    };
    if (numbers.weight != null) body.weight = numbers.weight;
    void form.send(async () => {
      if (item) {
        await updateItem(item.id, body);
        onSaved(`Se guardaron los cambios de «${body.title}».`);
      } else {
        await createItem({ ...body, instrument_id: instrumentId, parent_id: parentNum, level });
        onSaved(`Se agregó «${body.title}»${parentItem ? ` bajo «${parentItem.title}»` : ' al primer nivel del instrumento'}.`);
      }
    });
  });

  const f = form.errors.fields;
  return (
    <Dialog title={item ? 'Editar ítem' : 'Agregar ítem'} open onClose={onClose} wide>
      <ErrorAlert error={form.errors.general} title="No fue posible guardar el ítem" />
      <form ref={form.formRef} onSubmit={submit} noValidate class="stack" data-testid="item-form">
        {!item && (
          <div class="field-row">
            <SelectField
              label="Ubicación en el árbol"
              name="parent_id"
              value={parent}
              onValue={(v) => {
                setParent(v);
                setLevel(DEFAULT_LEVEL[Math.min(depthOf(v ? Number(v) : null) + 1, 3)]);
              }}
              options={[
                { value: '', label: 'Primer nivel del instrumento' },
                ...order.map(({ item: i, depth }) => ({ value: String(i.id), label: `${'— '.repeat(depth + 1)}bajo ${i.code ? `${i.code}. ` : ''}${i.title}` })),
              ]}
              error={f.parent_id}
            />
            <SelectField label="Nivel" name="level" value={level} onValue={setLevel} options={LEVELS} error={f.level} required />
          </div>
        )}
        <div class="field-row pol-row-code">
          <Field label="Código" name="code" value={code} onValue={setCode} error={f.code} autocomplete="off" hint="Opcional. Ej.: 1.2" />
          <Field label="Título" name="title" value={title} onValue={setTitle} error={f.title} required autocomplete="off" />
        </div>
        <div class="field-row">
          <Field
            label="Peso"
            name="weight"
            inputMode="decimal"
            value={weight}
            onValue={setWeight}
            error={f.weight}
            required
            hint="Mayor que 0 y como máximo 1000."
            hintBelow
          />
          <SelectField label="Estado del ítem" name="status" value={status} onValue={setStatus} options={ITEM_STATUSES} error={f.status} />
          <SelectField
            label="Región"
            name="region_id"
            value={region}
            onValue={setRegion}
            placeholder="Nacional (sin región)"
            options={(regions.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
            error={f.region_id}
          />
        </div>
        <p class="hint pol-rule" data-testid="weight-rule">
          Regla de cálculo: el avance {parentItem ? `de «${parentItem.title}»` : 'del instrumento'} es el promedio ponderado de sus ítems (Σ peso × avance ÷ Σ peso).
          {w != null && !Number.isNaN(w) && w > 0 && ` Con peso ${decimalText(w)} y ${decimalText(others)} de los demás ítems del nivel, este ítem pesa ${shareText(w, others)}.`}
        </p>
        <fieldset class={`fieldset${f.institution_ids ? ' has-error' : ''}`}>
          <legend>Instituciones responsables</legend>
          <p class="hint">Sus enlaces reportan el avance de este ítem.</p>
          {f.institution_ids && <p class="field-error">{f.institution_ids}</p>}
          {institutions.length > 12 && <Field label="Buscar institución" name="institution_filter" value={filter} onValue={setFilter} autocomplete="off" hint="Las ya elegidas se muestran siempre." />}
          <ErrorAlert error={known.error} />
          {known.loading && !known.data ? (
            <Loading />
          ) : (
            <div class="checks pol-checks" data-testid="institution-checks">
              {shown.length === 0 && <p class="hint">Ninguna institución coincide con «{filter}».</p>}
              {shown.map((i) => (
                <Checkbox
                  key={i.id}
                  name="institution_ids"
                  checked={chosen.has(String(i.id))}
                  onValue={(on) => {
                    const next = new Set(chosen);
                    if (on) next.add(String(i.id));
                    else next.delete(String(i.id));
                    setChosen(next);
                  }}
                >
                  {i.name}
                </Checkbox>
              ))}
            </div>
          )}
        </fieldset>
        <fieldset class="fieldset">
          <legend>Indicador</legend>
          <div class="field-row">
            <Field label="Nombre del indicador" name="indicator_name" value={indicatorName} onValue={setIndicatorName} error={f.indicator_name} autocomplete="off" />
            <Field label="Unidad" name="indicator_unit" value={unit} onValue={setUnit} error={f.indicator_unit} autocomplete="off" hint="Ej.: %, personas, servicios" />
            <Field label="Línea base" name="baseline" inputMode="decimal" value={baseline} onValue={setBaseline} error={f.baseline} />
            <Field label="Meta" name="target" inputMode="decimal" value={target} onValue={setTarget} error={f.target} />
          </div>
        </fieldset>
        <FormActions label={form.busy ? 'Guardando…' : item ? 'Guardar cambios' : 'Agregar ítem'} busy={form.busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
