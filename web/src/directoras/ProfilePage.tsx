// A candidate's profile as a company sees it, opened from its own search (the address carries the
// search's number). Contact details are asked for explicitly: shown only when she consented, and
// each request is recorded and shown to her.
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { plural } from '../app/format';
import { useLocation } from '../app/router';
import { Badge, ErrorAlert, Loading, Notice, PageHeader, useAsync, useBusy } from '../app/ui';
import { boardText, getContact, getProfile, type Contact } from './data';
import './directoras.css';

export default function ProfilePage({ profileId }: { profileId: string }) {
  const { search } = useLocation();
  const searchId = search.get('search') ?? '';
  const res = useAsync((signal) => getProfile(profileId, searchId, signal), [profileId, searchId]);
  const [contact, setContact] = useState<Contact | null>(null);
  const [contactError, setContactError] = useState<string | null>(null);
  const [busy, run] = useBusy();
  const p = res.data?.profile;
  const back = `/directoras/buscar`;

  return (
    <section class="directoras directoras-profile">
      <PageHeader title={p ? p.full_name : 'Perfil de candidata'} eyebrow="Registro de Directoras" actions={<a class="btn btn-secondary" href={back}>Volver a la búsqueda</a>} />
      {res.loading && <Loading />}
      <ErrorAlert error={res.error} />
      {p && (
        <>
          {p.demo && <Notice kind="info">Perfil generado para la demostración: no es una persona real.</Notice>}
          <div class="card">
            <dl>
              <dt>Profesión</dt>
              <dd>{p.degree}</dd>
              <dt>Estudios</dt>
              <dd>{p.studies_name}</dd>
              <dt>Experiencia</dt>
              <dd>{plural(p.experience_years, 'año', 'años')}</dd>
              <dt>Directorios</dt>
              <dd>{boardText(p)}</dd>
              <dt>Industrias</dt>
              <dd>{p.industries.map((i) => i.name).join(', ')}</dd>
              <dt>Especialidades</dt>
              <dd>{p.specialties.map((s) => s.name).join(', ')}</dd>
              <dt>Región</dt>
              <dd>{p.region}</dd>
              <dt>Disponibilidad</dt>
              <dd>{p.availability_name}</dd>
              <dt>Actualizado</dt>
              <dd>
                {p.updated} {p.stale && <Badge tone="warn">Desactualizado</Badge>}
              </dd>
            </dl>
            {p.summary && <p>{p.summary}</p>}
          </div>
          <div class="card" data-testid="directoras-contact">
            <h2>Contacto</h2>
            {!p.contactable && <p>Ella no autorizó que las empresas vean sus datos de contacto.</p>}
            {p.contactable && !contact && (
              <>
                <p class="muted">Al ver sus datos de contacto, ella sabrá que su institución los consultó.</p>
                <button
                  type="button"
                  class="btn btn-primary"
                  disabled={busy}
                  onClick={() => run(async () => setContact(await getContact(profileId, searchId)), (e) => setContactError(errorMessage(e)))}
                >
                  Ver datos de contacto
                </button>
              </>
            )}
            <ErrorAlert error={contactError} />
            {contact && (
              <dl>
                <dt>Correo</dt>
                <dd>
                  <a href={`mailto:${contact.email}`}>{contact.email}</a>
                </dd>
                <dt>Teléfono</dt>
                <dd>{contact.phone || 'No informado'}</dd>
                <dt>RUT</dt>
                <dd>{contact.rut}</dd>
              </dl>
            )}
          </div>
        </>
      )}
    </section>
  );
}
