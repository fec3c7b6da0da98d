// "Mis sesiones": where this account is signed in, and closing any of those sessions.
import { useState } from 'preact/hooks';
import { api, errorMessage } from '../app/api';
import { formatDateTime } from '../app/format';
import { describeUserAgent } from '../app/labels';
import { navigate } from '../app/router';
import { useSession } from '../app/session';
import type { Items, SessionInfo } from '../app/types';
import { Badge, Dialog, EmptyState, ErrorAlert, Loading, Notice, PageHeader, useAsync } from '../app/ui';

export function SessionsPage() {
  const { forget } = useSession();
  const list = useAsync((signal) => api.get<Items<SessionInfo>>('/auth/sessions', { signal }), []);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);
  const [busy, setBusy] = useState(false);

  async function close(s: SessionInfo) {
    setError(null);
    setDone(null);
    setBusy(true);
    try {
      await api.del(`/auth/sessions/${s.id}`);
      setDone(`Se cerró la sesión de ${describeUserAgent(s.user_agent)} (${s.client_ip}).`);
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function closeAll() {
    setError(null);
    setBusy(true);
    try {
      await api.post('/auth/logout-all', {});
      setConfirmAll(false);
      forget();
      navigate('/ingresar?salida=1', { replace: true });
    } catch (e) {
      setConfirmAll(false);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const items = list.data?.items ?? [];
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
      {list.loading && !list.data ? (
        <Loading />
      ) : items.length === 0 ? (
        !list.error && <EmptyState>No hay sesiones abiertas.</EmptyState>
      ) : (
        <div class="table-wrap card">
          <table class="data-table responsive">
            <caption class="visually-hidden">
              Sesiones abiertas de su cuenta ({items.length}); {others} en otros dispositivos.
            </caption>
            <thead>
              <tr>
                <th scope="col">Dispositivo</th>
                <th scope="col">Dirección IP</th>
                <th scope="col">Inicio</th>
                <th scope="col">Última actividad</th>
                <th scope="col">
                  <span class="visually-hidden">Acciones</span>
                </th>
              </tr>
            </thead>
            <tbody>
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
                      <button type="button" class="btn btn-ghost btn-sm" onClick={() => close(s)} disabled={busy}>
                        Cerrar<span class="visually-hidden"> la sesión de {describeUserAgent(s.user_agent)} iniciada el {formatDateTime(s.created_at)}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted small">Horas de Chile continental (America/Santiago).</p>
      <Dialog title="¿Cerrar todas las sesiones?" open={confirmAll} onClose={() => setConfirmAll(false)}>
        <p>Se cerrarán todas las sesiones de su cuenta, incluida esta. Tendrá que ingresar nuevamente.</p>
        <div class="form-actions">
          <button type="button" class="btn btn-danger" onClick={closeAll} disabled={busy}>
            Cerrar todas
          </button>
          <button type="button" class="btn btn-ghost" onClick={() => setConfirmAll(false)}>
            Cancelar
          </button>
        </div>
      </Dialog>
    </section>
  );
}
