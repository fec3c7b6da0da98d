// Supervisión de la línea (/canales/supervision, channels.supervise): the live queue of every
// channel with who each contact is offered to or held by, the operators with their presence and
// load, reassigning a contact, blocking a caller for a time (with a reason, audited), the blocks.
import './channels.css';
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { formatDateTime } from '../app/format';
import { Badge, DataTable, Dialog, ErrorAlert, Field, FormActions, PageHeader, RowButton, SelectField, useAsync, useBusy, useForm } from '../app/ui';
import { useLive } from '../monitoring/live';
import { blockCaller, formatWait, LIVE_PATH, getBlocks, getOperators, liftBlock, queueOrder, reassign, STATE_LABELS, type LiveQueue, type QueueItem, type Seat } from './data';

export default function SupervisorPage() {
  const [snap, setSnap] = useState<LiveQueue | null>(null);
  const ops = useAsync((signal) => getOperators(signal), []);
  const blocks = useAsync((signal) => getBlocks(signal), []);
  const live = useLive<LiveQueue>(LIVE_PATH, { onMessage: (m) => { setSnap(m); ops.reload(); } });
  const [moving, setMoving] = useState<QueueItem | null>(null);
  const [blocking, setBlocking] = useState<QueueItem | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = useBusy();
  const names = new Map((ops.data ?? []).map((o) => [o.user_id, o.name]));
  const queue = queueOrder(snap?.queue ?? []);
  return (
    <section class="channels">
      <PageHeader title="Supervisión de la línea" lead="Cola en vivo de todos los canales, operadoras, reasignación y bloqueos." actions={<a class="btn btn-secondary" href="/canales/estadistica">Estadística diaria</a>} />
      <ErrorAlert error={error ?? ops.error} />
      <p>
        <Badge tone={live.connected ? 'ok' : 'warn'}>{live.connected ? 'En vivo' : 'Reconectando…'}</Badge> {queue.length} contacto(s) en cola
      </p>
      <h2>Cola en vivo</h2>
      <DataTable loading={!snap} error={null} count={queue.length} empty="No hay contactos esperando." caption="Cola en vivo" columns={['Contacto', 'Canal', 'Estado', 'Espera', 'Ofrecido a']} actions testId="live-queue">
        {queue.map((c) => (
          <tr key={c.id}>
            <td data-label="Contacto">n.º {c.id}</td>
            <td data-label="Canal">
              {c.channel_name} {c.urgent && <Badge tone="danger">Urgente</Badge>}
            </td>
            <td data-label="Estado">{STATE_LABELS[c.state]}</td>
            <td data-label="Espera">{formatWait(c.waiting_s)}</td>
            <td data-label="Ofrecido a">{c.offered_to ? names.get(c.offered_to) ?? `usuaria ${c.offered_to}` : '—'}</td>
            <td>
              <RowButton label="Reasignar" detail={`el contacto ${c.id}`} onClick={() => setMoving(c)} />
              <RowButton label="Bloquear" detail={`a quien origina el contacto ${c.id}`} onClick={() => setBlocking(c)} />
            </td>
          </tr>
        ))}
      </DataTable>
      <h2>Operadoras</h2>
      <DataTable loading={ops.loading && !ops.data} error={ops.error} count={ops.data?.length ?? 0} empty="Ninguna operadora ha ingresado a la consola." caption="Operadoras" columns={['Nombre', 'Presencia', 'Llamadas', 'Chats', 'Ofrecidos']} testId="operators">
        {(ops.data ?? []).map((o) => (
          <tr key={o.user_id}>
            <td data-label="Nombre">{o.name || `usuaria ${o.user_id}`}</td>
            <td data-label="Presencia">
              <Badge tone={o.presence === 'disponible' ? 'ok' : o.presence === 'pausa' ? 'warn' : 'neutral'}>{o.presence_name}</Badge>
            </td>
            <td data-label="Llamadas">{o.active_calls}</td>
            <td data-label="Chats">
              {o.active_chats} de {o.max_chats}
            </td>
            <td data-label="Ofrecidos">{o.offered}</td>
          </tr>
        ))}
      </DataTable>
      <h2>Bloqueos vigentes</h2>
      <DataTable loading={blocks.loading && !blocks.data} error={blocks.error} count={blocks.data?.length ?? 0} empty="No hay bloqueos vigentes." caption="Bloqueos" columns={['Contacto', 'Motivo', 'Hasta']} actions>
        {(blocks.data ?? []).map((b) => (
          <tr key={b.id}>
            <td data-label="Contacto">{b.contact_id ? `n.º ${b.contact_id}` : '—'}</td>
            <td data-label="Motivo">{b.reason}</td>
            <td data-label="Hasta">{formatDateTime(new Date(b.until_at))}</td>
            <td>
              <RowButton label="Levantar" detail={`el bloqueo ${b.id}`} disabled={busy} onClick={() => void run(async () => { await liftBlock(b.id); blocks.reload(); }, (e) => setError(errorMessage(e)))} />
            </td>
          </tr>
        ))}
      </DataTable>
      <ReassignDialog item={moving} operators={ops.data ?? []} onClose={() => setMoving(null)} />
      <BlockDialog item={blocking} onClose={() => { setBlocking(null); blocks.reload(); }} />
    </section>
  );
}

function ReassignDialog({ item, operators, onClose }: { item: QueueItem | null; operators: Seat[]; onClose: () => void }) {
  const form = useForm();
  const [to, setTo] = useState('');
  const submit = form.onSubmit(() => {
    if (form.invalid(to ? {} : { user_id: 'Elija una operadora.' }, 'Elija a quién reasignar.')) return;
    void form.send(async () => {
      await reassign(item!.id, Number(to));
      onClose();
    });
  });
  return (
    <Dialog title={`Reasignar el contacto n.º ${item?.id ?? ''}`} open={!!item} onClose={onClose}>
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <ErrorAlert error={form.errors.general} />
        <SelectField label="Operadora" name="user_id" value={to} onValue={setTo} placeholder="Elija…" error={form.errors.fields.user_id}
          options={operators.map((o) => ({ value: String(o.user_id), label: `${o.name || `usuaria ${o.user_id}`} — ${o.presence_name}` }))} />
        <FormActions label="Reasignar" busy={form.busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function BlockDialog({ item, onClose }: { item: QueueItem | null; onClose: () => void }) {
  const form = useForm();
  const [hours, setHours] = useState('24');
  const [reason, setReason] = useState('');
  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    if (!reason.trim()) local.reason = 'Indique el motivo.';
    if (!/^\d+$/.test(hours)) local.hours = 'Indique las horas (1 a 720).';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    void form.send(async () => {
      await blockCaller(item!.id, Number(hours), reason.trim());
      onClose();
    });
  });
  return (
    <Dialog title={`Bloquear a quien origina el contacto n.º ${item?.id ?? ''}`} open={!!item} onClose={onClose}>
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <p class="muted">Sus próximas llamadas o chats no entrarán a la cola mientras dure el bloqueo. Queda registrado en la auditoría.</p>
        <ErrorAlert error={form.errors.general} />
        <Field label="Horas" name="hours" inputMode="numeric" value={hours} onValue={setHours} error={form.errors.fields.hours} />
        <Field label="Motivo" name="reason" value={reason} onValue={setReason} required error={form.errors.fields.reason} />
        <FormActions label="Bloquear" busy={form.busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
