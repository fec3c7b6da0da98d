// «Desde una medida del registro»: the monitoring order is the case registry's protective order.
// The operator types the record number, sees what the registry holds (court, dates, distance,
// victim and aggressor) before creating, and adds only what monitoring needs besides (phones).
import { useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../app/api';
import { navigate } from '../app/router';
import { ErrorAlert, Field, useForm } from '../app/ui';
import { ComunaName } from '../cases/common';
import { type CourtOrder, createOrder, distanceText, getCourtOrder } from './data';

export function OrderFromRecord({ onCancel, onByHand }: { onCancel: () => void; onByHand: () => void }) {
  const [record, setRecord] = useState('');
  const [found, setFound] = useState<CourtOrder | null>(null);
  const [lookupError, setLookupError] = useState<string | null>(null);
  const [looking, setLooking] = useState(false);
  const [phones, setPhones] = useState({ victim_phone: '', aggressor_phone: '', label: '', min_distance_m: '' });
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  const e = errors.fields;

  async function lookup() {
    setFound(null);
    setLookupError(null);
    const n = Number(record.trim());
    if (!Number.isInteger(n) || n <= 0) {
      setLookupError('Escriba el número de la medida en el registro (solo dígitos).');
      return;
    }
    setLooking(true);
    try {
      setFound((await getCourtOrder(n)).court_order);
    } catch (err) {
      setLookupError(errorMessage(err));
    } finally {
      setLooking(false);
    }
  }

  function submit() {
    if (!found) return;
    const local: Record<string, string> = {};
    for (const k of ['victim_phone', 'aggressor_phone'] as const) if (!phones[k].trim()) local[k] = 'Complete este dato.';
    if (found.distance_m === null && !phones.min_distance_m.trim()) local.min_distance_m = 'La medida no fija distancia: indíquela (50 a 10.000 metros).';
    if (invalid(local, 'Revise los datos marcados.')) return;
    const body: Record<string, unknown> = { record_id: found.record_id, victim_phone: phones.victim_phone.trim(), aggressor_phone: phones.aggressor_phone.trim() };
    if (phones.label.trim()) body.label = phones.label.trim();
    if (found.distance_m === null) body.min_distance_m = Number(phones.min_distance_m);
    void send(
      async () => {
        const r = await createOrder(body);
        navigate(`/monitoreo/ordenes/${r.order.id}?creada=1`);
      },
      (err) => {
        if (err instanceof ApiError && err.field) errors.show(err.message, { [err.field]: err.message });
        else errors.fromError(err);
      },
    );
  }

  const set = (k: keyof typeof phones) => (v: string) => setPhones((x) => ({ ...x, [k]: v }));
  return (
    <form ref={formRef} class="card stack mon-order-form" onSubmit={onSubmit(submit)} noValidate aria-labelledby="from-record-h" data-testid="order-from-record">
      <h2 id="from-record-h">Desde una medida del registro</h2>
      <p class="cell-sub">
        La orden monitoreada es la medida de protección del registro de causas: su tribunal, sus fechas, su distancia y sus personas. ¿No está en el registro?{' '}
        <button type="button" class="btn btn-link" onClick={onByHand}>
          Ingresarla a mano
        </button>
      </p>
      <div class="mon-form-grid">
        <Field label="N° de la medida en el registro" name="record_id" inputMode="numeric" value={record} onValue={setRecord} error={lookupError} required />
        <div class="form-actions">
          <button type="button" class="btn btn-secondary" disabled={looking} onClick={() => void lookup()} data-testid="record-lookup">
            Buscar en el registro
          </button>
        </div>
      </div>
      {found && (
        <>
          <dl class="facts facts-2" data-testid="record-found">
            <div>
              <dt>Tribunal</dt>
              <dd>{found.court || '—'}</dd>
            </div>
            <div>
              <dt>Vigencia</dt>
              <dd>
                {found.starts_on ?? '—'} a {found.ends_on ?? 'sin término'}
              </dd>
            </div>
            <div>
              <dt>Víctima</dt>
              <dd>
                <a href={`/casos/personas/${found.victim.person_id}`}>{found.victim.name}</a>
              </dd>
            </div>
            <div>
              <dt>Agresor</dt>
              <dd>
                <a href={`/casos/personas/${found.aggressor.person_id}`}>{found.aggressor.name}</a>
              </dd>
            </div>
            <div>
              <dt>Distancia mínima</dt>
              <dd>{found.distance_m !== null ? distanceText(found.distance_m) : 'No fijada en la medida'}</dd>
            </div>
            <div>
              <dt>Comuna</dt>
              <dd>{found.comuna_id ? <ComunaName id={found.comuna_id} /> : '—'}</dd>
            </div>
          </dl>
          <ErrorAlert error={errors.general} />
          <div class="mon-form-grid">
            <Field label="Nombre de la orden" name="label" value={phones.label} onValue={set('label')} error={e.label} hint="Opcional: por ejemplo el RIT. Si lo deja vacío: «Medida del registro N° …»." />
            <Field label="Teléfono de la víctima" name="victim_phone" type="tel" value={phones.victim_phone} onValue={set('victim_phone')} error={e.victim_phone} required autocomplete="off" hint="+56 9 …" />
            <Field label="Teléfono del agresor" name="aggressor_phone" type="tel" value={phones.aggressor_phone} onValue={set('aggressor_phone')} error={e.aggressor_phone} required autocomplete="off" />
            {found.distance_m === null && (
              <Field label="Distancia mínima (metros)" name="min_distance_m" inputMode="numeric" value={phones.min_distance_m} onValue={set('min_distance_m')} error={e.min_distance_m} required hint="Entre 50 y 10.000." />
            )}
          </div>
        </>
      )}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy || !found}>
          Crear orden monitoreada
        </button>
        <button type="button" class="btn btn-ghost" onClick={onCancel}>
          Cancelar
        </button>
      </div>
    </form>
  );
}
