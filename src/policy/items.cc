// Instruments and items: registering an instrument, adding and changing items (weights and
// responsible institutions refresh the stored figures, rollup.cc), and reading them: an
// instrument's tree and an item's drill-down down to the reports behind its figure.
#include <algorithm>

#include "core/format_cl.h"
#include "core/time.h"
#include "http/fields.h"
#include "policy/rollup.h"
#include "policy/rules.h"
#include "policy/service.h"
#include "store/with_session.h"

namespace eq::policy {

Result<Json> Service::create_instrument(const http::Request& req, const Instrument& in) {
  Instrument i = in;
  if (i.code.empty() || !std::all_of(i.code.begin(), i.code.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
      }))
    return fail(Error::invalid("code", "El código admite minúsculas, dígitos y guiones.", "invalid_code"));
  if (i.name.empty()) return fail(Error::invalid("name", "Escriba el nombre del instrumento.", "required"));
  if (!is_instrument_kind(i.kind))
    return fail(Error::invalid("kind", "El tipo debe ser plan, agenda, compromisos, pmg, agenda_regional u otro.", "invalid_kind"));
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    if (Repository::instrument_id_by_code(s, i.code))
      return fail(Error::conflict("duplicate_code", "Ya existe un instrumento con ese código.", "code"));
    i.id = Repository::insert_instrument(s, i);
    audit_->append(s, audit::Log::from(req, "policy.instrument_create", "policy_instrument:" + std::to_string(i.id)));
    return instrument_summary(i, {});
  });
}

Result<std::vector<int64_t>> Service::institution_ids(const Json& body) {
  std::vector<int64_t> out;
  auto it = body.find("institution_ids");
  if (it == body.end() || it->is_null()) return out;
  for (const auto& v : *it) {
    const auto& text = v.get_ref<const std::string&>();
    if (text.empty() || text.size() > 18 || !std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      return fail(Error::invalid("institution_ids", "Los identificadores de institución deben ser números.", "invalid_id"));
    out.push_back(std::stoll(text));
  }
  std::set<int64_t> ids(out.begin(), out.end());
  auto names = auth_->display_names({}, ids);
  if (!names) return fail(names.error());
  for (auto id : ids)
    if (!names->second.count(id))
      return fail(Error::invalid("institution_ids", "No existe la institución " + std::to_string(id) + ".", "not_found"));
  return out;
}


Result<void> Service::apply_item_fields(Item& i, const Json& body, bool creating) {
  if (body.contains("title")) {
    i.title = http::body_text(body, "title");
    if (i.title.empty()) return fail(Error::invalid("title", "Escriba el título del ítem.", "required"));
  } else if (creating) {
    return fail(Error::invalid("title", "Escriba el título del ítem.", "required"));
  }
  if (body.contains("code")) i.code = http::body_text(body, "code");
  if (body.contains("weight") && !body["weight"].is_null()) {
    double w = body["weight"].get<double>();
    if (!(w > 0) || w > 1000) return fail(Error::invalid("weight", "El peso debe ser mayor que 0 y como máximo 1000.", "out_of_range"));
    i.weight = w;
  }
  if (body.contains("status")) {
    i.status = http::body_text(body, "status");
    if (!is_item_status(i.status))
      return fail(Error::invalid("status", "El estado debe ser vigente, cumplido, no_cumplido o suspendido.", "invalid_status"));
  }
  if (body.contains("region_id")) i.region_id = http::body_text(body, "region_id");
  for (auto [key, field] : {std::pair{"indicator_name", &i.indicator_name}, std::pair{"indicator_unit", &i.indicator_unit},
                            std::pair{"source_note", &i.source_note}})
    if (body.contains(key)) *field = http::body_text(body, key);
  for (auto [key, field] : {std::pair{"baseline", &i.baseline}, std::pair{"target", &i.target}, std::pair{"indicator_value", &i.indicator_value},
                            std::pair{"numerator", &i.numerator}, std::pair{"denominator", &i.denominator}})
    if (body.contains(key)) *field = body_double(body, key);
  if (i.denominator && *i.denominator == 0)
    return fail(Error::invalid("denominator", "El denominador no puede ser 0.", "out_of_range"));
  for (auto [key, field] : {std::pair{"start_year", &i.start_year}, std::pair{"end_year", &i.end_year}})
    if (body.contains(key)) {
      auto v = body[key];
      *field = v.is_null() ? std::nullopt : std::optional<int64_t>(v.get<int64_t>());
      if (*field && (**field < 2000 || **field > 2100)) return fail(Error::invalid(key, "El año debe estar entre 2000 y 2100.", "invalid_year"));
    }
  if (i.start_year && i.end_year && *i.end_year < *i.start_year)
    return fail(Error::invalid("end_year", "El año de término no puede ser anterior al de inicio.", "invalid_year"));
  if (body.contains("institution_ids")) {
    auto ids = institution_ids(body);
    if (!ids) return fail(ids.error());
    i.institutions = *ids;
  }
  return {};
}

Result<Json> Service::create_item(const http::Request& req, const Json& body) {
  Item i;
  auto ins = body_id(body, "instrument_id");
  if (!ins) return fail(ins.error());
  i.instrument_id = *ins;
  i.level = http::body_text(body, "level");
  if (!is_level(i.level))
    return fail(Error::invalid("level", "El nivel debe ser eje, meta, compromiso, accion o medida.", "invalid_level"));
  if (body.contains("parent_id") && !body["parent_id"].is_null()) i.parent_id = body["parent_id"].get<int64_t>();
  if (auto ok = apply_item_fields(i, body, true); !ok) return fail(ok.error());
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto instrument = Repository::instrument(s, i.instrument_id);
    if (!instrument) return fail(Error::invalid("instrument_id", "No existe el instrumento indicado.", "not_found"));
    if (i.parent_id) {
      auto parent = Repository::item(s, *i.parent_id);
      if (!parent || parent->instrument_id != i.instrument_id)
        return fail(Error::invalid("parent_id", "El ítem superior no existe o pertenece a otro instrumento.", "not_found"));
      if (Repository::count_reports_of_item(s, parent->id) > 0)
        return fail(Error::conflict("parent_has_reports", "El ítem superior ya tiene reportes: no se le pueden agregar subítems.", "parent_id"));
      if (auto ok = check_pmg_quota(instrument->kind, i.level, parent->start_year, Repository::count_children(s, parent->id), "parent_id");
          !ok)
        return fail(ok.error());
      if (i.region_id.empty()) i.region_id = parent->region_id;
    }
    i.position = i.parent_id ? Repository::count_children(s, *i.parent_id) : 0;
    i.id = Repository::insert_item(s, i);
    refresh_figures(s, i.instrument_id);
    audit_->append(s, audit::Log::from(req, "policy.item_create", "policy_item:" + std::to_string(i.id)));
    auto fresh = Repository::item(s, i.id);
    std::set<int64_t> insts(fresh->institutions.begin(), fresh->institutions.end());
    return item_json(*fresh, names({}, insts));
  });
}

Result<Json> Service::update_item(const http::Request& req, int64_t id, const Json& body) {
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto i = Repository::item(s, id);
    if (!i) return fail(Error::not_found("No existe un ítem con ese identificador."));
    const double old_weight = i->weight;
    auto before = i->institutions;
    if (auto ok = apply_item_fields(*i, body, false); !ok) return fail(ok.error());
    Repository::update_item(s, *i);
    if (i->institutions != before) Repository::set_institutions(s, id, i->institutions);
    // A weight or the responsible institutions move figures (the roll-up by institution).
    if (i->weight != old_weight || i->institutions != before) refresh_figures(s, i->instrument_id);
    auto entry = audit::Log::from(req, "policy.item_update", "policy_item:" + std::to_string(id));
    if (i->weight != old_weight) entry.detail = "peso " + format_decimal(old_weight, 2) + " -> " + format_decimal(i->weight, 2);
    audit_->append(s, entry);
    auto fresh = Repository::item(s, id);
    std::set<int64_t> insts(fresh->institutions.begin(), fresh->institutions.end());
    return item_json(*fresh, names({}, insts));
  });
}
// ---------------------------------------------------------------- reading

Json Service::instrument_detail(soci::session& s, const Instrument& ins) {
  auto items = Repository::items_of(s, ins.id);
  std::set<int64_t> insts;
  for (const auto& i : items) insts.insert(i.institutions.begin(), i.institutions.end());
  auto n = names({}, insts);
  Json list = Json::array();
  for (const auto& i : items) list.push_back(item_json(i, n));
  Json periods = Json::array();
  const auto now = now_ms();
  for (const auto& p : Repository::periods(s, ins.id)) periods.push_back(period_json(p, now));
  auto figures = Repository::figures(s, ins.id);
  Json j = instrument_summary(ins, figures);
  j["declared"] = checked_figures(s, ins, figures);
  j["demo_data"] = Repository::has_demo_reports(s, ins.id);
  j["items"] = list;
  j["periods"] = periods;
  j["method"] = kMethod;
  return j;
}

Json Service::item_drilldown(soci::session& s, const Item& item, const http::Principal* who) {
  auto kids = Repository::children(s, item.id);
  std::vector<Item> ancestors;
  for (auto at = item.parent_id; at;) {
    auto a = Repository::item(s, *at);
    if (!a) break;
    ancestors.insert(ancestors.begin(), *a);
    at = a->parent_id;
  }
  std::set<int64_t> insts(item.institutions.begin(), item.institutions.end());
  Json reports = Json::array();
  std::vector<ReportRow> rows;
  if (who) {
    ReportFilter f;
    f.item_id = item.id;
    rows = Repository::reports(s, f);
  } else {
    rows = Repository::validated_reports_of_items(s, {item.id});
  }
  for (const auto& r : rows) insts.insert(r.report.institution_id);
  auto n = names({}, insts);
  for (const auto& r : rows) {
    const bool validated = r.report.validated_version.has_value();
    Sight sight = who ? sight_of(*who, r.report.institution_id, validated) : public_sight(validated);
    if (sight == Sight::none) continue;
    reports.push_back(report_detail(s, r.report, sight, who != nullptr));
  }
  // Leaves below the children, so each child's figure can be traced to its reports.
  Json children = Json::array();
  auto kid_institutions = Repository::institutions_of_children(s, item.id);
  for (auto& k : kids) {
    k.institutions = kid_institutions[k.id];
    for (auto id : k.institutions) n.institutions.emplace(id, "");
  }
  std::set<int64_t> missing;
  for (auto& [id, name] : n.institutions)
    if (name.empty()) missing.insert(id);
  if (!missing.empty()) {
    auto more = names({}, missing);
    for (auto& [id, name] : more.institutions) n.institutions[id] = name;
  }
  for (const auto& k : kids) children.push_back(item_json(k, n));
  Json path = Json::array();
  for (const auto& a : ancestors) path.push_back({{"id", a.id}, {"title", a.title}, {"level_name", level_es(a.level)}});
  auto ins = Repository::instrument(s, item.instrument_id);
  Json j = item_json(item, n);
  j["instrument"] = {{"id", ins->id}, {"name", ins->name}, {"code", ins->code}};
  j["path"] = path;
  j["children"] = children;
  j["reports"] = reports;
  j["method"] = kMethod;
  std::vector<Declared> mine;
  for (const auto& d : Repository::figures(s, item.instrument_id))
    if (d.item_id && *d.item_id == item.id) mine.push_back(d);
  j["declared"] = checked_figures(s, *ins, mine);
  j["demo_data"] = Repository::has_demo_reports(s, ins->id);
  if (who) {
    j["can_report"] = item.is_leaf && static_cast<bool>(may_report(*who, {{item.institutions.begin(), item.institutions.end()}, item.region_id}));
    Json periods = Json::array();
    for (const auto& p : Repository::periods(s, item.instrument_id)) periods.push_back(period_json(p, now_ms()));
    j["periods"] = periods;
  }
  return j;
}


Result<Json> Service::instrument(int64_t id) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto ins = Repository::instrument(s, id);
    if (!ins) return fail(Error::not_found("No existe un instrumento con ese identificador."));
    return instrument_detail(s, *ins);
  });
}

Result<Json> Service::item(int64_t id, const http::Principal* who) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto item = Repository::item(s, id);
    if (!item) return fail(Error::not_found("No existe un ítem con ese identificador."));
    return item_drilldown(s, *item, who);
  });
}

// Every active public body, through the auth module's interface (its tables are its own).
// Pharmacies and companies report nothing here.
Result<Json> Service::responsible_institutions() {
  auto all = auth_->list_institutions("", "", "");
  if (!all) return fail(all.error());
  Json items = Json::array();
  for (const auto& i : *all)
    if (i.active && i.type != "pharmacy" && i.type != "company")
      items.push_back({{"id", i.id}, {"name", i.name}, {"type", i.type}, {"region_id", i.region_id.empty() ? Json(nullptr) : Json(i.region_id)}});
  return Json{{"items", items}};
}

Result<ExportTable> Service::items_export(int64_t instrument_id, std::optional<int64_t> under) {
  return store::with_session<ExportTable>(db_, [&](soci::session& s) -> Result<ExportTable> {
    auto ins = Repository::instrument(s, instrument_id);
    if (!ins) return fail(Error::not_found("No existe un instrumento con ese identificador."));
    if (under) {
      auto it = Repository::item(s, *under);
      if (!it || it->instrument_id != ins->id)
        return fail(Error::bad_request("invalid_parameter", "El ítem indicado no pertenece a este instrumento.", "under"));
    }
    auto items = Repository::items_of(s, ins->id);
    std::set<int64_t> insts;
    for (const auto& i : items) insts.insert(i.institutions.begin(), i.institutions.end());
    return items_table(*ins, items, names({}, insts), under);
  });
}

}  // namespace eq::policy
