// Drill-down from a figure: the item, its children's figures, and the reports and evidence behind
// it. A focal point of a responsible institution reports here (with evidence files).
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { hasPermission, useSession } from '../app/session';
import { Badge, DataTable, ErrorAlert, Field, Loading, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import { Coverage, DeclaredList, ExportLinks, Method, ProgressBar } from './common';
import { ItemBills } from './LinkedBills';
import ItemAdmin from './ItemAdmin';
import {
  getItem,
  itemReportsExportUrl,
  itemsExportUrl,
  sizeText,
  STATUS_OPTIONS,
  submitReport,
  evidenceOf,
  VALIDATE,
  type ItemDetail,
  type ReportDetail,
} from './data';
import { isPmgService, OutcomeForm } from './OutcomeForm';
import './policy.css';

function Report({ r }: { r: ReportDetail }) {
  return (
    <article class="pol-report" data-testid="report">
      <h3>
        Período {r.period?.label} · {r.institution_name} · <Badge tone={r.state === 'validado' ? 'ok' : r.state === 'devuelto' ? 'danger' : 'info'}>{r.state_name}</Badge>
      </h3>
      {r.versions
        .slice()
        .reverse()
        .map((v) => (
          <div class="pol-version" key={v.version}>
            <p>
              <strong>Versión {v.version}</strong>: {v.status_name}, avance {v.progress} %{v.late && <> · <Badge tone="warn">fuera de plazo</Badge></>}
              <span class="cell-sub">
                Enviado por {v.submitted_by || '—'} el {v.submitted_at}
                {v.decision && ` · ${v.decision === 'validado' ? 'Validado' : 'Devuelto'} por ${v.reviewed_by ?? '—'} el ${v.reviewed_at}`}
              </span>
            </p>
            <p>{v.narrative}</p>
            {v.review_comments && <Notice kind="warning" title="Observaciones del Ministerio">{v.review_comments}</Notice>}
            <ul>
              {r.evidence
                .filter((e) => e.version === v.version)
                .map((e) => (
                  <li key={e.id}>
                    {e.url ? (
                      <a href={e.url} download data-external="">
                        {e.filename}
                      </a>
                    ) : (
                      e.filename
                    )}{' '}
                    <span class="muted">
                      ({sizeText(e.size)}, SHA-256 {e.sha256.slice(0, 12)}…)
                    </span>
                  </li>
                ))}
            </ul>
          </div>
        ))}
    </article>
  );
}

function ReportForm({ item, onDone }: { item: ItemDetail; onDone: () => void }) {
  const open = (item.periods ?? []).filter((p) => p.accepts_reports);
  const [period, setPeriod] = useState(open[0] ? String(open[0].id) : '');
  const [status, setStatus] = useState('en_proceso');
  const [progress, setProgress] = useState('');
  const [narrative, setNarrative] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const form = useForm();
  if (!open.length) return <Notice kind="info">No hay períodos abiertos para reportar este compromiso.</Notice>;
  const send = form.onSubmit(() => {
    const local: Record<string, string> = {};
    const n = Number(progress);
    if (progress.trim() === '' || !Number.isInteger(n) || n < 0 || n > 100) local.progress = 'El avance debe ser un número entero entre 0 y 100.';
    if (narrative.trim().length < 10) local.narrative = 'Describa lo realizado en el período (al menos 10 caracteres).';
    for (const f of files) if (f.size > 1_000_000) local.file = `El archivo ${f.name} supera el máximo de 1 MB.`;
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    void form.send(async () => {
      // The files travel with the report: a rejected file means nothing was saved.
      const evidence = await Promise.all(files.map(evidenceOf));
      let r;
      try {
        r = await submitReport({ item_id: item.id, period_id: Number(period), status, progress: n, narrative: narrative.trim(), evidence });
      } catch (e) {
        if (/^evidence/.test((e as { field?: string }).field ?? '')) {
          form.errors.show(`No se guardó el reporte: ${errorMessage(e)}`, { file: errorMessage(e) });
          return;
        }
        throw e;
      }
      setDone(`Reporte enviado (versión ${r.current_version}). Queda pendiente de validación por el Ministerio.`);
      onDone();
    });
  });
  return (
    <form class="pol-form card" ref={form.formRef} onSubmit={send} noValidate aria-labelledby="report-title">
      <h2 id="report-title">Reportar avance</h2>
      {done && <Notice kind="success">{done}</Notice>}
      <ErrorAlert error={form.errors.general} />
      <SelectField
        label="Período"
        name="period_id"
        value={period}
        onValue={setPeriod}
        options={open.map((p) => ({ value: String(p.id), label: `${p.label} (${p.state_name}, cierra ${p.closes_on})` }))}
        error={form.errors.fields.period_id}
      />
      <SelectField label="Estado" name="status" value={status} onValue={setStatus} options={STATUS_OPTIONS} error={form.errors.fields.status} />
      <Field label="Avance (%)" name="progress" inputMode="numeric" value={progress} onValue={setProgress} error={form.errors.fields.progress} hint="Entero entre 0 y 100." />
      <div class="field">
        <label for="narrative">Descripción de lo realizado</label>
        <textarea id="narrative" name="narrative" value={narrative} onInput={(e) => setNarrative((e.currentTarget as HTMLTextAreaElement).value)} aria-invalid={form.errors.fields.narrative ? 'true' : undefined} />
        {form.errors.fields.narrative && <p class="field-error">{form.errors.fields.narrative}</p>}
      </div>
      <div class="field">
        <label for="evidence">Evidencias (PDF, PNG, JPG, DOCX, XLSX, CSV o TXT; máx. 1 MB cada una)</label>
        <input id="evidence" name="file" type="file" multiple accept=".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.csv,.txt" onChange={(e) => setFiles(Array.from((e.currentTarget as HTMLInputElement).files ?? []))} />
        {form.errors.fields.file && <p class="field-error">{form.errors.fields.file}</p>}
      </div>
      <button type="submit" class="btn btn-primary" disabled={form.busy}>
        {form.busy ? 'Enviando…' : 'Enviar reporte'}
      </button>
    </form>
  );
}

export default function ItemPage({ itemId }: { itemId: string }) {
  const { state } = useSession();
  const signedIn = state.status === 'signed-in';
  const d = useAsync((signal) => getItem(itemId, signedIn, signal), [itemId, signedIn]);
  const item = d.data;
  const canManage = hasPermission(state, VALIDATE);
  return (
    <section>
      {item && (
        <nav aria-label="Ruta de navegación" class="breadcrumb">
          <ol>
            <li>
              <a href="/politicas">Seguimiento de políticas</a>
            </li>
            <li>
              <a href={`/politicas/instrumentos/${item.instrument.id}`}>{item.instrument.name}</a>
            </li>
            {item.path.map((p) => (
              <li key={p.id}>
                <a href={`/politicas/items/${p.id}`}>{p.title}</a>
              </li>
            ))}
            <li>
              <span aria-current="page">{item.title}</span>
            </li>
          </ol>
        </nav>
      )}
      <ErrorAlert error={d.error} />
      {d.loading && !item && <Loading />}
      {item && (
        <>
          <PageHeader title={item.title} eyebrow={`${item.level_name}${item.code ? ` ${item.code}` : ''}`} lead={item.source_note ?? undefined} />
          <ProgressBar figure={item} label={`Avance de ${item.title}`} />
          <Coverage figure={item} />
          <p class="muted">
            Peso {item.weight.toLocaleString('es-CL')} · Responsables: {item.institutions.map((i) => i.name).join(', ') || 'sin responsable asignado'}
          </p>
          {item.indicator?.computed_text && (
            <p>
              <strong>{item.indicator.name ?? 'Indicador'}:</strong> {item.indicator.computed_text}
              {item.indicator.numerator != null && item.indicator.denominator != null && (
                <span class="muted">
                  {' '}
                  ({item.indicator.numerator.toLocaleString('es-CL')} / {item.indicator.denominator.toLocaleString('es-CL')})
                </span>
              )}
            </p>
          )}
          <DeclaredList items={item.declared} demo={item.demo_data} />
          <Method text={item.method} />
          {canManage && isPmgService(item) && <OutcomeForm item={item} onSaved={d.reload} />}
          {canManage && <ItemAdmin item={item} onSaved={d.reload} />}
          {item.children.length > 0 && (
            <>
              <h2>Subítems</h2>
              <ExportLinks what="subítems" url={(f) => itemsExportUrl(item.instrument.id, f, item.id)} />
            </>
          )}
          {item.children.length > 0 && (
            <DataTable loading={false} error={null} count={item.children.length} empty="" caption="Subítems que componen esta cifra" columns={['Ítem', 'Peso', 'Avance']}>
              {item.children.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <a href={`/politicas/items/${c.id}`}>{c.title}</a>
                    {c.is_leaf && c.no_report && (
                      <>
                        {' '}
                        <Badge tone="warn">sin reporte</Badge>
                      </>
                    )}
                  </th>
                  <td>{c.weight.toLocaleString('es-CL')}</td>
                  <td>
                    <ProgressBar figure={c} label={`Avance de ${c.title}`} />
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
          <ItemBills itemId={item.id} agendaMujer={item.instrument.code === 'agenda-mujer'} />
          {item.can_report && <ReportForm item={item} onDone={d.reload} />}
          {item.is_leaf && (
            <>
              <h2>Reportes</h2>
              {signedIn && item.reports.length > 0 && <ExportLinks what="reportes" url={(f) => itemReportsExportUrl(item.id, f)} />}
              {item.reports.length ? item.reports.map((r) => <Report key={r.id} r={r} />) : <p class="muted">Sin reportes {signedIn ? '' : 'validados'}.</p>}
            </>
          )}
        </>
      )}
    </section>
  );
}
