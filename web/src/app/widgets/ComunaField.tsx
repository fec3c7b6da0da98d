// A comuna by its name: the field that finds it as it is typed, and its name shown from its code.
// Used by the registry, alerts, monitoring and the filters of several lists.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { getComuna, searchComunas } from '../../territory/data';
import { foldText } from '../format';
import type { Comuna } from '../types';

/** The name of a comuna code, once loaded (the code meanwhile). */
export function useComunaName(id: string | null | undefined): string {
  const [name, setName] = useState<string>(id ?? '');
  useEffect(() => {
    let alive = true;
    if (!id) {
      setName('');
      return;
    }
    setName(id);
    getComuna(id)
      .then((c) => alive && setName(c.name))
      .catch(() => {});
    return () => {
      alive = false;
    };
  }, [id]);
  return name;
}

export function ComunaName({ id }: { id: string | null | undefined }) {
  const name = useComunaName(id);
  return <>{id ? name : '—'}</>;
}

/**
 * A comuna typed by name with suggestions (a datalist): the value is the official code. While the text
 * matches no comuna, the text itself is passed on, so the form's checks can say so.
 */
export function ComunaField(props: {
  label?: string;
  name: string;
  value: string;
  onValue: (code: string) => void;
  error?: string | null;
  hint?: string;
}) {
  const id = `f-${props.name}-${useId()}`;
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const errId = props.error ? `${id}-err` : undefined;
  const [text, setText] = useState('');
  const [options, setOptions] = useState<Comuna[]>([]);
  const known = useRef(new Map<string, Comuna>());

  // Show the name of a code set from outside (prefilled forms, filters in the address).
  useEffect(() => {
    if (!/^\d{5}$/.test(props.value)) {
      if (!props.value) setText('');
      return;
    }
    const k = [...known.current.values()].find((c) => c.id === props.value);
    if (k && foldText(k.name) === foldText(text)) return;
    let alive = true;
    getComuna(props.value)
      .then((c) => {
        if (!alive) return;
        known.current.set(foldText(c.name), c);
        setText(c.name);
      })
      .catch(() => alive && setText(props.value));
    return () => {
      alive = false;
    };
  }, [props.value]);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2 || /^\d+$/.test(q)) {
      setOptions([]);
      return;
    }
    const ctrl = new AbortController();
    const t = window.setTimeout(() => {
      searchComunas(q, undefined, 12, ctrl.signal)
        .then((list) => {
          for (const c of list) known.current.set(foldText(c.name), c);
          setOptions(list);
          // A name typed in full (without choosing from the list) is recognised too.
          const exact = list.find((c) => foldText(c.name) === foldText(q));
          if (exact && exact.id !== props.value) props.onValue(exact.id);
        })
        .catch(() => {});
    }, 200);
    return () => {
      window.clearTimeout(t);
      ctrl.abort();
    };
  }, [text]);

  function change(v: string) {
    setText(v);
    const t = v.trim();
    if (!t) return props.onValue('');
    if (/^\d{5}$/.test(t)) return props.onValue(t);
    const c = known.current.get(foldText(t));
    props.onValue(c ? c.id : t);
  }

  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={id}>{props.label ?? 'Comuna'}</label>
      {props.error && (
        <p class="field-error" id={errId}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      )}
      <input
        id={id}
        name={props.name}
        list={listId}
        value={text}
        autocomplete="off"
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={[hintId, errId].filter(Boolean).join(' ')}
        onInput={(e) => change((e.currentTarget as HTMLInputElement).value)}
      />
      <datalist id={listId}>
        {options.map((c) => (
          <option key={c.id} value={c.name} />
        ))}
      </datalist>
      <p class="hint" id={hintId}>
        {props.hint ?? 'Escriba el nombre y elija de la lista.'}
      </p>
    </div>
  );
}

