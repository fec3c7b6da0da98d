// A certificate of attendance (/charlas/certificado/:code), public: anyone holding the code (she,
// or a third party she gives it to) sees whether it is valid, her name and the talk. Printable
// («Imprimir o guardar como PDF»). Without a code: a form to type one.
import { useState } from 'preact/hooks';
import { navigate } from '../app/router';
import { ErrorAlert, Field, Loading, Notice, PageHeader, useAsync } from '../app/ui';
import { getCertificate } from './data';
import './outreach.css';

export default function CertificatePage({ code }: { code?: string }) {
  if (!code) return <CodeForm />;
  return <Certificate code={code} />;
}

function CodeForm() {
  const [code, setCode] = useState('');
  return (
    <section class="outreach narrow">
      <PageHeader title="Verificar un certificado" lead="Escriba el código que aparece en el certificado o que recibió al inscribirse." />
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (code.trim()) navigate(`/charlas/certificado/${encodeURIComponent(code.trim())}`);
        }}
      >
        <Field label="Código" name="code" value={code} onValue={setCode} required />
        <p>
          <button type="submit" class="btn btn-primary">
            Verificar
          </button>
        </p>
      </form>
    </section>
  );
}

function Certificate({ code }: { code: string }) {
  const c = useAsync((signal) => getCertificate(code, signal), [code]);
  if (c.loading && !c.data) return <Loading />;
  if (c.error || !c.data)
    return (
      <section class="outreach narrow">
        <PageHeader title="Certificado no encontrado" />
        <ErrorAlert error={c.error ?? 'No existe un certificado con ese código.'} />
        <p>
          <a href="/charlas/certificado">Probar otro código</a>
        </p>
      </section>
    );
  const d = c.data;
  if (!d.valid)
    return (
      <section class="outreach narrow" data-testid="certificate-pending">
        <PageHeader title="Inscripción registrada" />
        <Notice kind="info" title="Aún no hay certificado">
          {d.name} está inscrita en «{d.talk.title}» ({d.talk.starts_label}). El certificado estará disponible aquí cuando el equipo
          organizador registre su asistencia.
        </Notice>
      </section>
    );
  return (
    <section class="outreach">
      <article class="certificate" data-testid="certificate">
        <p class="eyebrow">{d.issuer}</p>
        <h1 tabIndex={-1}>Certificado de asistencia</h1>
        <p>Se certifica que</p>
        <p class="certificate-name">{d.name}</p>
        <p>
          asistió a la charla <strong>«{d.talk.title}»</strong>
          {d.talk.series && <> del ciclo «{d.talk.series}»</>}, realizada el {d.talk.starts_label} ({d.talk.place}).
        </p>
        <p class="muted small">
          Asistencia registrada el {d.attended_on}. Código de verificación: <span class="certificate-code">{d.code}</span>. Cualquier persona
          puede comprobar este certificado en {window.location.origin}/charlas/certificado/{d.code}
        </p>
        {d.talk.demo && <p class="muted small">Charla de demostración.</p>}
      </article>
      <p class="no-print" style={{ textAlign: 'center' }}>
        <button type="button" class="btn btn-primary" onClick={() => window.print()}>
          Imprimir o guardar como PDF
        </button>
      </p>
    </section>
  );
}
