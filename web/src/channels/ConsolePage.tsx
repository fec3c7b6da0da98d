// Consola de atención 1455 (/canales, channels.answer): the operator's presence, the contacts offered
// to her or that she holds, the one queue of every channel (live over WebSocket), the contact she
// works on, and the call-backs of abandoned calls.
import './channels.css';
import { useEffect, useState } from 'preact/hooks';
import { cached, errorMessage } from '../app/api';
import { formatDateTime } from '../app/format';
import { Badge, DataTable, ErrorAlert, Loading, Notice, PageHeader, RowButton, SelectField, useAsync, useBusy } from '../app/ui';
import { useLive } from '../monitoring/live';
import { ContactPanel } from './ContactPanel';
import {
  callbackDone,
  declineContact,
  formatWait,
  getCallbacks,
  getMe,
  getQueue,
  getVocabularies,
  openByHand,
  queueOrder,
  setPresence,
  STATE_LABELS,
  takeContact,
  type LiveQueue,
  LIVE_PATH,
} from './data';

const vocabularies = cached(getVocabularies);

export default function ConsolePage() {
  const vocab = useAsync(() => vocabularies(), []);
  const me = useAsync((signal) => getMe(signal), []);
  const queue = useAsync((signal) => getQueue(signal), []);
  const callbacks = useAsync((signal) => getCallbacks(signal), []);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = useBusy();
  const live = useLive<LiveQueue>(LIVE_PATH, { onMessage: () => queue.reload(), onOpen: () => queue.reload() });
  // Offers expire on the server's clock; a slow poll keeps the console right if the socket is down.
  useEffect(() => {
    const t = window.setInterval(() => queue.reload(), live.connected ? 15000 : 3000);
    return () => window.clearInterval(t);
  }, [live.connected]);

  const act = (fn: () => Promise<unknown>) => {
    setError(null);
    void run(async () => {
      await fn();
      queue.reload();
      me.reload();
    }, (e) => setError(errorMessage(e)));
  };
  const take = (id: number) =>
    act(async () => {
      await takeContact(id);
      setSelected(id);
    });

  const mine = queue.data?.mine ?? [];
  const waiting = queueOrder(queue.data?.queue ?? []);
  return (
    <section class="channels">
      <PageHeader
        title="Consola de atención 1455"
        lead="Llamadas y chats esperan en una sola cola: urgentes primero, luego por riesgo y tiempo de espera. Un contacto se ofrece a una operadora a la vez."
      />
      {queue.data && !queue.data.hours.open && (
        <Notice kind="warning" title="Fuera del horario de atención">
          <p>{queue.data.hours.message}</p>
        </Notice>
      )}
      <ErrorAlert error={error ?? me.error ?? queue.error} />
      <div class="channels-presence" role="group" aria-label="Mi presencia">
        <span>
          Mi presencia: <strong data-testid="presence">{me.data?.presence_name ?? '…'}</strong>
        </span>
        {(vocab.data?.presences ?? []).map((p) => (
          <button key={p.id} type="button" class="btn btn-secondary btn-sm" aria-pressed={me.data?.presence === p.id} disabled={busy} onClick={() => act(() => setPresence(p.id))}>
            {p.name}
          </button>
        ))}
        <Badge tone={live.connected ? 'ok' : 'warn'}>{live.connected ? 'En vivo' : 'Reconectando…'}</Badge>
      </div>
      <div class="channels-layout">
        <div>
          <h2>Mis contactos</h2>
          {mine.length === 0 ? (
            <p class="muted">Nada ofrecido ni en atención. Póngase «Disponible» para recibir contactos.</p>
          ) : (
            <ul class="channels-mine" data-testid="mine">
              {mine.map((c) => (
                <li key={c.id} class={`${c.urgent ? 'urgent' : ''}${selected === c.id ? ' selected' : ''}`}>
                  <div class="row">
                    <span>
                      <strong>{c.channel_name}</strong> n.º {c.id} {c.urgent && <Badge tone="danger">Urgente</Badge>} <Badge tone="info">{STATE_LABELS[c.state]}</Badge>
                    </span>
                    <span class="muted">espera {formatWait(c.waiting_s)}</span>
                  </div>
                  <div class="row">
                    {c.state === 'offered' ? (
                      <>
                        <button type="button" class="btn btn-primary btn-sm" disabled={busy} onClick={() => take(c.id)}>
                          Tomar
                        </button>
                        <button type="button" class="btn btn-ghost btn-sm" disabled={busy} onClick={() => act(() => declineContact(c.id))}>
                          Liberar
                        </button>
                      </>
                    ) : (
                      <button type="button" class="btn btn-secondary btn-sm" onClick={() => setSelected(c.id)}>
                        Abrir registro
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
          <h2>Cola</h2>
          <DataTable loading={queue.loading && !queue.data} error={queue.error} count={waiting.length} empty="No hay contactos esperando." caption="Cola de contactos" columns={['Canal', 'Estado', 'Espera']} actions testId="queue">
            {waiting.map((c) => (
              <tr key={c.id}>
                <td data-label="Canal">
                  {c.channel_name} {c.urgent && <Badge tone="danger">Urgente</Badge>} {c.priority === 1 && <Badge tone="warn">Riesgo previo</Badge>}
                </td>
                <td data-label="Estado">{STATE_LABELS[c.state]}</td>
                <td data-label="Espera">{formatWait(c.waiting_s)}</td>
                <td>
                  {c.state === 'waiting' && <RowButton label="Tomar" detail={`el contacto ${c.id}`} disabled={busy} onClick={() => take(c.id)} />}
                </td>
              </tr>
            ))}
          </DataTable>
          <ByHand onOpened={(id) => { setSelected(id); queue.reload(); }} />
        </div>
        <div>
          {selected && vocab.data ? (
            <ContactPanel
              key={selected}
              id={selected}
              vocab={vocab.data}
              onChanged={() => { queue.reload(); callbacks.reload(); }}
              onHandedBack={() => setSelected(null)}
            />
          ) : (
            <div class="card channels-contact">
              <p class="muted">Tome un contacto o abra uno de «Mis contactos» para registrar la atención.</p>
            </div>
          )}
        </div>
      </div>
      <section id="devoluciones" aria-labelledby="devoluciones-titulo">
        <h2 id="devoluciones-titulo">Llamadas por devolver</h2>
        <p class="muted">Llamadas que cortaron antes de ser atendidas. La central marca el número; aquí no se muestra.</p>
        <DataTable loading={callbacks.loading && !callbacks.data} error={callbacks.error} count={callbacks.data?.length ?? 0} empty="No hay llamadas por devolver." caption="Llamadas por devolver" columns={['Contacto', 'Plazo']} actions>
          {(callbacks.data ?? []).map((cb) => (
            <tr key={cb.id}>
              <td data-label="Contacto">n.º {cb.contact_id}</td>
              <td data-label="Plazo">
                {formatDateTime(new Date(cb.deadline_at))} {cb.overdue && <Badge tone="danger">Vencida</Badge>}
              </td>
              <td>
                <RowButton label="Se habló con ella" detail={`devolución ${cb.id}`} disabled={busy} onClick={() => act(async () => { await callbackDone(cb.id, 'done', ''); callbacks.reload(); })} />
                <RowButton label="No contestó" detail={`devolución ${cb.id}`} disabled={busy} onClick={() => act(async () => { await callbackDone(cb.id, 'failed', ''); callbacks.reload(); })} />
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
      {vocab.loading && <Loading />}
    </section>
  );
}

function ByHand({ onOpened }: { onOpened: (id: number) => void }) {
  const [channel, setChannel] = useState('phone');
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = useBusy();
  return (
    <details class="channels-byhand">
      <summary>Abrir un contacto a mano</summary>
      <ErrorAlert error={error} />
      <SelectField label="Canal" name="byhand_channel" value={channel} onValue={setChannel} options={[{ value: 'phone', label: 'Fono 1455 (llamada saliente o devolución)' }, { value: 'whatsapp', label: 'WhatsApp' }]} />
      <button type="button" class="btn btn-secondary btn-sm" disabled={busy} onClick={() => void run(async () => onOpened((await openByHand(channel, '')).id), (e) => setError(errorMessage(e)))}>
        Abrir contacto
      </button>
    </details>
  );
}
