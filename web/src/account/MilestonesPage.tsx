// A SEREMI team's milestones for the public account («account.milestones»), for her own region
// only (the server holds her to it: src/account/access.cc): the table as the account prints it
// (Hito o acción · Descripción · Resultados) and a form to add one. The ministry («account.edit»,
// no region) sees every region's milestones here and decides which enter the account: include,
// or exclude with a reason the SEREMI reads beside her milestone.
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { hasPermission, useSession } from '../app/session';
import { Badge, DateField, Dialog, ErrorAlert, Field, FormActions, keepDates, PageHeader, DataTable, Notice, SelectField, useAsync, useBusy, useForm } from '../app/ui';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { allMilestones, createMilestone, curateMilestone, EDIT, myMilestones, type Milestone } from './data';
import './account.css';

// The period being accounted for: the account of year N covers N-1 and N (as the seed's 2020–2021).
function currentPeriod(now = new Date()): string {
  const y = now.getFullYear();
  return `${y - 1}-${y}`;
}

// The Agenda Mujer's lines of work as the 2020–2021 account names them (seed, table of Arica y Parinacota).
const AXES = [
  'Prevención de la violencia contra las mujeres',
  'Difusión de la Agenda Mujer y sus avances',
  'Autonomía económica y participación laboral',
  'Liderazgo femenino y participación en todo ámbito de la sociedad',
  'Igualdad de derechos y obligaciones entre hombres y mujeres',
];

function Curation({ m }: { m: Milestone }) {
  if (m.curation === 'incluido') return <Badge tone="ok">En la cuenta</Badge>;
  if (m.curation === 'excluido')
    return (
      <>
        <Badge tone="warn">Excluido</Badge> <span class="muted">{m.curation_reason}</span>
      </>
    );
  return <Badge tone="info">Pendiente de revisión del Ministerio</Badge>;
}

function CurateButtons({ m, onDone }: { m: Milestone; onDone: () => void }) {
  const [excluding, setExcluding] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = useBusy();
  const decide = (d: 'incluir' | 'excluir') =>
    void run(
      async () => {
        await curateMilestone(m.id, d, reason.trim());
        setExcluding(false);
        onDone();
      },
      (e) => setError(errorMessage(e)),
    );
  return (
    <div>
      {m.curation !== 'incluido' && (
        <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => decide('incluir')}>
          Incluir en la cuenta
        </button>
      )}{' '}
      {m.curation !== 'excluido' && (
        <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => setExcluding(true)}>
          Excluir…
        </button>
      )}
      <ErrorAlert error={excluding ? null : error} />
      <Dialog title="Excluir el hito de la cuenta pública" open={excluding} onClose={() => setExcluding(false)}>
        <p>«{m.title}». El equipo SEREMI verá el motivo junto a su hito.</p>
        <ErrorAlert error={error} />
        <TextAreaField label="Motivo de la exclusión" name="reason" value={reason} onValue={setReason} required />
        <FormActions label="Excluir" busy={busy} onCancel={() => setExcluding(false)} onConfirm={() => decide('excluir')} />
      </Dialog>
    </div>
  );
}

function NewMilestone({ period, onDone }: { period: string; onDone: (saved: boolean) => void }) {
  const form = useForm();
  const [date, setDate] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [results, setResults] = useState('');
  const [axis, setAxis] = useState('');
  const [comunas, setComunas] = useState('');
  const [evidence, setEvidence] = useState('');
  const f = form.errors.fields;
  return (
    <form
      ref={form.formRef}
      noValidate
      onSubmit={form.onSubmit(() => {
        const local: Record<string, string> = {};
        if (!title.trim()) local.title = 'Indique el hito o acción.';
        if (!description.trim()) local.description = 'Describa el hito.';
        if (form.invalid(local, 'Revise los campos marcados.')) return;
        void form.send(async () => {
          await createMilestone({
            period,
            date: date.trim(),
            title: title.trim(),
            description: description.trim(),
            results: results.trim(),
            axis,
            comunas: comunas.trim(),
            evidence: evidence.trim(),
          });
          onDone(true);
        });
      })}
    >
      <ErrorAlert error={form.errors.general} />
      <Field label="Hito o acción" name="title" value={title} onValue={setTitle} required error={f.title} />
      <DateField label="Fecha" name="date" value={date} onValue={setDate} error={f.date} />
      <TextAreaField label="Descripción" name="description" value={description} onValue={setDescription} required error={f.description} />
      <TextAreaField label="Resultados" name="results" value={results} onValue={setResults} error={f.results} hint="Con cifras cuando las haya." />
      <SelectField
        label="Eje de la Agenda Mujer"
        name="axis"
        value={axis}
        onValue={setAxis}
        placeholder="Sin eje"
        options={AXES.map((a) => ({ value: a, label: a }))}
        error={f.axis}
      />
      <Field label="Comunas" name="comunas" value={comunas} onValue={setComunas} error={f.comunas} hint="Separadas por comas, por ejemplo «Arica, Putre»." />
      <Field label="Evidencia" name="evidence" value={evidence} onValue={setEvidence} error={f.evidence} hint="Enlace o referencia del documento que respalda el hito." />
      <FormActions label="Registrar hito" busy={form.busy} onCancel={() => onDone(false)} />
    </form>
  );
}

export default function MilestonesPage() {
  const { state } = useSession();
  const region = state.status === 'signed-in' ? state.session.user.region_id : null;
  const [period, setPeriod] = useState(currentPeriod());
  const [tick, setTick] = useState(0);
  const [adding, setAdding] = useState(false);
  // The ministry (no region, «account.edit») curates every region's milestones.
  const curator = !region && hasPermission(state, EDIT);
  const p = /^\d{4}-\d{4}$/.test(period) ? period : '';
  const list = useAsync((signal) => (curator ? allMilestones(p, '', signal) : myMilestones(p, signal)), [period, tick, curator]);
  const items = list.data?.items ?? [];
  return (
    <section class="narrow-wide">
      <PageHeader
        title="Hitos regionales de la cuenta pública"
        lead="Los hitos que su SEREMI registra aquí forman la tabla de su región en la Cuenta Pública Participativa. Solo puede registrar hitos de su propia región."
        actions={
          region && (
            <button type="button" class="btn btn-primary" onClick={() => setAdding(true)}>
              Registrar hito
            </button>
          )
        }
      />
      {curator && (
        <Notice kind="info" title="Curaduría del Ministerio">
          Aquí están los hitos de todas las regiones. Solo los incluidos entran en la cuenta pública; al excluir uno, indique el motivo.
        </Notice>
      )}
      <Field label="Período" name="period" value={period} onValue={setPeriod} hint="Por ejemplo 2020-2021" />
      <ErrorAlert error={list.error} />
      <DataTable
        loading={list.loading}
        error={list.error}
        count={items.length}
        empty="No hay hitos registrados para este período."
        caption={curator ? 'Hitos de todas las regiones' : 'Hitos de su región'}
        columns={[...(curator ? ['Región'] : []), 'Hito o acción', 'Descripción', 'Resultados', 'En la cuenta']}
      >
        {items.map((m) => (
          <tr key={m.id}>
            {curator && <td data-label="Región">{m.region_id}</td>}
            <td data-label="Hito o acción">
              {m.title}
              {m.date_text && <div class="muted">{keepDates(m.date_text)}</div>}
              {m.axis && <div class="muted">Eje: {m.axis}</div>}
              {m.comunas && <div class="muted">Comunas: {m.comunas}</div>}
            </td>
            <td data-label="Descripción">
              {m.description}
              {m.evidence && <div class="muted">Evidencia: {m.evidence}</div>}
            </td>
            <td data-label="Resultados">{m.results}</td>
            <td data-label="En la cuenta">
              <Curation m={m} />
              {curator && <CurateButtons m={m} onDone={() => setTick((t) => t + 1)} />}
            </td>
          </tr>
        ))}
      </DataTable>
      <Dialog title="Registrar un hito" open={adding} onClose={() => setAdding(false)}>
        {adding && (
          <NewMilestone
            period={period}
            onDone={(saved) => {
              setAdding(false);
              if (saved) setTick((t) => t + 1);
            }}
          />
        )}
      </Dialog>
    </section>
  );
}
