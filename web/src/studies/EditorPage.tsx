// The editor of one study (/estudios/gestion/:id, or /estudios/gestion/nuevo; permission
// studies.edit): its record, method and findings (each a sentence with an optional figure and
// unit), its files (uploaded with their checksum), and publishing or withdrawing it. Once it is
// published, saving asks for the reason: the change is kept as a new version, shown on its page.
import { useMemo, useRef, useState } from 'preact/hooks';
import { formatNumber } from '../app/format';
import { navigate } from '../app/router';
import { useSession } from '../app/session';
import { Badge, Checkbox, Dialog, ErrorAlert, Field, FormActions, Loading, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import { TextAreaField } from '../app/widgets/TextAreaField';
import {
  createStudy,
  fileUrl,
  formOf,
  getEditorList,
  getEditorStudy,
  publishStudy,
  removeFile,
  saveStudy,
  statusTone,
  uploadFile,
  withdrawStudy,
  type Study,
  type StudyForm,
  type Vocabularies,
} from './data';
import './studies.css';

const EMPTY: StudyForm = {
  title: '',
  kind: 'estudio',
  year: new Date().getFullYear(),
  fieldwork_start: '',
  fieldwork_end: '',
  themes: [],
  summary: '',
  executor: 'Ministerio de la Mujer y la Equidad de Género',
  partners: [],
  regions: [],
  method: { technique: '', universe: '', sample_size: null, margin_error: null },
  findings: [],
};

export default function EditorPage({ studyId }: { studyId: string }) {
  const isNew = studyId === 'nuevo';
  const [reload, setReload] = useState(0);
  // Kept here: the editor below is rebuilt from the server's answer after every save.
  const [notice, setNotice] = useState<string | null>(null);
  const vocab = useAsync((signal) => getEditorList('borrador', signal), []);
  const study = useAsync((signal) => (isNew ? Promise.resolve(null) : getEditorStudy(studyId, signal)), [studyId, reload]);
  // The form is rebuilt from each answer the server gives (a new key per answer): after a save it
  // shows what was stored, never the values of the answer before. The key is taken in the same
  // render that first shows an answer: an effect would remount the editor one paint later, wiping
  // whatever was typed or chosen (a file to upload) in between.
  const answerSeq = useRef(0);
  const answers = useMemo(() => ++answerSeq.current, [study.data]);
  if ((vocab.loading && !vocab.data) || study.loading) return <Loading />;
  if (!vocab.data) return <ErrorAlert error={vocab.error} />;
  // Right after a draft is created the id changes before its load has begun: that is loading, not
  // a missing study (showing the error for a frame also let the page look settled too early).
  if (!isNew && !study.data) return study.error ? <ErrorAlert error={study.error} /> : <Loading />;
  return (
    <Editor key={`${studyId}-${answers}`} study={study.data ?? null} vocab={vocab.data.vocabularies} notice={notice}
      onSaved={(message) => (setNotice(message), setReload((n) => n + 1))} />
  );
}

function numberOrNull(text: string): number | null {
  const t = text.trim().replace(/\./g, '').replace(',', '.');
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
}
const shown = (n: number | null) => (n === null ? '' : String(n).replace('.', ','));

function Editor(props: { study: Study | null; vocab: Vocabularies; notice: string | null; onSaved: (message: string | null) => void }) {
  const { study, vocab } = props;
  const [f, setF] = useState<StudyForm>(study ? formOf(study) : EMPTY);
  const [partners, setPartners] = useState((study?.partners ?? []).join('; '));
  const [figures, setFigures] = useState<string[]>(f.findings.map((x) => shown(x.figure)));
  const [reason, setReason] = useState('');
  const notice = props.notice;
  const [withdrawing, setWithdrawing] = useState(false);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  const published = !!study && study.status.id !== 'borrador';
  const set = <K extends keyof StudyForm>(k: K) => (v: StudyForm[K]) => setF((x) => ({ ...x, [k]: v }));
  const setMethod = (k: keyof StudyForm['method']) => (v: string) =>
    setF((x) => ({ ...x, method: { ...x.method, [k]: k === 'technique' || k === 'universe' ? v : numberOrNull(v) } }));
  const toggle = (k: 'themes' | 'regions', id: string) => (on: boolean) =>
    setF((x) => ({ ...x, [k]: on ? [...x[k], id] : x[k].filter((y) => y !== id) }));
  const setFinding = (i: number, patch: Partial<StudyForm['findings'][number]>) =>
    setF((x) => ({ ...x, findings: x.findings.map((g, j) => (j === i ? { ...g, ...patch } : g)) }));

  function submit() {
    const local: Record<string, string> = {};
    if (!f.title.trim()) local.title = 'Escriba el título del estudio.';
    if (!f.themes.length) local.themes = 'Elija al menos un tema.';
    const findings = f.findings.map((g, i) => ({ ...g, figure: numberOrNull(figures[i] ?? '') }));
    findings.forEach((g, i) => {
      if (!g.text.trim()) local[`findings[${i}].text`] = 'Escriba el hallazgo.';
      if (Number.isNaN(g.figure)) local[`findings[${i}].figure`] = 'Escriba una cifra (por ejemplo 35,0).';
      if (g.figure !== null && !g.unit) local[`findings[${i}].unit`] = 'Elija la unidad de la cifra.';
    });
    if (published && !reason.trim()) local.reason = 'Indique el motivo del cambio: queda registrado en la página del estudio.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    const body: StudyForm = {
      ...f,
      partners: partners.split(';').map((p) => p.trim()).filter(Boolean),
      findings: findings.map((g) => ({ ...g, unit: g.figure === null ? '' : g.unit })),
      ...(published ? { reason: reason.trim() } : {}),
    };
    void send(async () => {
      if (!study) {
        const created = await createStudy(body);
        navigate(`/estudios/gestion/${created.id}`);
        return;
      }
      await saveStudy(study.id, body);
      props.onSaved(published ? 'Cambios guardados como nueva versión.' : 'Borrador guardado.');
    });
  }

  return (
    <section class="studies">
      <p class="study-meta">
        <a href="/estudios/gestion">Edición de estudios</a>
      </p>
      <PageHeader
        title={study ? study.title : 'Nuevo estudio'}
        lead={study ? `${study.status.name} · versión ${study.version}` : 'Se guarda como borrador: no es público hasta que lo publique.'}
        actions={
          study && (
            <span class="study-tags">
              <Badge tone={statusTone(study.status.id)}>{study.status.name}</Badge>
              <a class="btn btn-secondary" href={study.link}>
                Ver página
              </a>
            </span>
          )
        }
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      {study?.status.id === 'retirado' && (
        <Notice kind="warning" title="Estudio retirado">
          {study.withdrawn_reason}
        </Notice>
      )}
      {study && <StatusActions study={study} onDone={(m) => props.onSaved(m)} onWithdraw={() => setWithdrawing(true)} />}
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack card inner" data-testid="study-form">
        <ErrorAlert error={errors.general} title="No fue posible guardar el estudio" />
        <Field label="Título" name="title" value={f.title} onValue={set('title')} error={errors.fields.title} required />
        <div class="field-row">
          <SelectField label="Tipo" name="kind" value={f.kind} onValue={set('kind')} options={vocab.kinds.map((k) => ({ value: k.id, label: k.name }))} error={errors.fields.kind} />
          <Field label="Año" name="year" inputMode="numeric" value={f.year === null ? '' : String(f.year)}
            onValue={(v) => set('year')(v.trim() ? Number(v) : null)} error={errors.fields.year} required />
          <Field label="Inicio del trabajo de campo" name="fieldwork_start" value={f.fieldwork_start} onValue={set('fieldwork_start')}
            error={errors.fields.fieldwork_start} hint="dd-mm-aaaa, mm-aaaa o aaaa" />
          <Field label="Término del trabajo de campo" name="fieldwork_end" value={f.fieldwork_end} onValue={set('fieldwork_end')}
            error={errors.fields.fieldwork_end} hint="dd-mm-aaaa, mm-aaaa o aaaa" />
        </div>
        <fieldset>
          <legend>Temas</legend>
          {(errors.fields.themes || errors.fields['themes[0]']) && <p class="field-error">{errors.fields.themes ?? errors.fields['themes[0]']}</p>}
          <div class="checks">
            {vocab.themes.map((t) => (
              <Checkbox key={t.id} name={`theme-${t.id}`} checked={f.themes.includes(t.id)} onValue={toggle('themes', t.id)}>
                {t.name}
              </Checkbox>
            ))}
          </div>
        </fieldset>
        <TextAreaField label="Resumen" name="summary" value={f.summary} onValue={set('summary')} error={errors.fields.summary} rows={4} />
        <div class="field-row">
          <Field label="Institución ejecutora" name="executor" value={f.executor} onValue={set('executor')} error={errors.fields.executor} />
          <Field label="Contrapartes" name="partners" value={partners} onValue={setPartners} hint="Separadas por punto y coma (;)" error={errors.fields.partners} />
        </div>
        <fieldset>
          <legend>Regiones (ninguna marcada: nacional)</legend>
          <div class="checks">
            {vocab.regions.map((r) => (
              <Checkbox key={r.id} name={`region-${r.id}`} checked={f.regions.includes(r.id)} onValue={toggle('regions', r.id)}>
                {r.name}
              </Checkbox>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Metodología</legend>
          <div class="field-row">
            <Field label="Técnica" name="technique" value={f.method.technique} onValue={setMethod('technique')} error={errors.fields['method.technique']} />
            <Field label="Universo" name="universe" value={f.method.universe} onValue={setMethod('universe')} error={errors.fields['method.universe']} />
            <Field label="Tamaño de la muestra" name="sample_size" inputMode="numeric" value={f.method.sample_size === null ? '' : formatNumber(f.method.sample_size)}
              onValue={setMethod('sample_size')} error={errors.fields['method.sample_size']} />
            <Field label="Margen de error (puntos porcentuales)" name="margin_error" inputMode="decimal" value={shown(f.method.margin_error)}
              onValue={setMethod('margin_error')} error={errors.fields['method.margin_error']} hint="Encuestas; por ejemplo 2,5" />
          </div>
        </fieldset>
        <fieldset>
          <legend>Principales hallazgos</legend>
          {errors.fields.findings && <p class="field-error">{errors.fields.findings}</p>}
          {f.findings.map((g, i) => (
            <div class="finding-row" key={i} data-testid="finding-row">
              <Field label={`Hallazgo ${i + 1}`} name={`finding-${i}-text`} value={g.text} onValue={(v) => setFinding(i, { text: v })} error={errors.fields[`findings[${i}].text`]} />
              <Field label="Cifra" name={`finding-${i}-figure`} inputMode="decimal" value={figures[i] ?? ''}
                onValue={(v) => setFigures((x) => x.map((y, j) => (j === i ? v : y)))} error={errors.fields[`findings[${i}].figure`]} />
              <SelectField label="Decimales" name={`finding-${i}-decimals`} value={String(g.decimals)} onValue={(v) => setFinding(i, { decimals: Number(v) })}
                options={['0', '1', '2', '3'].map((d) => ({ value: d, label: d }))} />
              <SelectField label="Unidad" name={`finding-${i}-unit`} value={g.unit} placeholder="Sin cifra" onValue={(v) => setFinding(i, { unit: v })}
                options={vocab.units.map((u) => ({ value: u.id, label: u.name || 'número' }))} error={errors.fields[`findings[${i}].unit`]} />
              <button type="button" class="btn btn-link" onClick={() => (setF((x) => ({ ...x, findings: x.findings.filter((_, j) => j !== i) })), setFigures((x) => x.filter((_, j) => j !== i)))}>
                Quitar<span class="visually-hidden"> el hallazgo {i + 1}</span>
              </button>
            </div>
          ))}
          <button type="button" class="btn btn-secondary" onClick={() => (set('findings')([...f.findings, { text: '', figure: null, decimals: 0, unit: '', source: '' }]), setFigures((x) => [...x, '']))}>
            Agregar hallazgo
          </button>
        </fieldset>
        {published && (
          <TextAreaField label="Motivo del cambio" name="reason" value={reason} onValue={setReason} error={errors.fields.reason} rows={2}
            hint="El estudio ya es público: el cambio queda como nueva versión, con fecha y motivo, en su página." />
        )}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {study ? (published ? 'Guardar nueva versión' : 'Guardar borrador') : 'Crear borrador'}
          </button>
        </div>
      </form>
      {study && <FilesPanel study={study} onChanged={(m) => props.onSaved(m)} />}
      {withdrawing && study && <WithdrawDialog study={study} onClose={() => setWithdrawing(false)} onDone={() => (setWithdrawing(false), props.onSaved('Estudio retirado; su página se mantiene con el motivo.'))} />}
    </section>
  );
}

function StatusActions(props: { study: Study; onDone: (message: string) => void; onWithdraw: () => void }) {
  const { errors, busy, send } = useForm();
  const s = props.study;
  if (s.status.id === 'retirado') return null;
  return (
    <div class="card inner">
      <ErrorAlert error={errors.general} title="No fue posible cambiar el estado" />
      {s.status.id === 'borrador' ? (
        <p>
          Borrador: solo el equipo de estudios lo ve.{' '}
          <button type="button" class="btn btn-primary" disabled={busy}
            onClick={() => void send(async () => (await publishStudy(s.id), props.onDone('Estudio publicado en el catálogo.')))}>
            Publicar
          </button>
        </p>
      ) : (
        <p>
          Publicado el {s.published_on}.{' '}
          <button type="button" class="btn btn-secondary" onClick={props.onWithdraw}>
            Retirar…
          </button>
        </p>
      )}
    </div>
  );
}

function WithdrawDialog(props: { study: Study; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    if (invalid(reason.trim() ? {} : { reason: 'Indique el motivo: queda en la página del estudio.' }, 'Revise los datos marcados.')) return;
    void send(async () => (await withdrawStudy(props.study.id, reason.trim()), props.onDone()));
  }
  return (
    <Dialog title="Retirar el estudio" open onClose={props.onClose}>
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <ErrorAlert error={errors.general} title="No fue posible retirar el estudio" />
        <p>Su página se mantiene, con el motivo, y deja de aparecer como vigente en el catálogo.</p>
        <TextAreaField label="Motivo del retiro" name="withdraw_reason" value={reason} onValue={setReason} error={errors.fields.reason} rows={3} />
        <FormActions label="Retirar estudio" busy={busy} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

function FilesPanel(props: { study: Study; onChanged: (message: string) => void }) {
  const { state } = useSession();
  const csrf = state.status === 'signed-in' ? state.session.csrf_token : '';
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    if (invalid(file ? {} : { file: 'Elija un archivo (PDF, CSV, XLSX u ODS; máximo 1 MB).' }, 'Revise los datos marcados.')) return;
    void send(async () => (await uploadFile(props.study.id, file!, title.trim(), csrf), props.onChanged(`Archivo ${file!.name} subido.`)));
  }
  return (
    <div class="card inner">
      <h2>Archivos</h2>
      {props.study.files.length === 0 ? (
        <p class="muted">Sin archivos.</p>
      ) : (
        <ul class="plain" data-testid="editor-files">
          {props.study.files.map((x) => (
            <li key={x.id}>
              <a href={fileUrl(x)} download={x.filename}>
                {x.title}
              </a>{' '}
              <span class="muted small">
                ({x.filename}, {x.size_label})
              </span>{' '}
              <button type="button" class="btn btn-link" disabled={busy} onClick={() => void send(async () => (await removeFile(props.study.id, x.id), props.onChanged(`Archivo ${x.filename} quitado.`)))}>
                Quitar<span class="visually-hidden"> {x.filename}</span>
              </button>
              <div class="checksum">SHA-256: {x.sha256}</div>
            </li>
          ))}
        </ul>
      )}
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <ErrorAlert error={errors.general} title="No fue posible subir el archivo" />
        <div class="field-row">
          <div class="field">
            <label for="study-file">Archivo (PDF, CSV, XLSX u ODS; máximo 1 MB)</label>
            <input id="study-file" name="file" type="file" accept=".pdf,.csv,.xlsx,.ods" onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)} />
            {(errors.fields.file || errors.fields.filename) && <p class="field-error">{errors.fields.file ?? errors.fields.filename}</p>}
          </div>
          <Field label="Título del archivo" name="file_title" value={title} onValue={setTitle} hint="Por ejemplo: Informe final" />
        </div>
        <div class="form-actions">
          <button type="submit" class="btn btn-secondary" disabled={busy}>
            Subir archivo
          </button>
        </div>
      </form>
    </div>
  );
}
