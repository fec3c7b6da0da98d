// Human decisions on record linkage: the review queue (two identities side by side), merges and
// their undoing. Every change is logged in cases_links so it can be reversed, and audited.
#include <algorithm>
#include <set>

#include "cases/module.h"
#include "core/time.h"

namespace eq::cases {

using Json = nlohmann::json;

namespace {

// Field-by-field comparison for the side-by-side screen. `b_full`: whether the reviewer may see the
// candidate's identifying and contact data; when not, those fields are withheld and never compared
// (an equality flag would confirm a guessed RUN or phone just as well as showing it).
Json compare(const PersonIdentity& a, const PersonIdentity& b, bool b_full) {
  static const std::set<std::string> shared = {"given_names", "surname1", "surname2", "birth_date", "sex", "comuna_id"};
  Json rows = Json::array();
  auto row = [&](const char* field, const char* label, const std::string& x, const std::string& y) {
    if (!b_full && !shared.count(field)) {
      rows.push_back({{"field", field}, {"label", label}, {"left", x}, {"right", nullptr}, {"same", false}, {"missing", false},
                      {"withheld", true}});
      return;
    }
    rows.push_back({{"field", field}, {"label", label}, {"left", x}, {"right", y},
                    {"same", !x.empty() && x == y}, {"missing", x.empty() || y.empty()}});
  };
  row("run", "RUN", a.run + (a.run.empty() || a.run_valid ? "" : " (dígito verificador inválido)"),
      b.run + (b.run.empty() || b.run_valid ? "" : " (dígito verificador inválido)"));
  row("other_document", "Otro documento", a.other_document, b.other_document);
  row("given_names", "Nombres", a.given_names, b.given_names);
  row("surname1", "Primer apellido", a.surname1, b.surname1);
  row("surname2", "Segundo apellido", a.surname2, b.surname2);
  row("birth_date", "Fecha de nacimiento", birth_text(a), birth_text(b));
  row("sex", "Sexo registral", a.sex, b.sex);
  row("nationality", "Nacionalidad", a.nationality, b.nationality);
  row("comuna_id", "Comuna", a.comuna_id, b.comuna_id);
  row("phone", "Teléfono", a.phone, b.phone);
  row("address", "Dirección", a.address, b.address);
  return rows;
}

}  // namespace

Result<Json> Service::reviews(const http::Request& req, const std::string& state) {
  if (!state.empty() && state != "pendiente" && state != "misma_persona" && state != "distintas")
    return fail(Error::bad_request("invalid_parameter", "El estado debe ser pendiente, misma_persona o distintas.", "state"));
  Actor a{req.who().user_id, req.who().institution_id, &req};
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    const int64_t now = now_ms();
    Json items = Json::array();
    for (const auto& r : repo_.reviews(s, a.institution_id, state)) {
      auto ident = repo_.identity(s, r.identity_id);
      // Names only: the shared minimum, whoever serves the candidate (access.h).
      items.push_back({{"id", r.id}, {"state", r.state}, {"weight", r.weight}, {"created", format_datetime_cl(r.created_at)},
                       {"person_id", r.person_id}, {"candidate_person_id", r.candidate_person_id},
                       {"name", ident ? display_name(ident->identity) : std::string()},
                       {"candidate_name", display_name(best_identity(s, r.candidate_person_id))}});
      repo_.log_access(s, {0, r.candidate_person_id, a.user_id, a.institution_id, now, "review_list:" + std::to_string(r.id), false});
    }
    audit(s, a, "case.review_list", "", state);
    return Json{{"items", items}};
  });
}

Result<Json> Service::review(const http::Request& req, int64_t id) {
  Actor a{req.who().user_id, req.who().institution_id, &req};
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto r = repo_.review(s, id);
    if (!r || !access::owns_review(viewer(a), *r))
      return fail(Error::not_found("No existe una revisión de vinculación con ese número para su institución."));
    const int64_t now = now_ms();
    auto ident = repo_.identity(s, r->identity_id);
    PersonIdentity left = ident ? ident->identity : PersonIdentity();
    // The candidate as the reviewer's institution may see her, nothing more (access.h).
    const auto candidate = repo_.resolve_person(s, r->candidate_person_id).value_or(r->candidate_person_id);
    const bool right_full = access::person(s, repo_, viewer(a), candidate, now, options_.limits).full_identity();
    PersonIdentity right = best_identity(s, candidate);
    for (auto pid : {r->person_id, candidate})
      repo_.log_access(s, {0, pid, a.user_id, a.institution_id, now, "review:" + std::to_string(id), pid == r->person_id || right_full});
    audit(s, a, "case.review_read", "case_review:" + std::to_string(id));
    Json l = access::identity_view(left, true), rj = access::identity_view(right, right_full);
    return Json{{"id", r->id}, {"state", r->state}, {"weight", r->weight}, {"note", r->note},
                {"created", format_datetime_cl(r->created_at)},
                {"left", {{"person_id", r->person_id}, {"identity", l}, {"records", repo_.records_of_person(s, r->person_id).size()}}},
                {"right", {{"person_id", r->candidate_person_id}, {"identity", rj}, {"identity_masked", !right_full},
                           {"records", repo_.records_of_person(s, candidate).size()}}},
                {"comparison", compare(left, right, right_full)}};
  });
}

Result<Json> Service::decide(const http::Request& req, int64_t id, const std::string& decision, const std::string& note) {
  if (decision != "misma_persona" && decision != "distintas")
    return fail(Error::invalid("decision", "La decisión debe ser misma_persona o distintas.", "invalid_value"));
  if (note.size() > 1000) return fail(Error::invalid("note", "La nota admite como máximo 1000 caracteres.", "too_long"));
  Actor a{req.who().user_id, req.who().institution_id, &req};
  Pending pending;
  auto out = db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto r = repo_.review(s, id);
    if (!r || !access::owns_review(viewer(a), *r))
      return fail(Error::not_found("No existe una revisión de vinculación con ese número para su institución."));
    if (r->state != "pendiente") return fail(Error::conflict("already_decided", "Esta revisión ya fue resuelta."));
    const int64_t now = now_ms();
    Json result = {{"id", id}, {"state", decision}};
    if (decision == "misma_persona") {
      auto from = repo_.resolve_person(s, r->person_id), to = repo_.resolve_person(s, r->candidate_person_id);
      if (!from || !to) return fail(Error::conflict("person_gone", "Una de las personas ya no existe en el registro."));
      if (*from == *to) return fail(Error::conflict("already_same", "Ambos registros ya pertenecen a la misma persona."));
      // Same person twice in one record with one role would break the record; a human must split it first.
      for (const auto& rf : repo_.records_of_person(s, *from))
        for (const auto& p : rf.persons)
          if (p.person_id == *to)
            return fail(Error::conflict("same_record", "Ambas personas figuran en el registro N° " + std::to_string(rf.id) +
                                                           "; no pueden ser la misma persona sin corregirlo antes."));
      const auto serving = repo_.institutions_serving(s, *to);
      // A human "same person" gives no more than an automatic probable match would (access.h): the
      // reviewer's records about her become linked unless it identified her by RUN or document.
      const std::string basis = access::review_merge_basis(s, repo_, viewer(a), *from, *to);
      Json rebased = basis.empty() ? Json::array() : repo_.rebase_memberships(s, *from, a.institution_id, basis);
      Json moved = repo_.move_person(s, *from, *to);
      moved["bases"] = rebased;  // restored by an undo
      // The institutions that serve her hear that another one joined its record to her file.
      auto inst = directory_.institution_names({a.institution_id});
      const std::string who = inst.count(a.institution_id) ? inst[a.institution_id] : std::string("Otra institución");
      if (basis == access::kLinked)
        notify_serving(s, a, *to, serving, "review_merge_linked",
                       who + " decidió en su cola de revisión que un registro suyo corresponde a la persona de la ficha N° " +
                           std::to_string(*to) + ", sin RUN ni documento: ve solo sus datos mínimos. Si no es así, avise a esa "
                           "institución.",
                       now);
      else
        notify_serving(s, a, *to, serving, "review_merge",
                       who + " decidió en su cola de revisión que un registro suyo corresponde a la persona de la ficha N° " +
                           std::to_string(*to) + "; desde ahora también la atiende. Si no es así, avise a esa institución.",
                       now);
      repo_.set_merged_into(s, *from, *to);
      Link link;
      link.kind = "review";
      link.from_person_id = *from;
      link.to_person_id = *to;
      link.moved = moved;
      link.weight = r->weight;
      link.actor_user_id = a.user_id;
      link.institution_id = a.institution_id;
      link.reason = note;
      link.created_at = now;
      result["link_id"] = repo_.insert_link(s, link);
      result["person_id"] = *to;
      result["basis"] = basis.empty() ? Json(nullptr) : Json(basis);
      for (const auto& i : moved["identities"]) pending.moves.push_back({i.get<int64_t>(), *to});
      // The merged history may now meet a rule (e.g. three contacts in 30 days across institutions).
      for (const auto& rr : moved["records"])
        if (auto rec = repo_.record(s, rr[0].get<int64_t>())) raise_alerts(s, *rec);
    }
    repo_.decide_review(s, id, decision, a.user_id, note, now);
    audit(s, a, "case.review_decide", "case_review:" + std::to_string(id), decision);
    return result;
  });
  if (out) apply(pending);
  return out;
}

Result<Json> Service::undo_link(const http::Request& req, int64_t link_id, const std::string& reason) {
  if (reason.size() < 10) return fail(Error::invalid("reason", "Explique por qué se deshace la vinculación (al menos 10 caracteres).", "too_short"));
  if (reason.size() > 1000) return fail(Error::invalid("reason", "El motivo admite como máximo 1000 caracteres.", "too_long"));
  Actor a{req.who().user_id, req.who().institution_id, &req};
  Pending pending;
  auto out = db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto l = repo_.link(s, link_id);
    if (!l || l->kind == "undo" || !access::owns_link(viewer(a), l->institution_id))
      return fail(Error::not_found("No existe una vinculación con ese número hecha por su institución."));
    if (l->undone_by) return fail(Error::conflict("already_undone", "Esta vinculación ya fue deshecha."));
    const int64_t now = now_ms();
    int64_t back_to = l->from_person_id;
    if (l->kind == "auto") back_to = repo_.insert_person(s, a.institution_id, now);  // split: she was never the same person
    else repo_.set_merged_into(s, l->from_person_id, std::nullopt);
    for (const auto& i : l->moved["identities"]) {
      repo_.move_identity(s, i.get<int64_t>(), back_to);
      pending.moves.push_back({i.get<int64_t>(), back_to});
    }
    repo_.move_records(s, l->moved["records"], l->to_person_id, back_to);
    // Her own woman again: the memberships a review made linked serve as they did before it.
    if (l->moved.contains("bases"))
      for (const auto& b : l->moved["bases"])
        repo_.set_basis(s, b[0].get<int64_t>(), back_to, b[1].get<std::string>(), b[2].get<std::string>());
    Link undo;
    undo.kind = "undo";
    undo.from_person_id = l->to_person_id;
    undo.to_person_id = back_to;
    undo.moved = l->moved;
    undo.actor_user_id = a.user_id;
    undo.institution_id = a.institution_id;
    undo.reason = reason;
    undo.created_at = now;
    const int64_t undo_id = repo_.insert_link(s, undo);
    repo_.mark_undone(s, link_id, undo_id);
    audit(s, a, "case.link_undo", "case_link:" + std::to_string(link_id));
    return Json{{"link_id", link_id}, {"undo_id", undo_id}, {"person_id", back_to}, {"from_person_id", l->to_person_id}};
  });
  if (out) apply(pending);
  return out;
}

}  // namespace eq::cases
