// HTTP handlers of the Registro de Directoras. Parse, ask directoras/access.h about the profile,
// work in one transaction with its audit entry, answer.
#include <array>
#include <bit>
#include <algorithm>

#include "core/rut.h"
#include "core/time.h"
#include "core/try.h"
#include "directoras/access.h"
#include "directoras/module.h"
#include "http/body.h"
#include "http/fields.h"
#include "store/with_session.h"

namespace eq::directoras {

namespace {

using http::Json;
using http::Request;
using http::Response;
using store::with_session;

Json labels(const std::vector<std::string>& codes, const Vocabulary& v) {
  Json out = Json::array();
  for (const auto& c : codes) out.push_back({{"id", c}, {"name", v.label(c)}});
  return out;
}

// What a company may know of a profile: never RUT, e-mail or phone.
Json card_json(const Service& svc, const Profile& p, int64_t now) {
  return {{"id", p.id},
          {"full_name", p.full_name},
          {"studies", p.studies},
          {"studies_name", studies().label(p.studies)},
          {"degree", p.degree},
          {"experience_years", p.experience_years},
          {"industries", labels(p.industries, industries())},
          {"specialties", labels(p.specialties, specialties())},
          {"board_years", p.board_years},
          {"board_training", p.board_training},
          {"region_id", p.region_id},
          {"region", svc.region_name(p.region_id)},
          {"availability", p.availability_code},
          {"availability_name", availability().label(p.availability_code)},
          {"summary", p.summary},
          {"contactable", p.contactable},
          {"updated", format_date_cl(p.updated_at)},
          {"stale", svc.stale(p, now)},
          {"demo", p.demo}};
}

// Her own view: everything, with her contact details and who viewed the profile.
Json own_json(const Service& svc, const Profile& p, const std::vector<View>& views, int64_t now) {
  Json j = card_json(svc, p, now);
  j["rut"] = p.rut.empty() ? std::string() : (parse_rut(p.rut) ? format_rut(*parse_rut(p.rut)) : p.rut);
  j["email"] = p.email;
  j["phone"] = p.phone;
  j["birth_year"] = p.birth_year;
  j["industries"] = p.industries;
  j["specialties"] = p.specialties;
  j["industries_named"] = labels(p.industries, industries());
  j["specialties_named"] = labels(p.specialties, specialties());
  j["stale_after"] = format_date_cl(p.updated_at + svc.options().stale_days * 86400000LL);
  Json vs = Json::array();
  for (const auto& v : views)
    vs.push_back({{"at", format_datetime_cl(v.at)}, {"institution", v.institution_name}, {"kind", v.kind},
                  {"kind_name", v.kind == "contacto" ? "Vio sus datos de contacto" : "Vio su perfil"}});
  j["views"] = vs;
  return j;
}

Result<std::vector<std::string>> codes(const Json& body, const char* key, const Vocabulary& v, size_t max) {
  std::vector<std::string> out;
  if (!body.contains(key) || body[key].is_null()) return out;
  if (!body[key].is_array()) return fail(http::invalid_type(key, "una lista"));
  for (const auto& c : body[key]) {
    if (!c.is_string()) return fail(http::invalid_type(key, "una lista de códigos"));
    const auto id = c.get<std::string>();
    if (!v.contains(id)) return fail(Error::invalid(key, "«" + id + "» no es un valor válido. Use: " + v.ids_text() + ".", "unknown_code"));
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  if (out.size() > max) return fail(Error::invalid(key, "Indique a lo más " + std::to_string(max) + ".", "too_many"));
  return out;
}

Result<Profile> read_profile(const Service& svc, const Request& req) {
  EQ_TRY(body, http::json_object_body(req));
  http::FieldReader in(*body);
  Profile p;
  EQ_TRY(name, in.text("full_name", {.required = true, .max_chars = 120}));
  p.full_name = *name;
  EQ_TRY(rut_text, in.text("rut", {.required = true, .max_chars = 14}));
  EQ_TRY(rut, parse_rut(*rut_text, "rut"));
  p.rut = rut_canonical(*rut);
  EQ_TRY(email, in.text("email", {.required = true, .max_chars = 120}));
  const auto at = email->find('@');
  if (at == std::string::npos || at == 0 || email->find('.', at) == std::string::npos || email->find(' ') != std::string::npos)
    return fail(Error::invalid("email", "El correo no es válido (ejemplo: nombre@dominio.cl).", "invalid_email"));
  p.email = *email;
  EQ_TRY(phone, in.text("phone", {.max_chars = 20}));
  int digits = 0;
  for (char c : *phone) {
    if (c >= '0' && c <= '9') ++digits;
    else if (c != ' ' && c != '+' && c != '-') return fail(Error::invalid("phone", "El teléfono solo puede tener dígitos, espacios, «+» y «-».", "invalid_phone"));
  }
  if (!phone->empty() && (digits < 8 || digits > 12))
    return fail(Error::invalid("phone", "El teléfono debe tener entre 8 y 12 dígitos (ejemplo: +56 9 1234 5678).", "invalid_phone"));
  p.phone = *phone;
  const int year = std::stoi(format_date_cl(now_ms()).substr(6, 4));
  EQ_TRY(birth, in.integer("birth_year", {.required = true, .min = 1920, .max = year}));
  p.birth_year = static_cast<int>(**birth);
  EQ_TRY(st, in.one_of("studies", true, [] {
        std::vector<std::string> v;
        for (const auto& t : studies().terms()) v.push_back(t.id);
        return v;
      }()));
  p.studies = *st;
  EQ_TRY(degree, in.text("degree", {.required = true, .max_chars = 200}));
  p.degree = *degree;
  EQ_TRY(exp, in.integer("experience_years", {.required = true, .min = 0, .max = 70}));
  p.experience_years = static_cast<int>(**exp);
  in.skip("industries");
  in.skip("specialties");
  EQ_TRY(ind, codes(*body, "industries", industries(), 5));
  p.industries = *ind;
  EQ_TRY(spec, codes(*body, "specialties", specialties(), 5));
  p.specialties = *spec;
  EQ_TRY(board, in.integer("board_years", {.required = false, .min = 0, .max = 60}));
  p.board_years = static_cast<int>(board->value_or(0));
  EQ_TRY(training, in.boolean("board_training"));
  p.board_training = training->value_or(false);
  std::vector<std::string> region_ids;
  for (const auto& r : svc.regions()) region_ids.push_back(r.first);
  EQ_TRY(region, in.one_of("region_id", true, region_ids));
  p.region_id = *region;
  EQ_TRY(avail, in.one_of("availability", true, [] {
        std::vector<std::string> v;
        for (const auto& t : availability().terms()) v.push_back(t.id);
        return v;
      }()));
  p.availability_code = *avail;
  EQ_TRY(summary, in.text("summary", {.max_chars = 1000}));
  p.summary = *summary;
  EQ_TRY(contact, in.boolean("contactable", true));
  p.contactable = **contact;
  if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
  return p;
}

Result<int64_t> id_of(const Request& req) {
  const auto& v = req.params.at("id");
  if (v.empty() || v.size() > 18 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return fail(Error::not_found("El perfil no existe."));
  return std::stoll(v);
}

// The caller's search that opens a profile (?search=N).
std::optional<int64_t> search_of(const Request& req) {
  const auto v = req.query_param("search");
  if (v.empty() || v.size() > 18 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return std::stoll(v);
}

// 400, not 403: the caller may search and open profiles; this request lacks its traced search.
Error search_required() {
  return {400, "search_required",
          "Abra el perfil desde una búsqueda suya de las últimas 24 horas que lo incluya: cada consulta de un perfil queda trazada.",
          "search"};
}

Result<Filter> read_filter(const Service& svc, const Request& req) {
  Filter f;
  auto code = [&](const char* key, const Vocabulary& v, std::string& into) -> Result<void> {
    into = req.query_param(key);
    if (!into.empty() && !v.contains(into))
      return fail(Error::bad_request("invalid_parameter", "«" + into + "» no es un valor válido. Use: " + v.ids_text() + ".", key));
    return {};
  };
  if (auto ok = code("industry", industries(), f.industry); !ok) return fail(ok.error());
  if (auto ok = code("specialty", specialties(), f.specialty); !ok) return fail(ok.error());
  if (auto ok = code("studies", studies(), f.studies); !ok) return fail(ok.error());
  f.region_id = req.query_param("region");
  if (!f.region_id.empty() &&
      std::none_of(svc.regions().begin(), svc.regions().end(), [&](const auto& r) { return r.first == f.region_id; }))
    return fail(Error::bad_request("invalid_parameter", "La región no existe (use el código oficial de 2 dígitos).", "region"));
  const auto board = req.query_param("board");
  if (board == "si") f.board = true;
  else if (board == "no") f.board = false;
  else if (!board.empty()) return fail(Error::bad_request("invalid_parameter", "«board» debe ser «si» o «no».", "board"));
  f.q = req.query_param("q");
  if (http::utf8_length(f.q) > 100 || http::has_control_chars(f.q))
    return fail(Error::bad_request("invalid_parameter", "La búsqueda admite hasta 100 caracteres de texto.", "q"));
  const auto page = req.query_param("page", "1");
  if (page.empty() || page.size() > 4 || !std::all_of(page.begin(), page.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(page) < 1)
    return fail(Error::bad_request("invalid_parameter", "La página debe ser un número desde 1.", "page"));
  f.offset = (std::stoi(page) - 1) * f.limit;
  return f;
}

Json facet(const Vocabulary& v, const std::map<std::string, int>& counts) {
  Json out = Json::array();
  for (const auto& t : v.terms()) out.push_back({{"id", t.id}, {"name", t.label}, {"count", counts.count(t.id) ? counts.at(t.id) : 0}});
  return out;
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  router.add({"GET", "/api/v1/directoras/vocabularies", "registries.directoras.profile",
              "Listas del Registro de Directoras: estudios, industrias, especialidades, disponibilidad y regiones", "directoras",
              [svc](Request&) -> Result<Response> {
                Json regions = Json::array();
                for (const auto& [id, name] : svc->regions()) regions.push_back({{"id", id}, {"name", name}});
                return Response::json({{"studies", http::vocabulary_json(studies())},
                                       {"industries", http::vocabulary_json(industries())},
                                       {"specialties", http::vocabulary_json(specialties())},
                                       {"availability", http::vocabulary_json(availability())},
                                       {"regions", regions},
                                       {"min_experience_years", svc->options().min_experience_years},
                                       {"stale_days", svc->options().stale_days}});
              }});

  // ------------------------------------------------------------ her own profile
  router.add({"GET", "/api/v1/directoras/me", "registries.directoras.profile",
              "Mi perfil en el Registro de Directoras, con quién lo vio (null si aún no se inscribe)", "directoras",
              [svc](Request& req) -> Result<Response> {
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  auto p = svc->repo().of_user(s, req.who().user_id);
                  if (!p) return Response::json({{"profile", nullptr}});
                  return Response::json({{"profile", own_json(*svc, *p, svc->repo().views(s, p->id), now_ms())}});
                });
              }});
  router.add({"POST", "/api/v1/directoras/profiles", "registries.directoras.profile",
              "Inscribirse en el Registro de Directoras (se verifican los requisitos)", "directoras",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(p, read_profile(*svc, req));
                EQ_TRY(saved, svc->create(req, *p));
                return Response::json({{"profile", own_json(*svc, *saved, {}, now_ms())}}, 201);
              }});
  router.add({"PUT", "/api/v1/directoras/profiles/{id}", "registries.directoras.profile",
              "Actualizar mi perfil (renueva su fecha de vigencia)", "directoras", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, id_of(req));
                EQ_TRY(p, read_profile(*svc, req));
                EQ_TRY(saved, svc->update(req, *id, *p));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  return Response::json({{"profile", own_json(*svc, *saved, svc->repo().views(s, *id), now_ms())}});
                });
              }});

  // ------------------------------------------------------------ companies and headhunters
  router.add({"GET", "/api/v1/directoras/search", "registries.directoras.search",
              "Buscar candidatas con filtros (industry, specialty, studies, region, board=si|no, q, page); queda trazada", "directoras",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(f, read_filter(*svc, req));
                const int64_t now = now_ms();
                // Bring the index up to date before the write transaction: a reload (100.000 profiles:
                // seconds) inside it held SQLite's write lock, and every other writer waited.
                if (auto warm = with_session<bool>(svc->db(), [&](soci::session& s) -> Result<bool> { return svc->index().current(s, svc->repo()) != nullptr; });
                    !warm)
                  return fail(warm.error());
                return svc->db().transaction<Response>([&](soci::session& s) -> Result<Response> {
                  // One pass over the in-memory index (SearchIndex): filters, text query (through its
                  // text index), every facet's counts and the page's ids; then only the page's rows are read.
                  const auto index = svc->index().current(s, svc->repo());
                  const auto counts = index->search(*f);
                  const auto& listed = counts.page;
                  const size_t total = counts.total;
                  std::map<std::string, int> board = {{"si", counts.board_si}, {"no", counts.board_no}};
                  auto by_code = [](const Vocabulary& v, auto count_of) {
                    std::map<std::string, int> out;
                    for (size_t i = 0; i < v.terms().size() && i < 64; ++i) out[v.terms()[i].id] = count_of(i);
                    return out;
                  };
                  const auto ind = by_code(industries(), [&](size_t i) { return counts.industry[i]; });
                  const auto spec = by_code(specialties(), [&](size_t i) { return counts.specialty[i]; });
                  const auto stu = by_code(studies(), [&](size_t i) { return i < 16 ? counts.studies[i] : 0; });
                  Json items = Json::array();
                  for (const auto& p : svc->repo().by_ids(s, listed)) items.push_back(card_json(*svc, p, now));
                  Json filters = {{"industry", f->industry}, {"specialty", f->specialty}, {"studies", f->studies},
                                  {"region", f->region_id},  {"board", f->board ? (*f->board ? "si" : "no") : ""}, {"q", f->q}};
                  const auto& who = req.who();
                  const int64_t search_id =
                      svc->repo().insert_search(s, who.user_id, who.institution_id, filters.dump(), listed, static_cast<int64_t>(total), now);
                  auto entry = audit::Log::from(req, "directoras.search", "directoras_search:" + std::to_string(search_id));
                  entry.detail = std::to_string(total) + " resultados";
                  svc->audit().append(s, entry);
                  Json regions = Json::array();
                  for (const auto& [id, name] : svc->regions())
                    regions.push_back({{"id", id}, {"name", name}, {"count", SearchIndex::region_number(id) >= 0 ? counts.region[static_cast<size_t>(SearchIndex::region_number(id))] : 0}});
                  // The register's size, computed, beside the seed's figure and its source.
                  // Counted from the index: two COUNT(*) scans of the table cost more than the whole search.
                  Json reg_size = {{"profiles", static_cast<int64_t>(index->size())},
                                   {"demo", index->demo},
                                   {"seed_launch_at_least", kSeedLaunchWomenAtLeast},
                                   {"seed_source", "Cuenta Pública 2020–2021 del Ministerio de la Mujer y la Equidad de Género: "
                                                   "«lanzado en primera instancia en agosto de 2019 con más de 600 mujeres inscritas»."}};
                  return Response::json({{"search_id", search_id},
                                         {"register", reg_size},
                                         {"total", total},
                                         {"page_size", f->limit},
                                         {"items", items},
                                         {"facets",
                                          {{"industry", facet(industries(), ind)},
                                           {"specialty", facet(specialties(), spec)},
                                           {"studies", facet(studies(), stu)},
                                           {"region", regions},
                                           {"board", Json::array({{{"id", "si"}, {"name", "Con experiencia en directorios"}, {"count", board["si"]}},
                                                                  {{"id", "no"}, {"name", "Sin experiencia en directorios"}, {"count", board["no"]}}})}}}});
                });
              }});

  // A profile opened by a company: from its own traced search, audited, shown to her.
  auto open = [svc](Request& req, bool contact) -> Result<Response> {
    EQ_TRY(id, id_of(req));
    const auto search = search_of(req);
    const auto& who = req.who();
    const std::string object = "directora:" + std::to_string(*id);
    const char* action = contact ? "directoras.contact_read" : "directoras.profile_view";
    auto out = svc->db().transaction<Response>([&](soci::session& s) -> Result<Response> {
      const int64_t now = now_ms();
      const bool traced = search && svc->repo().search_listed(s, *search, who.user_id, *id, now - access::kSearchValidMs);
      auto p = svc->repo().find(s, *id);
      if (!p || !access::may_view(who, *p, traced)) return fail(search_required());
      if (contact && !access::may_read_contact(who, *p, traced))
        return fail(Error{403, "not_contactable", "Ella no autorizó que las empresas vean sus datos de contacto.", {}});
      svc->repo().insert_view(s, *id, who.user_id, who.institution_id, who.institution_name, contact ? "contacto" : "perfil", now);
      auto entry = audit::Log::from(req, action, object);
      entry.detail = "búsqueda " + std::to_string(*search);
      svc->audit().append(s, entry);
      if (!contact) return Response::json({{"profile", card_json(*svc, *p, now)}, {"search_id", *search}});
      const auto rut = parse_rut(p->rut);
      return Response::json({{"rut", rut ? format_rut(*rut) : std::string()}, {"email", p->email}, {"phone", p->phone}});
    });
    if (!out && (out.error().code == "search_required" || out.error().code == "not_contactable"))  // after the rollback
      if (auto ok = svc->audit().append(audit::Log::from(req, action, object, "denied")); !ok) return fail(ok.error());
    return out;
  };
  router.add({"GET", "/api/v1/directoras/profiles/{id}", "registries.directoras.search",
              "Perfil de una candidata, abierto desde una búsqueda propia (?search=N); sin RUT ni datos de contacto", "directoras",
              [open](Request& req) { return open(req, false); }});
  router.add({"GET", "/api/v1/directoras/profiles/{id}/contact", "registries.directoras.search",
              "Datos de contacto de una candidata que autorizó ser contactada (?search=N); queda registrado y ella lo ve", "directoras",
              [open](Request& req) { return open(req, true); }});
}

}  // namespace eq::directoras
