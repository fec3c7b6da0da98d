// One monitored order (/monitoreo/ordenes/:id, monitoring.manage): its data and warnings, its zones
// on the map — a circle by clicking its centre and typing the radius, or a polygon by clicking its
// corners — and its devices; a new device's secret is shown once, in a dialog that says so.
import { useState } from 'preact/hooks';
import { ApiError } from '../app/api';
import { formatDateTime } from '../app/format';
import { useLocation } from '../app/router';
import { DataTable, Dialog, ErrorAlert, Field, Loading, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import { ComunaName } from '../cases/common';
import { MonitoringNav } from './common';
import { addDevice, addZone, DEVICE_KINDS, deviceKindLabel, distanceText, endOrder, getOrder, type LatLon, type Order } from './data';
import { type DraftShape, MonitorMap } from './MonitorMap';

export default function OrderPage({ orderId }: { orderId: string }) {
  const { search } = useLocation();
  const order = useAsync((signal) => getOrder(orderId, signal), [orderId]);
  const [zoneWarnings, setZoneWarnings] = useState<string[]>([]);
  const [draft, setDraft] = useState<DraftShape>({ shape: 'circle', center: null, radius_m: 300, points: [] });
  const [drawing, setDrawing] = useState(false);
  const o = order.data?.order;
  // An ended order is no longer watched: whether it could work no longer matters.
  const warnings = o?.status === 'terminada' ? [] : (order.data?.warnings ?? []);

  const crumbs = (
    <nav aria-label="Ruta de navegación" class="breadcrumb">
      <ol>
        <li>
          <a href="/monitoreo/ordenes">Órdenes monitoreadas</a>
        </li>
        <li>
          <span aria-current="page">{o?.label ?? `Orden N° ${orderId}`}</span>
        </li>
      </ol>
    </nav>
  );

  if (!o) {
    return (
      <section class="narrow">
        {crumbs}
        <PageHeader title={order.errorObj instanceof ApiError && order.errorObj.status === 404 ? 'Orden no encontrada' : 'Orden monitoreada'} />
        {order.loading ? <Loading /> : <ErrorAlert error={order.error} />}
      </section>
    );
  }

  const frame: LatLon[] = [];
  for (const z of o.zones) {
    if (z.lat !== null && z.lon !== null) frame.push({ lat: z.lat, lon: z.lon });
    for (const p of z.polygon ?? []) frame.push({ lat: p[0], lon: p[1] });
  }
  // The map is for the zones: frame them (and the circles' extent); the homes only when there is no zone yet.
  for (const z of o.zones)
    if (z.shape === 'circle' && z.lat !== null && z.lon !== null && z.radius_m) {
      const dLat = z.radius_m / 111320;
      frame.push({ lat: z.lat + dLat, lon: z.lon }, { lat: z.lat - dLat, lon: z.lon });
    }
  if (!frame.length) {
    if (o.victim_home) frame.push(o.victim_home);
    if (o.aggressor_home) frame.push(o.aggressor_home);
  }
  const devices = o.devices.filter((d) => d.last).map((d) => ({ device_id: d.device_id, kind: d.kind, lat: d.last!.lat, lon: d.last!.lon, at: d.last!.at, battery: d.last!.battery }));

  function clickMap(p: LatLon) {
    if (!drawing) return;
    setDraft((d) => (d.shape === 'circle' ? { ...d, center: p } : { ...d, points: [...d.points, p] }));
  }

  return (
    <section class="mon-order">
      <MonitoringNav />
      {crumbs}
      <PageHeader
        eyebrow={`Orden N° ${o.id} · ${o.status === 'vigente' ? 'vigente' : 'terminada'}`}
        title={o.label}
        lead={o.court ?? undefined}
      />
      {search.get('creada') === '1' && o.status === 'vigente' && <Notice kind="success">Orden creada. Agregue sus zonas de exclusión y registre los dispositivos.</Notice>}
      {o.status === 'terminada' && (
        <div data-testid="order-ended">
          <Notice kind="info" title={o.ended_at ? `Medida terminada el ${o.ended_at}` : 'Medida terminada'}>
            {o.ended_reason ? <>Motivo: {o.ended_reason}. </> : null}Sus zonas y distancias ya no se vigilan y sus dispositivos fueron retirados: las posiciones que envíen se rechazan.
          </Notice>
        </div>
      )}
      <Warnings items={warnings} title="Advertencias: la orden puede no funcionar como está escrita" testId="order-warnings" />
      {/* The reloaded order repeats the new zone's warnings: each is shown once, under the order's. */}
      <Warnings items={zoneWarnings.filter((w) => !warnings.includes(w))} title="Advertencias de la zona recién agregada" testId="zone-warnings" />
      <div class="mon-order-grid">
        <section class="card" aria-labelledby="od-h">
          <h2 id="od-h">Datos de la orden</h2>
          <OrderFacts o={o} />
          {o.status !== 'terminada' && <EndOrder order={o} onEnded={order.reload} />}
        </section>
        <section class="card mon-zones" aria-labelledby="zones-h">
          <h2 id="zones-h">
            Zonas de exclusión <span class="count">({o.zones.length})</span>
          </h2>
          <MonitorMap
            label="Mapa de las zonas de la orden"
            description={drawing ? (draft.shape === 'circle' ? 'Haga clic en el mapa para fijar el centro del círculo.' : 'Haga clic en el mapa para agregar cada vértice del polígono.') : 'Zonas de la orden y última posición de cada dispositivo.'}
            zones={o.zones}
            devices={devices}
            homes={[...(o.victim_home ? [{ ...o.victim_home, who: 'victima' as const }] : []), ...(o.aggressor_home ? [{ ...o.aggressor_home, who: 'agresor' as const }] : [])]}
            frame={frame}
            onMapClick={drawing ? clickMap : undefined}
            draft={drawing ? draft : null}
            testId="order-map"
          />
          {o.zones.length > 0 && (
            <ul class="mon-zone-list" data-testid="zone-list">
              {o.zones.map((z) => (
                <li key={z.id}>
                  <strong>{z.label}</strong> — {z.shape === 'circle' ? `círculo de ${distanceText(z.radius_m)} de radio` : `polígono de ${z.polygon?.length ?? 0} vértices`}
                </li>
              ))}
            </ul>
          )}
          {o.status === 'terminada' ? null : drawing ? (
            <ZoneForm
              orderId={o.id}
              draft={draft}
              setDraft={setDraft}
              onCancel={() => setDrawing(false)}
              onDone={(w) => {
                setZoneWarnings(w);
                setDrawing(false);
                setDraft({ shape: 'circle', center: null, radius_m: 300, points: [] });
                order.reload();
              }}
            />
          ) : (
            <button type="button" class="btn btn-secondary" onClick={() => { setDrawing(true); setZoneWarnings([]); }}>
              Agregar zona
            </button>
          )}
        </section>
      </div>
      <Devices order={o} onAdded={order.reload} />
    </section>
  );
}

function Warnings({ items, title, testId }: { items: string[]; title: string; testId: string }) {
  if (!items.length) return null;
  return (
    <div class="alert alert-warning mon-warnings" role="alert" data-testid={testId}>
      <strong class="alert-title">
        <span aria-hidden="true">⚠ </span>
        {title}
      </strong>
      <ul>
        {items.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ul>
    </div>
  );
}

// Ending is not undone: the dialog says what stops and asks why (kept with the order).
function EndOrder({ order, onEnded }: { order: Order; onEnded: () => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  const devices = order.devices.filter((d) => d.active).length;

  function submit() {
    if (invalid(reason.trim() ? {} : { reason: 'Indique por qué termina la medida.' }, 'Falta el motivo.')) return;
    void send(async () => {
      await endOrder(order.id, reason.trim());
      setOpen(false);
      onEnded();
    });
  }

  return (
    <div class="mon-end-order">
      <button type="button" class="btn btn-secondary" onClick={() => { setReason(''); errors.clear(); setOpen(true); }}>
        Terminar la medida
      </button>
      <Dialog title="Terminar la medida" open={open} onClose={() => setOpen(false)}>
        <form ref={formRef} class="stack" onSubmit={onSubmit(submit)} noValidate data-testid="end-order-form">
          <p>
            Desde ahora no se vigilan las zonas ni la distancia de <strong>{order.label}</strong>
            {devices === 0 ? '.' : devices === 1 ? ', y su dispositivo se retira: lo que envíe se rechaza.' : `, y sus ${devices} dispositivos se retiran: lo que envíen se rechaza.`} Las alertas abiertas siguen
            en la cola hasta que se cierren. Esto no se puede deshacer.
          </p>
          <ErrorAlert error={errors.general} />
          <Field label="Motivo" name="reason" value={reason} onValue={setReason} error={errors.fields.reason} required maxLength={300} hint="Por ejemplo: «Alzada por el tribunal, resolución del 03-12-2026»." />
          <div class="form-actions">
            <button type="submit" class="btn btn-danger" disabled={busy}>
              Terminar la medida
            </button>
            <button type="button" class="btn btn-ghost" onClick={() => setOpen(false)}>
              Cancelar
            </button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}

function OrderFacts({ o }: { o: Order }) {
  return (
    <dl class="facts facts-2">
      {o.record_id ? (
        <div>
          <dt>Registro de causas</dt>
          <dd data-testid="order-record">
            {o.victim_person_id ? <a href={`/casos/personas/${o.victim_person_id}`}>Medida del registro N° {o.record_id}</a> : `Medida del registro N° ${o.record_id}`}
          </dd>
        </div>
      ) : null}
      <div>
        <dt>Víctima</dt>
        <dd>
          {o.victim_name}
          {o.victim_phone && <span class="cell-sub">{o.victim_phone}</span>}
        </dd>
      </div>
      <div>
        <dt>Agresor</dt>
        <dd>
          {o.aggressor_name}
          {o.aggressor_phone && <span class="cell-sub">{o.aggressor_phone}</span>}
        </dd>
      </div>
      <div>
        <dt>Comuna</dt>
        <dd>
          <ComunaName id={o.comuna_id} />
        </dd>
      </div>
      <div>
        <dt>Distancia mínima</dt>
        <dd>
          {distanceText(o.min_distance_m)}
          {o.approach_m ? <span class="cell-sub">Aviso de acercamiento a {distanceText(o.approach_m)}</span> : null}
        </dd>
      </div>
      <div>
        <dt>Vigencia</dt>
        <dd>
          {o.starts_on ?? '—'} a {o.ends_on ?? 'sin término'}
        </dd>
      </div>
      <div>
        <dt>Domicilios</dt>
        <dd>
          {o.victim_home ? 'Víctima registrado' : 'Víctima sin registrar'} · {o.aggressor_home ? 'agresor registrado' : 'agresor sin registrar'}
        </dd>
      </div>
    </dl>
  );
}

function ZoneForm(props: { orderId: number; draft: DraftShape; setDraft: (f: (d: DraftShape) => DraftShape) => void; onCancel: () => void; onDone: (warnings: string[]) => void }) {
  const { draft, setDraft } = props;
  const [label, setLabel] = useState('');
  const [radius, setRadius] = useState(String(draft.radius_m));
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  function submit() {
    const local: Record<string, string> = {};
    if (!label.trim()) local.label = 'Escriba un nombre para la zona (por ejemplo: Domicilio de la víctima).';
    const r = Number(radius);
    const body: Record<string, unknown> = { label: label.trim(), shape: draft.shape };
    if (draft.shape === 'circle') {
      if (!draft.center) local.lat = 'Haga clic en el mapa para fijar el centro.';
      if (!Number.isInteger(r) || r < 20 || r > 5000) local.radius_m = 'Entre 20 y 5.000 metros.';
      if (draft.center) Object.assign(body, { lat: draft.center.lat, lon: draft.center.lon, radius_m: r });
    } else {
      if (draft.points.length < 3) local.polygon = 'Marque al menos 3 vértices en el mapa.';
      body.polygon = draft.points.map((p) => [p.lat, p.lon]);
    }
    if (invalid(local, 'Faltan datos de la zona.')) return;
    void send(
      async () => {
        const res = await addZone(props.orderId, body);
        props.onDone(res.warnings ?? []);
      },
      (err) => {
        if (err instanceof ApiError && err.field) {
          const f = err.field === 'lon' ? 'lat' : err.field;
          errors.show(err.message, { [f]: err.message });
        } else errors.fromError(err);
      },
    );
  }

  const e = errors.fields;
  return (
    <form ref={formRef} class="stack mon-zone-form" onSubmit={onSubmit(submit)} noValidate aria-label="Nueva zona" data-testid="zone-form">
      <ErrorAlert error={errors.general} />
      <fieldset class="fieldset">
        <legend>Forma</legend>
        <div class="checks-inline">
          <label class="check">
            <input type="radio" name="shape" checked={draft.shape === 'circle'} onChange={() => setDraft((d) => ({ ...d, shape: 'circle' }))} />
            <span>Círculo (centro y radio)</span>
          </label>
          <label class="check">
            <input type="radio" name="shape" checked={draft.shape === 'polygon'} onChange={() => setDraft((d) => ({ ...d, shape: 'polygon' }))} />
            <span>Polígono (vértices)</span>
          </label>
        </div>
      </fieldset>
      <Field label="Nombre de la zona" name="label" value={label} onValue={setLabel} error={e.label} required />
      {draft.shape === 'circle' ? (
        <>
          <p class={`mon-draw-status${e.lat ? ' field-error' : ''}`} data-testid="draw-status" aria-live="polite">
            {draft.center ? `Centro: ${draft.center.lat.toFixed(5).replace('.', ',')}; ${draft.center.lon.toFixed(5).replace('.', ',')}` : (e.lat ?? 'Haga clic en el mapa para fijar el centro.')}
          </p>
          <Field
            label="Radio (metros)"
            name="radius_m"
            inputMode="numeric"
            value={radius}
            onValue={(v) => {
              setRadius(v);
              const n = Number(v);
              if (Number.isFinite(n) && n > 0) setDraft((d) => ({ ...d, radius_m: n }));
            }}
            error={e.radius_m}
            hint="Entre 20 y 5.000."
            required
          />
        </>
      ) : (
        <div>
          <p class={`mon-draw-status${e.polygon ? ' field-error' : ''}`} data-testid="draw-status" aria-live="polite">
            {e.polygon ?? `${draft.points.length} ${draft.points.length === 1 ? 'vértice marcado' : 'vértices marcados'} (mínimo 3).`}
          </p>
          <div class="mon-btn-row">
            <button type="button" class="btn btn-ghost btn-sm" disabled={!draft.points.length} onClick={() => setDraft((d) => ({ ...d, points: d.points.slice(0, -1) }))}>
              Deshacer último vértice
            </button>
            <button type="button" class="btn btn-ghost btn-sm" disabled={!draft.points.length} onClick={() => setDraft((d) => ({ ...d, points: [] }))}>
              Borrar vértices
            </button>
          </div>
        </div>
      )}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Guardar zona
        </button>
        <button type="button" class="btn btn-ghost" onClick={props.onCancel}>
          Cancelar
        </button>
      </div>
    </form>
  );
}

function Devices({ order, onAdded }: { order: Order; onAdded: () => void }) {
  const [deviceId, setDeviceId] = useState('');
  const [kind, setKind] = useState('');
  const [secret, setSecret] = useState<{ device_id: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  function submit() {
    const local: Record<string, string> = {};
    if (!/^[A-Za-z0-9_.:-]{3,64}$/.test(deviceId.trim())) local.device_id = 'Entre 3 y 64 caracteres: letras, números, punto, guion, guion bajo o dos puntos.';
    if (!kind) local.kind = 'Elija el tipo de dispositivo.';
    if (invalid(local, 'Revise los datos del dispositivo.')) return;
    void send(async () => {
      const r = await addDevice(order.id, { device_id: deviceId.trim(), kind });
      setSecret({ device_id: r.device.device_id, secret: r.secret });
      setCopied(false);
      setDeviceId('');
      setKind('');
      onAdded();
    });
  }

  return (
    <section class="card mon-devices" aria-labelledby="dev-h">
      <h2 id="dev-h">
        Dispositivos <span class="count">({order.devices.length})</span>
      </h2>
      <DataTable loading={false} error={null} count={order.devices.length} empty="Sin dispositivos registrados." caption="Dispositivos de la orden" columns={['Dispositivo', 'Tipo', 'Persona', 'Estado', 'Última posición']} testId="devices-table">
        {order.devices.map((d) => (
          <tr key={d.device_id}>
            <th scope="row" data-label="Dispositivo" class="mono">
              {d.device_id}
            </th>
            <td data-label="Tipo">{deviceKindLabel(d.kind)}</td>
            <td data-label="Persona">{d.holder === 'agresor' ? 'Agresor' : 'Víctima'}</td>
            <td data-label="Estado">{d.active ? <span class="badge badge-ok">Activo</span> : <span class="badge">Inactivo</span>}</td>
            <td data-label="Última posición">
              {d.last ? (
                <>
                  {formatDateTime(new Date(d.last.at))}
                  {d.last.battery !== null && <span class="cell-sub">Batería {Math.round(d.last.battery)} %</span>}
                </>
              ) : (
                'Sin posiciones'
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {order.status !== 'terminada' && (
      <form ref={formRef} class="mon-device-form" onSubmit={onSubmit(submit)} noValidate aria-labelledby="newdev-h" data-testid="device-form">
        <h3 id="newdev-h">Registrar dispositivo</h3>
        <ErrorAlert error={errors.general} />
        <div class="mon-form-grid">
          <Field label="Identificador del dispositivo" name="device_id" value={deviceId} onValue={setDeviceId} error={errors.fields.device_id} required autocomplete="off" hint="El que el equipo envía como «id» (IMEI o nombre configurado)." />
          <SelectField label="Tipo" name="kind" value={kind} onValue={setKind} options={DEVICE_KINDS} placeholder="Elija el tipo" error={errors.fields.kind} required />
        </div>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Registrar dispositivo
          </button>
        </div>
      </form>
      )}
      <Dialog title="Clave del dispositivo" open={!!secret} onClose={() => setSecret(null)}>
        {secret && (
          <div class="stack" data-testid="secret-dialog">
            <p class="alert alert-warning">
              <strong>Esta clave se muestra una sola vez.</strong> Cópiela ahora en la configuración del dispositivo <span class="mono">{secret.device_id}</span>: Equidad guarda solo su huella y no podrá mostrarla de nuevo. Si se pierde, registre el dispositivo otra vez.
            </p>
            <p class="mon-secret mono" data-testid="device-secret">
              {secret.secret}
            </p>
            <div class="form-actions">
              <button
                type="button"
                class="btn btn-secondary"
                onClick={() => {
                  void navigator.clipboard?.writeText(secret.secret).then(() => setCopied(true), () => setCopied(false));
                }}
              >
                {copied ? 'Copiada' : 'Copiar clave'}
              </button>
              <button type="button" class="btn btn-primary" onClick={() => setSecret(null)}>
                Ya la copié
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </section>
  );
}
