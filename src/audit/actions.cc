#include "audit/actions.h"

namespace eq::audit {

const std::vector<ActionLabel>& action_labels() {
  // Codes built at run time are listed one by one: "monitoring.incident_" + the step
  // (monitoring/incidents.cc), "monitoring.dispatch_" + the state, the live streams' "_open"/"_close",
  // and "http." + the router's refusal reason (app/app.cc).
  static const std::vector<ActionLabel> labels = {
      // Access and accounts
      {"auth.login", "Ingreso al sistema", "Acceso y cuentas"},
      {"auth.totp", "Verificación en dos pasos", "Acceso y cuentas"},
      {"auth.totp_enrol", "Activación de la verificación en dos pasos", "Acceso y cuentas"},
      {"auth.recovery_codes", "Generación de códigos de recuperación", "Acceso y cuentas"},
      {"auth.logout", "Cierre de sesión", "Acceso y cuentas"},
      {"auth.logout_all", "Cierre de todas las sesiones", "Acceso y cuentas"},
      {"auth.session_revoke", "Cierre de una sesión desde «Mis sesiones»", "Acceso y cuentas"},
      {"auth.session_suspicious", "Sesión sospechosa detenida", "Acceso y cuentas"},
      {"user.list", "Consulta de cuentas", "Acceso y cuentas"},
      {"user.read", "Consulta de una cuenta", "Acceso y cuentas"},
      {"user.create", "Creación de una cuenta", "Acceso y cuentas"},
      {"user.update", "Modificación de una cuenta", "Acceso y cuentas"},
      {"user.enable", "Reactivación de una cuenta", "Acceso y cuentas"},
      {"user.disable", "Desactivación de una cuenta", "Acceso y cuentas"},
      {"user.password", "Asignación de contraseña desde la consola", "Acceso y cuentas"},
      {"user.password_change", "Cambio de la propia contraseña", "Acceso y cuentas"},
      {"user.totp_set", "Asignación del segundo factor desde la consola", "Acceso y cuentas"},
      {"user.totp_reset", "Restablecimiento del segundo factor", "Acceso y cuentas"},
      {"token.create", "Creación de una credencial de acceso", "Acceso y cuentas"},
      {"token.revoke", "Revocación de una credencial de acceso", "Acceso y cuentas"},
      {"institution.create", "Creación de una institución", "Acceso y cuentas"},
      {"institution.update", "Modificación de una institución", "Acceso y cuentas"},
      // Refusals by the router, before any module runs
      {"http.unauthenticated", "Solicitud rechazada: sin sesión válida", "Solicitudes rechazadas"},
      {"http.denied", "Solicitud rechazada: sin el permiso necesario", "Solicitudes rechazadas"},
      {"http.csrf", "Solicitud rechazada: sin protección contra falsificación (CSRF)", "Solicitudes rechazadas"},
      {"http.rate_limited", "Solicitud rechazada: demasiadas solicitudes", "Solicitudes rechazadas"},
      // The audit log and the keys
      {"audit.read", "Consulta de la auditoría", "Auditoría y claves"},
      {"audit.verify", "Verificación de la integridad de la auditoría", "Auditoría y claves"},
      {"audit.sealed", "Inicio del sellado de la auditoría", "Auditoría y claves"},
      {"keys.rotate", "Rotación de la clave de cifrado", "Auditoría y claves"},
      // Case registry
      {"case.search", "Búsqueda de personas en el registro", "Registro de casos"},
      {"case.person_read", "Consulta de la ficha de una persona", "Registro de casos"},
      {"case.record_read", "Consulta de un registro de caso", "Registro de casos"},
      {"case.court_order_read", "Consulta de una medida de protección para el monitoreo telemático", "Registro de casos"},
      {"case.record_create", "Ingreso de un registro de caso", "Registro de casos"},
      {"case.emergency_access", "Acceso de emergencia a una ficha", "Registro de casos"},
      {"case.access_log_read", "Consulta de los accesos a una ficha", "Registro de casos"},
      {"case.bulk_read", "Lectura masiva detenida", "Registro de casos"},
      {"case.review_list", "Consulta de la cola de posibles duplicados", "Registro de casos"},
      {"case.review_read", "Consulta de un posible duplicado", "Registro de casos"},
      {"case.review_decide", "Decisión sobre un posible duplicado", "Registro de casos"},
      {"case.link_undo", "Deshacer la unión de dos fichas", "Registro de casos"},
      {"case.referral_list", "Consulta de derivaciones", "Registro de casos"},
      {"case.referral_ack", "Recepción de una derivación", "Registro de casos"},
      {"case.referral_first_contact", "Primer contacto de una derivación", "Registro de casos"},
      // Early alerts
      {"alert.raise", "Generación de una alerta temprana", "Alertas tempranas"},
      {"alert.read", "Consulta de alertas de una persona", "Alertas tempranas"},
      {"alert.take", "Toma de una alerta temprana", "Alertas tempranas"},
      {"alert.escalate", "Escalamiento de una alerta temprana", "Alertas tempranas"},
      {"alert.close", "Cierre de una alerta temprana", "Alertas tempranas"},
      {"alert_rule.update", "Modificación de una regla de alerta", "Alertas tempranas"},
      {"alert_rule.dry_run", "Prueba de una regla de alerta sobre la historia", "Alertas tempranas"},
      // Monitoring of protective orders
      {"monitoring.orders_read", "Consulta de órdenes monitoreadas", "Monitoreo"},
      {"monitoring.order_read", "Consulta de una orden monitoreada", "Monitoreo"},
      {"monitoring.order_create", "Creación de una orden monitoreada", "Monitoreo"},
      {"monitoring.order_end", "Término de una orden monitoreada", "Monitoreo"},
      {"monitoring.zone_create", "Creación de una zona de exclusión", "Monitoreo"},
      {"monitoring.device_create", "Registro de un dispositivo", "Monitoreo"},
      {"monitoring.device_denied", "Dispositivo rechazado", "Monitoreo"},
      {"monitoring.trail_read", "Consulta del recorrido de posiciones", "Monitoreo"},
      {"monitoring.purge_positions", "Eliminación de posiciones antiguas", "Monitoreo"},
      {"monitoring.console_read", "Apertura del centro de control", "Monitoreo"},
      {"monitoring.incidents_read", "Consulta de incidentes", "Monitoreo"},
      {"monitoring.incident_read", "Consulta de un incidente", "Monitoreo"},
      {"monitoring.incident_tomar", "Toma de un incidente", "Monitoreo"},
      {"monitoring.incident_llamada_victima", "Llamada a la víctima", "Monitoreo"},
      {"monitoring.incident_llamada_agresor", "Llamada al agresor", "Monitoreo"},
      {"monitoring.incident_nota", "Nota en un incidente", "Monitoreo"},
      {"monitoring.incident_cerrar", "Cierre de un incidente", "Monitoreo"},
      {"monitoring.escalate", "Escalamiento automático de un incidente", "Monitoreo"},
      {"monitoring.evidence_export", "Exportación de la evidencia de un incidente", "Monitoreo"},
      {"monitoring.dispatch", "Despacho de una unidad", "Monitoreo"},
      {"monitoring.redispatch", "Redespacho a otra unidad", "Monitoreo"},
      {"monitoring.dispatches_read", "Consulta de despachos de la unidad", "Monitoreo"},
      {"monitoring.dispatch_aceptado", "Despacho aceptado por la unidad", "Monitoreo"},
      {"monitoring.dispatch_en_camino", "Unidad en camino", "Monitoreo"},
      {"monitoring.dispatch_en_sitio", "Unidad en el sitio", "Monitoreo"},
      {"monitoring.dispatch_cerrado", "Cierre de un despacho", "Monitoreo"},
      {"monitoring.live_open", "Apertura de la vista en vivo del centro de control", "Monitoreo"},
      {"monitoring.live_close", "Cierre de la vista en vivo del centro de control", "Monitoreo"},
      {"monitoring.unit_live_open", "Apertura de la vista en vivo de la unidad", "Monitoreo"},
      {"monitoring.unit_live_close", "Cierre de la vista en vivo de la unidad", "Monitoreo"},
      {"monitoring.demo_load", "Carga de datos de demostración de monitoreo", "Monitoreo"},
      // Public policy follow-up
      {"policy.instrument_create", "Creación de un instrumento de política", "Políticas públicas"},
      {"policy.item_create", "Creación de una medida", "Políticas públicas"},
      {"policy.item_update", "Modificación de una medida", "Políticas públicas"},
      {"policy.item_import", "Importación de medidas", "Políticas públicas"},
      {"policy.focal_point_import", "Importación de enlaces ministeriales", "Políticas públicas"},
      {"policy.period_create", "Apertura de un período de reporte", "Políticas públicas"},
      {"policy.period_reopen", "Reapertura de un período de reporte", "Políticas públicas"},
      {"policy.report_submit", "Envío de un reporte de avance", "Políticas públicas"},
      {"policy.report_resubmit", "Reenvío de un reporte de avance", "Políticas públicas"},
      {"policy.report_validate", "Validación de un reporte de avance", "Políticas públicas"},
      {"policy.report_return", "Devolución de un reporte de avance", "Políticas públicas"},
      {"policy.evidence_upload", "Carga de un medio de verificación", "Políticas públicas"},
      {"policy.bill_link", "Vínculo de una medida con un proyecto de ley", "Políticas públicas"},
      {"policy.bill_unlink", "Retiro del vínculo con un proyecto de ley", "Políticas públicas"},
      {"policy.demo_load", "Carga de datos de demostración de políticas", "Políticas públicas"},
      // Gender indicators
      {"indicators.filings_import", "Importación de declaraciones de género de empresas", "Indicadores de género"},
      {"indicators.filings_rejected", "Importación de declaraciones rechazada por errores bloqueantes", "Indicadores de género"},
      {"indicators.filings_read", "Consulta de indicadores por empresa", "Indicadores de género"},
      {"indicators.values_upload", "Carga de valores de un indicador del catálogo", "Indicadores de género"},
      {"indicators.reminder", "Recordatorio de período vencido de un indicador", "Indicadores de género"},
      {"indicators.demo_load", "Carga de datos de demostración de indicadores", "Indicadores de género"},
      // Legislative agenda
      {"legislative.bill_create", "Registro de un proyecto de ley", "Agenda legislativa"},
      {"legislative.stage_change", "Cambio de etapa de un proyecto de ley", "Agenda legislativa"},
      {"legislative.urgency_set", "Asignación de urgencia", "Agenda legislativa"},
      {"legislative.urgency_renew", "Renovación de urgencia", "Agenda legislativa"},
      {"legislative.urgency_withdraw", "Retiro de urgencia", "Agenda legislativa"},
      {"legislative.note", "Nota en un proyecto de ley", "Agenda legislativa"},
      {"legislative.demo_load", "Carga de datos de demostración legislativos", "Agenda legislativa"},
  };
  return labels;
}

std::optional<std::string> action_label(std::string_view code) {
  for (const auto& a : action_labels())
    if (a.code == code) return std::string(a.label);
  return std::nullopt;
}

}  // namespace eq::audit
