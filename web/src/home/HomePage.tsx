// The home page of each role: what this person has to do today, as the server decides it.
import { formatNumber } from '../app/format';
import { roleLabel } from '../app/labels';
import { useSession } from '../app/session';
import type { HomeItem } from '../app/types';
import { Badge, EmptyState, ErrorAlert, Loading, PageHeader, keepDates, useAsync } from '../app/ui';
import { getRegions, regionLabel } from '../territory/data';
import { getHome } from './data';

const SEVERITY_LABEL: Record<HomeItem['severity'], string> = {
  info: 'Información',
  warning: 'Atención',
  critical: 'Urgente',
};

function internalLink(link: string | null): string | null {
  return link && link.startsWith('/') && !link.startsWith('//') ? link : null;
}

function ItemCard({ item }: { item: HomeItem }) {
  const link = internalLink(item.link);
  return (
    <li class={`home-item sev-${item.severity} kind-${item.kind}`}>
      <div class="home-item-head">
        {item.severity !== 'info' && <Badge tone={item.severity === 'critical' ? 'danger' : 'warn'}>{SEVERITY_LABEL[item.severity]}</Badge>}
        <h3>{item.title}</h3>
      </div>
      {item.value !== null && item.value !== undefined && <p class="home-value">{formatNumber(item.value)}</p>}
      {item.detail && <p class="home-detail">{keepDates(item.detail)}</p>}
      {link && (
        <a class="home-link" href={link}>
          {item.kind === 'task' ? 'Ir a la tarea' : 'Ver detalle'}
          <span class="visually-hidden">: {item.title}</span> <span aria-hidden="true">→</span>
        </a>
      )}
    </li>
  );
}

function Group({ title, items, id }: { title: string; items: HomeItem[]; id: string }) {
  if (items.length === 0) return null;
  return (
    <section aria-labelledby={id} class="home-group">
      <h2 id={id}>
        {title} <span class="count">({formatNumber(items.length)})</span>
      </h2>
      <ul class={`home-list${id === 'metrics' ? ' metrics' : ''}`}>
        {items.map((it, i) => (
          <ItemCard item={it} key={`${it.title}-${i}`} />
        ))}
      </ul>
    </section>
  );
}

const ORDER: Record<HomeItem['severity'], number> = { critical: 0, warning: 1, info: 2 };

export function HomePage() {
  const { state } = useSession();
  const home = useAsync((signal) => getHome(signal), []);
  const regions = useAsync(() => getRegions(), []);
  const user = state.status === 'signed-in' ? state.session.user : null;
  const items = [...(home.data?.items ?? [])].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  const tasks = items.filter((i) => i.kind === 'task');
  const notices = items.filter((i) => i.kind === 'notice');
  const metrics = items.filter((i) => i.kind === 'metric');

  return (
    <div class="home">
      <PageHeader
        eyebrow={home.data?.role_title ?? (user ? user.roles.map(roleLabel).join(' · ') : undefined)}
        title="Mi inicio"
        heading={keepDates(home.data?.greeting || (user ? `Hola, ${user.name}` : 'Mi inicio'))}
        lead={user ? `${user.institution.name}` : undefined}
      />
      <ErrorAlert error={home.error} />
      <div class="home-grid">
        <div class="home-main">
          {home.loading && !home.data && <Loading />}
          {home.data && items.length === 0 && <EmptyState>No tiene tareas pendientes para hoy.</EmptyState>}
          <Group title="Para hoy" items={tasks} id="tasks" />
          <Group title="Indicadores" items={metrics} id="metrics" />
          <Group title="Avisos" items={notices} id="notices" />
        </div>
        {user && (
          <aside class="card account-card" aria-labelledby="account-title">
            <h2 id="account-title">Su cuenta</h2>
            <dl class="facts">
              <div>
                <dt>Nombre</dt>
                <dd>{user.name}</dd>
              </div>
              <div>
                <dt>Correo</dt>
                <dd class="break">{user.email}</dd>
              </div>
              {user.run && (
                <div>
                  <dt>RUN</dt>
                  <dd>{user.run}</dd>
                </div>
              )}
              <div>
                <dt>Institución</dt>
                <dd>{user.institution.name}</dd>
              </div>
              <div>
                <dt>{user.roles.length === 1 ? 'Rol' : 'Roles'}</dt>
                <dd>
                  {user.roles.length === 1 && home.data?.role_title ? home.data.role_title : user.roles.map(roleLabel).join(', ') || '—'}
                </dd>
              </div>
              {user.region_id && (
                <div>
                  <dt>Región</dt>
                  <dd>{regionLabel(regions.data, user.region_id)}</dd>
                </div>
              )}
              <div>
                <dt>Verificación en dos pasos</dt>
                <dd>{user.totp_enabled ? <Badge tone="ok">Activada</Badge> : <Badge>No activada</Badge>}</dd>
              </div>
            </dl>
            <a href="/mi-cuenta" class="btn btn-ghost btn-sm">
              Mi cuenta: contraseña y códigos
            </a>{' '}
            <a href="/mis-sesiones" class="btn btn-ghost btn-sm">
              Ver mis sesiones
            </a>
          </aside>
        )}
      </div>
    </div>
  );
}
