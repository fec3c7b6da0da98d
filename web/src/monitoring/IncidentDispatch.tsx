// Dispatch from the incident panel: the operator picks the unit (the comuna's responsible unit
// preselected; any active police or municipal-security unit), sends it, and may re-dispatch to
// another unit (the server cancels the dispatch in course and tells its unit).
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { ErrorAlert, SelectField } from '../app/ui';
import { type Dispatch, dispatchStateLabel, type Incident, listUnits, outcomeLabel, postDispatch, type UnitChoice } from './data';

interface Props {
  inc: Incident;
  dispatch: Dispatch | null;
  busy: boolean;
  note: string;
  act: (label: string, run: () => Promise<Incident | null>) => Promise<boolean>;
  onNoteUsed: () => void;
  setDone: (s: string) => void;
}

const kindText = (k: string) => (k === 'police' ? 'policía' : 'seguridad municipal');

export function IncidentDispatch(props: Props) {
  const { inc, dispatch } = props;
  const [units, setUnits] = useState<UnitChoice[] | null>(null);
  const [unitsError, setUnitsError] = useState<string | null>(null);
  const [unit, setUnit] = useState('');
  const [changing, setChanging] = useState(false);
  const inCourse = !!dispatch && dispatch.state !== 'cerrado' && dispatch.state !== 'anulado';

  useEffect(() => {
    const ctl = new AbortController();
    listUnits(inc.id, ctl.signal)
      .then((list) => {
        setUnits(list);
        setUnitsError(null);
        // Preselected: the comuna's responsible unit (first); when re-dispatching, the first other one.
        const current = inCourse ? dispatch!.institution_id : null;
        const pick = list.find((u) => u.institution_id !== current) ?? list[0];
        setUnit(pick ? String(pick.institution_id) : '');
      })
      .catch((e) => !ctl.signal.aborted && setUnitsError(errorMessage(e)));
    return () => ctl.abort();
  }, [inc.id, inCourse ? dispatch!.institution_id : 0]);

  const options = (units ?? [])
    .filter((u) => !inCourse || u.institution_id !== dispatch!.institution_id)
    .map((u) => ({ value: String(u.institution_id), label: `${u.name} (${kindText(u.kind)})${u.responsible ? ' — responsable de la comuna' : ''}` }));

  const send = (redispatch: boolean) =>
    void props
      .act(redispatch ? 'Alerta redespachada.' : 'Unidad despachada.', async () => {
        const body: { note?: string; institution_id?: number; redispatch?: boolean } = {};
        if (props.note.trim()) body.note = props.note.trim();
        if (unit) body.institution_id = Number(unit);
        if (redispatch) body.redispatch = true;
        const r = await postDispatch(inc.id, body);
        props.setDone(`${redispatch ? 'Redespachada a' : 'Unidad despachada:'} ${r.dispatch.unit_name}.`);
        setChanging(false);
        return { ...inc, dispatch: r.dispatch, state: inc.state === 'nueva' || inc.state === 'en_gestion' ? 'despachada' : inc.state };
      })
      .then((ok) => ok && props.onNoteUsed());

  const picker = (
    <>
      <ErrorAlert error={unitsError} />
      <SelectField label={inCourse ? 'Redespachar a' : 'Unidad a despachar'} name="unit" value={unit} onValue={setUnit} options={options} placeholder={units ? 'Elija la unidad' : 'Cargando unidades…'} />
    </>
  );

  return (
    <div class="mon-dispatch-box">
      {dispatch && <DispatchSummary d={dispatch} />}
      {!inCourse && (
        <>
          {picker}
          <button type="button" class="btn btn-danger btn-block" disabled={props.busy} data-testid="dispatch" onClick={() => send(false)}>
            Despachar unidad
          </button>
        </>
      )}
      {inCourse && !changing && (
        <button type="button" class="btn btn-ghost btn-sm" disabled={props.busy} data-testid="redispatch-open" onClick={() => setChanging(true)}>
          Redespachar a otra unidad
        </button>
      )}
      {inCourse && changing && (
        <div class="mon-redispatch" data-testid="redispatch">
          {picker}
          <p class="cell-sub">El despacho a {dispatch!.unit_name} se anula y se le avisa.</p>
          <div class="mon-btn-row">
            <button type="button" class="btn btn-danger btn-sm" disabled={props.busy || !unit} onClick={() => send(true)}>
              Redespachar
            </button>
            <button type="button" class="btn btn-ghost btn-sm" disabled={props.busy} onClick={() => setChanging(false)}>
              Cancelar
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

export function DispatchSummary({ d }: { d: Dispatch }) {
  return (
    <div class={`mon-dispatch mon-dispatch-${d.state}`} data-testid="dispatch-summary">
      <span class="mon-dispatch-unit">
        <span class="mon-dispatch-label">Unidad </span>
        {d.unit_name}
      </span>
      <span class="mon-dispatch-state">{d.state_label ?? dispatchStateLabel(d.state)}</span>
      {d.escalated && <span class="mon-escalated">Escalado: no aceptado a tiempo</span>}
      {d.outcome && <span class="cell-sub">Resultado de la unidad: {outcomeLabel(d.outcome, d.outcome_label)}</span>}
    </div>
  );
}

