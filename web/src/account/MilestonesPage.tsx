// A SEREMI team's milestones for the public account («account.milestones»), for her own region
// only (the server holds her to it: src/account/access.cc): the table as the account prints it
// (Hito o acción · Descripción · Resultados) and a form to add one.
import { useState } from 'preact/hooks';
import { useSession } from '../app/session';
import { DateField, Dialog, ErrorAlert, Field, FormActions, keepDates, PageHeader, DataTable, Notice, useAsync, useForm } from '../app/ui';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { createMilestone, myMilestones } from './data';
import './account.css';

// The period being accounted for: the account of year N covers N-1 and N (as the seed's 2020–2021).
function currentPeriod(now = new Date()): string {
  const y = now.getFullYear();
  return `${y - 1}-${y}`;
}

function NewMilestone({ period, onDone }: { period: string; onDone: (saved: boolean) => void }) {
  const form = useForm();
  const [date, setDate] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [results, setResults] = useState('');
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
          await createMilestone({ period, date: date.trim(), title: title.trim(), description: description.trim(), results: results.trim() });
          onDone(true);
        });
      })}
    >
      <ErrorAlert error={form.errors.general} />
      <Field label="Hito o acción" name="title" value={title} onValue={setTitle} required error={f.title} />
      <DateField label="Fecha" name="date" value={date} onValue={setDate} error={f.date} />
      <TextAreaField label="Descripción" name="description" value={description} onValue={setDescription} required error={f.description} />
      <TextAreaField label="Resultados" name="results" value={results} onValue={setResults} error={f.results} hint="Con cifras cuando las haya." />
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
  const list = useAsync((signal) => myMilestones(/^\d{4}-\d{4}$/.test(period) ? period : '', signal), [period, tick]);
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
      {!region && <Notice kind="info">Su cuenta no tiene una región asignada: consulte los hitos de todas las regiones en el editor de la cuenta.</Notice>}
      <Field label="Período" name="period" value={period} onValue={setPeriod} hint="Por ejemplo 2020-2021" />
      <ErrorAlert error={list.error} />
      <DataTable
        loading={list.loading}
        error={list.error}
        count={items.length}
        empty="No hay hitos registrados para este período."
        caption="Hitos de su región"
        columns={['Hito o acción', 'Descripción', 'Resultados']}
      >
        {items.map((m) => (
          <tr key={m.id}>
            <td data-label="Hito o acción">
              {m.title}
              {m.date_text && <div class="muted">{keepDates(m.date_text)}</div>}
            </td>
            <td data-label="Descripción">{m.description}</td>
            <td data-label="Resultados">{m.results}</td>
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
