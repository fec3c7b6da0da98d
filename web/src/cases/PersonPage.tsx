// Ficha de la persona (/casos/personas/:id): identity (contact data masked when the API says so),
// the summary a professional needs first (risk, re-assessment, active orders, open alerts), the
// timeline across institutions with the need-to-know masking, emergency access, the access log and
// the linkage history with «Deshacer vinculación».
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../app/api';
import { formatNumber, formatRun, parseDateInput, todayIso } from '../app/format';
import { hasPermission, useSession } from '../app/session';
import { Dialog, ErrorAlert, FormActions, Loading, Notice, PageHeader, useAsync, useForm } from '../app/ui';
import { outcomeLabel, severityLook, stateLabel, typeLook } from '../monitoring/data';
import { CasesNav, ComunaName, PersonLink, RiskBadge, SeverityBadge, TextAreaField } from './common';
import {
  ACCESS_ACTIONS,
  CHANNELS,
  CLOSURE_REASONS,
  DOCUMENT_TYPES,
  getAccessLog,
  getPerson,
  labelOf,
  MONITORED_ORDER_STATUS,
  ORDER_TYPES,
  RISK_LABELS,
  requestEmergency,
  SEXES,
  undoLink,
  WRITE,
  type CaseRecord,
  type LinkEntry,
  type MonitoredOrder,
  type Person,
} from './data';

/** "29-11-2026" already passed (Santiago calendar)? */
function isPast(clDate: string | null | undefined): boolean {
  const iso = clDate ? parseDateInput(clDate) : null;
  return !!iso && iso < todayIso();
}

export default function PersonPage({ personId }: { personId: string }) {
  const { state } = useSession();
  const canWrite = hasPermission(state, WRITE);
  const person = useAsync((signal) => getPerson(personId, signal), [personId]);
  const [notice, setNotice] = useState<string | null>(null);
  const [emergencyOpen, setEmergencyOpen] = useState(false);
  const [undoing, setUndoing] = useState<LinkEntry | null>(null);
  const p = person.data;

  useEffect(() => {
    if (!p) return;
    const active = document.activeElement;
    if (!active || active === document.body || active.id === 'contenido') document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [p?.id]);

  if (!p) {
    if (person.loading) return <Loading label="Cargando la ficha…" />;
    const notFound = person.errorObj instanceof ApiError && person.errorObj.status === 404;
    return (
      <section class="cases narrow">
        <CasesNav />
        <PageHeader title={notFound ? 'Persona no encontrada' : 'Ficha de la persona'} />
        <ErrorAlert error={person.error} />
        <p>
          <a class="link-back" href="/casos">
            ← Volver a la búsqueda
          </a>
        </p>
      </section>
    );
  }

  const full = p.served_by_my_institution || !!p.emergency_until;
  return (
    <section class="cases person">
      <CasesNav />
      <nav aria-label="Ruta de navegación" class="breadcrumb">
        <ol>
          <li>
            <a href="/casos">Búsqueda de personas</a>
          </li>
          <li>
            <span aria-current="page">Ficha N° {p.id}</span>
          </li>
        </ol>
      </nav>
      <PageHeader
        title={p.identity.name}
        eyebrow={`Ficha N° ${p.id}`}
        lead={
          <span class="badges lead-badges">
            <RiskBadge level={p.summary.risk_level} />
            {p.summary.open_alerts.length > 0 && (
              <span class="sev sev-critica">
                {p.summary.open_alerts.length === 1 ? '1 alerta abierta' : `${p.summary.open_alerts.length} alertas abiertas`}
              </span>
            )}
          </span>
        }
        actions={
          <>
            {canWrite && (
              <a class="btn btn-primary" href={`/casos/nuevo?persona=${p.id}`}>
                Nuevo registro para esta persona
              </a>
            )}
            {!p.emergency_until && p.masked_records > 0 && (
              <button type="button" class="btn btn-danger-outline" onClick={() => setEmergencyOpen(true)}>
                Acceso de emergencia
              </button>
            )}
          </>
        }
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      {p.requested_id !== p.id && (
        <Notice kind="info">
          La ficha N° {p.requested_id} fue vinculada a esta persona; se muestra la ficha N° {p.id}, que reúne ambas.
        </Notice>
      )}
      {p.emergency_until && (
        <Notice kind="warning" title="Acceso de emergencia vigente">
          Ve la ficha completa hasta el {p.emergency_until}. Cada consulta queda registrada y las instituciones que la atienden fueron notificadas.
        </Notice>
      )}
      {!full && (
        <Notice kind="warning" title="Su institución no atiende a esta persona">
          Ve solo los datos mínimos compartidos: que existen registros, su fecha y tipo, el nivel de riesgo, las medidas vigentes y las alertas abiertas.
          Si necesita más por una emergencia, use «Acceso de emergencia».
        </Notice>
      )}

      <div class="person-grid">
        <Summary person={p} />
        <IdentityCard person={p} full={full} />
      </div>

      {(p.monitoring ?? []).length > 0 && (
        <MonitoringCard
          orders={p.monitoring!}
          linkOrders={hasPermission(state, 'monitoring.manage') || hasPermission(state, 'alerts.handle')}
        />
      )}

      <Timeline person={p} onEmergency={() => setEmergencyOpen(true)} />

      {p.links.length > 0 && <Links links={p.links} canWrite={canWrite} onUndo={setUndoing} />}

      {p.served_by_my_institution && <AccessLogCard personId={p.id} />}

      {emergencyOpen && (
        <EmergencyDialog
          person={p}
          onClose={() => setEmergencyOpen(false)}
          onDone={(until) => {
            setEmergencyOpen(false);
            setNotice(`Acceso de emergencia concedido hasta el ${until}.`);
            person.reload();
          }}
        />
      )}
      {undoing && (
        <UndoDialog
          link={undoing}
          onClose={() => setUndoing(null)}
          onDone={() => {
            setUndoing(null);
            setNotice('Se deshizo la vinculación. Los registros volvieron a la ficha de origen.');
            person.reload();
          }}
        />
      )}
    </section>
  );
}

function Summary({ person: p }: { person: Person }) {
  const overdue = isPast(p.summary.reassess_due_on);
  return (
    <section class="card" aria-labelledby="summary-h">
      <h2 id="summary-h">Resumen</h2>
      <dl class="facts" data-testid="person-summary">
        <div>
          <dt>Nivel de riesgo vigente</dt>
          <dd>
            <RiskBadge level={p.summary.risk_level} prefix="" />
            <span class="cell-sub">El más alto entre las últimas evaluaciones de cada institución.</span>
          </dd>
        </div>
        {(p.cases ?? []).length > 0 && (
          <div>
            <dt>Casos por institución</dt>
            <dd>
              <ul class="plain" data-testid="cases-by-institution">
                {p.cases!.map((c) => (
                  <li key={c.institution_id}>
                    {c.institution}: {c.open ? 'abierto' : 'cerrado'}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        )}
        <div>
          <dt>Reevaluación</dt>
          <dd class={overdue ? 'overdue' : undefined}>
            {p.summary.reassess_due_on ? (
              overdue ? (
                <>
                  <strong>Vencida</strong> desde el {p.summary.reassess_due_on}
                </>
              ) : (
                `A más tardar el ${p.summary.reassess_due_on}`
              )
            ) : (
              'Sin evaluación registrada'
            )}
          </dd>
        </div>
        <div>
          <dt>Medidas de protección vigentes</dt>
          <dd>
            {p.summary.active_orders.length === 0 ? (
              'Ninguna registrada'
            ) : (
              <ul class="plain">
                {p.summary.active_orders.map((o) => (
                  <li key={o.id}>
                    <strong>{labelOf(ORDER_TYPES, o.order?.order_type)}</strong>
                    {o.order?.distance_m ? `, ${formatNumber(o.order.distance_m)} m` : ''} · desde {o.order?.starts_on ?? '—'}
                    {o.order?.ends_on ? ` hasta ${o.order.ends_on}` : ', sin fecha de término'}
                    <span class="cell-sub">
                      N° {o.id} · {o.institution}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>Alertas abiertas</dt>
          <dd>
            {p.summary.open_alerts.length === 0 ? (
              'Ninguna'
            ) : (
              <ul class="plain alert-mini">
                {p.summary.open_alerts.map((a) => (
                  <li key={a.id}>
                    <SeverityBadge severity={a.severity} /> <a href={`/alertas/${a.id}`}>{a.rule}</a>
                    <span class="cell-sub">
                      {a.state === 'nueva' ? 'Nueva' : 'En gestión'} · {a.raised}
                      {a.escalation_level > 0 ? ' · escalada' : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** "Vigilancia telemática": the monitored orders that name her (issue 12) and their latest
 * incidents; the incidents are absent when the viewer sees only the shared minimum. */
function MonitoringCard({ orders, linkOrders }: { orders: MonitoredOrder[]; linkOrders: boolean }) {
  return (
    <section class="card" aria-labelledby="monitoring-h" data-testid="person-monitoring">
      <h2 id="monitoring-h">Vigilancia telemática</h2>
      {orders.map((o) => (
        <div key={o.order_id} class="monitored-order">
          <p>
            <strong>
              {linkOrders ? <a href={`/monitoreo/ordenes/${o.order_id}`}>Orden monitoreada N° {o.order_id}</a> : `Orden monitoreada N° ${o.order_id}`}
            </strong>{' '}
            · {MONITORED_ORDER_STATUS[o.status] ?? o.status} · {o.role_name}
            <span class="cell-sub">
              Medida del registro N° {o.record_id} · desde {o.starts_on ?? '—'}
              {o.ends_on ? ` hasta ${o.ends_on}` : ', sin fecha de término'}
            </span>
          </p>
          {o.incidents === undefined ? (
            <p class="cell-sub">Los incidentes solo los ven las instituciones que la atienden y el centro de monitoreo.</p>
          ) : o.incidents.length === 0 ? (
            <p class="cell-sub">Sin incidentes registrados.</p>
          ) : (
            <table class="table">
              <caption class="visually-hidden">Incidentes de la orden N° {o.order_id}, del más reciente al más antiguo</caption>
              <thead>
                <tr>
                  <th scope="col">Fecha</th>
                  <th scope="col">Tipo</th>
                  <th scope="col">Gravedad</th>
                  <th scope="col">Estado</th>
                  <th scope="col">Resultado</th>
                </tr>
              </thead>
              <tbody>
                {o.incidents.map((i) => (
                  <tr key={i.id}>
                    <td>{i.at}</td>
                    <td>{typeLook(i.type).label}</td>
                    <td>{severityLook(i.severity, i.type).name}</td>
                    <td>{stateLabel(i.state)}</td>
                    <td>{outcomeLabel(i.outcome)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </section>
  );
}

function IdentityCard({ person: p, full }: { person: Person; full: boolean }) {
  const i = p.identity;
  return (
    <section class="card" aria-labelledby="identity-h">
      <h2 id="identity-h">Identificación</h2>
      <dl class="facts facts-2" data-testid="identity">
        <div>
          <dt>RUN</dt>
          <dd>
            {i.run ? (
              <>
                {formatRun(i.run)}
                {i.run_valid === false && <span class="cell-sub warn-text">Dígito verificador inválido: no se usa para identificarla</span>}
              </>
            ) : i.contact_masked ? (
              'Reservado (su institución no la atiende)'
            ) : (
              'Sin RUN registrado'
            )}
          </dd>
        </div>
        {i.other_document && (
          <div>
            <dt>{labelOf(DOCUMENT_TYPES, i.document_type || 'otro')}</dt>
            <dd>{i.other_document}</dd>
          </div>
        )}
        <div>
          <dt>Fecha de nacimiento</dt>
          <dd>{i.birth_date || 'No registrada'}</dd>
        </div>
        <div>
          <dt>Sexo registral</dt>
          <dd>{i.sex ? labelOf(SEXES, i.sex) : 'No registrado'}</dd>
        </div>
        <div>
          <dt>Nacionalidad</dt>
          <dd>{i.nationality || 'No registrada'}</dd>
        </div>
        <div>
          <dt>Comuna</dt>
          <dd>
            <ComunaName id={i.comuna_id} />
          </dd>
        </div>
        {i.contact_masked ? (
          <div class="span-2">
            <dt>Teléfono y dirección</dt>
            <dd class="masked-note" data-testid="contact-masked">
              Reservados: solo los ven las instituciones que la atienden (o con acceso de emergencia).
            </dd>
          </div>
        ) : (
          <>
            <div>
              <dt>Teléfono</dt>
              <dd>{i.phone ? <a href={`tel:${i.phone.replace(/\s/g, '')}`} data-external="">{i.phone}</a> : 'No registrado'}</dd>
            </div>
            {i.other_phones && i.other_phones.length > 0 && (
              <div>
                <dt>Otros teléfonos</dt>
                <dd>
                  {i.other_phones.map((p, n) => (
                    <span key={p}>
                      {n > 0 && ', '}
                      <a href={`tel:${p.replace(/\s/g, '')}`} data-external="">{p}</a>
                    </span>
                  ))}
                </dd>
              </div>
            )}
            <div>
              <dt>Dirección</dt>
              <dd>{i.address || 'No registrada'}</dd>
            </div>
          </>
        )}
      </dl>
      <h3 class="small-h">Instituciones que la atienden</h3>
      <ul class="plain inst-list">
        {p.institutions.map((x) => (
          <li key={x.id}>{x.name}</li>
        ))}
      </ul>
      {!full && <p class="muted small">Su institución aún no la atiende: al registrar una atención pasará a verla completa.</p>}
    </section>
  );
}

function Timeline({ person: p, onEmergency }: { person: Person; onEmergency: () => void }) {
  return (
    <section class="card timeline-card" aria-labelledby="timeline-h">
      <div class="card-head">
        <h2 id="timeline-h">Historia en todas las instituciones</h2>
        <p class="muted small">
          {p.timeline.length === 1 ? '1 registro' : `${formatNumber(p.timeline.length)} registros`}, del más reciente al más antiguo
          {p.masked_records > 0 ? ` · ${p.masked_records} de otras instituciones con datos mínimos` : ''}
        </p>
      </div>
      {p.timeline.length === 0 ? (
        <p class="empty">Aún no hay registros de esta persona.</p>
      ) : (
        <ol class="case-timeline" data-testid="timeline">
          {p.timeline.map((r) => (
            <RecordItem key={r.id} record={r} personId={p.id} onEmergency={onEmergency} />
          ))}
        </ol>
      )}
    </section>
  );
}

function RecordItem({ record: r, personId, onEmergency }: { record: CaseRecord; personId: number; onEmergency: () => void }) {
  const me = r.persons.find((x) => x.person_id === personId);
  const others = r.persons.filter((x) => x.person_id !== personId);
  return (
    <li class={`rec rec-${r.kind}${r.masked ? ' rec-masked' : ''}`} data-testid="record">
      <div class="rec-head">
        <span class="rec-date">{r.occurred_on}</span>
        <span class="rec-kind">{r.kind_name}</span>
        <span class="rec-inst">{r.institution}</span>
        <span class="rec-id">N° {r.id}</span>
      </div>
      {me && me.role !== 'victim' && <p class="rec-role">En este registro: {me.role_name.toLowerCase()}</p>}
      {r.risk_level && (
        <p>
          <RiskBadge level={r.risk_level} />
          {r.reassess_due_on && <span class="muted small"> · reevaluar a más tardar el {r.reassess_due_on}</span>}
        </p>
      )}
      {r.order && (
        <p>
          {labelOf(ORDER_TYPES, r.order.order_type)}
          {r.order.distance_m ? `, ${formatNumber(r.order.distance_m)} m` : ''} · {r.order.starts_on ?? '—'}
          {r.order.ends_on ? ` a ${r.order.ends_on}` : ''} · {r.order.active ? <strong>vigente</strong> : 'no vigente'}
        </p>
      )}
      {r.referral && (
        <p>
          Derivada a {r.referral.to_institution || `institución ${r.referral.to_institution_id}`} ·{' '}
          {r.referral.first_contact ? 'primer contacto realizado' : r.referral.acknowledged ? 'recibida, sin primer contacto' : 'sin acuse de recibo'}
        </p>
      )}
      {r.masked ? (
        <p class="masked-note">
          Registro de otra institución: solo datos mínimos.{' '}
          <button type="button" class="btn-link" onClick={onEmergency}>
            Acceso de emergencia
          </button>
        </p>
      ) : (
        <RecordDetails record={r} />
      )}
      {others.length > 0 && (
        <p class="rec-persons">
          También en este registro:{' '}
          {others.map((o, i) => (
            <span key={o.person_id}>
              {i > 0 && ', '}
              {o.role_name.toLowerCase()} (<PersonLink id={o.person_id} />)
            </span>
          ))}
        </p>
      )}
    </li>
  );
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function RecordDetails({ record: r }: { record: CaseRecord }) {
  const d = (r.details ?? {}) as Record<string, unknown>;
  const rows: [string, string][] = [];
  switch (r.kind) {
    case 'contact':
      rows.push(['Canal', labelOf(CHANNELS, str(d.channel))], ['Resumen', str(d.summary)]);
      break;
    case 'complaint':
      rows.push(['Delito', str(d.offence)], ['Recibida por', str(d.received_by)], ['Resumen', str(d.summary)]);
      break;
    case 'risk_assessment': {
      const overrides = Array.isArray(d.overrides) ? (d.overrides as { description: string }[]).map((o) => o.description).join('; ') : '';
      rows.push(
        ['Puntaje', str(d.score)],
        ['Nivel calculado por la pauta', RISK_LABELS[str(d.computed_level)] ?? str(d.computed_level)],
        ['Reglas que fijaron un mínimo', overrides],
      );
      if (d.raised) rows.push(['Elevado por la profesional', `${RISK_LABELS[str(d.level)] ?? str(d.level)}: ${str(d.raise_reason)}`]);
      break;
    }
    case 'protective_order':
      rows.push(['Tribunal', str(d.court)], ['Lugares', Array.isArray(d.places) ? (d.places as string[]).join('; ') : '']);
      break;
    case 'order_breach':
      rows.push(['Medida incumplida', d.order_record_id ? `N° ${str(d.order_record_id)}` : ''], ['Descripción', str(d.description)]);
      break;
    case 'referral':
      rows.push(['Motivo', str(d.reason)], ['Consentimiento', d.consent ? 'Sí, registrado' : 'No']);
      break;
    case 'shelter_entry':
    case 'shelter_exit':
      rows.push(['Casa de acogida', str(d.shelter)], ['Nota', str(d.note)]);
      break;
    case 'closure':
      rows.push(['Motivo', labelOf(CLOSURE_REASONS, str(d.reason))], ['Nota', str(d.note)]);
      break;
  }
  const shown = rows.filter(([, v]) => v && v !== '—');
  return (
    <>
      {shown.length > 0 && (
        <dl class="rec-details">
          {shown.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
      {r.author && <p class="muted small">Registrado por {r.author}</p>}
    </>
  );
}

function Links({ links, canWrite, onUndo }: { links: LinkEntry[]; canWrite: boolean; onUndo: (l: LinkEntry) => void }) {
  const kindLabel = (k: string) => (k === 'auto' ? 'Vinculación automática' : k === 'review' ? 'Vinculación por revisión' : 'Vinculación deshecha');
  return (
    <section class="card" aria-labelledby="links-h">
      <h2 id="links-h">Vinculaciones</h2>
      <p class="muted small">Registros que el sistema o una persona unieron a esta ficha. Si una vinculación es un error, deshágala indicando el motivo.</p>
      <ul class="plain link-list" data-testid="links">
        {links.map((l) => (
          <li key={l.id}>
            <span>
              <strong>{kindLabel(l.kind)}</strong> · {l.at}
              {l.weight !== null ? ` · peso ${formatNumber(l.weight, 1)}` : ''}
              {l.kind === 'review' && ` · ficha N° ${l.from_person_id} unida a N° ${l.to_person_id}`}
              {l.undone && ' · deshecha'}
              {l.reason && <span class="cell-sub">Motivo: {l.reason}</span>}
            </span>
            {canWrite && !l.undone && l.kind !== 'undo' && (
              <button type="button" class="btn btn-ghost btn-sm" onClick={() => onUndo(l)}>
                Deshacer vinculación
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function AccessLogCard({ personId }: { personId: number }) {
  const [open, setOpen] = useState(false);
  const log = useAsync((signal) => (open ? getAccessLog(personId, signal) : Promise.resolve(null)), [personId, open]);
  return (
    <section class="card" aria-labelledby="log-h">
      <div class="card-head">
        <h2 id="log-h">Registro de accesos</h2>
        <button type="button" class="btn btn-ghost btn-sm" aria-expanded={open ? 'true' : 'false'} onClick={() => setOpen(!open)}>
          {open ? 'Ocultar' : 'Ver quién consultó esta ficha'}
        </button>
      </div>
      {open && (
        <>
          <ErrorAlert error={log.error} />
          {log.loading && <Loading />}
          {log.data && (
            <>
              {log.data.emergency_accesses.length > 0 && (
                <>
                  <h3 class="small-h">Accesos de emergencia</h3>
                  <ul class="plain emergency-list">
                    {log.data.emergency_accesses.map((g, i) => (
                      <li key={i}>
                        <strong>{g.user}</strong> ({g.institution}) · {g.granted} hasta {g.until}
                        <span class="cell-sub">Motivo: {g.reason}</span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
              <div class="table-wrap">
                <table class="data-table responsive" data-testid="access-log">
                  <caption class="visually-hidden">Consultas de la ficha</caption>
                  <thead>
                    <tr>
                      <th scope="col">Fecha</th>
                      <th scope="col">Quién</th>
                      <th scope="col">Institución</th>
                      <th scope="col">Qué</th>
                    </tr>
                  </thead>
                  <tbody>
                    {log.data.items.map((e, i) => (
                      <tr key={i}>
                        <td data-label="Fecha" class="nowrap">
                          {e.at}
                        </td>
                        <td data-label="Quién">{e.user || '—'}</td>
                        <td data-label="Institución">{e.institution}</td>
                        <td data-label="Qué">
                          {ACCESS_ACTIONS[e.action] ?? e.action}
                          {e.full_view ? '' : ' (datos mínimos)'}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}

function EmergencyDialog({ person, onClose, onDone }: { person: Person; onClose: () => void; onDone: (until: string) => void }) {
  const [reason, setReason] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    if (invalid(reason.trim().length < 20 ? { reason: 'Describa el motivo con al menos 20 caracteres.' } : {}, 'Falta el motivo de la emergencia.')) return;
    void send(async () => {
      const r = await requestEmergency(person.id, reason.trim());
      onDone(r.until);
    });
  }
  return (
    <Dialog title="Acceso de emergencia" open onClose={onClose}>
      <div class="alert alert-warning" role="note">
        <strong class="alert-title">Este acceso queda registrado y se notifica</strong>
        Verá la ficha completa de {person.identity.name} durante 4 horas. Su nombre, su institución y el motivo quedan en la auditoría y en el
        registro de accesos de la persona, y se avisa a cada institución que la atiende. Úselo solo ante un riesgo actual.
      </div>
      <ErrorAlert error={errors.general} />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <TextAreaField
          label="Motivo de la emergencia"
          name="reason"
          value={reason}
          onValue={setReason}
          error={errors.fields.reason}
          hint="Qué ocurre y por qué necesita ver la ficha completa ahora."
          minChars={20}
          required
          rows={4}
          autoFocus
        />
        <FormActions label={busy ? 'Solicitando…' : 'Solicitar acceso de emergencia'} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function UndoDialog({ link, onClose, onDone }: { link: LinkEntry; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    if (invalid(reason.trim().length < 10 ? { reason: 'Explique el motivo con al menos 10 caracteres.' } : {}, 'Falta el motivo.')) return;
    void send(async () => {
      await undoLink(link.id, reason.trim());
      onDone();
    });
  }
  return (
    <Dialog title="Deshacer vinculación" open onClose={onClose}>
      <p>
        Los registros que esta vinculación unió ({link.at}) volverán a una ficha separada. Use esta opción cuando se trate de personas distintas.
      </p>
      <ErrorAlert error={errors.general} />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <TextAreaField label="Motivo" name="reason" value={reason} onValue={setReason} error={errors.fields.reason} minChars={10} required autoFocus />
        <FormActions label="Deshacer vinculación" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
