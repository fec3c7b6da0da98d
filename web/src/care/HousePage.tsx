// House staff: confirm the house's places by unit type (the figures are offered only while fresh),
// and answer referrals — accept or decline with a reason before the deadline, record entry and
// exit with destination.
import { useState } from 'preact/hooks';
import { Badge, ErrorAlert, Field, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import { getMyHouses, placementStep, reportCapacity, termLabel, type House, type Placement } from './data';
import './care.css';

type Vocab = { id: string; label?: string; name?: string }[];

function CapacityForm({ house, onDone }: { house: House; onDone: (msg: string) => void }) {
  const [values, setValues] = useState(() =>
    Object.fromEntries(house.units.map((u) => [u.unit_type, { places: String(u.places), occupied: String(u.occupied), blocked: String(u.blocked) }])),
  );
  const form = useForm();
  const submit = form.onSubmit(() => {
    const units = house.units.map((u) => ({
      unit_type: u.unit_type,
      places: Number(values[u.unit_type]!.places),
      occupied: Number(values[u.unit_type]!.occupied),
      blocked: Number(values[u.unit_type]!.blocked || '0'),
    }));
    void form.send(async () => {
      await reportCapacity(house.id, units);
      onDone('Cupos confirmados.');
    });
  });
  const set = (t: string, k: 'places' | 'occupied' | 'blocked', v: string) => setValues((s) => ({ ...s, [t]: { ...s[t]!, [k]: v } }));
  return (
    <form ref={form.formRef} onSubmit={submit} noValidate aria-label={`Cupos de ${house.name}`}>
      <ErrorAlert error={form.errors.general} />
      <div class="capacity-grid">
        {house.units.map((u, i) => (
          <fieldset key={u.unit_type}>
            <legend>
              {u.unit_type_name} {u.stale ? <Badge tone="danger">Sin confirmar</Badge> : <Badge tone="ok">Confirmado {u.confirmed}</Badge>}
            </legend>
            <Field label="Cupos" name={`places-${u.unit_type}`} inputMode="numeric" value={values[u.unit_type]!.places} onValue={(v) => set(u.unit_type, 'places', v)} error={form.errors.fields[`units[${i}].places`]} />
            <Field label="Ocupados" name={`occupied-${u.unit_type}`} inputMode="numeric" value={values[u.unit_type]!.occupied} onValue={(v) => set(u.unit_type, 'occupied', v)} error={form.errors.fields[`units[${i}].occupied`]} />
            <Field label="Bloqueados" name={`blocked-${u.unit_type}`} inputMode="numeric" value={values[u.unit_type]!.blocked} onValue={(v) => set(u.unit_type, 'blocked', v)} error={form.errors.fields[`units[${i}].blocked`]} />
          </fieldset>
        ))}
      </div>
      <button type="submit" class="btn btn-primary" disabled={form.busy}>Confirmar cupos</button>
    </form>
  );
}

function Steps({ p, reasons, destinations, onDone }: { p: Placement; reasons: Vocab; destinations: Vocab; onDone: (msg: string) => void }) {
  const [reason, setReason] = useState('');
  const [dest, setDest] = useState('');
  const [note, setNote] = useState('');
  const form = useForm();
  const go = (step: 'accept' | 'decline' | 'entry' | 'exit', body: Record<string, string>, msg: string) =>
    form.send(async () => {
      await placementStep(p.id, step, body);
      onDone(msg);
    });
  return (
    <div class="step-actions">
      <ErrorAlert error={form.errors.general} />
      {p.state === 'ofrecida' && (
        <>
          <button type="button" class="btn btn-primary btn-sm" disabled={form.busy} onClick={() => go('accept', {}, `Derivación N° ${p.id} aceptada: el cupo queda reservado.`)}>
            Aceptar<span class="visually-hidden"> derivación {p.id}</span>
          </button>
          <SelectField label="Motivo de rechazo" name={`reason-${p.id}`} value={reason} placeholder="Elija…" options={reasons.map((r) => ({ value: r.id, label: termLabel(r) }))} onValue={setReason} error={form.errors.fields.reason} />
          <Field label="Nota" name={`note-${p.id}`} value={note} onValue={setNote} error={form.errors.fields.note} />
          <button type="button" class="btn btn-ghost btn-sm" disabled={form.busy} onClick={() => go('decline', { reason, note }, `Derivación N° ${p.id} rechazada.`)}>
            Rechazar<span class="visually-hidden"> derivación {p.id}</span>
          </button>
        </>
      )}
      {p.state === 'aceptada' && (
        <button type="button" class="btn btn-primary btn-sm" disabled={form.busy} onClick={() => go('entry', {}, `Ingreso registrado (derivación N° ${p.id}).`)}>
          Registrar ingreso<span class="visually-hidden"> derivación {p.id}</span>
        </button>
      )}
      {p.state === 'ingresada' && (
        <>
          <SelectField label="Destino al egresar" name={`dest-${p.id}`} value={dest} placeholder="Elija…" options={destinations.map((r) => ({ value: r.id, label: termLabel(r) }))} onValue={setDest} error={form.errors.fields.destination} />
          <button type="button" class="btn btn-ghost btn-sm" disabled={form.busy} onClick={() => go('exit', { destination: dest }, `Egreso registrado (derivación N° ${p.id}).`)}>
            Registrar egreso<span class="visually-hidden"> derivación {p.id}</span>
          </button>
        </>
      )}
    </div>
  );
}

export default function HousePage() {
  const data = useAsync((signal) => getMyHouses(signal), []);
  const [msg, setMsg] = useState<string | null>(null);
  const done = (m: string) => {
    setMsg(m);
    data.reload();
  };
  return (
    <section class="care">
      <PageHeader title="Mi casa de acogida" lead={`Confirme sus cupos al menos cada ${data.data?.stale_hours ?? 12} horas: un cupo sin confirmar no se ofrece. Responda cada derivación antes de su plazo.`} />
      {msg && <Notice kind="success">{msg}</Notice>}
      <ErrorAlert error={data.error} />
      {(data.data?.houses ?? []).map((h) => {
        const open = h.placements.filter((p) => ['ofrecida', 'aceptada', 'ingresada'].includes(p.state));
        return (
          <article key={h.id} class="card house-card" data-testid="care-house">
            <h2>{h.name}</h2>
            <p class="muted">Dirección (reservada): {h.address} · {h.comuna}</p>
            {h.alerts.map((a) => (
              <Notice key={a.id} kind="warning">{a.text}</Notice>
            ))}
            <CapacityForm key={h.units.map((u) => u.confirmed).join()} house={h} onDone={done} />
            <h3>Derivaciones en curso ({open.length})</h3>
            {open.length === 0 && <p class="muted">No hay derivaciones en curso.</p>}
            <ul class="plain-list">
              {open.map((p) => (
                <li key={p.id} data-testid={`care-placement-${p.id}`}>
                  <strong>N° {p.id}</strong> · {p.state_name} · {p.unit_type_name} · mujer de {p.woman_age} años
                  {p.children_ages.length > 0 && ` con ${p.children_ages.length} hijas/hijos (${p.children_ages.join(', ')} años)`} · deriva {p.from_institution}
                  {p.state === 'ofrecida' && <Badge tone="warn">Responder antes del {p.answer_due}</Badge>}
                  {p.state === 'aceptada' && <Badge tone="info">Ingreso antes del {p.entry_due}</Badge>}
                  {p.note && <div class="muted">Nota: {p.note}</div>}
                  <Steps p={p} reasons={data.data!.decline_reasons} destinations={data.data!.exit_destinations} onDone={done} />
                </li>
              ))}
            </ul>
          </article>
        );
      })}
    </section>
  );
}
