// One PMG service's filings and their technical review: the reviewer reviews (take, observe,
// approve or reject, then the outcome); a focal point (her own services only) files and answers.
import { hasPermission, useSession } from '../app/session';
import { ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { PmgFlow } from './PmgFlow';
import { getServiceFlow } from './pmgFlow';
import './policy.css';

export default function PmgServicePage({ serviceId }: { serviceId: string }) {
  // A reviewer reviews; a focal point (her own services only) files and answers.
  const reviewer = hasPermission(useSession().state, 'policy.validate');
  const d = useAsync((signal) => getServiceFlow(serviceId, signal), [serviceId]);
  return (
    <section>
      <PageHeader
        title="PMG de un servicio"
        lead="Las tres presentaciones del año con su revisión técnica: observaciones por compromiso, respuestas del servicio y segunda vuelta."
        actions={
          reviewer ? (
            <a class="btn btn-secondary btn-sm" href="/politicas/pmg/revision">
              Volver a la cola de revisión
            </a>
          ) : (
            <a class="btn btn-secondary btn-sm" href="/politicas/mi-pmg">
              Volver a Mi PMG
            </a>
          )
        }
      />
      <ErrorAlert error={d.error} />
      {d.loading && !d.data && <Loading />}
      {d.data && <PmgFlow flow={d.data} viewer={reviewer ? 'reviewer' : 'focal'} onChange={d.reload} />}
    </section>
  );
}
