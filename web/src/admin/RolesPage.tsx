// Roles and what each one allows (read-only: roles are defined by the system).
import { Badge, ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { getRoles } from './data';

export default function RolesPage() {
  const roles = useAsync(() => getRoles(), []);
  return (
    <section>
      <PageHeader
        eyebrow="Administración"
        title="Roles y permisos"
        lead="Cada cuenta tiene uno o más roles; el rol define qué puede hacer, y la institución y el territorio definen sobre qué datos."
      />
      <ErrorAlert error={roles.error} />
      {roles.loading && !roles.data && <Loading />}
      <ul class="role-grid">
        {(roles.data ?? []).map((r) => (
          <li key={r.id} class="card role-card">
            <div class="role-head">
              <h2>{r.name}</h2>
              <code class="muted">{r.id}</code>
            </div>
            {r.requires_totp ? (
              <Badge tone="info">Requiere verificación en dos pasos</Badge>
            ) : (
              <Badge>Solo contraseña</Badge>
            )}
            <h3 class="perm-title">
              {r.permissions.length} {r.permissions.length === 1 ? 'permiso' : 'permisos'}
            </h3>
            <ul class="perm-list">
              {r.permissions.map((p) => (
                <li key={p.id}>
                  <code>{p.id}</code>
                  <span>{p.description}</span>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
