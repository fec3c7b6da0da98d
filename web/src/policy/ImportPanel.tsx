// CSV import of items and of focal points (analysts): upload a file, read the per-row report.
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { useSession } from '../app/session';
import { DataTable, ErrorAlert, Notice } from '../app/ui';
import { importCsv, type ImportReport } from './data';

const KINDS = {
  items: {
    title: 'Ítems',
    columns: 'instrumento, codigo, codigo_superior, nivel, titulo, peso, estado, region, instituciones (identificadores separados por «;»), anio_inicio, anio_termino',
  },
  'focal-points': {
    title: 'Enlaces (puntos focales)',
    columns: 'nombre, correo, run, institucion (identificador o nombre exacto), region',
  },
} as const;

type Kind = keyof typeof KINDS;

export function ImportReportView({ report }: { report: ImportReport }) {
  const n = (x: number) => x.toLocaleString('es-CL');
  return (
    <div data-testid="import-report">
      <Notice kind={report.rejected ? 'warning' : 'success'} title="Resultado de la importación">
        {n(report.rows)} filas leídas: {n(report.imported)} importadas, {n(report.rejected)} rechazadas. Las filas rechazadas no se guardaron; corríjalas y vuelva a
        importar solo esas filas.
      </Notice>
      {report.errors.length > 0 && (
        <DataTable loading={false} error={null} count={report.errors.length} empty="" caption="Filas rechazadas" columns={['Fila', 'Columna', 'Motivo']} testId="import-errors">
          {report.errors.map((e) => (
            <tr key={`${e.row}-${e.column}`}>
              <td>{n(e.row)}</td>
              <td>{e.column || '—'}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}

function ImportForm({ kind }: { kind: Kind }) {
  const { state } = useSession();
  const csrf = state.status === 'signed-in' ? state.session.csrf_token : '';
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const id = `import-${kind}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setReport(null);
    if (!file) {
      setError('Elija un archivo CSV.');
      return;
    }
    setBusy(true);
    try {
      setReport(await importCsv(kind, file, csrf));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card pol-import" onSubmit={submit} data-testid={id}>
      <h3>{KINDS[kind].title}</h3>
      <p class="muted">Columnas (primera fila): {KINDS[kind].columns}.</p>
      <div class="field">
        <label for={`${id}-file`}>Archivo CSV (UTF-8)</label>
        <input id={`${id}-file`} type="file" accept=".csv,text/csv" onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)} />
      </div>
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? 'Importando…' : 'Importar'}
      </button>
      <ErrorAlert error={error} />
      {report && <ImportReportView report={report} />}
    </form>
  );
}

export function ImportPanel() {
  return (
    <section aria-labelledby="import-title" class="pol-import-panel">
      <h2 id="import-title">Importar desde CSV</h2>
      <p class="muted">Cada fila se revisa y guarda por separado: las filas correctas se importan y las erróneas se informan con su número de fila, columna y motivo.</p>
      <ImportForm kind="items" />
      <ImportForm kind="focal-points" />
    </section>
  );
}
