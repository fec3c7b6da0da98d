// Alertas (/alertas): the early-alert inbox of the institution — most severe and newest first —
// with filters by comuna, severity, state and escalation kept in the address.
import { setQuery, useLocation } from '../app/router';
import { hasPermission, useSession } from '../app/session';
import { DataTable, ErrorAlert, FilterForm, PageHeader, QuerySelect, ResultSummary, useAsync } from '../app/ui';
import { ComunaField, ComunaName } from '../app/widgets/ComunaField';
import { SeverityBadge } from '../app/widgets/SeverityBadge';
import { age, CONFIGURE, listAlerts, SEVERITIES, STATES } from './data';
import './alerts.css';

const PER_PAGE = 25;

export default function AlertsPage() {
  const { search } = useLocation();
  const { state } = useSession();
  const comuna = search.get('comuna') ?? '';
  const severity = search.get('severidad') ?? '';
  const st = search.get('estado') ?? '';
  const escalated = search.get('escaladas') ?? '';
  const page = Math.max(1, Number(search.get('pagina') ?? '1') || 1);
  const query = { comuna, severity, state: st, escalated, page, per_page: PER_PAGE };
  const alerts = useAsync((signal) => listAlerts(query, signal), [comuna, severity, st, escalated, page]);
  const items = alerts.data?.items ?? [];
  const total = alerts.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  const filtered = !!(comuna || severity || st || escalated);

  return (
    <section class="alerts">
      <PageHeader
        eyebrow="Alerta temprana"
        title="Alertas"
        lead="Situaciones que las reglas detectaron en el registro único de casos. Tome primero las críticas y las escaladas: cada una explica qué la levantó."
        actions={
          hasPermission(state, CONFIGURE) && (
            <a class="btn btn-secondary" href="/alertas/reglas">
              Reglas de alerta
            </a>
          )
        }
      />
      <FilterForm label="Filtrar alertas">
        <QuerySelect label="Severidad" name="severidad" value={severity} placeholder="Todas" options={SEVERITIES} />
        <QuerySelect label="Estado" name="estado" value={st} placeholder="Todos" options={STATES} />
        <QuerySelect
          label="Escalamiento"
          name="escaladas"
          value={escalated}
          placeholder="Todas"
          options={[
            { value: 'true', label: 'Solo escaladas' },
            { value: 'false', label: 'No escaladas' },
          ]}
        />
        <ComunaField name="comuna" value={comuna} onValue={(v) => (v === '' || /^\d{5}$/.test(v) ? setQuery({ comuna: v || null, pagina: null }) : undefined)} hint="Escriba y elija de la lista." />
      </FilterForm>
      <ErrorAlert error={alerts.error} />
      <ResultSummary loading={alerts.loading}>
        {total === 1 ? '1 alerta' : `${total} alertas`}
        {pages > 1 ? ` · página ${page} de ${pages}` : ''}
      </ResultSummary>
      <DataTable
        loading={alerts.loading && !alerts.data}
        error={alerts.error}
        count={items.length}
        empty={
          filtered
            ? 'No hay alertas con estos filtros. Quite filtros para ver el resto.'
            : 'No hay alertas para su institución. Cuando una regla detecte un riesgo en una persona que su institución atiende, aparecerá aquí.'
        }
        caption="Alertas tempranas"
        columns={['Severidad', 'Alerta', 'Persona', 'Comuna', 'Antigüedad', 'Estado']}
        actions
        class="alerts-table"
        testId="alerts-table"
      >
        {items.map((a) => (
          <tr key={a.id} class={`sev-row sev-row-${a.severity}${a.state === 'cerrada' ? ' row-closed' : ''}`}>
            <td data-label="Severidad">
              <SeverityBadge severity={a.severity} />
            </td>
            <th scope="row" data-label="Alerta">
              <a class="cell-main" href={`/alertas/${a.id}`}>
                {a.rule.name}
              </a>
              <span class="cell-sub explanation">{a.explanation}</span>
            </th>
            <td data-label="Persona" class="nowrap">
              {/* A shelter's staff (no case files) see the number only. */}
              {hasPermission(state, 'cases.read') ? <a href={`/casos/personas/${a.person_id}`}>Ficha N° {a.person_id}</a> : `Ficha N° ${a.person_id}`}
            </td>
            <td data-label="Comuna">
              <ComunaName id={a.comuna_id} />
            </td>
            <td data-label="Antigüedad" class="nowrap">
              <strong>{age(a.raised_at)}</strong>
              <span class="cell-sub">{a.raised_date}</span>
            </td>
            <td data-label="Estado">
              <span class={`state state-${a.state}`}>{a.state === 'en_gestion' ? 'En gestión' : a.state === 'nueva' ? 'Nueva' : 'Cerrada'}</span>
              {a.escalated && <span class="badge badge-danger">Escalada{a.escalation_level > 1 ? ` (nivel ${a.escalation_level})` : ''}</span>}
              {a.state === 'nueva' && a.take_due_at && a.take_due_at < Date.now() && <span class="cell-sub overdue">Debía tomarse {age(a.take_due_at)}</span>}
            </td>
            <td class="cell-actions">
              <a class="btn btn-ghost btn-sm" href={`/alertas/${a.id}`}>
                {a.state === 'nueva' ? 'Atender' : 'Ver'}
                <span class="visually-hidden"> alerta N° {a.id}</span>
              </a>
            </td>
          </tr>
        ))}
      </DataTable>
      {pages > 1 && (
        <nav class="pager" aria-label="Páginas de alertas">
          <button type="button" class="btn btn-ghost btn-sm" disabled={page <= 1} onClick={() => setQuery({ pagina: page > 2 ? String(page - 1) : null })}>
            ← Anterior
          </button>
          <span>
            Página {page} de {pages}
          </span>
          <button type="button" class="btn btn-ghost btn-sm" disabled={page >= pages} onClick={() => setQuery({ pagina: String(page + 1) })}>
            Siguiente →
          </button>
        </nav>
      )}
    </section>
  );
}
