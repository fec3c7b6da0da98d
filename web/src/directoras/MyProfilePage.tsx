// A woman's own profile in the Registro de Directoras: she registers, keeps it up to date (saving
// renews its date; after a year it is marked stale and she is reminded) and sees which companies
// viewed it or read her contact details.
import { useEffect, useState } from 'preact/hooks';
import { formatNumber } from '../app/format';
import { Badge, Checkbox, DataTable, ErrorAlert, Field, Loading, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import { RunField } from '../app/widgets/RunField';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { getMine, getVocabularies, saveMine, type OwnProfile, type ProfileInput, type Term } from './data';
import './directoras.css';

const EMPTY: ProfileInput = {
  full_name: '', rut: '', email: '', phone: '', birth_year: null, studies: '', degree: '', experience_years: null, industries: [],
  specialties: [], board_years: 0, board_training: false, region_id: '', availability: '', summary: '', contactable: false,
};

function fromProfile(p: OwnProfile): ProfileInput {
  return {
    full_name: p.full_name, rut: p.rut, email: p.email, phone: p.phone, birth_year: p.birth_year, studies: p.studies, degree: p.degree,
    experience_years: p.experience_years, industries: p.industries, specialties: p.specialties, board_years: p.board_years,
    board_training: p.board_training, region_id: p.region_id, availability: p.availability, summary: p.summary, contactable: p.contactable,
  };
}

function Checks(props: { legend: string; name: string; terms: Term[]; value: string[]; onValue: (v: string[]) => void; error?: string }) {
  return (
    <fieldset class="directoras-checks" aria-invalid={props.error ? true : undefined}>
      <legend>{props.legend}</legend>
      {props.terms.map((t) => (
        <Checkbox key={t.id} name={`${props.name}-${t.id}`} checked={props.value.includes(t.id)}
          onValue={(on) => props.onValue(on ? [...props.value, t.id] : props.value.filter((x) => x !== t.id))}>
          {t.name}
        </Checkbox>
      ))}
      {props.error && <p class="field-error" role="alert">{props.error}</p>}
    </fieldset>
  );
}

const int = (s: string): number | null => (/^\d{1,4}$/.test(s.trim()) ? Number(s.trim()) : null);

export default function MyProfilePage() {
  const voc = useAsync(() => getVocabularies(), []);
  const mine = useAsync((signal) => getMine(signal), []);
  const [profile, setProfile] = useState<OwnProfile | null>(null);
  const [v, setV] = useState<ProfileInput>(EMPTY);
  const [saved, setSaved] = useState(false);
  const form = useForm();
  const { errors } = form;
  useEffect(() => {
    const p = mine.data?.profile ?? null;
    setProfile(p);
    if (p) setV(fromProfile(p));
  }, [mine.data]);
  const set = <K extends keyof ProfileInput>(k: K) => (value: ProfileInput[K]) => setV((old) => ({ ...old, [k]: value }));
  const opts = (terms: Term[] | undefined) => (terms ?? []).map((t) => ({ value: t.id, label: t.name }));

  const submit = form.onSubmit(() => {
    setSaved(false);
    const local: Record<string, string> = {};
    if (!v.full_name.trim()) local.full_name = 'Indique su nombre.';
    if (!v.rut.trim()) local.rut = 'Indique su RUT.';
    if (!v.email.trim()) local.email = 'Indique su correo.';
    if (v.birth_year === null) local.birth_year = 'Indique su año de nacimiento (4 dígitos).';
    if (v.experience_years === null) local.experience_years = 'Indique sus años de experiencia.';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    void form.send(async () => {
      const r = await saveMine(profile?.id ?? null, v);
      setProfile(r.profile);
      setV(fromProfile(r.profile));
      setSaved(true);
    });
  });

  if (voc.loading || mine.loading) return <Loading />;
  const e = errors.fields;
  return (
    <section class="directoras directoras-form">
      <PageHeader
        title="Mi perfil en el Registro de Directoras"
        lead="Empresas y headhunters buscan candidatas para sus directorios. Sus datos de contacto solo se muestran si usted lo autoriza, y usted ve quién consultó su perfil."
      />
      <ErrorAlert error={voc.error ?? mine.error} />
      {profile?.stale && (
        <Notice kind="warning" title="Su perfil está desactualizado">
          No se actualiza desde el {profile.updated}. Revíselo y guárdelo para confirmar que sigue disponible.
        </Notice>
      )}
      {profile && !profile.stale && (
        <p>
          <Badge tone="ok">Vigente</Badge> Actualizado el {profile.updated}; le recordaremos revisarlo desde el {profile.stale_after}.
        </p>
      )}
      {!profile && (
        <Notice kind="info" title="Requisitos">
          Estudios superiores, al menos {formatNumber(voc.data?.min_experience_years ?? 5)} años de experiencia profesional, y un curso de gobierno
          corporativo o experiencia en directorios.
        </Notice>
      )}
      {saved && <Notice kind="success">Perfil guardado.</Notice>}
      <ErrorAlert error={errors.general} />
      <form ref={form.formRef} class="card" onSubmit={submit} noValidate>
        <div class="grid2">
          <Field label="Nombre completo" name="full_name" value={v.full_name} onValue={set('full_name')} error={e.full_name} required />
          <RunField label="RUT" name="rut" value={v.rut} onValue={set('rut')} error={e.rut} required />
          <Field label="Correo electrónico" name="email" type="email" value={v.email} onValue={set('email')} error={e.email} required />
          <Field label="Teléfono" name="phone" value={v.phone} onValue={set('phone')} error={e.phone} hint="Ejemplo: +56 9 1234 5678" hintBelow />
          <Field label="Año de nacimiento" name="birth_year" inputMode="numeric" value={v.birth_year === null ? '' : String(v.birth_year)}
            onValue={(s) => set('birth_year')(int(s))} error={e.birth_year} required />
          <SelectField label="Región donde vive" name="region_id" value={v.region_id} placeholder="Elija" options={opts(voc.data?.regions)} onValue={set('region_id')} error={e.region_id} required />
          <SelectField label="Estudios" name="studies" value={v.studies} placeholder="Elija" options={opts(voc.data?.studies)} onValue={set('studies')} error={e.studies} required />
          <Field label="Profesión o título" name="degree" value={v.degree} onValue={set('degree')} error={e.degree} required />
          <Field label="Años de experiencia profesional" name="experience_years" inputMode="numeric"
            value={v.experience_years === null ? '' : String(v.experience_years)} onValue={(s) => set('experience_years')(int(s))} error={e.experience_years} required />
          <Field label="Años en directorios" name="board_years" inputMode="numeric" value={String(v.board_years)} onValue={(s) => set('board_years')(int(s) ?? 0)} error={e.board_years} />
          <SelectField label="Disponibilidad" name="availability" value={v.availability} placeholder="Elija" options={opts(voc.data?.availability)} onValue={set('availability')} error={e.availability} required />
        </div>
        <Checkbox name="board_training" checked={v.board_training} onValue={set('board_training')}>
          Completé un curso de gobierno corporativo o de formación para directorios
        </Checkbox>
        {e.board_training && <p class="field-error" role="alert">{e.board_training}</p>}
        <Checks legend="Industrias en que tiene experiencia (hasta 5)" name="industries" terms={voc.data?.industries ?? []} value={v.industries} onValue={set('industries')} error={e.industries} />
        <Checks legend="Especialidades (hasta 5)" name="specialties" terms={voc.data?.specialties ?? []} value={v.specialties} onValue={set('specialties')} error={e.specialties} />
        <TextAreaField label="Resumen de su trayectoria" name="summary" value={v.summary} onValue={set('summary')} error={e.summary} maxLength={1000} />
        <Checkbox name="contactable" checked={v.contactable} onValue={set('contactable')}>
          Autorizo que empresas y headhunters vean mi correo, teléfono y RUT
        </Checkbox>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={form.busy}>
            {profile ? 'Guardar y confirmar vigencia' : 'Inscribirme'}
          </button>
        </div>
      </form>
      {profile && <h2>Quién vio su perfil</h2>}
      {profile && (
        <DataTable loading={false} error={null} count={profile.views.length} empty="Ninguna empresa ha consultado su perfil todavía."
          caption="Quién vio su perfil" columns={['Fecha', 'Institución', 'Qué vio']} testId="directoras-views">
          {profile.views.map((w, i) => (
            <tr key={i}>
              <td data-label="Fecha">{w.at}</td>
              <td data-label="Institución">{w.institution}</td>
              <td data-label="Qué vio">{w.kind_name}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
