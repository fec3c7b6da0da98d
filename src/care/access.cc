#include "care/access.h"

namespace eq::care::access {

bool staff_of(const http::Principal& who, const Place& p) {
  return who.can("care.house") && p.institution_id && *p.institution_id == who.institution_id;
}

bool may_read_address(const http::Principal& who, const Place& p, const std::vector<Placement>& her_placements_there) {
  if (p.is_public()) return true;
  if (staff_of(who, p)) return true;
  if (!who.can("care.refer")) return false;
  for (const auto& pl : her_placements_there)
    if (pl.place_id == p.id && pl.from_institution_id == who.institution_id && (pl.state == "aceptada" || pl.state == "ingresada"))
      return true;
  return false;
}

bool may_report_capacity(const http::Principal& who, const Place& p) { return !p.is_public() && staff_of(who, p); }

bool may_see_placement(const http::Principal& who, const Placement& pl, const Place& p) {
  return (who.can("care.refer") && pl.from_institution_id == who.institution_id) || staff_of(who, p);
}

bool may_answer_placement(const http::Principal& who, const Place& p) { return staff_of(who, p); }

}  // namespace eq::care::access
