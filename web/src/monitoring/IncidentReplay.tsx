// Replaying the incident's track on the map, and exporting the incident as signed evidence.
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { formatDateTime } from '../app/format';
import { ErrorAlert, SelectField } from '../app/ui';
import { type DeviceTrack, getEvidence, type IncidentDetail, printableEvidenceUrl, type ReplayFrame, replayFrame, trackSpan } from './data';

export type OnReplay = (r: { tracks: DeviceTrack[]; frame: ReplayFrame[] } | null) => void;

const SPEEDS = [
  { value: '10', label: '×10' },
  { value: '30', label: '×30' },
  { value: '60', label: '×60' },
  { value: '120', label: '×120' },
];

export function IncidentReplay({ detail, onReplay }: { detail: IncidentDetail; onReplay: OnReplay }) {
  const tracks = detail.track.devices;
  const span = trackSpan(tracks);
  const [on, setOn] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [t, setT] = useState(span?.start ?? 0);
  const [speed, setSpeed] = useState('60');
  const tRef = useRef(t);
  tRef.current = t;

  useEffect(() => {
    if (!on || !span) return;
    onReplay({ tracks, frame: replayFrame(tracks, t) });
  }, [on, t, detail]);
  useEffect(() => () => onReplay(null), []);

  useEffect(() => {
    if (!playing || !span) return;
    let last = performance.now();
    let raf = 0;
    const step = (ts: number) => {
      const next = Math.min(span.end, tRef.current + (ts - last) * Number(speed));
      last = ts;
      setT(next);
      if (next >= span.end) setPlaying(false);
      else raf = requestAnimationFrame(step);
    };
    raf = requestAnimationFrame(step);
    return () => cancelAnimationFrame(raf);
  }, [playing, speed]);

  if (!span) return <p class="cell-sub">Sin posiciones registradas para reproducir.</p>;

  if (!on)
    return (
      <div class="mon-btn-row">
        <button type="button" class="btn btn-secondary btn-sm" data-testid="replay" onClick={() => { setOn(true); setT(span.start); setPlaying(true); }}>
          <span aria-hidden="true">▶ </span>Reproducir
        </button>
      </div>
    );

  return (
    <section class="mon-replay" aria-labelledby="rp-h" data-testid="replay-controls">
      <h3 id="rp-h">Reproducción del recorrido</h3>
      <div class="mon-replay-row">
        <button type="button" class="btn btn-secondary btn-sm" onClick={() => { if (t >= span.end) setT(span.start); setPlaying(!playing); }}>
          {playing ? 'Pausa' : 'Reproducir'}
        </button>
        <label class="mon-slider">
          <span class="visually-hidden">Momento del recorrido</span>
          <input
            type="range"
            min={span.start}
            max={span.end}
            step={1000}
            value={t}
            aria-valuetext={formatDateTime(new Date(t), true)}
            onInput={(e) => {
              setPlaying(false);
              setT(Number((e.currentTarget as HTMLInputElement).value));
            }}
          />
        </label>
        <SelectField label="Velocidad" name="speed" value={speed} onValue={setSpeed} options={SPEEDS} class="mon-speed" />
        <button type="button" class="btn btn-ghost btn-sm" onClick={() => { setPlaying(false); setOn(false); onReplay(null); }}>
          Terminar
        </button>
      </div>
      <p class="mon-replay-time" aria-live="off">
        {formatDateTime(new Date(t), true)}
      </p>
    </section>
  );
}

export function EvidenceExport({ id }: { id: number }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      const doc = await getEvidence(id);
      const blob = new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `evidencia-incidente-${id}.json`;
      a.dataset.external = '';
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="mon-export">
      <ErrorAlert error={error} />
      <button type="button" class="btn btn-ghost btn-sm" disabled={busy} onClick={download} data-testid="export">
        <span aria-hidden="true">↓ </span>Exportar evidencia
      </button>
      <a class="btn btn-ghost btn-sm" href={printableEvidenceUrl(id)} download={`evidencia-alerta-${id}.html`} data-external="" data-testid="export-html">
        Descargar evidencia imprimible
      </a>
      <span class="cell-sub">Documento firmado y encadenado, verificable por un tribunal.</span>
    </div>
  );
}
