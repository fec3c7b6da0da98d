// Derivaciones (/casos/derivaciones): received and sent referrals with their deadlines (overdue ones
// stand out); the receiving institution acknowledges receipt, then registers the first contact.
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { setQuery, useLocation } from '../app/router';
import { hasPermission, useSession } from '../app/session';
import { DataTable, ErrorAlert, Notice, PageHeader, ResultSummary, useAsync, useBusy } from '../app/ui';
import { CasesNav } from './common';
import { getReferrals, referralStep, WRITE, type Referral } from './data';

const STATE_LABELS: Record<string, string> = {
  pendiente: 'Sin acuse de recibo',
  acusada: 'Recibida, sin primer contacto',
  contactada: 'Primer contacto realizado',
};

export default function ReferralsPage() {
  const { search } = useLocation();
  const { state } = useSession();
  const canWrite = hasPermission(state, WRITE);
  const tab: 'in' | 'out' = search.get('bandeja') === 'enviadas' ? 'out' : 'in';
  const list = useAsync((signal) => getReferrals(tab, signal), [tab]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = useBusy();
  const items = list.data ?? [];
  const overdue = items.filter((r) => r.overdue && r.state !== 'contactada').length;

  function step(r: Referral, s: 'acknowledge' | 'first-contact') {
    setNotice(null);
    setError(null);
    void run(
      async () => {
        await referralStep(r.id, s);
        setNotice(
          s === 'acknowledge'
            ? `Se registró el acuse de recibo de la derivación N° ${r.id}. Ahora contacte a la mujer dentro del plazo.`
            : `Se registró el primer contacto de la derivación N° ${r.id}.`,
        );
        list.reload();
      },
      (e) => setError(errorMessage(e)),
    );
  }

  const tabs: { id: 'in' | 'out'; label: string }[] = [
    { id: 'in', label: 'Recibidas' },
    { id: 'out', label: 'Enviadas' },
  ];

  return (
    <section class="cases">
      <CasesNav />
      <PageHeader
        eyebrow="Registro único de casos"
        title="Derivaciones"
        lead="Mujeres derivadas entre instituciones, con los plazos para acusar recibo y para el primer contacto. Las vencidas aparecen primero marcadas en rojo."
      />
      <div class="tabs" role="tablist" aria-label="Bandeja de derivaciones">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id ? 'true' : 'false'}
            aria-controls="referrals-panel"
            tabIndex={tab === t.id ? 0 : -1}
            class={`tab${tab === t.id ? ' tab-active' : ''}`}
            onClick={() => setQuery({ bandeja: t.id === 'out' ? 'enviadas' : null })}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                const next = t.id === 'in' ? 'out' : 'in';
                setQuery({ bandeja: next === 'out' ? 'enviadas' : null });
                window.setTimeout(() => document.getElementById(`tab-${next}`)?.focus(), 0);
              }
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="referrals-panel" aria-labelledby={`tab-${tab}`}>
        {notice && <Notice kind="success">{notice}</Notice>}
        <ErrorAlert error={error ?? list.error} />
        <ResultSummary loading={list.loading}>
          {items.length === 1 ? '1 derivación' : `${items.length} derivaciones`}
          {overdue > 0 && <strong class="overdue-count"> · {overdue === 1 ? '1 con plazo vencido' : `${overdue} con plazo vencido`}</strong>}
        </ResultSummary>
        <DataTable
          loading={list.loading && !list.data}
          error={list.error}
          count={items.length}
          empty={
            tab === 'in'
              ? 'No hay derivaciones dirigidas a su institución. Cuando otra institución derive a una mujer, aparecerá aquí con sus plazos.'
              : 'Su institución no ha enviado derivaciones. Para derivar, cree un «Nuevo registro» de tipo derivación desde la ficha de la mujer.'
          }
          caption={tab === 'in' ? 'Derivaciones recibidas' : 'Derivaciones enviadas'}
          columns={['Mujer', tab === 'in' ? 'Desde' : 'Hacia', 'Derivada', 'Acuse de recibo', 'Primer contacto', 'Estado']}
          actions={tab === 'in' && canWrite}
          testId="referrals-table"
        >
          {[...items]
            .sort((a, b) => Number(b.overdue && b.state !== 'contactada') - Number(a.overdue && a.state !== 'contactada'))
            .map((r) => {
              const late = r.overdue && r.state !== 'contactada';
              const ackLate = !r.acknowledged && !!r.ack_due_at && new Date(r.ack_due_at).getTime() < Date.now();
              const fcLate = !r.first_contact && !!r.first_contact_due_at && new Date(r.first_contact_due_at).getTime() < Date.now();
              return (
                <tr key={r.id} class={late ? 'row-overdue' : undefined}>
                  <th scope="row" data-label="Mujer">
                    {r.victim ? (
                      <>
                        <a class="cell-main" href={`/casos/personas/${r.victim.person_id}`}>
                          {r.victim.name}
                        </a>
                        {r.victim.phone && <span class="cell-sub">Tel. {r.victim.phone}</span>}
                      </>
                    ) : (
                      '—'
                    )}
                    <span class="cell-sub">{r.reason}</span>
                  </th>
                  <td data-label={tab === 'in' ? 'Desde' : 'Hacia'}>{tab === 'in' ? r.from_institution : r.to_institution}</td>
                  <td data-label="Derivada" class="nowrap">
                    {r.occurred_on}
                  </td>
                  <td data-label="Acuse de recibo">
                    <Deadline done={r.acknowledged} due={r.ack_due} late={ackLate} />
                  </td>
                  <td data-label="Primer contacto">
                    <Deadline done={r.first_contact} due={r.first_contact_due} late={fcLate} />
                  </td>
                  <td data-label="Estado">
                    <span class={`badge badge-${r.state === 'contactada' ? 'ok' : late ? 'danger' : 'warn'}`}>{STATE_LABELS[r.state] ?? r.state}</span>
                    {late && <span class="badge badge-danger">Vencida</span>}
                  </td>
                  {tab === 'in' && canWrite && (
                    <td class="cell-actions">
                      {r.state === 'pendiente' && (
                        <button type="button" class="btn btn-primary btn-sm" disabled={busy} onClick={() => step(r, 'acknowledge')}>
                          Acusar recibo<span class="visually-hidden"> de la derivación de {r.victim?.name}</span>
                        </button>
                      )}
                      {r.state === 'acusada' && (
                        <button type="button" class="btn btn-primary btn-sm" disabled={busy} onClick={() => step(r, 'first-contact')}>
                          Registrar primer contacto<span class="visually-hidden"> con {r.victim?.name}</span>
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
        </DataTable>
      </div>
    </section>
  );
}

function Deadline({ done, due, late }: { done: string | null; due: string | null; late: boolean }) {
  if (done) return <span class="deadline-done">✓ {done}</span>;
  if (!due) return <span>—</span>;
  return (
    <span class={late ? 'deadline-late' : 'deadline'}>
      {late ? <strong>Venció el {due}</strong> : <>Plazo: {due}</>}
    </span>
  );
}
