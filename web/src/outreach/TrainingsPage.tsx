// Public trainings (/capacitaciones): each course with its sessions, participants by sex and its
// progress against the target; the seed's figures beside the ones computed from the records.
import { formatNumber, formatPercent } from '../app/format';
import { hasPermission, useSession } from '../app/session';
import { Badge, ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { MANAGE, getPublicTrainings, tenths, type Course, type Option, type Trainings } from './data';
import './outreach.css';

export default function TrainingsPage() {
  const { state } = useSession();
  const list = useAsync((signal) => getPublicTrainings(signal), []);
  return (
    <section class="outreach">
      <PageHeader
        title="Capacitaciones"
        lead="Cursos del Ministerio y de los servicios con los que trabaja: sesiones, participantes por sexo y avance contra la meta de cada curso."
        actions={
          hasPermission(state, MANAGE) && (
            <a class="btn btn-primary" href="/capacitaciones/gestion">
              Gestionar capacitaciones
            </a>
          )
        }
      />
      <p class="outreach-links">
        <a href="/charlas">Charlas abiertas e inscripción</a> · <a href="/campanas">Campañas comunicacionales</a>
      </p>
      <ErrorAlert error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && <TrainingFigures data={list.data} />}
      {list.data?.items.map((c) => <CourseCard key={c.id} course={c} sexes={list.data?.sexes ?? []} />)}
    </section>
  );
}

function TrainingFigures({ data }: { data: Trainings }) {
  if (!data.seed || !data.computed) return null;
  const aps = data.items.find((c) => c.target === data.seed!.aps_target);
  return (
    <section class="card outreach-figures" data-testid="training-figures" aria-labelledby="tf-title">
      <h2 id="tf-title">En cifras</h2>
      <div class="outreach-figure-grid">
        <div>
          <span class="outreach-big">{formatNumber(data.computed.elearning_2020)}</span>
          <span>participantes del e-learning «Chile elige equidad» en 2020</span>
          <span class="muted small">Cuenta pública: {formatNumber(data.seed.elearning_2020)}</span>
        </div>
        {aps && (
          <div>
            <span class="outreach-big">{formatPercent(tenths(aps.progress_tenths))}</span>
            <span>
              de la meta de la red APS ({formatNumber(aps.participants)} de {formatNumber(aps.target)})
            </span>
            <span class="muted small">Meta de la cuenta pública: {formatNumber(data.seed.aps_target)}</span>
          </div>
        )}
      </div>
      <p class="muted small">
        Contado desde los registros de cada sesión. Fuente de las cifras de referencia: {data.seed.source} ({data.seed.quotes.join(' ')}). Los
        cursos marcados «Demostración» tienen participantes generados para la demostración.
      </p>
    </section>
  );
}

export function Progress({ tenthsValue, label }: { tenthsValue: number | null; label: string }) {
  if (tenthsValue === null) return null;
  const pct = Math.min(100, tenthsValue / 10);
  return (
    <div class="outreach-progress" role="img" aria-label={`${label}: ${formatPercent(tenthsValue / 10)}`}>
      <div class="outreach-progress-bar" style={{ width: `${pct}%` }} />
    </div>
  );
}

function CourseCard({ course: c, sexes }: { course: Course; sexes: Option[] }) {
  return (
    <article class="card outreach-course" data-testid="course">
      <h2>
        {c.name} {c.demo && <Badge tone="purple">Demostración</Badge>}
      </h2>
      <p class="muted">
        {c.modality_name} · {c.institution} · {c.population}
      </p>
      {c.description && <p>{c.description}</p>}
      <dl class="outreach-facts">
        <dt>Participantes</dt>
        <dd>
          {formatNumber(c.participants)} ({sexes.map((s) => `${s.name.toLowerCase()}: ${formatNumber(c.by_sex[s.id] ?? 0)}`).join(', ')})
        </dd>
        <dt>Sesiones</dt>
        <dd>
          {formatNumber(c.sessions)} · hasta {formatNumber(c.capacity)} participantes por sesión
        </dd>
        {c.target !== null && (
          <>
            <dt>Meta</dt>
            <dd>
              {formatNumber(c.target)} personas · avance {formatPercent(tenths(c.progress_tenths))}
              <Progress tenthsValue={c.progress_tenths} label="Avance contra la meta" />
              <span class="muted small">{c.target_source}</span>
            </dd>
          </>
        )}
      </dl>
      {c.session_list.length > 0 && (
        <details>
          <summary>Ver {c.session_list.length === 1 ? 'la sesión' : `las ${c.session_list.length} sesiones`}</summary>
          <table class="data-table">
            <caption class="visually-hidden">Sesiones de {c.name}</caption>
            <thead>
              <tr>
                <th scope="col">Fecha</th>
                <th scope="col">Lugar</th>
                <th scope="col">Participantes</th>
              </tr>
            </thead>
            <tbody>
              {c.session_list.map((s) => (
                <tr key={s.id}>
                  <td>{s.ends_on.value ? `${s.starts_on.label} – ${s.ends_on.label}` : s.starts_on.label}</td>
                  <td>{s.place}</td>
                  <td>
                    {formatNumber(s.participants)} de {formatNumber(s.capacity)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </article>
  );
}
