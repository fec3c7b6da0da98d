// Records in: validation, linkage of every person, storage, alerts, audit — in one transaction, so
// a rejected record leaves nothing behind. The linkage index changes only after the commit.
#include <algorithm>

#include "cases/module.h"
#include "cases/run_check.h"
#include "http/fields.h"
#include "core/text.h"
#include "core/time.h"
#include "risk/instrument.h"
#include "store/query.h"

namespace eq::cases {

using Json = nlohmann::json;

Service::Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, std::shared_ptr<territory::Service> territory,
                 Directory directory, std::shared_ptr<const risk::Instrument> instrument, Options options)
    : db_(db),
      repo_(keys),
      audit_(audit),
      territory_(std::move(territory)),
      directory_(std::move(directory)),
      instrument_(std::move(instrument)),
      options_(options),
      index_(std::make_unique<linkage::Index>()) {}

Result<size_t> Service::load_index() {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    size_t n = 0;
    repo_.each_identity(**lease, [&](const StoredIdentity& i) {
      index_->add(i.person_id, i.id, to_linkage(i.identity));
      ++n;
    });
    return n;
  } catch (const soci::soci_error& e) {
    return fail(store::database_error(e));
  } catch (const std::runtime_error& e) {
    return fail(Error{500, "key_file", std::string("No se pudo cargar el índice de personas: ") + e.what(), "keys"});
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

void Service::apply(const Pending& p) {
  for (const auto& a : p.adds) index_->add(a.person_id, a.identity_id, a.identity);
  for (const auto& [identity, person] : p.moves) index_->move_variant(identity, person);
}

History Service::history(soci::session& s, int64_t person_id) {
  History h;
  h.person_id = person_id;
  h.comuna_id = best_identity(s, person_id).comuna_id;
  h.records = repo_.records_of_person(s, person_id);
  return h;
}
std::vector<int64_t> Service::person_ids(soci::session& s) { return repo_.person_ids(s); }
std::vector<int64_t> Service::institutions_serving(soci::session& s, int64_t person_id) {
  return repo_.institutions_serving(s, person_id);
}
void Service::log_read(soci::session& s, int64_t person_id, int64_t user_id, int64_t institution_id, const std::string& action) {
  repo_.log_access(s, {0, person_id, user_id, institution_id, now_ms(), action, false});
}

access::Viewer Service::viewer(const Actor& a) const {
  return {a.user_id, a.institution_id, a.req && a.req->who().can("alerts.handle")};
}

void Service::notify_serving(soci::session& s, const Actor& a, int64_t person_id, const std::vector<int64_t>& to,
                             const std::string& kind, const std::string& message, int64_t now) {
  for (auto i : to)
    if (i != a.institution_id) repo_.notify(s, {0, i, person_id, now, kind, message, std::nullopt, std::nullopt});
}

std::optional<Error> Service::throttle(soci::session& s, const Actor& a, int64_t person_id, int64_t now) {
  const auto& l = options_.limits;
  if (!access::over_bulk_limit(s, repo_, viewer(a), person_id, now, l)) return std::nullopt;
  const int64_t minutes = l.bulk_window_ms / 60000;
  if (!repo_.notified_since(s, a.institution_id, "bulk_read", a.user_id, now - l.bulk_window_ms)) {
    auto who = directory_.user_names ? directory_.user_names({a.user_id}) : std::map<int64_t, std::string>();
    repo_.notify(s, {0, a.institution_id, 0, now, "bulk_read",
                     "Lectura masiva del registro: " + (who.count(a.user_id) ? who[a.user_id] : "la cuenta N° " + std::to_string(a.user_id)) +
                         " abrió " + std::to_string(l.bulk_persons) + " fichas distintas en menos de " + std::to_string(minutes) +
                         " minutos y fue detenida. Revise si corresponde a su trabajo; si no, desactive la cuenta.",
                     std::nullopt, a.user_id});
    audit::Entry e = a.req ? audit::Log::from(*a.req, "case.bulk_read", "user:" + std::to_string(a.user_id), "denied") : audit::Entry{};
    e.detail = std::to_string(l.bulk_persons) + " personas en " + std::to_string(minutes) + " min";
    audit_.append(s, e);
  }
  return Error{429, "too_many_persons",
               "Abrió demasiadas fichas distintas en poco tiempo (" + std::to_string(l.bulk_persons) + " en " + std::to_string(minutes) +
                   " minutos). Espere unos minutos; se avisó a la administración de su institución.",
               {}};
}

nlohmann::json refusal(const Error& e) {
  return {{"__refusal", {{"status", e.status}, {"code", e.code}, {"message", e.message}, {"field", e.field}}}};
}
Result<nlohmann::json> unwrap_refusal(Result<nlohmann::json> r) {
  if (!r || !r->is_object() || !r->contains("__refusal")) return r;
  const auto& x = (*r)["__refusal"];
  return fail(Error{x["status"].get<int>(), x["code"].get<std::string>(), x["message"].get<std::string>(), x["field"].get<std::string>()});
}

PersonIdentity Service::best_identity(soci::session& s, int64_t person_id) const {
  // Names as written beside a valid RUN first (copied from an identity document); then newest
  // first, because the latest record knows the current phone and comuna; older ones fill gaps.
  auto all = repo_.identities_of(s, person_id);
  PersonIdentity out;
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if (it->identity.run_valid) {
      out = it->identity;
      break;
    }
  for (auto it = all.rbegin(); it != all.rend(); ++it) complete(out, it->identity);
  return out;
}

void Service::audit(soci::session& s, const Actor& a, const std::string& action, const std::string& object, const std::string& detail) {
  audit::Entry e;
  if (a.req) e = audit::Log::from(*a.req, action, object);
  else {
    e.actor_user_id = a.user_id;
    e.actor_institution_id = a.institution_id;
    e.action = action;
    e.object = object;
    e.outcome = "ok";
  }
  e.detail = detail;
  audit_.append(s, e);
}

nlohmann::json alert_summary(const AlertSummary& a) {
  return {{"id", a.id}, {"rule", a.rule_name}, {"severity", a.severity}, {"state", a.state},
          {"explanation", a.explanation}, {"raised", format_datetime_cl(a.raised_at)}, {"escalation_level", a.escalation_level}};
}

std::vector<AlertSummary> Service::raise_alerts(soci::session& s, const Record& r) {
  if (!alerts_) return {};
  return alerts_->on_record(s, r, now_ms());
}

namespace {

Result<int64_t> occurred_at(const Json& body, int64_t now) {
  auto it = body.find("occurred_at");
  if (it == body.end() || !it->is_string())
    return fail(Error::invalid("occurred_at", "Indique cuándo ocurrió, en formato ISO 8601 (por ejemplo 2026-11-24T10:30:00Z).", "required"));
  auto ms = parse_iso8601(it->get<std::string>(), "occurred_at");
  if (!ms) return fail(ms.error());
  if (*ms > now + 5 * 60 * 1000) return fail(Error::invalid("occurred_at", "La fecha no puede ser futura.", "invalid_date"));
  if (*ms < 631152000000LL)  // 01-01-1990: older records belong to a migration, not to this form
    return fail(Error::invalid("occurred_at", "La fecha es anterior a 1990; revise el año.", "invalid_date"));
  return *ms;
}

std::string role_of(const Json& p, const std::string& field) {
  return p.contains("role") && p["role"].is_string() ? p["role"].get<std::string>() : std::string();
  (void)field;
}

}  // namespace

Result<std::pair<int, Json>> Service::submit_in(soci::session& s, const Actor& a, const Json& body, Pending& pending) {
  if (!body.is_object()) return fail(Error::bad_request("invalid_body", "El cuerpo debe ser un objeto JSON."));
  static const std::vector<std::string> known = {"kind",    "occurred_at", "comuna_id",       "consent_statistics",
                                                 "persons", "details",     "emergency_reason"};
  for (auto it = body.begin(); it != body.end(); ++it)
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      return fail(Error::invalid(it.key(), "Campo desconocido.", "unknown_field"));
  const int64_t now = now_ms();
  Record r;
  r.kind = body.contains("kind") && body["kind"].is_string() ? body["kind"].get<std::string>() : "";  // other types: invalid_kind
  const auto& kinds = record_kinds();
  if (std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end())
    return fail(Error::invalid("kind", "Tipo de registro desconocido. Use contact, complaint, risk_assessment, protective_order, "
                                       "order_breach, referral, shelter_entry, shelter_exit o closure.", "invalid_kind"));
  auto occ = occurred_at(body, now);
  if (!occ) return fail(occ.error());
  r.occurred_at = *occ;
  r.recorded_at = now;
  r.institution_id = a.institution_id;
  r.author_user_id = a.user_id;
  http::FieldReader in(body);
  auto comuna = in.text("comuna_id", {.max_chars = 10});
  if (!comuna) return fail(comuna.error());
  if (!comuna->empty()) {
    r.comuna_id = *comuna;
    auto c = territory_->comuna(r.comuna_id);
    if (!c) return fail(c.error());
    if (!*c) return fail(Error::invalid("comuna_id", "No existe una comuna con ese código.", "unknown_comuna"));
  }
  auto consent = in.boolean("consent_statistics");
  if (!consent) return fail(consent.error());
  if (*consent) r.consent_statistics = **consent;

  // A reason of real words lets the record name, by number, a woman the institution does not serve
  // (the emergency-access path: granted, notified, audited; access.h).
  std::optional<std::string> emergency_reason;
  auto reason_text = in.string("emergency_reason");
  if (!reason_text) return fail(reason_text.error());
  if (*reason_text) {
    auto reason = access::emergency_reason(**reason_text, "emergency_reason");
    if (!reason) return fail(reason.error());
    emergency_reason = *reason;
  }
  const auto v = viewer(a);

  const Json persons = body.value("persons", Json());
  if (!persons.is_array() || persons.empty() || persons.size() > 10)
    return fail(Error::invalid("persons", "Indique entre 1 y 10 personas, cada una con su rol.", "invalid_persons"));

  struct Linked {
    int64_t person_id = 0;
    std::string role;
    std::optional<int64_t> identity_id;
    Json linkage;
    std::optional<Review> review;
    std::optional<double> auto_weight;  // linked automatically by probability (undoable)
    std::string basis = access::kIdentity;
    std::vector<int64_t> served_before;  // who served her before this record (to tell them)
    bool granted = false;                // an emergency access granted by this record
  };
  std::vector<Linked> linked;
  for (size_t i = 0; i < persons.size(); ++i) {
    const std::string field = "persons[" + std::to_string(i) + "]";
    const Json& p = persons[i];
    if (!p.is_object()) return fail(Error::invalid(field, "Debe ser un objeto con role y person_id o identity.", "invalid_type"));
    for (auto it = p.begin(); it != p.end(); ++it)
      if (it.key() != "role" && it.key() != "person_id" && it.key() != "identity" && it.key() != kRunUnverified)
        return fail(Error::invalid(field + "." + it.key(), "Campo desconocido.", "unknown_field"));
    Linked l;
    l.role = role_of(p, field);
    const auto& roles = person_roles();
    if (std::find(roles.begin(), roles.end(), l.role) == roles.end())
      return fail(Error::invalid(field + ".role", "El rol debe ser victim, aggressor o child.", "invalid_role"));
    const bool has_id = p.contains("person_id") && !p["person_id"].is_null();
    const bool has_identity = p.contains("identity") && !p["identity"].is_null();
    if (has_id == has_identity)
      return fail(Error::invalid(field, "Indique person_id (persona ya registrada) o identity (datos para buscarla), no ambos.",
                                 "invalid_persons"));
    if (has_id) {
      if (!p["person_id"].is_number_integer())
        return fail(Error::invalid(field + ".person_id", "Debe ser un número.", "invalid_type"));
      auto resolved = repo_.resolve_person(s, p["person_id"].get<int64_t>());
      if (!resolved)
        return fail(Error::invalid(field + ".person_id", "No existe una persona con ese número en el registro.", "unknown_person"));
      l.person_id = *resolved;
      const bool emergency = emergency_reason.has_value() || repo_.emergency_until(s, *resolved, a.user_id, now).has_value();
      auto basis = access::attach_basis(s, repo_, v, *resolved, emergency, field + ".person_id", now);
      if (!basis) return fail(basis.error());
      if (auto allowed = access::basis_allows(r.kind, *basis, field + ".person_id"); !allowed) return fail(allowed.error());
      l.basis = *basis;
      l.served_before = repo_.institutions_serving(s, *resolved);
      if (l.basis == access::kEmergency && emergency_reason && !repo_.emergency_until(s, *resolved, a.user_id, now)) {
        grant_emergency(s, a, *resolved, *emergency_reason, now);
        l.granted = true;
      }
      l.linkage = {{"decision", "given"}, {"basis", l.basis}};
    } else {
      auto id = parse_identity(p["identity"], field + ".identity", now);
      if (!id) return fail(id.error());
      if (auto run = check_entered_run(*id, p, field); !run) return fail(run.error());
      if (!id->comuna_id.empty()) {
        auto c = territory_->comuna(id->comuna_id);
        if (!c) return fail(c.error());
        if (!*c) return fail(Error::invalid(field + ".identity.comuna_id", "No existe una comuna con ese código.", "unknown_comuna"));
      }
      const auto lid = to_linkage(*id);
      // A valid RUN is an exact key: the blind index finds her even if the index is behind.
      std::vector<int64_t> by_run = id->run_valid ? repo_.persons_by_run(s, id->run) : std::vector<int64_t>();
      std::optional<int64_t> exact;
      for (auto pid : by_run)
        if (auto live = repo_.resolve_person(s, pid)) {
          exact = live;
          break;
        }
      if (exact) {
        l.served_before = repo_.institutions_serving(s, *exact);
        l.person_id = *exact;
        l.linkage = {{"decision", "link"}, {"exact_run", true}};
      } else {
        auto m = index_->match(lid);
        int64_t best = 0;  // the live person behind the best candidate (0: none)
        if (m.person_id)
          if (auto live = repo_.resolve_person(s, m.person_id)) best = *live;
        if (m.decision == linkage::Decision::link && best) {
          l.served_before = repo_.institutions_serving(s, best);
          // A probable match to someone other institutions serve gives only the shared minimum (access.h).
          if (!l.served_before.empty() &&
              std::find(l.served_before.begin(), l.served_before.end(), a.institution_id) == l.served_before.end())
            l.basis = access::kLinked;
          l.person_id = best;
          l.auto_weight = m.weight;
          l.linkage = {{"decision", "link"}, {"weight", m.weight}};
        } else {
          l.person_id = repo_.insert_person(s, a.institution_id, now);
          if (m.decision == linkage::Decision::review && best) {
            Review rv;
            rv.person_id = l.person_id;
            rv.candidate_person_id = best;
            rv.weight = m.weight;
            rv.institution_id = a.institution_id;
            rv.created_at = now;
            l.review = rv;
            l.linkage = {{"decision", "review"}, {"weight", m.weight}};
          } else {
            l.linkage = {{"decision", "new"}};
            if (m.person_id) l.linkage["weight"] = m.weight;
          }
        }
      }
      l.identity_id = repo_.insert_identity(s, l.person_id, a.institution_id, *id, now);
      pending.adds.push_back({l.person_id, *l.identity_id, lid});
      if (l.review) {
        l.review->identity_id = *l.identity_id;
        l.linkage["review_id"] = repo_.insert_review(s, *l.review);
      }
    }
    for (const auto& other : linked)
      if (other.person_id == l.person_id && other.role == l.role)
        return fail(Error::invalid(field, "Esta persona ya figura en el registro con el mismo rol.", "duplicate_person"));
    linked.push_back(std::move(l));
  }
  for (const auto& l : linked) r.persons.push_back({l.person_id, l.role});

  DetailsContext ctx;
  ctx.now = now;
  ctx.institution_id = a.institution_id;
  ctx.instrument = instrument_.get();
  ctx.deadlines = options_.deadlines;
  ctx.institution_exists = [this](int64_t id) { return directory_.institution_names({id}).count(id) > 0; };
  std::set<int64_t> record_persons;
  for (const auto& p : r.persons) record_persons.insert(p.person_id);
  ctx.order_of_persons = [&](int64_t id) -> std::optional<Record> {
    auto o = repo_.record(s, id);
    if (!o || o->kind != "protective_order") return std::nullopt;
    for (const auto& p : o->persons)
      if (record_persons.count(p.person_id)) return o;
    return std::nullopt;
  };
  for (const auto& p : r.persons)
    if (p.role == "victim") ctx.latest_risk_level = access::current_risk_level(repo_.records_of_person(s, p.person_id));
  const Json details = body.contains("details") ? body["details"] : Json::object();
  auto checked = check_details(r, details, ctx);
  if (!checked) return fail(checked.error());
  r.details = *checked;

  r.id = repo_.insert_record(s, r);
  auto inst_name = directory_.institution_names({a.institution_id});
  const std::string author = inst_name.count(a.institution_id) ? inst_name[a.institution_id] : std::string("Otra institución");
  for (const auto& l : linked) {
    repo_.insert_record_person(s, r.id, l.person_id, l.role, l.identity_id, l.basis);
    // The institutions that serve her hear of a record by someone who did not (access.h).
    const bool newcomer = std::find(l.served_before.begin(), l.served_before.end(), a.institution_id) == l.served_before.end();
    if (l.basis == access::kEmergency)
      notify_serving(s, a, l.person_id, l.served_before, "emergency_record",
                     author + " agregó el registro N° " + std::to_string(r.id) + " (" + kind_name_es(r.kind) + ") a la ficha N° " +
                         std::to_string(l.person_id) + " bajo acceso de emergencia. No cambia el nivel de riesgo ni el cierre que "
                         "registre su institución.",
                     now);
    else if (l.basis == access::kLinked)
      notify_serving(s, a, l.person_id, l.served_before, "linked_record",
                     author + " registró a una persona que coincide probablemente con la de la ficha N° " + std::to_string(l.person_id) +
                         " (registro N° " + std::to_string(r.id) + "), sin RUN ni documento: ve solo sus datos mínimos.",
                     now);
    else if (newcomer && l.basis == access::kIdentity)
      notify_serving(s, a, l.person_id, l.served_before, "new_institution",
                     author + " comenzó a atender a la persona de la ficha N° " + std::to_string(l.person_id) +
                         ": la identificó con sus propios datos (registro N° " + std::to_string(r.id) + ").",
                     now);
    if (l.auto_weight) {
      Link link;
      link.kind = "auto";
      link.from_person_id = l.person_id;
      link.to_person_id = l.person_id;
      link.moved = {{"identities", Json::array({*l.identity_id})}, {"records", Json::array({Json::array({r.id, l.role})})}};
      link.weight = l.auto_weight;
      link.actor_user_id = a.user_id;
      link.institution_id = a.institution_id;
      link.created_at = now;
      repo_.insert_link(s, link);
    }
  }
  auto raised = raise_alerts(s, r);
  audit(s, a, "case.record_create", "case_record:" + std::to_string(r.id), r.kind);

  Json out = record_json(s, r, true, directory_.institution_names({r.institution_id}));
  Json links = Json::array();
  for (const auto& l : linked) {
    Json lk = l.linkage;
    lk["basis"] = l.basis;
    links.push_back({{"person_id", l.person_id}, {"role", l.role}, {"linkage", lk}});
  }
  out["linkage"] = links;
  Json alerts = Json::array();
  for (const auto& al : raised) alerts.push_back(alert_summary(al));
  out["alerts"] = alerts;
  return std::pair<int, Json>{201, out};
}

Result<std::pair<int, Json>> Service::submit_one(const Actor& a, const Json& body, const std::string& idem_key) {
  if (idem_key.size() > 200)
    return fail(Error::invalid("idempotency_key", "La clave de idempotencia admite como máximo 200 caracteres.", "too_long"));
  Pending pending;
  const std::string hash = crypto::sha256_hex(body.dump());
  auto result = db_.transaction<std::pair<int, Json>>([&](soci::session& s) -> Result<std::pair<int, Json>> {
    if (!idem_key.empty()) {
      if (auto stored = repo_.idempotent(s, a.institution_id, idem_key)) {
        if (stored->request_hash != hash)
          return fail(Error::conflict("idempotency_conflict",
                                      "Esta clave de idempotencia ya se usó con otro contenido; use una clave nueva para un registro distinto.",
                                      "idempotency_key"));
        Json replay = Json::parse(stored->response);
        replay["replayed"] = true;
        return std::pair<int, Json>{200, replay};
      }
    }
    auto done = submit_in(s, a, body, pending);
    if (!done) return done;
    if (!idem_key.empty()) repo_.store_idempotent(s, a.institution_id, idem_key, {hash, done->first, done->second.dump()}, now_ms());
    return done;
  });
  if (result) apply(pending);
  return result;
}

Result<std::pair<int, Json>> Service::submit(const http::Request& req, const Json& body, const std::string& idem_key) {
  Actor a{req.who().user_id, req.who().institution_id, &req};
  return submit_one(a, body, idem_key);
}

Result<Json> Service::submit_as(int64_t user_id, int64_t institution_id, const Json& body) {
  Actor a{user_id, institution_id, nullptr};
  auto r = submit_one(a, body, {});
  if (!r) return fail(r.error());
  return r->second;
}

Result<Json> Service::submit_batch(const http::Request& req, const Json& body) {
  if (!body.is_object() || !body.contains("records") || !body["records"].is_array())
    return fail(Error::invalid("records", "Envíe {\"records\": [...]} con los registros.", "required"));
  const auto& items = body["records"];
  if (items.empty() || items.size() > static_cast<size_t>(options_.max_batch))
    return fail(Error::invalid("records", "Un lote tiene entre 1 y " + std::to_string(options_.max_batch) + " registros.", "invalid_size"));
  Actor a{req.who().user_id, req.who().institution_id, &req};
  Json results = Json::array();
  int created = 0, replayed = 0, rejected = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    Json item = items[i];
    std::string key;
    if (item.is_object() && item.contains("idempotency_key")) {
      if (item["idempotency_key"].is_string()) key = item["idempotency_key"].get<std::string>();
      item.erase("idempotency_key");
    }
    // Each record in its own transaction: one bad row never rejects the others.
    auto r = submit_one(a, item, key);
    Json res = {{"index", i}};
    if (!key.empty()) res["idempotency_key"] = key;
    if (r) {
      res["status"] = r->first;
      res["record_id"] = r->second.value("id", Json());
      res["linkage"] = r->second.value("linkage", Json::array());
      (r->first == 200 ? replayed : created)++;
    } else {
      res["status"] = r.error().status;
      res["error"] = {{"code", r.error().code}, {"message", r.error().message}, {"field", r.error().field}};
      ++rejected;
    }
    results.push_back(res);
  }
  return Json{{"created", created}, {"replayed", replayed}, {"rejected", rejected}, {"results", results}};
}

Json Service::record_json(soci::session& s, const Record& r, bool full, const std::map<int64_t, std::string>& names) const {
  (void)s;
  auto name = [&](int64_t id) {
    auto it = names.find(id);
    return it == names.end() ? std::string("Institución ") + std::to_string(id) : it->second;
  };
  Json persons = Json::array();
  for (const auto& p : r.persons) persons.push_back({{"person_id", p.person_id}, {"role", p.role}, {"role_name", role_name_es(p.role)}});
  Json j = {{"id", r.id},
            {"kind", r.kind},
            {"kind_name", kind_name_es(r.kind)},
            {"institution_id", r.institution_id},
            {"institution", name(r.institution_id)},
            {"occurred_at", iso8601_utc(r.occurred_at)},
            {"occurred_on", format_datetime_cl(r.occurred_at)},
            {"persons", persons},
            {"masked", !full}};
  const Json& d = r.details;
  // The shared minimum any institution serving the person may see.
  if (r.kind == "risk_assessment") {
    j["risk_level"] = d.value("level", std::string());
    if (d.contains("reassess_due_at") && d["reassess_due_at"].is_number())
      j["reassess_due_on"] = format_date_cl(d["reassess_due_at"].get<int64_t>());
  }
  if (r.kind == "protective_order") {
    j["order"] = {{"order_type", d.value("order_type", std::string())},
                  {"distance_m", d.value("distance_m", Json())},
                  {"starts_on", d.contains("starts_at") && d["starts_at"].is_number() ? Json(format_date_cl(d["starts_at"].get<int64_t>())) : Json()},
                  {"ends_on", d.contains("ends_at") && d["ends_at"].is_number() ? Json(format_date_cl(d["ends_at"].get<int64_t>())) : Json()},
                  {"active", order_active(r, now_ms())}};
  }
  if (r.kind == "referral") {
    const int64_t to = d.value("to_institution_id", int64_t{0});
    auto to_names = names.count(to) ? names : directory_.institution_names({to});
    j["referral"] = {{"to_institution_id", to},
                     {"to_institution", to_names.count(to) ? to_names.at(to) : std::string()},
                     {"acknowledged", !d.value("acknowledged_at", Json()).is_null()},
                     {"first_contact", !d.value("first_contact_at", Json()).is_null()}};
  }
  if (full) {
    j["details"] = d;
    j["comuna_id"] = r.comuna_id.empty() ? Json() : Json(r.comuna_id);
    j["consent_statistics"] = r.consent_statistics;
    j["recorded_at"] = iso8601_utc(r.recorded_at);
    auto users = directory_.user_names ? directory_.user_names({r.author_user_id}) : std::map<int64_t, std::string>();
    j["author"] = users.count(r.author_user_id) ? users[r.author_user_id] : std::string();
  }
  return j;
}

Result<Json> Service::record(const http::Request& req, int64_t id) {
  Actor a{req.who().user_id, req.who().institution_id, &req};
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto r = repo_.record(s, id);
    if (!r) return fail(Error::not_found("No existe un registro con ese número."));
    bool emergency = false;
    for (const auto& p : r->persons)
      if (repo_.emergency_until(s, p.person_id, a.user_id, now_ms())) emergency = true;
    if (!access::record_full(viewer(a), *r, emergency)) {
      // Committed on purpose: a refused look at another institution's record is itself evidence.
      audit::Entry e = audit::Log::from(req, "case.record_read", "case_record:" + std::to_string(id), "denied");
      e.detail = "need_to_know";
      audit_.append(s, e);
      return Json{{"__denied", true}};
    }
    for (const auto& p : r->persons)
      repo_.log_access(s, {0, p.person_id, a.user_id, a.institution_id, now_ms(), "record:" + std::to_string(id), true});
    audit(s, a, "case.record_read", "case_record:" + std::to_string(id), emergency ? "emergency" : "");
    std::set<int64_t> ids = {r->institution_id};
    return record_json(s, *r, true, directory_.institution_names(ids));
  }).and_then([](Json j) -> Result<Json> {
    if (j.contains("__denied"))
      return fail(Error{403, "need_to_know",
                        "Este registro pertenece a otra institución. Para verlo completo, solicite un acceso de emergencia "
                        "indicando el motivo; quedará registrado y se notificará a la institución.",
                        {}});
    return j;
  });
}

}  // namespace eq::cases
