// "Mis sesiones": where this account is signed in, and closing any of those sessions.
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { formatDateTime } from '../app/format';
import { describeUserAgent } from '../app/labels';
import { navigate } from '../app/router';
import { useSession } from '../app/session';
import type { SessionInfo } from '../app/types';
import { Badge, DataTable, Dialog, ErrorAlert, FormActions, Notice, PageHeader, RowButton, useAsync, useBusy } from '../app/ui';
import { closeSession, getSessions, logoutAll } from './data';

export function SessionsPage() {
  const { forget } = useSession();
  const list = useAsync((signal) => getSessions(signal), []);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);
  const [busy, run] = useBusy();
  const failed = (e: unknown) => setError(errorMessage(e));

  function close(s: SessionInfo) {
    setError(null);
    setDone(null);
    void run(async () => {
      await closeSession(s.id);
      setDone(`Se cerró la sesión de ${describeUserAgent(s.user_agent)} (${s.client_ip}).`);
      list.reload();
    }, failed);
  }

  function closeAll() {
    setError(null);
    void run(
      async () => {
        await logoutAll();
        setConfirmAll(false);
        forget();
        navigate('/ingresar?salida=1', { replace: true });
      },
      (e) => {
        setConfirmAll(false);
        failed(e);
      },
    );
  }

  const items = list.data ?? [];
  const others = items.filter((s) => !s.current).length;

  return (
    <section>
      <PageHeader
        title="Mis sesiones"
        lead="Los navegadores y dispositivos donde su cuenta tiene una sesión abierta. Si no reconoce alguno, ciérrelo y cambie su contraseña."
        actions={
          <button type="button" class="btn btn-danger-outline" onClick={() => setConfirmAll(true)} disabled={busy || items.length === 0}>
            Cerrar todas las sesiones
          </button>
        }
      />
      <ErrorAlert error={error ?? list.error} />
      {done && <Notice kind="success">{done}</Notice>}
      <DataTable
        loading={list.loading && !list.data}
        error={list.error}
        count={items.length}
        empty="No hay sesiones abiertas."
        caption={`Sesiones abiertas de su cuenta (${items.length}); ${others} en otros dispositivos.`}
        columns={['Dispositivo', 'Dirección IP', 'Inicio', 'Última actividad']}
        actions
      >
        {items.map((s) => (
          <tr key={s.id} class={s.current ? 'row-current' : ''}>
            <td data-label="Dispositivo">
              <span class="cell-main" title={s.user_agent}>
                {describeUserAgent(s.user_agent)}
              </span>{' '}
              {s.current && <Badge tone="ok">Esta sesión</Badge>}
            </td>
            <td data-label="Dirección IP">
              <code>{s.client_ip}</code>
            </td>
            <td data-label="Inicio">{formatDateTime(s.created_at)}</td>
            <td data-label="Última actividad">{formatDateTime(s.last_seen_at)}</td>
            <td class="cell-actions">
              {s.current ? (
                <span class="muted small">Sesión actual</span>
              ) : (
                <RowButton
                  label="Cerrar"
                  detail={`la sesión de ${describeUserAgent(s.user_agent)} iniciada el ${formatDateTime(s.created_at)}`}
                  onClick={() => close(s)}
                  disabled={busy}
                />
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      <p class="muted small">Horas de Chile continental (America/Santiago).</p>
      <Dialog title="¿Cerrar todas las sesiones?" open={confirmAll} onClose={() => setConfirmAll(false)}>
        <p>Se cerrarán todas las sesiones de su cuenta, incluida esta. Tendrá que ingresar nuevamente.</p>
        <FormActions label="Cerrar todas" busy={busy} onConfirm={closeAll} onCancel={() => setConfirmAll(false)} />
      </Dialog>
    </section>
  );
}
