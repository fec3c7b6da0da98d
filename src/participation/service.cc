// Workflow of citizens' participation: each write is one transaction with its audit entry (the
// spent challenge, the post and the audit line commit together, so a failure leaves nothing and
// the challenge unspent). Mail goes out after the commit.
#include <algorithm>

#include "core/log.h"
#include "core/time.h"
#include "participation/access.h"
#include "participation/module.h"
#include "store/with_session.h"

namespace eq::participation {

namespace {

constexpr int64_t kCodeLife = 15 * 60 * 1000LL;
constexpr int64_t kTokenLife = 30LL * 86400 * 1000;
constexpr int64_t kChallengeLife = 10 * 60 * 1000LL;

using store::with_session;

std::string post_object(int64_t id) { return "participacion:" + std::to_string(id); }

audit::Entry citizen_entry(const http::Request& req, const std::string& action, const std::string& object, int64_t citizen_id) {
  audit::Entry e;
  e.action = action;
  e.object = object;
  e.client_ip = req.client_ip;
  e.outcome = "ok";
  e.detail = "ciudadana:" + std::to_string(citizen_id);  // the pseudonymous citizen, never her e-mail
  return e;
}

Error phase_closed(const Process& p) {
  return Error::conflict("phase_closed", "La consulta ciudadana no está abierta: la fase actual es «" + std::string(phase_label(p.phase)) +
                                             "». Solo se reciben comentarios y preguntas durante la fase de consulta.",
                         "phase");
}

std::string region_name(const Options& o, const std::string& id) {
  if (id.empty()) return "Nacional";
  for (const auto& [rid, name] : o.regions)
    if (rid == id) return name;
  return id;
}

std::string topic_label(const std::string& id) {
  for (const auto& [tid, label] : topics())
    if (tid == id) return label;
  return id;
}

}  // namespace

Service::Service(store::Database& db, const crypto::Keys& keys, std::shared_ptr<audit::Log> audit, Editions editions, Options options)
    : db_(db),
      keys_(keys),
      audit_(std::move(audit)),
      editions_(std::move(editions)),
      options_(std::move(options)),
      flood_(options_.flood_max, options_.flood_window_ms),
      // Derived from the field key's index half: no new secret file, and rotating the key only
      // voids the challenges in flight (ten minutes of them).
      pow_key_(keys.blind_index("participation proof-of-work challenge key")) {}

std::string Service::hash_secret(const std::string& what) const { return keys_.blind_index("participation secret:" + what); }

std::string Service::sign(const Challenge& c) const {
  return crypto::hmac_sha256_hex(pow_key_, c.nonce + "|" + std::to_string(c.bits) + "|" + std::to_string(c.expires_at));
}

Json Service::challenge(int64_t now) {
  Challenge c{crypto::hex(crypto::random_bytes(16)), options_.pow_bits, now + kChallengeLife, ""};
  c.sig = sign(c);
  return {{"nonce", c.nonce}, {"bits", c.bits}, {"expires_at", c.expires_at}, {"sig", c.sig},
          {"algorithm", "SHA-256(nonce ‖ contador decimal) con «bits» bits iniciales en cero"}};
}

Result<void> Service::verify_proof(soci::session& s, const Proof& p, int64_t now) {
  const auto& c = p.challenge;
  if (c.nonce.size() != 32 || !crypto::equal_constant_time(sign(c), c.sig))
    return fail(Error::invalid("challenge", "El desafío no es válido: pida uno nuevo.", "invalid_challenge"));
  if (c.bits < options_.pow_bits) return fail(Error::invalid("challenge", "El desafío no es válido: pida uno nuevo.", "invalid_challenge"));
  if (c.expires_at <= now) return fail(Error::invalid("challenge", "El desafío venció: pida uno nuevo.", "challenge_expired"));
  if (p.counter.empty() || p.counter.size() > 20 || !std::all_of(p.counter.begin(), p.counter.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
    return fail(Error::invalid("counter", "La respuesta al desafío debe ser un número entero.", "invalid_counter"));
  if (leading_zero_bits(crypto::sha256_hex(c.nonce + p.counter)) < c.bits)
    return fail(Error::invalid("counter", "La respuesta al desafío no es correcta.", "wrong_proof"));
  if (!Repository::spend_challenge(s, c.nonce, now))
    return fail(Error::conflict("challenge_spent", "Ese desafío ya fue usado: pida uno nuevo para enviar otro mensaje.", "challenge"));
  return {};
}

Result<int64_t> Service::citizen_of(soci::session& s, const std::string& token, int64_t now) {
  if (!token.empty())
    if (auto id = Repository::token_citizen(s, hash_secret("token:" + token), now)) return *id;
  return fail(Error{401, "unverified", "Para participar, verifique primero su correo electrónico con el código que le enviamos.", "token"});
}

Result<PublishedEdition> Service::current_edition(const Process& p) {
  auto all = editions_.published();
  if (!all) return fail(all.error());
  const PublishedEdition* best = nullptr;
  for (const auto& e : *all)
    if (e.period == p.period && (!best || e.published_at > best->published_at || (e.published_at == best->published_at && e.id > best->id)))
      best = &e;
  if (!best) return fail(Error::not_found("No hay una edición publicada de la cuenta pública para el período " + p.period + "."));
  return *best;
}

Result<void> Service::notify(int64_t citizen_id, const std::string& subject, const std::string& body) {
  auto c = with_session<std::optional<Citizen>>(db_, [&](soci::session& s) -> Result<std::optional<Citizen>> { return Repository::citizen(s, citizen_id); });
  if (!c) return fail(c.error());
  if (!*c || (*c)->demo) return {};  // demo citizens have no mailbox
  auto email = keys_.decrypt((*c)->email_enc);
  if (!email) return fail(Error::internal());
  auto sent = send_mail(options_.smtp, {*email, subject, body});
  audit::Entry e;
  e.action = "participation.notified";
  e.object = "ciudadana:" + std::to_string(citizen_id);
  e.outcome = sent ? "ok" : "failed";
  e.detail = subject;
  (void)audit_->append(e);
  if (!sent) spdlog::warn("participation mail to citizen {} failed: {}", citizen_id, sent.error().message);
  return sent;
}

// ------------------------------------------------------------------ public reading

Result<Json> Service::processes() {
  return with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    Json items = Json::array();
    for (const auto& p : Repository::processes(s))
      items.push_back({{"id", p.id}, {"title", p.title}, {"period", p.period}, {"phase", p.phase}, {"phase_label", phase_label(p.phase)},
                       {"consult_from", format_date_cl(p.consult_from)}, {"answers_from", format_date_cl(p.answers_from)},
                       {"final_from", format_date_cl(p.final_from)}, {"demo", p.demo}});
    return Json{{"items", items}};
  });
}

Result<Json> Service::process(int64_t id, int64_t now) {
  auto p = with_session<std::optional<Process>>(db_, [&](soci::session& s) -> Result<std::optional<Process>> { return Repository::process(s, id); });
  if (!p) return fail(p.error());
  if (!*p) return fail(Error::not_found("No existe un proceso de participación con ese identificador."));
  auto edition = current_edition(**p);
  if (!edition) return fail(edition.error());
  std::map<std::string, const EditionSection*> by_key;
  Json sections = Json::array();
  for (const auto& sec : edition->sections) {
    by_key[sec.key] = &sec;
    sections.push_back({{"key", sec.key}, {"title", sec.title}, {"text", sec.text}});
  }
  return with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    const Process& pr = **p;
    Json comments = Json::array();
    for (const auto& c : Repository::posts(s, id, "comentario", true)) {
      if (c.state == "retirado") continue;
      Json j = {{"id", c.id}, {"pseudonym", c.pseudonym}, {"section_key", c.section_key}, {"created", format_datetime_cl(c.created_at)},
                {"state", c.state}, {"demo", c.demo}};
      if (c.state == "oculto") {
        j["notice"] = "Comentario oculto por reportes de la comunidad; en revisión por moderación.";
      } else {
        j["body"] = c.body;
        j["quote"] = c.quote;
        // Re-anchored on the current version: the quote searched near its old place.
        auto sec = by_key.find(c.section_key);
        Anchor a = c.edition_id == edition->id ? Anchor{true, c.quote_offset}
                   : sec == by_key.end()       ? Anchor{}
                                               : reanchor(sec->second->text, c.quote, c.quote_offset);
        if (c.edition_id == edition->id && sec != by_key.end() && !quote_at(sec->second->text, c.quote, c.quote_offset)) a = Anchor{};
        j["anchored"] = a.anchored;
        j["anchor_label"] = a.anchored ? "anclado" : "desanclado";
        if (a.anchored) j["offset"] = a.offset;
        j["written_on_edition"] = c.edition_id;
      }
      comments.push_back(j);
    }
    Json questions = Json::array();
    int64_t total = 0, on_time = 0, late = 0, pending = 0, overdue = 0;
    for (const auto& q : Repository::posts(s, id, "pregunta", true)) {
      if (q.state == "retirado") continue;
      ++total;
      const bool answered = q.answered_at.has_value();
      const bool is_late = answered && q.due_at && *q.answered_at > *q.due_at;
      const bool is_overdue = !answered && q.due_at && now > *q.due_at;
      on_time += answered && !is_late;
      late += is_late;
      pending += !answered;
      overdue += is_overdue;
      Json j = {{"id", q.id}, {"pseudonym", q.pseudonym}, {"topic", q.topic}, {"topic_label", topic_label(q.topic)}, {"region_id", q.region_id},
                {"region_name", region_name(options_, q.region_id)}, {"asked", format_datetime_cl(q.created_at)},
                {"due", q.due_at ? format_datetime_cl(*q.due_at) : ""}, {"due_at", q.due_at.value_or(0)}, {"overdue", is_overdue},
                {"state", q.state}, {"demo", q.demo}};
      if (q.state == "oculto")
        j["notice"] = "Pregunta oculta por reportes de la comunidad; en revisión por moderación.";
      else
        j["body"] = q.body;
      // An answer is public whatever the question's state: the ministry's word is never hidden.
      j["answer"] = answered ? Json{{"text", q.answer}, {"by", q.answered_by}, {"on", format_datetime_cl(*q.answered_at)}, {"late", is_late},
                                    {"label", is_late ? "Respondida fuera de plazo" : "Respondida a tiempo"}}
                             : Json(nullptr);
      questions.push_back(j);
    }
    Json calendar = Json::array();
    calendar.push_back({{"phase", kConsulta}, {"label", phase_label(kConsulta)}, {"from", format_datetime_cl(pr.consult_from)}, {"from_at", pr.consult_from}});
    calendar.push_back({{"phase", kRespuestas}, {"label", phase_label(kRespuestas)}, {"from", format_datetime_cl(pr.answers_from)}, {"from_at", pr.answers_from}});
    calendar.push_back({{"phase", kFinal}, {"label", phase_label(kFinal)}, {"from", format_datetime_cl(pr.final_from)}, {"from_at", pr.final_from}});
    Json topic_list = Json::array();
    for (const auto& [tid, label] : topics()) topic_list.push_back({{"id", tid}, {"name", label}});
    Json region_list = Json::array({{{"id", ""}, {"name", "Nacional"}}});
    for (const auto& [rid, name] : options_.regions) region_list.push_back({{"id", rid}, {"name", name}});
    std::string figure = std::to_string(on_time) + " de " + std::to_string(total) + " respondidas a tiempo";
    return Json{{"process", {{"id", pr.id}, {"title", pr.title}, {"period", pr.period}, {"phase", pr.phase}, {"phase_label", phase_label(pr.phase)},
                             {"phase_since", format_datetime_cl(pr.phase_at)}, {"open", pr.phase == kConsulta}, {"answer_days", pr.answer_days},
                             {"calendar", calendar}, {"demo", pr.demo}}},
                {"edition", {{"id", edition->id}, {"title", edition->title}, {"published", format_datetime_cl(edition->published_at)},
                             {"demo", edition->demo}, {"sections", sections}}},
                {"comments", comments},
                {"questions", questions},
                {"answered", {{"on_time", on_time}, {"late", late}, {"pending", pending}, {"overdue", overdue}, {"total", total}, {"text", figure}}},
                {"topics", topic_list},
                {"regions", region_list}};
  });
}

// ------------------------------------------------------------------ e-mail verification

Result<Json> Service::request_code(const http::Request& req, const std::string& email, const std::string& pseudonym, int64_t now) {
  const std::string canon = canonical_email(email);
  const auto at = canon.find('@');
  if (at == std::string::npos || at == 0 || canon.find('.', at) == std::string::npos || canon.back() == '.')
    return fail(Error::invalid("email", "Escriba un correo electrónico válido (por ejemplo, nombre@dominio.cl).", "invalid_email"));
  std::string code;
  for (unsigned char b : crypto::random_bytes(6)) code += static_cast<char>('0' + b % 10);
  auto id = db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const std::string bidx = keys_.blind_index(canon);
    int64_t cid = 0;
    if (auto c = Repository::citizen_by_index(s, bidx)) {
      cid = c->id;
      if (!pseudonym.empty() && pseudonym != c->pseudonym) Repository::set_pseudonym(s, cid, pseudonym);
    } else {
      cid = Repository::insert_citizen(s, keys_.encrypt(canon), bidx, pseudonym.empty() ? "Participante" : pseudonym, false, now);
    }
    Repository::insert_code(s, cid, hash_secret("code:" + std::to_string(cid) + ":" + code), now + kCodeLife, now);
    audit_->append(s, citizen_entry(req, "participation.code_sent", "ciudadana:" + std::to_string(cid), cid));
    return cid;
  });
  if (!id) return fail(id.error());
  auto sent = send_mail(options_.smtp, {canon, "Su código para participar en la Cuenta Pública",
                                        "Su código de verificación es: " + code +
                                            "\n\nVence en 15 minutos. Si usted no lo pidió, ignore este mensaje.\n\n"
                                            "Ministerio de la Mujer y la Equidad de Género — Cuenta Pública Participativa\n"});
  if (!sent) return fail(sent.error());
  return Json{{"sent", true}, {"expires_in_minutes", kCodeLife / 60000}};
}

Result<Json> Service::confirm_code(const http::Request& req, const std::string& email, const std::string& code, int64_t now) {
  const std::string token = crypto::random_token();
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto c = Repository::citizen_by_index(s, keys_.blind_index(canonical_email(email)));
    if (!c || !Repository::spend_code(s, c->id, hash_secret("code:" + std::to_string(c->id) + ":" + code), now))
      return fail(Error::invalid("code", "El código no es correcto o ya venció: pida uno nuevo.", "invalid_code"));
    Repository::insert_token(s, hash_secret("token:" + token), c->id, now + kTokenLife);
    audit_->append(s, citizen_entry(req, "participation.verified", "ciudadana:" + std::to_string(c->id), c->id));
    return Json{{"token", token}, {"pseudonym", c->pseudonym}, {"expires_at", now + kTokenLife}};
  });
}

// ------------------------------------------------------------------ public writing

Result<Json> Service::comment(const http::Request& req, int64_t process_id, const NewComment& in, int64_t now) {
  auto p = with_session<std::optional<Process>>(db_, [&](soci::session& s) -> Result<std::optional<Process>> { return Repository::process(s, process_id); });
  if (!p) return fail(p.error());
  if (!*p) return fail(Error::not_found("No existe un proceso de participación con ese identificador."));
  if ((*p)->phase != kConsulta) return fail(phase_closed(**p));
  auto edition = current_edition(**p);
  if (!edition) return fail(edition.error());
  const EditionSection* sec = nullptr;
  for (const auto& x : edition->sections)
    if (x.key == in.section_key) sec = &x;
  if (!sec) return fail(Error::invalid("section_key", "Esa sección no existe en la edición publicada.", "unknown_section"));
  if (!quote_at(sec->text, in.quote, in.offset))
    return fail(Error::invalid("quote", "El texto citado no está en esa posición de la sección: vuelva a seleccionarlo.", "quote_mismatch"));
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto cid = citizen_of(s, in.token, now);
    if (!cid) return fail(cid.error());
    if (auto ok = verify_proof(s, in.proof, now); !ok) return fail(ok.error());
    Post post;
    post.process_id = process_id;
    post.citizen_id = *cid;
    post.kind = "comentario";
    post.body = in.body;
    post.section_key = in.section_key;
    post.quote = in.quote;
    post.quote_offset = in.offset;
    post.edition_id = edition->id;
    post.created_at = now;
    post.id = Repository::insert_post(s, post);
    audit_->append(s, citizen_entry(req, "participation.comment", post_object(post.id), *cid));
    return Json{{"id", post.id}, {"body", post.body}, {"quote", post.quote}, {"offset", post.quote_offset}, {"edition_id", post.edition_id}};
  });
}

Result<Json> Service::ask(const http::Request& req, int64_t process_id, const NewQuestion& in, int64_t now) {
  if (!in.region_id.empty() &&
      std::none_of(options_.regions.begin(), options_.regions.end(), [&](const auto& r) { return r.first == in.region_id; }))
    return fail(Error::invalid("region_id", "Esa región no existe.", "unknown_code"));
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto p = Repository::process(s, process_id);
    if (!p) return fail(Error::not_found("No existe un proceso de participación con ese identificador."));
    if (p->phase != kConsulta) return fail(phase_closed(*p));
    auto cid = citizen_of(s, in.token, now);
    if (!cid) return fail(cid.error());
    if (auto ok = verify_proof(s, in.proof, now); !ok) return fail(ok.error());
    Post q;
    q.process_id = process_id;
    q.citizen_id = *cid;
    q.kind = "pregunta";
    q.body = in.body;
    q.topic = in.topic;
    q.region_id = in.region_id;
    q.created_at = now;
    // The answer is due N business days into the answers phase (or after the question, if later).
    q.due_at = add_business_days(std::max(now, p->answers_from), p->answer_days);
    q.id = Repository::insert_post(s, q);
    audit_->append(s, citizen_entry(req, "participation.question", post_object(q.id), *cid));
    return Json{{"id", q.id}, {"body", q.body}, {"due", format_datetime_cl(*q.due_at)}, {"due_at", *q.due_at}};
  });
}

Result<Json> Service::report(const http::Request& req, int64_t post_id, const std::string& token, const std::string& reason, int64_t now) {
  int64_t author = 0;
  auto r = db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto cid = citizen_of(s, token, now);
    if (!cid) return fail(cid.error());
    auto p = Repository::post(s, post_id);
    if (!p || p->state == "retirado") return fail(Error::not_found("No existe ese comentario o pregunta."));
    if (!access::may_report(*cid, *p)) return fail(Error::conflict("own_post", "No puede reportar su propio mensaje.", "id"));
    if (!Repository::insert_report(s, post_id, *cid, reason, now))
      return fail(Error::conflict("already_reported", "Usted ya reportó este mensaje.", "id"));
    const int64_t n = Repository::distinct_reporters(s, post_id);
    auto e = citizen_entry(req, "participation.report", post_object(post_id), *cid);
    e.detail += " " + reason;
    audit_->append(s, e);
    bool hidden = false;
    if (p->state == "visible" && n >= options_.hide_after) {
      Repository::set_state(s, post_id, "oculto");
      audit::Entry h;
      h.action = "participation.hidden";
      h.object = post_object(post_id);
      h.outcome = "ok";
      h.detail = std::to_string(n) + " reportes de personas distintas";
      audit_->append(s, h);
      hidden = true;
      author = p->citizen_id;
    }
    return Json{{"reports", n}, {"hidden", hidden || p->state == "oculto"}};
  });
  if (r && author)
    (void)notify(author, "Su mensaje en la Cuenta Pública fue ocultado",
                 "Su mensaje n.º " + std::to_string(post_id) + " recibió " + std::to_string(options_.hide_after) +
                     " reportes de personas distintas y quedó oculto mientras el equipo de moderación lo revisa.\n"
                     "Si cree que es un error, puede apelar desde la página de la consulta.\n");
  return r;
}

Result<Json> Service::appeal(const http::Request& req, int64_t post_id, const std::string& token, const std::string& text, int64_t now) {
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto cid = citizen_of(s, token, now);
    if (!cid) return fail(cid.error());
    auto p = Repository::post(s, post_id);
    if (!p) return fail(Error::not_found("No existe ese comentario o pregunta."));
    if (!access::may_appeal(*cid, *p)) return fail(Error{403, "not_author", "Solo quien escribió el mensaje puede apelar.", "id"});
    if (p->state != "oculto") return fail(Error::conflict("not_hidden", "Solo se puede apelar un mensaje oculto.", "id"));
    if (p->appealed_at) return fail(Error::conflict("already_appealed", "Este mensaje ya tiene una apelación en revisión.", "id"));
    Repository::set_appeal(s, post_id, text, now);
    audit_->append(s, citizen_entry(req, "participation.appeal", post_object(post_id), *cid));
    return Json{{"appealed", true}};
  });
}

// ------------------------------------------------------------------ ministry

Result<Json> Service::create_process(const http::Request& req, const NewProcess& in, int64_t now) {
  if (!access::may_manage(req.who())) return fail(Error::forbidden());
  if (!(in.consult_from < in.answers_from && in.answers_from < in.final_from))
    return fail(Error::invalid("answers_from", "Las fechas deben seguir el orden: consulta, respuestas, publicación final.", "calendar_order"));
  Process p;
  p.period = in.period;
  p.title = in.title;
  p.consult_from = in.consult_from;
  p.answers_from = in.answers_from;
  p.final_from = in.final_from;
  p.answer_days = in.answer_days;
  if (auto e = current_edition(p); !e)
    return fail(Error::invalid("period", "No hay una edición publicada de la cuenta pública para el período " + in.period + ".", "no_edition"));
  p.phase = phase_at(p, now);
  p.phase_at = now;
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    p.id = Repository::insert_process(s, p);
    audit_->append(s, audit::Log::from(req, "participation.process_create", "proceso:" + std::to_string(p.id)));
    return Json{{"id", p.id}, {"phase", p.phase}};
  });
}

Result<Json> Service::answer(const http::Request& req, int64_t post_id, const std::string& text, int64_t now) {
  if (!access::may_manage(req.who()))
    return fail([&] {
      (void)audit_->append(audit::Log::from(req, "participation.answer", post_object(post_id), "denied"));
      return Error::forbidden();
    }());
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto p = Repository::post(s, post_id);
    if (!p || p->kind != "pregunta") return fail(Error::not_found("No existe esa pregunta."));
    if (p->answered_at) return fail(Error::conflict("already_answered", "Esta pregunta ya tiene una respuesta pública.", "id"));
    Repository::answer(s, post_id, text, req.who().institution_name, now);
    const bool late = p->due_at && now > *p->due_at;
    auto e = audit::Log::from(req, "participation.answer", post_object(post_id));
    e.detail = late ? "fuera de plazo" : "a tiempo";
    audit_->append(s, e);
    return Json{{"id", post_id}, {"late", late}, {"on", format_datetime_cl(now)}};
  });
}

Result<Json> Service::moderation(const http::Request& req, int64_t process_id) {
  if (!access::may_manage(req.who())) return fail(Error::forbidden());
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    Json items = Json::array();
    for (const char* kind : {"comentario", "pregunta"})
      for (const auto& p : Repository::posts(s, process_id, kind, true)) {
        if (p.state != "oculto") continue;
        Json reasons = Json::object();
        for (const auto& [reason, n] : Repository::report_reasons(s, p.id)) reasons[reason] = n;
        items.push_back({{"id", p.id}, {"kind", p.kind}, {"body", p.body}, {"pseudonym", p.pseudonym}, {"reasons", reasons},
                         {"appeal", p.appeal}, {"appealed", p.appealed_at ? format_datetime_cl(*p.appealed_at) : ""}});
      }
    audit_->append(s, audit::Log::from(req, "participation.moderation_read", "proceso:" + std::to_string(process_id)));
    return Json{{"items", items}};
  });
}

Result<Json> Service::moderate(const http::Request& req, int64_t post_id, const std::string& decision, int64_t now) {
  (void)now;
  if (!access::may_manage(req.who())) return fail(Error::forbidden());
  int64_t author = 0;
  auto r = db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto p = Repository::post(s, post_id);
    if (!p) return fail(Error::not_found("No existe ese comentario o pregunta."));
    if (p->state != "oculto") return fail(Error::conflict("not_hidden", "Solo se modera un mensaje oculto por reportes.", "id"));
    const std::string state = decision == "restaurar" ? "visible" : "retirado";
    Repository::set_state(s, post_id, state);
    auto e = audit::Log::from(req, "participation.moderated", post_object(post_id));
    e.detail = decision;
    audit_->append(s, e);
    author = p->citizen_id;
    return Json{{"id", post_id}, {"state", state}};
  });
  if (r && author)
    (void)notify(author, "Revisión de su mensaje en la Cuenta Pública",
                 decision == "restaurar" ? "El equipo de moderación revisó su mensaje n.º " + std::to_string(post_id) + " y lo restauró: vuelve a estar visible.\n"
                                         : "El equipo de moderación revisó su mensaje n.º " + std::to_string(post_id) +
                                               " y confirmó su retiro por no cumplir las reglas de la consulta.\n");
  return r;
}

Result<int> Service::switch_phases(int64_t now) {
  return db_.transaction<int>([&](soci::session& s) -> Result<int> {
    int n = 0;
    for (const auto& p : Repository::processes(s)) {
      const std::string phase = phase_at(p, now);
      if (phase == p.phase) continue;
      Repository::set_phase(s, p.id, phase, now);
      audit::Entry e;
      e.action = "participation.phase";
      e.object = "proceso:" + std::to_string(p.id);
      e.outcome = "ok";
      e.detail = p.phase + " → " + phase;
      audit_->append(s, e);
      ++n;
    }
    return n;
  });
}

}  // namespace eq::participation
