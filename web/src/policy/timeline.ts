// The series of the chart of validated progress over the reporting periods.
import type { InstrumentHistory } from './data';

/** "2020-S1" < "2020-S2" < "2020" (the annual report closes after the second semester). */
function periodOrder(label: string): number {
  const m = /^(\d{4})(?:-S(\d))?$/.exec(label);
  return m ? Number(m[1]) * 10 + (m[2] ? Number(m[2]) : 3) : Number.MAX_SAFE_INTEGER;
}

/** Every instrument is a series; one without a period in some column (or at all) shows "sin reporte" there. */
export function timeline(history: InstrumentHistory[]) {
  const labels = [...new Set(history.flatMap((h) => h.periods.map((p) => p.label)))].sort((a, b) => periodOrder(a) - periodOrder(b) || a.localeCompare(b));
  const series = history.map((h) => ({
    name: h.periods.length ? h.name : `${h.name} (sin períodos)`,
    values: labels.map((l) => h.periods.find((p) => p.label === l)?.progress ?? null),
  }));
  return { labels, series, instruments: history };
}
