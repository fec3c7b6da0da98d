// Revisión de vinculaciones (/casos/revisiones): identities the linkage could not decide on. The
// detail puts both side by side, field by field (same / different / missing), and a person decides:
// «Es la misma persona» (the files are merged, reversibly) or «Son personas distintas».
import { useState } from 'preact/hooks';
import { formatNumber } from '../app/format';
import { setQuery, useLocation } from '../app/router';
import { DataTable, ErrorAlert, FilterForm, Loading, Notice, PageHeader, QuerySelect, ResultSummary, RowButton, useAsync, useForm } from '../app/ui';
import { CasesNav, ComunaName, PersonLink, TextAreaField } from './common';
import { decideReview, getReview, getReviews, REVIEW_STATES, type ComparisonRow } from './data';

const STATE_NAMES: Record<string, string> = { pendiente: 'Pendiente', misma_persona: 'Misma persona', distintas: 'Personas distintas' };

export default function ReviewsPage() {
  const { search } = useLocation();
  const stateFilter = search.get('estado') ?? 'pendiente';
  const selected = search.get('revision');
  const list = useAsync((signal) => getReviews(stateFilter, signal), [stateFilter]);
  const [notice, setNotice] = useState<string | null>(null);
  const items = list.data ?? [];

  return (
    <section class="cases">
      <CasesNav />
      <PageHeader
        eyebrow="Registro único de casos"
        title="Revisión de vinculaciones"
        lead="Registros que podrían ser de una persona ya registrada, pero sin certeza suficiente para unirlos solos. Compare los datos y decida."
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      <FilterForm label="Filtrar revisiones">
        <QuerySelect label="Estado" name="estado" value={stateFilter} placeholder="Todas" options={REVIEW_STATES} />
      </FilterForm>
      <ErrorAlert error={list.error} />
      <ResultSummary loading={list.loading}>{items.length === 1 ? '1 revisión' : `${items.length} revisiones`}</ResultSummary>
      <DataTable
        loading={list.loading && !list.data}
        error={list.error}
        count={items.length}
        empty={stateFilter === 'pendiente' ? 'No hay vinculaciones pendientes de revisión. Buen trabajo.' : 'No hay revisiones con ese estado.'}
        caption="Vinculaciones por revisar"
        columns={['N°', 'Registro nuevo', 'Posible coincidencia', 'Peso', 'Creada', 'Estado']}
        actions
        testId="reviews-table"
      >
        {items.map((r) => (
          <tr key={r.id} class={String(r.id) === selected ? 'row-current' : undefined}>
            <td data-label="N°">{r.id}</td>
            <th scope="row" data-label="Registro nuevo">
              <span class="cell-main">{r.name}</span>
              <span class="cell-sub">Ficha N° {r.person_id}</span>
            </th>
            <td data-label="Posible coincidencia">
              <span class="cell-main">{r.candidate_name}</span>
              <span class="cell-sub">Ficha N° {r.candidate_person_id}</span>
            </td>
            <td data-label="Peso" class="num">
              {formatNumber(r.weight, 1)}
            </td>
            <td data-label="Creada" class="nowrap">
              {r.created}
            </td>
            <td data-label="Estado">{STATE_NAMES[r.state] ?? r.state}</td>
            <td class="cell-actions">
              <RowButton label={r.state === 'pendiente' ? 'Revisar' : 'Ver'} detail={`${r.name} y ${r.candidate_name}`} onClick={() => setQuery({ revision: String(r.id) })} />
            </td>
          </tr>
        ))}
      </DataTable>
      {selected && (
        <ReviewDetailPanel
          key={selected}
          id={selected}
          onClose={() => setQuery({ revision: null })}
          onDecided={(m) => {
            setNotice(m);
            setQuery({ revision: null });
            list.reload();
          }}
        />
      )}
    </section>
  );
}

function rowState(r: ComparisonRow): { cls: string; label: string } {
  if (r.withheld) return { cls: 'cmp-missing', label: 'Reservado' };
  if (r.missing) return { cls: 'cmp-missing', label: 'Falta un dato' };
  if (r.same) return { cls: 'cmp-same', label: 'Igual' };
  return { cls: 'cmp-diff', label: 'Distinto' };
}

function ReviewDetailPanel(props: { id: string; onClose: () => void; onDecided: (message: string) => void }) {
  const review = useAsync((signal) => getReview(props.id, signal), [props.id]);
  const [note, setNote] = useState('');
  const { errors, busy, send } = useForm();
  const r = review.data;

  function decide(decision: 'misma_persona' | 'distintas') {
    errors.clear();
    void send(async () => {
      const out = await decideReview(Number(props.id), decision, note.trim());
      props.onDecided(
        decision === 'misma_persona'
          ? `Revisión N° ${props.id}: se unieron ambas fichas en la ficha N° ${out.person_id ?? r?.right.person_id}. Puede deshacerlo desde la ficha.` +
              (out.basis === 'linked'
                ? ' Como otra institución la atiende y no la identificó con RUN ni documento, verá solo sus datos mínimos; esa institución fue avisada.'
                : '')
          : `Revisión N° ${props.id}: quedaron como personas distintas.`,
      );
    });
  }

  return (
    <section class="card review-detail" aria-labelledby="review-h" data-testid="review-detail">
      <div class="card-head">
        <h2 id="review-h" tabIndex={-1}>
          Revisión N° {props.id}
        </h2>
        <button type="button" class="btn btn-ghost btn-sm" onClick={props.onClose}>
          Cerrar detalle
        </button>
      </div>
      {review.loading && <Loading />}
      <ErrorAlert error={review.error ?? errors.general} />
      {r && (
        <>
          <p class="muted">
            Peso de coincidencia {formatNumber(r.weight, 1)} · creada el {r.created}
            {r.state !== 'pendiente' && ` · resuelta: ${STATE_NAMES[r.state] ?? r.state}`}
            {r.note && ` · nota: ${r.note}`}
          </p>
          <div class="table-wrap">
            <table class="data-table compare-table" data-testid="comparison">
              <caption class="visually-hidden">Comparación de ambos registros, dato por dato</caption>
              <thead>
                <tr>
                  <th scope="col">Dato</th>
                  <th scope="col">
                    Registro nuevo
                    <span class="cell-sub">
                      <PersonLink id={r.left.person_id} /> · {r.left.records} registro{r.left.records === 1 ? '' : 's'}
                    </span>
                  </th>
                  <th scope="col">
                    Persona ya registrada
                    <span class="cell-sub">
                      <PersonLink id={r.right.person_id} /> · {r.right.records} registro{r.right.records === 1 ? '' : 's'}
                    </span>
                  </th>
                  <th scope="col">Comparación</th>
                </tr>
              </thead>
              <tbody>
                {r.comparison.map((c) => {
                  const s = rowState(c);
                  return (
                    <tr key={c.field} class={s.cls}>
                      <th scope="row">{c.label}</th>
                      <td>{c.left ? c.field === 'comuna_id' ? <ComunaName id={c.left} /> : c.left : <span class="muted">(sin dato)</span>}</td>
                      <td>
                        {c.withheld ? (
                          <span class="muted">(reservado: su institución no la atiende)</span>
                        ) : c.right ? (
                          c.field === 'comuna_id' ? <ComunaName id={c.right} /> : c.right
                        ) : (
                          <span class="muted">(sin dato)</span>
                        )}
                      </td>
                      <td>
                        <span class="cmp-label">{s.label}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {r.state === 'pendiente' && (
            <div class="decision stack">
              <TextAreaField label="Nota (opcional)" name="note" value={note} onValue={setNote} error={errors.fields.note} hint="Por qué decide así: p. ej. «mismo pasaporte; apellido mal escrito»." />
              <div class="form-actions">
                <button type="button" class="btn btn-primary" disabled={busy} onClick={() => decide('misma_persona')}>
                  Es la misma persona
                </button>
                <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => decide('distintas')}>
                  Son personas distintas
                </button>
              </div>
            </div>
          )}
        </>
      )}
    </section>
  );
}
