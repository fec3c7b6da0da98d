// The registry's items on a case worker's home page: referrals waiting for her institution, those
// past their deadline, uncertain matches to review, and emergency accesses to people it serves.
#include "cases/module.h"
#include "core/time.h"

namespace eq::cases {

namespace {
nlohmann::json item(const std::string& kind, const std::string& title, const std::string& detail, int64_t value,
                    const std::string& link, const std::string& severity) {
  return {{"kind", kind}, {"title", title}, {"detail", detail}, {"value", value}, {"link", link}, {"severity", severity}};
}
}  // namespace

Result<std::vector<nlohmann::json>> Service::home_items(const http::Request& req) {
  const auto& p = req.who();
  std::vector<nlohmann::json> out;
  if (!p.can("cases.read") && !p.can("users.manage")) return out;
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  if (!p.can("cases.read")) {
    // The institution's administrators hear of accounts stopped for reading the registry in bulk.
    try {
      int64_t bulk = 0;
      std::string latest;  // newest first: names the account
      const int64_t week = now_ms() - 7LL * 24 * 3600 * 1000;
      for (const auto& n : repo_.notifications(**lease, p.institution_id, 100))
        if (n.kind == "bulk_read" && n.created_at > week && bulk++ == 0) latest = n.message;
      if (bulk > 0)
        out.push_back(item("notice", "Lecturas masivas del registro de casos (7 días)", latest, bulk, "/admin/usuarios", "critical"));
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
    return out;
  }
  try {
    soci::session& s = **lease;
    const int64_t now = now_ms();
    int64_t waiting = 0, late = 0;
    for (const auto& r : repo_.referrals(s, p.institution_id, true)) {
      const auto& d = r.details;
      const bool acked = d.contains("acknowledged_at") && d["acknowledged_at"].is_number();
      const bool contacted = d.contains("first_contact_at") && d["first_contact_at"].is_number();
      if (contacted) continue;
      ++waiting;
      const int64_t due = d.value(acked ? "first_contact_due_at" : "ack_due_at", int64_t{0});
      if (due && due < now) ++late;
    }
    if (late > 0)
      out.push_back(item("task", "Derivaciones con plazo vencido", "Mujeres derivadas a su institución que esperan acuse o primer contacto.",
                         late, "/casos/derivaciones", "critical"));
    out.push_back(item(waiting ? "task" : "metric", "Derivaciones por atender", "Recibidas de otras instituciones, sin primer contacto aún.",
                       waiting, "/casos/derivaciones", waiting ? "warning" : "info"));
    if (p.can("cases.write")) {
      auto pending = repo_.reviews(s, p.institution_id, "pendiente");
      if (!pending.empty())
        out.push_back(item("task", "Vinculaciones por revisar",
                           "Registros que podrían ser de una persona ya registrada: compárelos y decida.",
                           static_cast<int64_t>(pending.size()), "/casos/revisiones", "warning"));
    }
    int64_t emergencies = 0, bulk = 0;
    for (const auto& n : repo_.notifications(s, p.institution_id, 100)) {
      if (n.created_at <= now - 7LL * 24 * 3600 * 1000) continue;
      if (n.kind == "emergency_access" || n.kind == "emergency_record") ++emergencies;
      if (n.kind == "bulk_read") ++bulk;
    }
    if (bulk > 0 && p.can("users.manage"))
      out.push_back(item("notice", "Lecturas masivas del registro de casos (7 días)",
                         "Cuentas de su institución abrieron muchas fichas distintas en poco tiempo y fueron detenidas.", bulk,
                         "/casos", "critical"));
    if (emergencies > 0)
      out.push_back(item("notice", "Accesos de emergencia a personas que atiende (7 días)",
                         "Otra institución abrió la ficha completa con un motivo registrado; revise el registro de accesos.", emergencies,
                         "/casos", "warning"));
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

}  // namespace eq::cases
