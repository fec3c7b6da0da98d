// Analysts import a year's company filings (CSV or XLSX in the documented layout) and read the
// per-row report: blocking errors stop the whole file, warnings do not.
import { useState } from 'preact/hooks';
import { useSession } from '../app/session';
import { Checkbox, ErrorAlert, Field, Notice, PageHeader, useForm } from '../app/ui';
import { importFilings, type ImportReport } from './data';
import './indicators.css';

export default function ImportPage() {
  const { state } = useSession();
  const csrf = state.status === 'signed-in' ? state.session.csrf_token : '';
  const [year, setYear] = useState(String(new Date().getFullYear() - 1));
  const [dry, setDry] = useState(true);
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const form = useForm();
  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    if (!/^\d{4}$/.test(year)) local['imp-year'] = 'Escriba el año con cuatro cifras.';
    if (!file) local['imp-file'] = 'Elija el archivo CSV o XLSX.';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    void form.send(async () => setReport(await importFilings(file!, Number(year), dry, csrf)));
  });
  return (
    <section>
      <PageHeader
        title="Importar declaraciones de empresas"
        eyebrow="Indicadores de género en las empresas"
        lead="Un archivo por año, con una fila por empresa y norma de la CMF. Se importa el archivo completo o nada."
      />
      <p>
        <a href="/indicadores">Ver el reporte público →</a>
      </p>
      <form ref={form.formRef} onSubmit={submit} class="card" noValidate>
        <ErrorAlert error={form.errors.general} />
        <Field label="Año de las declaraciones" name="imp-year" value={year} onValue={setYear} inputMode="numeric" error={form.errors.fields['imp-year']} />
        <div class="field">
          <label for="imp-file">Archivo (CSV UTF-8 o XLSX)</label>
          <input id="imp-file" name="imp-file" type="file" accept=".csv,.xlsx,text/csv" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
          {form.errors.fields['imp-file'] && <p class="field-error">{form.errors.fields['imp-file']}</p>}
        </div>
        <Checkbox name="imp-dry" checked={dry} onValue={setDry}>
          Solo validar (no guarda nada)
        </Checkbox>
        <button type="submit" class="btn btn-primary" disabled={form.busy}>
          {dry ? 'Validar archivo' : 'Importar'}
        </button>
      </form>
      {report && (
        <section data-testid="import-report">
          <h2>Resultado</h2>
          {report.blocking_rows > 0 ? (
            <Notice kind="warning" title="No se importó ninguna fila">
              {report.blocking_rows} de {report.rows} filas tienen errores bloqueantes. {report.policy}
            </Notice>
          ) : (
            <Notice kind="success" title={report.dry_run ? 'El archivo es válido' : 'Archivo importado'}>
              {report.dry_run ? `${report.rows} filas sin errores bloqueantes; desmarque «Solo validar» para importarlas.` : `Se importaron ${report.imported} declaraciones.`}{' '}
              {report.warnings > 0 && `${report.warnings} advertencias.`}
            </Notice>
          )}
          {report.issues.length > 0 && (
            <div class="table-wrap">
              <table class="data-table">
                <thead>
                  <tr>
                    <th scope="col">Fila</th>
                    <th scope="col">Columna</th>
                    <th scope="col">Gravedad</th>
                    <th scope="col">Detalle</th>
                  </tr>
                </thead>
                <tbody>
                  {report.issues.map((i, k) => (
                    <tr key={k}>
                      <td class="num">{i.row}</td>
                      <td>{i.column || '—'}</td>
                      <td>{i.severity === 'bloqueante' ? 'Bloqueante' : 'Advertencia'}</td>
                      <td>{i.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </section>
  );
}
