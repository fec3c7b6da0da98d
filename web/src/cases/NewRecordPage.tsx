// Nuevo registro (/casos/nuevo, or from a person's page with ?persona=N): the kind of record, the
// persons it concerns (an existing person by her file number, or identity fields for the registry
// to link), the kind's details, the risk form. After saving: how each person was linked, the risk
// level the server computed and the alerts the record raised. The form is split by what it shows:
// RecordForm (the whole), RecordPersons (+ LikelyPerson), RecordDetails, SavedRecord.
import { useState } from 'preact/hooks';
import { useLocation } from '../app/router';
import { ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { CasesNav } from './common';
import { getPerson, type SavedRecord } from './data';
import { RecordForm } from './RecordForm';
import { SavedPanel } from './SavedRecord';

export default function NewRecordPage() {
  const { search } = useLocation();
  const personParam = search.get('persona');
  const known = useAsync((signal) => (personParam ? getPerson(personParam, signal) : Promise.resolve(null)), [personParam]);
  const [saved, setSaved] = useState<SavedRecord | null>(null);
  const [formKey, setFormKey] = useState(0);

  const header = (
    <PageHeader
      eyebrow="Registro único de casos"
      title="Nuevo registro"
      lead="Registre una atención, denuncia, evaluación de riesgo, medida, derivación, acogida o cierre. Cada persona se vincula a su ficha en el registro."
    />
  );

  if (personParam && known.loading) return <Loading label="Cargando la ficha…" />;

  return (
    <section class="cases">
      <CasesNav />
      {header}
      {known.error && <ErrorAlert error={known.error} title="No fue posible cargar la persona" />}
      {saved ? (
        <SavedPanel
          record={saved}
          onAnother={() => {
            setSaved(null);
            setFormKey((k) => k + 1);
          }}
        />
      ) : (
        <RecordForm key={formKey} person={known.data ?? null} prefill={search} onSaved={setSaved} />
      )}
    </section>
  );
}
