// Region + comuna selectors for forms (users, institutions). The comuna list follows the region.
import { useEffect, useState } from 'preact/hooks';
import type { Comuna } from '../app/types';
import { SelectField, useAsync } from '../app/ui';
import { getComunasOfProvince, getProvinces, getRegions } from './data';

async function comunasOfRegion(regionId: string): Promise<Comuna[]> {
  const provinces = await getProvinces(regionId);
  const lists = await Promise.all(provinces.map((p) => getComunasOfProvince(p.id)));
  return lists.flat().sort((a, b) => a.name.localeCompare(b.name, 'es'));
}

export function TerritoryFields(props: {
  regionId: string;
  comunaId: string;
  onChange: (regionId: string, comunaId: string) => void;
  errors?: { region_id?: string; comuna_id?: string };
  regionHint?: string;
  withComuna?: boolean;
}) {
  const regions = useAsync(() => getRegions(), []);
  const [comunas, setComunas] = useState<Comuna[]>([]);

  useEffect(() => {
    let alive = true;
    if (!props.regionId || props.withComuna === false) {
      setComunas([]);
      return;
    }
    comunasOfRegion(props.regionId)
      .then((c) => alive && setComunas(c))
      .catch(() => alive && setComunas([]));
    return () => {
      alive = false;
    };
  }, [props.regionId, props.withComuna]);

  return (
    <div class="field-row">
      <SelectField
        label="Región"
        name="region_id"
        value={props.regionId}
        onValue={(v) => props.onChange(v, '')}
        placeholder="Sin región (alcance nacional)"
        options={(regions.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
        error={props.errors?.region_id}
        hint={props.regionHint}
        hintBelow
      />
      {props.withComuna !== false && (
        <SelectField
          label="Comuna"
          name="comuna_id"
          value={props.comunaId}
          onValue={(v) => props.onChange(props.regionId, v)}
          placeholder={props.regionId ? 'Sin comuna (toda la región)' : 'Elija primero una región'}
          options={comunas.map((c) => ({ value: c.id, label: c.name }))}
          disabled={!props.regionId}
          error={props.errors?.comuna_id}
        />
      )}
    </div>
  );
}
