// The analyst's editor («account.edit»): create a draft for a period, write each section's text
// beside the figures compiled live from the platform (source and time shown), send the version to
// review (another editor approves it or returns it with observations), and publish the approved
// version. A published version cannot be edited: the page offers a new version instead.
import { useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../app/api';
import { Badge, DateField, Dialog, ErrorAlert, Field, FormActions, keepDates, Loading, Notice, PageHeader, useAsync, useBusy, useForm } from '../app/ui';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { DocumentView } from './DocumentView';
import {
  allEditions,
  createEdition,
  editionView,
  newVersion,
  publishEdition,
  reviewEdition,
  saveSection,
  submitEdition,
  type Edition,
  type Section,
} from './data';
import './account.css';

function NewEditionForm({ onCreated, onCancel }: { onCreated: (e: Edition) => void; onCancel: () => void }) {
  const form = useForm();
  const [v, setV] = useState({ period: '', title: '', from_on: '', to_on: '' });
  const bind = (k: keyof typeof v) => ({ name: k, value: v[k], onValue: (x: string) => setV((o) => ({ ...o, [k]: x })), error: form.errors.fields[k] });
  const check = () => {
    const local: Record<string, string> = {};
    if (!/^\d{4}-\d{4}$/.test(v.period.trim())) local.period = 'Escriba el período como «2021-2022».';
    if (!v.title.trim()) local.title = 'Indique el título.';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    const trimmed = { period: v.period.trim(), title: v.title.trim(), from_on: v.from_on.trim(), to_on: v.to_on.trim() };
    void form.send(async () => onCreated(await createEdition(trimmed)));
  };
  return (
    <form ref={form.formRef} noValidate onSubmit={form.onSubmit(check)}>
      <ErrorAlert error={form.errors.general} />
      <Field label="Período" {...bind('period')} required hint="Por ejemplo 2021-2022" />
      <Field label="Título" {...bind('title')} required />
      <DateField label="Inicio del período de las cifras" {...bind('from_on')} required />
      <DateField label="Término del período de las cifras" {...bind('to_on')} required />
      <FormActions label="Crear borrador" busy={form.busy} onCancel={onCancel} />
    </form>
  );
}

function SectionEditor({ editionId, section }: { editionId: number; section: Section }) {
  const [text, setText] = useState(section.text);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [base, setBase] = useState(section.text);
  const [busy, run] = useBusy();
  const dirty = text !== base;
  return (
    <div class="account-editor">
      <TextAreaField
        label={`Texto de la sección «${section.title}»`}
        name={`text-${section.key}`}
        value={text}
        onValue={(v) => {
          setText(v);
          setSaved(false);
        }}
        rows={5}
        error={error}
        hint={section.figures ? 'Las cifras de abajo se toman en vivo de la plataforma y se fijan al publicar.' : undefined}
      />
      <p>
        <button
          type="button"
          class="btn btn-secondary"
          disabled={busy || !dirty}
          onClick={() =>
            void run(
              async () => {
                await saveSection(editionId, section.key, text);
                setBase(text);
                setError(null);
                setSaved(true);
              },
              (e) => setError(errorMessage(e)),
            )
          }
        >
          Guardar texto
        </button>{' '}
        {saved && !dirty && <span role="status">Texto guardado.</span>}
      </p>
    </div>
  );
}

const REVIEW_LABEL: Record<Edition['review'], string> = {
  '': 'Borrador en redacción',
  en_revision: 'En revisión',
  devuelta: 'Devuelta con observaciones',
  aprobada: 'Aprobada: lista para publicar',
};

function Draft({ edition, onChanged }: { edition: Edition; onChanged: (selected?: number) => void }) {
  const view = useAsync((signal) => editionView(edition.id, signal), [edition.id]);
  const [confirm, setConfirm] = useState(false);
  const [returning, setReturning] = useState(false);
  const [observations, setObservations] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = useBusy();
  const published = edition.state === 'publicada';
  const editable = !published && (edition.review === '' || edition.review === 'devuelta');
  const act = (f: () => Promise<Edition>) =>
    void run(
      async () => {
        const e = await f();
        setReturning(false);
        onChanged(e.id);
      },
      (e) => {
        setReturning(false);
        setError(e instanceof ApiError ? e.message : errorMessage(e));
      },
    );
  return (
    <div>
      <h2>
        {edition.title} <Badge tone="purple">Versión {edition.version}</Badge>{' '}
        {published ? <Badge tone="ok">Publicada</Badge> : <Badge tone="info">{REVIEW_LABEL[edition.review]}</Badge>}
      </h2>
      {edition.review === 'devuelta' && !published && (
        <Notice kind="warning" title="Observaciones de la revisión">
          {edition.review_note}
        </Notice>
      )}
      {published ? (
        <Notice kind="info" title="Versión publicada">
          Publicada el {keepDates(edition.published_on ?? '')}; sus textos y cifras quedaron fijos y no se modifican. Para corregirla, publique una
          nueva versión. <a href={`/cuenta-publica/${edition.id}`}>Ver la edición pública</a>.{' '}
          <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => act(() => newVersion(edition.id))}>
            Crear nueva versión
          </button>
        </Notice>
      ) : (
        <p class="account-meta">
          <span>Cifras compiladas ahora desde los datos vivos{view.data ? ` (${view.data.document.compiled_on})` : ''}.</span>
          {editable && (
            <button type="button" class="btn btn-primary" disabled={busy} onClick={() => act(() => submitEdition(edition.id))}>
              Enviar a revisión
            </button>
          )}
          {edition.review === 'en_revision' && (
            <>
              <button type="button" class="btn btn-primary" disabled={busy} onClick={() => act(() => reviewEdition(edition.id, 'aprobar', ''))}>
                Aprobar
              </button>
              <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => setReturning(true)}>
                Devolver con observaciones…
              </button>
            </>
          )}
          {edition.review === 'aprobada' && (
            <button type="button" class="btn btn-primary" onClick={() => setConfirm(true)}>
              Publicar esta versión
            </button>
          )}
        </p>
      )}
      <Dialog title="Devolver la versión con observaciones" open={returning} onClose={() => setReturning(false)}>
        <TextAreaField label="Observaciones" name="observations" value={observations} onValue={setObservations} required />
        <FormActions
          label="Devolver"
          busy={busy}
          onCancel={() => setReturning(false)}
          onConfirm={() => act(() => reviewEdition(edition.id, 'devolver', observations))}
        />
      </Dialog>
      <ErrorAlert error={view.error ?? error} />
      {view.loading && <Loading />}
      {view.data && (
        <DocumentView
          doc={view.data.document}
          editSlot={editable ? (s) => <SectionEditor key={s.key} editionId={edition.id} section={s} /> : undefined}
        />
      )}
      <Dialog title="Publicar la cuenta pública" open={confirm} onClose={() => setConfirm(false)}>
        <p>
          Al publicar se fijan los textos y las cifras tal como están ahora, con su huella SHA-256. Después no se pueden modificar: una corrección
          requiere una nueva versión.
        </p>
        <FormActions
          label="Publicar"
          busy={busy}
          onCancel={() => setConfirm(false)}
          onConfirm={() =>
            void run(
              async () => {
                await publishEdition(edition.id);
                setConfirm(false);
                onChanged(edition.id);
              },
              (e) => {
                setConfirm(false);
                setError(e instanceof ApiError ? e.message : errorMessage(e));
              },
            )
          }
        />
      </Dialog>
    </div>
  );
}

export default function EditorPage() {
  const [tick, setTick] = useState(0);
  const list = useAsync((signal) => allEditions(signal), [tick]);
  const [selected, setSelected] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const editions = list.data ?? [];
  const current = editions.find((e) => e.id === selected) ?? editions.find((e) => e.state === 'borrador') ?? null;
  return (
    <section class="narrow-wide">
      <PageHeader
        title="Editor de la cuenta pública"
        lead="Redacte cada sección de la Cuenta Pública Participativa junto a las cifras que la plataforma calcula en vivo, y publíquela cuando esté lista."
        actions={
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
            Nueva edición
          </button>
        }
      />
      <ErrorAlert error={list.error} />
      {list.loading && <Loading />}
      {editions.length > 0 && (
        <nav aria-label="Ediciones">
          <ul class="account-editions">
            {editions.map((e) => (
              <li key={e.id}>
                <button type="button" class={`btn ${current?.id === e.id ? 'btn-primary' : 'btn-secondary'}`} aria-pressed={current?.id === e.id} onClick={() => setSelected(e.id)}>
                  {e.title} · {e.period} · v{e.version} · {e.state === 'publicada' ? `publicada el ${e.published_on}` : REVIEW_LABEL[e.review].toLowerCase()}
                  {e.demo ? ' · demostración' : ''}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {current && (
        <Draft
          key={`${current.id}-${current.state}-${current.review}`}
          edition={current}
          onChanged={(id) => {
            if (id) setSelected(id);
            setTick((t) => t + 1);
          }}
        />
      )}
      <Dialog title="Nueva edición de la cuenta pública" open={creating} onClose={() => setCreating(false)}>
        {creating && (
          <NewEditionForm
            onCancel={() => setCreating(false)}
            onCreated={(e) => {
              setCreating(false);
              setSelected(e.id);
              setTick((t) => t + 1);
            }}
          />
        )}
      </Dialog>
    </section>
  );
}
