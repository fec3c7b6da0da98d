// A study's public page (/estudios/:id, a stable address): summary, key findings with their figures,
// method, partners and regions, downloadable files with their SHA-256 checksum, and every change
// since publication (when and why; the staff also sees who). A withdrawn study keeps its page with
// the reason. A draft exists only for the studies staff, who see it here as a preview.
import { ErrorAlert, Badge, Loading, Notice, PageHeader, useAsync } from '../app/ui';
import { fileUrl, getStudy, statusTone, type Revision, type Study } from './data';
import './studies.css';

export default function StudyPage({ studyId }: { studyId: string }) {
  const study = useAsync((signal) => getStudy(studyId, signal), [studyId]);
  if (study.loading && !study.data) return <Loading />;
  if (!study.data)
    return (
      <section class="studies narrow">
        <PageHeader title="Estudio no encontrado" lead="No existe un estudio publicado con esa dirección." />
        <ErrorAlert error={study.error} />
        <p>
          <a href="/estudios">Volver al catálogo de estudios</a>
        </p>
      </section>
    );
  return <StudyView s={study.data} />;
}

export function StudyView({ s }: { s: Study }) {
  return (
    <section class="studies">
      <p class="study-meta">
        <a href="/estudios">Estudios y encuestas</a> · {s.kind.name} · {s.year}
      </p>
      <PageHeader title={s.title} lead={s.summary} />
      <p class="study-tags">
        <Badge tone={statusTone(s.status.id)}>{s.status.name}</Badge>
        {s.themes.map((t) => (
          <Badge key={t.id} tone="info">
            {t.name}
          </Badge>
        ))}
        {s.demo && <Badge tone="purple">Demostración</Badge>}
        <span class="muted small">
          {s.published_on ? ` En el catálogo desde el ${s.published_on}` : ' Borrador (no público)'} · versión {s.version}
        </span>
      </p>
      {s.status.id === 'retirado' && (
        <Notice kind="warning" title="Estudio retirado">
          {s.withdrawn_reason}
        </Notice>
      )}
      {s.status.id === 'borrador' && <Notice kind="info">Vista previa de un borrador: solo el equipo de estudios del Ministerio la ve.</Notice>}

      <div class="card inner">
        <h2>Principales hallazgos</h2>
        {s.findings.length === 0 ? (
          <p class="muted">Sin hallazgos registrados.</p>
        ) : (
          <ol class="findings" data-testid="findings">
            {s.findings.map((f, i) => (
              <li key={i}>
                {f.figure_label && <strong class="figure-inline">{f.figure_label}</strong>} {f.text}
                {f.source && <div class="source">Fuente: «{f.source}»</div>}
              </li>
            ))}
          </ol>
        )}
      </div>

      <div class="card inner">
        <h2>Metodología y ficha</h2>
        <dl class="facts">
          <dt>Tipo</dt>
          <dd>{s.kind.name}</dd>
          <dt>Trabajo de campo</dt>
          <dd>{s.fieldwork.start.value || s.fieldwork.end.value ? `${s.fieldwork.start.label} – ${s.fieldwork.end.label}` : 'sin información'}</dd>
          <dt>Técnica</dt>
          <dd>{s.method.technique || 'sin información'}</dd>
          <dt>Universo</dt>
          <dd>{s.method.universe || 'sin información'}</dd>
          <dt>Muestra</dt>
          <dd>{s.method.sample_label ?? 'sin información'}</dd>
          {s.method.margin_label && (
            <>
              <dt>Margen de error</dt>
              <dd>{s.method.margin_label}</dd>
            </>
          )}
          <dt>Ejecución</dt>
          <dd>{s.executor || 'sin información'}</dd>
          <dt>Contrapartes</dt>
          <dd>{s.partners.length ? s.partners.join(', ') : 'sin contrapartes'}</dd>
          <dt>Cobertura</dt>
          <dd>{s.national ? 'Nacional' : s.regions.map((r) => r.name).join(', ')}</dd>
          <dt>Fuente</dt>
          <dd>{s.source || 'Ministerio de la Mujer y la Equidad de Género'}</dd>
          <dt>Enlace permanente</dt>
          <dd>
            <a href={s.link}>{window.location.origin + s.link}</a>
          </dd>
        </dl>
      </div>

      <div class="card inner">
        <h2>Archivos</h2>
        {s.files.length === 0 ? (
          <p class="muted">Este estudio no tiene archivos publicados.</p>
        ) : (
          <ul class="plain" data-testid="files">
            {s.files.map((f) => (
              <li key={f.id}>
                <a href={fileUrl(f)} download={f.filename}>
                  {f.title}
                </a>{' '}
                <span class="muted small">
                  ({f.filename}, {f.size_label}, subido el {f.uploaded_on})
                </span>
                <div class="checksum">SHA-256: {f.sha256}</div>
              </li>
            ))}
          </ul>
        )}
      </div>

      {s.revisions.length > 0 && (
        <div class="card inner">
          <h2>Versiones y cambios</h2>
          <ol class="history" data-testid="revisions">
            {s.revisions.map((r, i) => (
              <RevisionItem key={i} r={r} />
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

function RevisionItem({ r }: { r: Revision }) {
  const changed = r.action === 'edicion';
  return (
    <li>
      <strong>{r.action_label}</strong> (versión {r.version}), {r.at}
      {r.by && <> · {r.by}</>}
      {r.reason && <> · Motivo: {r.reason}</>}
      {changed && (
        <details>
          <summary>Hallazgos antes y después</summary>
          <div class="field-row">
            <div>
              <h3 class="small">Antes</h3>
              <ul>
                {r.before.findings.map((f, i) => (
                  <li key={i}>
                    {f.figure && <strong>{f.figure}</strong>} {f.text}
                  </li>
                ))}
              </ul>
            </div>
            <div>
              <h3 class="small">Después</h3>
              <ul>
                {r.after.findings.map((f, i) => (
                  <li key={i}>
                    {f.figure && <strong>{f.figure}</strong>} {f.text}
                  </li>
                ))}
              </ul>
            </div>
          </div>
        </details>
      )}
    </li>
  );
}
