// Part 2 of the record form: the persons the record concerns. Each is an existing person of the
// registry (from her page, by file number, or recognised among the likely matches of a mistyped
// RUN) or identity fields for the registry to link.
import { useState } from 'preact/hooks';
import { checkRun } from '../app/run';
import { Checkbox, Field, SelectField, type useForm } from '../app/ui';
import { ComunaField } from '../app/widgets/ComunaField';
import { RunField } from '../app/widgets/RunField';
import { PersonLink } from './common';
import { DOCUMENT_TYPES, EMPTY_IDENTITY, ROLES, SEXES, type IdentityDraft, type PersonDraft } from './data';
import { LikelyPerson } from './LikelyPerson';

let nextKey = 1;
export const draftPerson = (role: string, identity: Partial<IdentityDraft> = {}): PersonDraft => ({
  key: nextKey++,
  role,
  personId: null,
  identity: { ...EMPTY_IDENTITY, ...identity },
});

/** A block for a person already in the registry, by her file number. */
export const existingPerson = (role: string, personId: number, name: string): PersonDraft => ({
  key: nextKey++,
  role,
  personId,
  name,
  identity: { ...EMPTY_IDENTITY },
});

export function PersonsFieldset(props: {
  persons: PersonDraft[];
  setPersons: (f: (ps: PersonDraft[]) => PersonDraft[]) => void;
  errors: ReturnType<typeof useForm>['errors'];
}) {
  const { persons, setPersons, errors } = props;
  const e = errors.fields;
  const [addId, setAddId] = useState('');

  function updatePerson(key: number, change: Partial<PersonDraft>) {
    setPersons((ps) => ps.map((x) => (x.key === key ? { ...x, ...change } : x)));
  }
  function updateIdentity(key: number, field: keyof IdentityDraft, v: string) {
    setPersons((ps) => ps.map((x) => (x.key === key ? { ...x, identity: { ...x.identity, [field]: v } } : x)));
  }
  function addExisting() {
    const id = addId.trim();
    if (!/^\d+$/.test(id)) {
      errors.show(null, { add_person: 'Escriba el número de ficha (solo dígitos).' });
      return;
    }
    setPersons((ps) => [...ps, existingPerson('aggressor', Number(id), `Ficha N° ${id}`)]);
    setAddId('');
  }

  return (
      <fieldset class="card fieldset-card" aria-describedby={e.persons ? 'persons-err' : undefined}>
        <legend>2. Personas</legend>
        {e.persons && (
          <p class="field-error" id="persons-err" role="alert">
            {e.persons}
          </p>
        )}
        {persons.map((x, i) => (
          <PersonBlock
            key={x.key}
            index={i}
            draft={x}
            errors={e}
            canRemove={persons.length > 1}
            onRole={(role) => updatePerson(x.key, { role })}
            onIdentity={(f, v) => updateIdentity(x.key, f, v)}
            onRunUnverified={(v) => updatePerson(x.key, { runUnverified: v })}
            onUseExisting={(personId, name) => updatePerson(x.key, { personId, name, identity: { ...EMPTY_IDENTITY }, runUnverified: false })}
            onRemove={() => setPersons((ps) => ps.filter((y) => y.key !== x.key))}
          />
        ))}
        <div class="add-persons">
          <button type="button" class="btn btn-secondary btn-sm" onClick={() => setPersons((ps) => [...ps, draftPerson('aggressor')])} disabled={persons.length >= 10}>
            + Persona agresora
          </button>
          <button type="button" class="btn btn-secondary btn-sm" onClick={() => setPersons((ps) => [...ps, draftPerson('child')])} disabled={persons.length >= 10}>
            + Niña, niño o adolescente
          </button>
          <div class="add-existing">
            <Field label="Agregar persona ya registrada (N° de ficha)" name="add_person" value={addId} onValue={setAddId} error={e.add_person} inputMode="numeric" autocomplete="off" />
            <button type="button" class="btn btn-ghost btn-sm" onClick={addExisting} disabled={persons.length >= 10}>
              Agregar
            </button>
          </div>
        </div>
      </fieldset>
  );
}

function PersonBlock(props: {
  index: number;
  draft: PersonDraft;
  errors: Record<string, string>;
  canRemove: boolean;
  onRole: (role: string) => void;
  onIdentity: (field: keyof IdentityDraft, v: string) => void;
  onRunUnverified: (v: boolean) => void;
  /** The worker recognised her among the likely existing persons: the block becomes that person. */
  onUseExisting: (personId: number, name: string) => void;
  onRemove: () => void;
}) {
  const { index: i, draft: x, errors: e } = props;
  const base = `persons[${i}]`;
  const f = (k: keyof IdentityDraft) => e[`${base}.identity.${k}`];
  const general = e[base] ?? e[`${base}.identity`] ?? e[`${base}.person_id`];
  const roleLabel = ROLES.find((r) => r.value === x.role)?.label ?? 'Persona';
  const set = (k: keyof IdentityDraft) => (v: string) => props.onIdentity(k, v);
  const wrongRun = checkRun(x.identity.run).state === 'wrong_digit';
  return (
    <fieldset class={`person-block${general ? ' has-error' : ''}`} data-testid="person-block">
      <legend>
        Persona {i + 1}: {x.personId !== null ? x.name : roleLabel.toLowerCase()}
      </legend>
      {general && (
        <p class="field-error" role="alert">
          {general}
        </p>
      )}
      <div class="person-head">
        <SelectField label="Rol en este registro" name={`${base}.role`} value={x.role} onValue={props.onRole} options={ROLES} error={e[`${base}.role`]} />
        {x.personId !== null && (
          <p class="existing">
            Persona ya registrada: <PersonLink id={x.personId} />
          </p>
        )}
        {props.canRemove && (
          <button type="button" class="btn btn-ghost btn-sm" onClick={props.onRemove}>
            Quitar<span class="visually-hidden"> persona {i + 1}</span>
          </button>
        )}
      </div>
      {x.personId === null && (
        <div class="identity-grid">
          <div class="run-cell">
            <RunField label="RUN" name={`${base}.identity.run`} value={x.identity.run} onValue={set('run')} error={f('run')} hint="Si no lo sabe, déjelo vacío" />
            {(wrongRun || x.runUnverified) && (
              <Checkbox name={`${base}.run_unverified`} checked={!!x.runUnverified} onValue={props.onRunUnverified}>
                RUN informado sin verificar (la persona lo dio así y no se puede comprobar)
              </Checkbox>
            )}
          </div>
          <SelectField label="Otro documento" name={`${base}.identity.document_type`} value={x.identity.document_type} onValue={set('document_type')} options={DOCUMENT_TYPES} placeholder="Ninguno" error={f('document_type')} />
          <Field label="N° del documento" name={`${base}.identity.other_document`} value={x.identity.other_document} onValue={set('other_document')} error={f('other_document')} autocomplete="off" />
          <Field label="Nombres" name={`${base}.identity.given_names`} value={x.identity.given_names} onValue={set('given_names')} error={f('given_names')} autocomplete="off" />
          <Field label="Primer apellido" name={`${base}.identity.surname1`} value={x.identity.surname1} onValue={set('surname1')} error={f('surname1')} autocomplete="off" />
          <Field label="Segundo apellido" name={`${base}.identity.surname2`} value={x.identity.surname2} onValue={set('surname2')} error={f('surname2')} autocomplete="off" />
          <Field label="Fecha de nacimiento" name={`${base}.identity.birth_date`} value={x.identity.birth_date} onValue={set('birth_date')} error={f('birth_date')} hint="dd-mm-aaaa, mm-aaaa o aaaa" hintBelow inputMode="numeric" autocomplete="off" />
          <SelectField label="Sexo registral" name={`${base}.identity.sex`} value={x.identity.sex} onValue={set('sex')} options={SEXES} placeholder="No indicado" error={f('sex')} />
          <Field label="Nacionalidad" name={`${base}.identity.nationality`} value={x.identity.nationality} onValue={set('nationality')} error={f('nationality')} autocomplete="off" />
          <ComunaField label="Comuna de residencia" name={`${base}.identity.comuna_id`} value={x.identity.comuna_id} onValue={set('comuna_id')} error={f('comuna_id')} />
          <Field label="Teléfono" name={`${base}.identity.phone`} value={x.identity.phone} onValue={set('phone')} error={f('phone')} type="tel" autocomplete="off" />
          <Field label="Dirección" name={`${base}.identity.address`} value={x.identity.address} onValue={set('address')} error={f('address')} autocomplete="off" />
        </div>
      )}
      {x.personId === null && wrongRun && <LikelyPerson identity={x.identity} onUse={props.onUseExisting} />}
    </fieldset>
  );
}

