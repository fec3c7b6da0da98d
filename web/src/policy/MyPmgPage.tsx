// «Mi PMG»: the focal point's PMG services (her institution's), each with its stage, what is due,
// the observations to answer and the forms to file, answer and re-file.
import { EmptyState, ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { PmgFlow } from './PmgFlow';
import { getMyPmg } from './pmgFlow';
import './policy.css';

export default function MyPmgPage() {
  const d = useAsync((signal) => getMyPmg(signal), []);
  return (
    <section>
      <PageHeader
        title="Mi PMG"
        lead="Indicador de género del PMG de los servicios de su institución: programa de trabajo, informe de avance e informe de cumplimiento, en ese orden, cada uno con la revisión técnica del Ministerio."
      />
      <ErrorAlert error={d.error} />
      {d.loading && !d.data && <Loading />}
      {d.data && !d.data.length && <EmptyState>Su institución no tiene servicios con compromisos del indicador de género del PMG.</EmptyState>}
      {(d.data ?? []).map((f) => (
        <PmgFlow key={f.service.id} flow={f} viewer="focal" onChange={d.reload} />
      ))}
    </section>
  );
}
