// The incident panel's summary: what happened (type, severity, state), who the victim and the
// aggressor are with their phones, and the facts of the alert (order, times, device, zone, distance).
import { formatDateTime } from '../app/format';
import { ErrorAlert, Loading } from '../app/ui';
import { SeverityTag, TypeTag } from './common';
import { ageText, deviceKindLabel, distanceText, type Incident, type IncidentDetail, outcomeLabel, repeatText, stateLabel, telHref } from './data';

export function IncidentHead({ inc, headingId, onClose }: { inc: Incident; headingId: string; onClose: () => void }) {
  return (
    <div class="mon-panel-head">
      <div>
        <p class="eyebrow">Incidente N° {inc.id}</p>
        <h2 id={headingId}>
          <TypeTag type={inc.type} label={inc.type_label} />
        </h2>
        <p class="badges">
          <SeverityTag severity={inc.severity} type={inc.type} />
          <span class={`mon-state mon-state-tag-${inc.state}`} data-testid="incident-state">
            {stateLabel(inc.state)}
          </span>
          {inc.escalated && (
            <span class="mon-escalated">
              <span aria-hidden="true">⇧ </span>Escalada
            </span>
          )}
          {inc.count > 1 && <span class="mon-count">{repeatText(inc.count)} alertas agrupadas</span>}
        </p>
      </div>
      <button type="button" class="btn btn-ghost btn-icon" aria-label="Cerrar el panel del incidente" onClick={onClose}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}

export function IncidentPeople({ detail, error }: { detail: IncidentDetail | null; error: string | null }) {
  const victim = detail?.order;
  return (
    <section class="mon-people" aria-label="Personas de la orden">
      {!victim ? (
        error ? <ErrorAlert error={error} /> : <Loading label="Cargando personas…" />
      ) : (
        <>
          <Person role="Víctima" cls="victim" name={victim.victim_name} phone={victim.victim_phone} />
          <Person role="Agresor" cls="aggr" name={victim.aggressor_name} phone={victim.aggressor_phone} />
        </>
      )}
    </section>
  );
}

export function IncidentFacts({ inc, detail, now }: { inc: Incident; detail: IncidentDetail | null; now: number }) {
  return (
    <dl class="facts mon-facts">
      <div>
        <dt>Orden</dt>
        <dd>
          {inc.order_label}
          {detail?.order.court && <span class="cell-sub">{detail.order.court}</span>}
        </dd>
      </div>
      <div>
        <dt>Primera alerta</dt>
        <dd>
          {formatDateTime(new Date(inc.first_at), true)} <span class="cell-sub">{ageText(inc.first_at, now)}</span>
        </dd>
      </div>
      {(inc.place_at || inc.lat === null) && (
        <div data-testid="incident-place">
          <dt>Lugar</dt>
          <dd>
            <span class="mon-nofix-tag">sin GPS</span>{' '}
            {inc.place_at
              ? <>Último lugar conocido, fijado {ageText(inc.place_at, now)} <span class="cell-sub">{formatDateTime(new Date(inc.place_at), true)}</span></>
              : 'Sin lugar conocido: el dispositivo no ha tenido GPS'}
          </dd>
        </div>
      )}
      {inc.count > 1 && (
        <div>
          <dt>Última alerta</dt>
          <dd>
            {formatDateTime(new Date(inc.last_at), true)} <span class="cell-sub">{ageText(inc.last_at, now)}</span>
          </dd>
        </div>
      )}
      <div>
        <dt>Dispositivo</dt>
        <dd>
          {deviceKindLabel(inc.device_kind)} <span class="cell-sub mono">{inc.device_id}</span>
        </dd>
      </div>
      {inc.zone_label && (
        <div>
          <dt>Zona</dt>
          <dd>{inc.zone_label}</dd>
        </div>
      )}
      {inc.distance_m !== null && (
        <div>
          <dt>Distancia agresor–víctima</dt>
          <dd>
            <strong>{distanceText(inc.distance_m)}</strong>
            {detail?.order.min_distance_m ? <span class="cell-sub">Mínimo ordenado: {distanceText(detail.order.min_distance_m)}</span> : null}
          </dd>
        </div>
      )}
      {inc.battery !== null && (
        <div>
          <dt>Batería</dt>
          <dd>{Math.round(inc.battery)} %</dd>
        </div>
      )}
      {inc.outcome && (
        <div>
          <dt>Resultado</dt>
          <dd>{outcomeLabel(inc.outcome, inc.outcome_label)}</dd>
        </div>
      )}
    </dl>
  );
}

function Person(props: { role: string; cls: string; name: string; phone: string | null }) {
  return (
    <div class={`mon-person mon-person-${props.cls}`}>
      <span class="mon-person-role">
        <span aria-hidden="true" class="mon-person-shape" />
        {props.role}
      </span>
      <strong class="mon-person-name">{props.name}</strong>
      {props.phone ? (
        <a class="mon-phone" href={telHref(props.phone)} data-external="">
          <span aria-hidden="true">☎ </span>
          {props.phone}
        </a>
      ) : (
        <span class="cell-sub">Sin teléfono registrado</span>
      )}
    </div>
  );
}

