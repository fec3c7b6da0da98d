// Object rules of the network of care: who may see or change THIS place or placement. Every route
// naming a place or a placement asks here (the route table says only who may call at all).
//
//   public entry   centros and CAVAS: anyone, with address and position.
//   casa           exists inside for care.read (capacity, region, comuna, rules), never its address
//                  nor position; the address goes only to the house's own staff (care.house in the
//                  institution that runs it) and to the case worker whose placement there is
//                  accepted or under way (she must take the woman there). Every read is audited.
//   capacity       only the house's own staff report it.
//   placement      the referring institution and the receiving house see it; only the receiving
//                  house answers it or records entry and exit.
#pragma once
#include "care/module.h"

namespace eq::care::access {

bool staff_of(const http::Principal& who, const Place& p);
bool may_read_address(const http::Principal& who, const Place& p, const std::vector<Placement>& her_placements_there);
bool may_report_capacity(const http::Principal& who, const Place& p);
bool may_see_placement(const http::Principal& who, const Placement& pl, const Place& p);
bool may_answer_placement(const http::Principal& who, const Place& p);

}  // namespace eq::care::access
