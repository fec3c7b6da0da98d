// Object rules of policy tracking (see access.h).
#include "policy/access.h"

namespace eq::policy {


Result<void> may_report(const http::Principal& p, const ItemScope& item) {
  if (!p.can("policy.report")) return fail(Error::forbidden());
  if (!item.institutions.count(p.institution_id))
    return fail(Error{403, "forbidden_item", "Solo puede reportar sobre ítems de los que su institución es responsable.", "item_id"});
  if (!p.region_id.empty() && !item.region_id.empty() && item.region_id != p.region_id)
    return fail(Error{403, "forbidden_item", "Solo puede reportar sobre ítems de su región.", "item_id"});
  return {};
}

Result<void> may_review(const http::Principal& p, int64_t submitted_by) {
  if (!p.can("policy.validate")) return fail(Error::forbidden());
  if (p.user_id == submitted_by)
    return fail(Error{403, "own_report", "No puede validar ni devolver un reporte enviado por usted.", "report_id"});
  return {};
}

Sight sight_of(const http::Principal& p, int64_t report_institution, bool validated) {
  if (p.can("policy.validate") || p.institution_id == report_institution) return Sight::full;
  if (validated) return Sight::validated_only;
  return Sight::none;
}

Sight public_sight(bool validated) { return validated ? Sight::validated_only : Sight::none; }

std::optional<int64_t> list_scope(const http::Principal& p) {
  if (!p.can("policy.validate")) return p.institution_id;
  return std::nullopt;
}

namespace {
bool responsible(const http::Principal& p, const std::vector<int64_t>& institutions) {
  for (auto i : institutions)
    if (i == p.institution_id) return true;
  return false;
}
Error no_service() { return Error::not_found("No existe un servicio PMG con ese identificador."); }
}  // namespace

Result<void> may_file_pmg(const http::Principal& p, const std::vector<int64_t>& service_institutions) {
  if (!p.can("policy.report")) return fail(Error::forbidden());
  if (!responsible(p, service_institutions)) return fail(no_service());
  return {};
}

Result<void> may_review_pmg(const http::Principal& p, int64_t filing_institution) {
  if (!p.can("policy.validate")) return fail(Error::forbidden());
  if (p.institution_id == filing_institution)
    return fail(Error{403, "own_service", "No puede revisar una presentación PMG del servicio de su propia institución.", "filing_id"});
  return {};
}

Result<void> may_read_pmg(const http::Principal& p, const std::vector<int64_t>& service_institutions) {
  if (p.can("policy.validate") || (p.can("policy.report") && responsible(p, service_institutions))) return {};
  return fail(no_service());
}

}  // namespace eq::policy
