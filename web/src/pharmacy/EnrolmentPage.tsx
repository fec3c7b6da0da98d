// «Mascarilla 19» enrolment for SernamEG's supervision (/farmacia/inscripcion, channels.supervise): the
// enrolment map (regions shaded by enrolled pharmacies; a region's comunas as proportional circles,
// «sin activaciones» where pharmacies are enrolled but nobody reported), the list of enrolled pharmacies
// with filters, and one pharmacy's record: edit, its trainings (several), suspension and reactivation.
import './pharmacy.css';
import { useMemo, useState } from 'preact/hooks';
import { formatDate, formatNumber } from '../app/format';
import { Badge, DataTable, Dialog, ErrorAlert, Field, FilterForm, FormActions, Loading, Notice, PageHeader, RowButton, SelectField, useAsync, useForm } from '../app/ui';
import { ComunaField } from '../app/widgets/ComunaField';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { getComunaBoundaries, getRegionBoundaries } from '../territory/boundaries';
import { getRegions } from '../territory/data';
import { CLASS_COLOURS, EnrolmentMap } from './EnrolmentMap';
import {
  addTraining,
  classLimits,
  editEnrolment,
  enrolPharmacy,
  type Enrolment,
  type EnrolmentDetail,
  type EnrolmentDraft,
  type EnrolmentFilter,
  getEnrolment,
  getEnrolments,
  getOverview,
  phoneProblem,
  setEnrolmentStatus,
  type TerritoryCount,
} from './data';

const NO_FILTER: EnrolmentFilter = { region: '', comuna: '', chain: '', status: '' };
const EMPTY: EnrolmentDraft = { name: '', chain: '', comuna: '', contact: '', address: '', phone: '', rut: '' };

export default function EnrolmentPage() {
  const [filter, setFilter] = useState(NO_FILTER);
  const [reload, setReload] = useState(0);
  const [open, setOpen] = useState<number | null>(null);
  const [enrolling, setEnrolling] = useState(false);
  const regions = useAsync(() => getRegions(), []);
  const list = useAsync((signal) => getEnrolments(filter, signal), [filter, reload]);
  const set = (k: keyof EnrolmentFilter) => (v: string) => setFilter((f) => ({ ...f, [k]: v, ...(k === 'region' ? { comuna: '' } : {}) }));
  const changed = () => setReload((n) => n + 1);
  return (
    <section class="pharmacy">
      <PageHeader
        title="Mascarilla 19: farmacias inscritas"
        eyebrow="Canales de ayuda"
        lead="Farmacias donde una mujer puede decir «Mascarilla 19» y pedir ayuda: inscripción, capacitación del personal y activaciones por territorio."
      />
      <div class="pharmacy-actions">
        <button type="button" class="btn btn-primary" onClick={() => setEnrolling(true)}>
          Inscribir una farmacia
        </button>
      </div>
      <TerritoryMap reload={reload} onRegion={(code) => setFilter({ ...NO_FILTER, region: code })} />
      <h2>Farmacias inscritas</h2>
      <FilterForm label="Filtrar farmacias inscritas">
        <SelectField
          label="Región"
          name="region"
          value={filter.region}
          onValue={set('region')}
          placeholder="Todas"
          options={(regions.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
          hintBelow
        />
        <ComunaField label="Comuna" name="comuna" value={filter.comuna} onValue={(v) => /^\d{5}$|^$/.test(v) && set('comuna')(v)} />
        <SelectField
          label="Cadena"
          name="chain"
          value={filter.chain}
          onValue={set('chain')}
          placeholder="Todas"
          options={[{ value: 'independiente', label: 'Independientes' }, ...(list.data?.chains ?? []).map((c) => ({ value: c, label: c }))]}
          hintBelow
        />
        <SelectField
          label="Estado"
          name="status"
          value={filter.status}
          onValue={set('status')}
          placeholder="Todos"
          options={[{ value: 'active', label: 'Activas' }, { value: 'suspended', label: 'Suspendidas' }]}
          hintBelow
        />
      </FilterForm>
      <ErrorAlert error={list.error} />
      {list.data && (
        <p class="summary" aria-live="polite" data-testid="enrolment-count">
          {formatNumber(list.data.items.length)} farmacias{list.data.items.some((e) => e.demo) ? ' (incluye datos de demostración)' : ''}
        </p>
      )}
      <DataTable
        loading={list.loading && !list.data}
        error={list.error}
        count={list.data?.items.length ?? 0}
        empty="Ninguna farmacia inscrita con esos filtros."
        caption="Farmacias inscritas"
        columns={['Farmacia', 'Cadena', 'Comuna', 'Última capacitación', 'Activaciones', 'Estado']}
        actions
        testId="enrolments"
      >
        {list.data?.items.map((e) => (
          <tr key={e.id} data-id={e.id}>
            <td data-label="Farmacia">{e.name}{e.demo ? ' *' : ''}</td>
            <td data-label="Cadena">{e.chain ?? <span class="muted">Independiente</span>}</td>
            <td data-label="Comuna">{e.comuna_name || e.comuna}</td>
            <td data-label="Última capacitación">{e.trained_at ? formatDate(new Date(e.trained_at)) : <Badge tone="warn">Sin capacitación</Badge>}</td>
            <td data-label="Activaciones">{formatNumber(e.activations ?? 0)}</td>
            <td data-label="Estado">
              <Badge tone={e.status === 'suspended' ? 'danger' : 'ok'} title={e.status_reason ?? undefined}>{e.status_label}</Badge>
            </td>
            <td>
              <RowButton label="Ver y editar" detail={e.name} onClick={() => setOpen(e.id)} />
            </td>
          </tr>
        ))}
      </DataTable>
      {list.data?.items.some((e) => e.demo) && <p class="muted pharmacy-note">* Datos de demostración.</p>}
      <Dialog title="Inscribir una farmacia" open={enrolling} onClose={() => setEnrolling(false)} wide>
        {enrolling && (
          <EnrolmentForm
            initial={EMPTY}
            enrolling
            onCancel={() => setEnrolling(false)}
            onSave={async (d, trained) => {
              const e = await enrolPharmacy({ ...d, trained_at: trained });
              setEnrolling(false);
              changed();
              setOpen(e.id);
            }}
          />
        )}
      </Dialog>
      <Dialog title="Farmacia inscrita" open={open !== null} onClose={() => setOpen(null)} wide>
        {open !== null && <PharmacyRecord id={open} onChanged={changed} />}
      </Dialog>
    </section>
  );
}

const rangeText = (from: number, to: number) => (from === to ? formatNumber(to) : `${formatNumber(from)} a ${formatNumber(to)}`);

/** The enrolment map for a year: the country by region; a region clicked shows its comunas. */
function TerritoryMap({ reload, onRegion }: { reload: number; onRegion: (code: string) => void }) {
  const [year, setYear] = useState(2020);
  const [region, setRegion] = useState<string | null>(null);
  const o = useAsync((signal) => getOverview(year, signal), [year, reload]);
  const bounds = useAsync(() => (region ? getComunaBoundaries(region) : getRegionBoundaries()), [region]);
  const byRegion = useMemo(() => new Map((o.data?.regions ?? []).map((r) => [r.code, r] as [string, TerritoryCount])), [o.data]);
  const byComuna = useMemo(
    () => new Map((o.data?.regions.find((r) => r.code === region)?.comunas ?? []).map((c) => [c.code, c] as [string, TerritoryCount])),
    [o.data, region],
  );
  const limits = useMemo(() => classLimits((o.data?.regions ?? []).map((r) => r.enrolled)), [o.data]);
  const here = region ? byRegion.get(region) : undefined;
  const missing = region
    ? [...byComuna.values()].filter((c) => c.outreach_missing)
    : [...byRegion.values()].filter((r) => r.outreach_missing);
  return (
    <div class="card pharmacy-mapcard">
      <div class="pharmacy-maphead">
        <h2>{region ? `Inscritas y activaciones en ${here?.name ?? region}` : 'Mapa de inscripción y activaciones'}</h2>
        <label class="pharmacy-year">
          Año de las activaciones{' '}
          <select value={year} onChange={(e) => setYear(Number((e.target as HTMLSelectElement).value))}>
            {[2020, 2021, new Date().getFullYear()].filter((y, i, a) => a.indexOf(y) === i).map((y) => (
              <option key={y} value={y}>{y}</option>
            ))}
          </select>
        </label>
        {region && (
          <button type="button" class="btn btn-ghost btn-sm" onClick={() => setRegion(null)} data-testid="map-back">
            Volver al país
          </button>
        )}
      </div>
      <ErrorAlert error={o.error ?? bounds.error} />
      {(o.loading || bounds.loading) && !(o.data && bounds.data) && <Loading />}
      {o.data && bounds.data && (
        <div class="pharmacy-mapgrid">
          <EnrolmentMap
            boundaries={bounds.data}
            counts={region ? byComuna : byRegion}
            level={region ? 'comuna' : 'region'}
            limits={limits}
            onSelect={(code) => {
              if (region) return;
              setRegion(code);
              onRegion(code);
            }}
            label={region ? `Farmacias inscritas por comuna en ${here?.name ?? region}` : 'Farmacias inscritas por región'}
            description={
              region
                ? 'Cada círculo está en el centro de una comuna; su área es proporcional a las farmacias inscritas. Naranja con borde discontinuo: farmacias inscritas sin ninguna activación en el año.'
                : 'Regiones según farmacias inscritas (más oscuro, más farmacias). Borde naranja discontinuo: hay farmacias inscritas pero ninguna activación en el año. Haga clic en una región para ver sus comunas.'
            }
          />
          <div class="pharmacy-legend">
            {!region && (
              <ul class="pharmacy-classes" aria-label="Farmacias inscritas por región">
                {limits.map((l, i) => (
                  <li key={l}>
                    <span class="swatch" style={{ background: CLASS_COLOURS[i] }} aria-hidden="true" />
                    {rangeText(i === 0 ? 1 : limits[i - 1]! + 1, l)}
                  </li>
                ))}
              </ul>
            )}
            <p data-testid="map-totals">
              <strong>{formatNumber(region ? here?.enrolled ?? 0 : o.data.regions.reduce((n, r) => n + r.enrolled, 0))}</strong> farmacias inscritas ·{' '}
              <strong>{formatNumber(region ? here?.activations ?? 0 : o.data.activations)}</strong> activaciones en {o.data.year}
            </p>
            <h3>Sin activaciones en {o.data.year}</h3>
            {missing.length === 0 ? (
              <p class="muted">Todas {region ? 'las comunas' : 'las regiones'} con farmacias inscritas tuvieron activaciones.</p>
            ) : (
              <ul class="pharmacy-missing" data-testid="outreach-missing">
                {missing.map((t) => (
                  <li key={t.code}>
                    <Badge tone="warn">sin activaciones</Badge> {t.name || t.code}: {formatNumber(t.enrolled)} inscritas
                  </li>
                ))}
              </ul>
            )}
            <p class="muted">Falta difusión donde hay farmacias inscritas y nadie pidió ayuda. Las cifras son de los registros (en la demostración, datos de demostración).</p>
          </div>
        </div>
      )}
    </div>
  );
}

/** Name, chain, comuna, contact, address, phone and RUT: enrolling and correcting alike. */
function EnrolmentForm(props: { initial: EnrolmentDraft; enrolling?: boolean; onSave: (d: EnrolmentDraft, trained: string) => Promise<void>; onCancel: () => void }) {
  const [d, setD] = useState(props.initial);
  const [trained, setTrained] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  const set = (k: keyof EnrolmentDraft) => (v: string) => setD((x) => ({ ...x, [k]: v }));
  const e = errors.fields;
  function submit() {
    const local: Record<string, string> = {};
    if (!d.name.trim()) local.name = 'Escriba el nombre de la farmacia.';
    if (!/^\d{5}$/.test(d.comuna)) local.comuna = 'Elija la comuna de la lista.';
    const p = phoneProblem(d.phone);
    if (p) local.phone = p;
    if (props.enrolling && trained && !/^\d{2}-\d{2}-\d{4}$/.test(trained)) local.trained_at = 'Escriba la fecha como dd-mm-aaaa.';
    if (invalid(local, 'Revise los campos marcados.')) return;
    void send(() => props.onSave(d, trained));
  }
  return (
    <form ref={formRef} class="stack" onSubmit={onSubmit(submit)} noValidate data-testid="enrolment-form">
      <ErrorAlert error={errors.general} />
      <Field label="Nombre de la farmacia" name="name" value={d.name} onValue={set('name')} error={e.name} maxLength={120} required />
      <Field label="Cadena" name="chain" value={d.chain} onValue={set('chain')} error={e.chain} maxLength={60} hint="Vacío si es independiente." />
      <ComunaField label="Comuna" name="comuna" value={d.comuna} onValue={set('comuna')} error={e.comuna} />
      <Field label="Dirección" name="address" value={d.address} onValue={set('address')} error={e.address} maxLength={200} />
      <Field label="Teléfono de la farmacia" name="phone" type="tel" value={d.phone} onValue={set('phone')} error={e.phone} hint="9 dígitos, por ejemplo +56 2 2212 3456." />
      <Field label="RUT de la farmacia" name="rut" value={d.rut} onValue={set('rut')} error={e.rut} maxLength={14} hint="Por ejemplo 76.123.456-0." />
      <Field label="Contacto en la farmacia" name="contact" value={d.contact} onValue={set('contact')} error={e.contact} maxLength={200} hint="Quién responde por el protocolo (cargo y teléfono)." />
      {props.enrolling && (
        <Field label="Personal capacitado el (opcional)" name="trained_at" value={trained} onValue={setTrained} error={e.trained_at} hint="dd-mm-aaaa. Más capacitaciones se registran después." />
      )}
      <FormActions label={busy ? 'Guardando…' : props.enrolling ? 'Inscribir' : 'Guardar cambios'} busy={busy} onCancel={props.onCancel} />
    </form>
  );
}

const draftOf = (e: Enrolment): EnrolmentDraft => ({
  name: e.name,
  chain: e.chain ?? '',
  comuna: e.comuna,
  contact: e.contact ?? '',
  address: e.address ?? '',
  phone: e.phone ?? '',
  rut: e.rut ?? '',
});

/** One pharmacy: its data (editable), trainings (add one), and its status (suspend or reactivate, with a reason). */
function PharmacyRecord({ id, onChanged }: { id: number; onChanged: () => void }) {
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(false);
  const r = useAsync((signal) => getEnrolment(id, signal), [id, version]);
  const done = () => {
    setVersion((n) => n + 1);
    onChanged();
  };
  if (!r.data) return r.error ? <ErrorAlert error={r.error} /> : <Loading />;
  const e = r.data;
  return (
    <div class="stack pharmacy-record" data-testid="pharmacy-record">
      {e.status === 'suspended' && (
        <Notice kind="warning" title={`Suspendida desde el ${e.status_at ? formatDate(new Date(e.status_at)) : '—'}`}>
          {e.status_reason}{/[.!?]$/.test(e.status_reason ?? '') ? '' : '.'} Sus reportes se rechazan indicándole este motivo.
        </Notice>
      )}
      {editing ? (
        <EnrolmentForm
          initial={draftOf(e)}
          onCancel={() => setEditing(false)}
          onSave={async (d) => {
            await editEnrolment(id, d);
            setEditing(false);
            done();
          }}
        />
      ) : (
        <dl class="pharmacy-facts">
          <dt>Farmacia</dt><dd>{e.name}{e.demo ? ' (datos de demostración)' : ''}</dd>
          <dt>Cadena</dt><dd>{e.chain ?? 'Independiente'}</dd>
          <dt>Comuna</dt><dd>{e.comuna_name}, {e.region_name}</dd>
          <dt>Dirección</dt><dd>{e.address ?? '—'}</dd>
          <dt>Teléfono</dt><dd>{e.phone ?? '—'}</dd>
          <dt>RUT</dt><dd>{e.rut ?? '—'}</dd>
          <dt>Contacto</dt><dd>{e.contact ?? '—'}</dd>
          <dt>Inscrita el</dt><dd>{formatDate(new Date(e.enrolled_at))}</dd>
          <dt>Activaciones</dt><dd>{formatNumber(e.activations ?? 0)}</dd>
          <dt>Estado</dt><dd><Badge tone={e.status === 'suspended' ? 'danger' : 'ok'}>{e.status_label}</Badge></dd>
        </dl>
      )}
      {!editing && (
        <div>
          <button type="button" class="btn btn-secondary" onClick={() => setEditing(true)}>
            Editar datos
          </button>
        </div>
      )}
      <Trainings detail={e} onAdded={done} />
      <StatusForm detail={e} onChanged={done} />
    </div>
  );
}

function Trainings({ detail, onAdded }: { detail: EnrolmentDetail; onAdded: () => void }) {
  const [t, setT] = useState({ trained_at: '', staff: '', note: '' });
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    const local: Record<string, string> = {};
    if (!/^\d{2}-\d{2}-\d{4}$/.test(t.trained_at)) local.trained_at = 'Escriba la fecha como dd-mm-aaaa.';
    if (t.staff && !/^[1-9]\d{0,2}$/.test(t.staff)) local.staff = 'Escriba cuántas personas (un número desde 1).';
    if (invalid(local, 'Revise los campos marcados.')) return;
    void send(async () => {
      await addTraining(detail.id, { trained_at: t.trained_at, ...(t.staff ? { staff: Number(t.staff) } : {}), ...(t.note.trim() ? { note: t.note } : {}) });
      setT({ trained_at: '', staff: '', note: '' });
      onAdded();
    });
  }
  return (
    <section aria-labelledby="trainings-h">
      <h3 id="trainings-h">Capacitaciones del personal</h3>
      {detail.trainings.length === 0 ? (
        <p class="muted">Aún sin capacitación: su personal no conoce el protocolo.</p>
      ) : (
        <table class="data-table" data-testid="trainings">
          <thead><tr><th scope="col">Fecha</th><th scope="col">Personas</th><th scope="col">Nota</th></tr></thead>
          <tbody>
            {detail.trainings.map((x) => (
              <tr key={x.id}>
                <td>{formatDate(new Date(x.trained_at))}</td>
                <td>{x.staff === null ? '—' : formatNumber(x.staff)}</td>
                <td>{x.note ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form ref={formRef} class="pharmacy-inline" onSubmit={onSubmit(submit)} noValidate data-testid="training-form">
        <ErrorAlert error={errors.general} />
        <Field label="Fecha" name="trained_at" value={t.trained_at} onValue={(v) => setT((x) => ({ ...x, trained_at: v }))} error={errors.fields.trained_at} hint="dd-mm-aaaa" />
        <Field label="Personas capacitadas" name="staff" inputMode="numeric" value={t.staff} onValue={(v) => setT((x) => ({ ...x, staff: v }))} error={errors.fields.staff} />
        <Field label="Nota" name="note" value={t.note} onValue={(v) => setT((x) => ({ ...x, note: v }))} error={errors.fields.note} maxLength={300} hint="Quién la dio, qué cubrió (sin nombres del personal)." />
        <div>
          <button type="submit" class="btn btn-secondary" disabled={busy}>
            Registrar capacitación
          </button>
        </div>
      </form>
    </section>
  );
}

function StatusForm({ detail, onChanged }: { detail: EnrolmentDetail; onChanged: () => void }) {
  const suspend = detail.status !== 'suspended';
  const [reason, setReason] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    if (invalid(reason.trim() ? {} : { reason: suspend ? 'Indique por qué se suspende.' : 'Indique por qué se reactiva.' }, 'Falta el motivo.')) return;
    void send(async () => {
      await setEnrolmentStatus(detail.id, suspend, reason);
      setReason('');
      onChanged();
    });
  }
  return (
    <section aria-labelledby="status-h">
      <h3 id="status-h">{suspend ? 'Suspender la farmacia' : 'Reactivar la farmacia'}</h3>
      <form ref={formRef} class="stack" onSubmit={onSubmit(submit)} noValidate data-testid="status-form">
        <ErrorAlert error={errors.general} />
        <TextAreaField
          label="Motivo"
          name="reason"
          value={reason}
          onValue={setReason}
          error={errors.fields.reason}
          maxLength={300}
          rows={2}
          hint={suspend ? 'La farmacia lo leerá si intenta reportar mientras esté suspendida.' : 'Por ejemplo: personal capacitado en el nuevo local.'}
          required
        />
        <div>
          <button type="submit" class={`btn ${suspend ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
            {suspend ? 'Suspender' : 'Reactivar'}
          </button>
        </div>
      </form>
    </section>
  );
}
