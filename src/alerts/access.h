// Object rules of the early alerts, in one place: which alerts a viewer sees. The alerts API (inbox,
// one alert, take, close) and the case registry's person view both ask here, so an alert hidden by
// one is hidden by the other. Who may change an alert is "who may see it" plus the route's
// permission (alerts.respond).
#pragma once
#include <cstdint>
#include <string>

#include "store/query.h"

namespace eq::alerts::access {

// Viewer 0 is the national control centre («alerts.handle»): every alert. Any other institution
// sees the alerts it is responsible for and those about persons it served when they were raised
// (or that it served afterwards: alerts_person_institutions).
inline constexpr int64_t kControlCentre = 0;
inline int64_t viewer(int64_t institution_id, bool control_centre) { return control_centre ? kControlCentre : institution_id; }

// SQL condition over alias `a` (alerts), to append after WHERE/AND, and its parameters.
inline const char* visible_sql() {
  return " (:vis_all = 0 OR a.institution_id = :vis_inst OR EXISTS (SELECT 1 FROM alerts_person_institutions pi "
         "WHERE pi.person_id = a.person_id AND pi.institution_id = :vis_inst2))";
}
inline store::Query& bind_visible(store::Query& q, int64_t viewer) {
  return q.bind("vis_all", static_cast<long long>(viewer))
      .bind("vis_inst", static_cast<long long>(viewer))
      .bind("vis_inst2", static_cast<long long>(viewer));
}

}  // namespace eq::alerts::access
