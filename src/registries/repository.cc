// Every SQL statement of the ministry's registries (SQLite and PostgreSQL).
#include "registries/module.h"
#include "store/collect.h"
#include "store/query.h"

namespace eq::registries::repo {

namespace {
using store::get_int;
using store::get_opt_int;
using store::get_str;
using store::Query;
using LL = long long;

using store::collect;

const char* kCertCols =
    "c.id, o.id, o.name, o.rut, o.demo, c.program, c.status, c.certifier, c.edition, c.scope, c.issued_on, c.expires_on, "
    "c.updated_at, c.demo FROM registries_certs c JOIN registries_orgs o ON o.id = c.org_id";

Certification cert_from(const soci::row& r) {
  Certification c;
  c.id = get_int(r, 0);
  c.org = {get_int(r, 1), get_str(r, 2), get_str(r, 3), get_int(r, 4) != 0};
  c.program = get_str(r, 5);
  c.status = get_str(r, 6);
  c.certifier = get_str(r, 7);
  c.edition = get_str(r, 8);
  c.scope = get_str(r, 9);
  c.issued_on = get_str(r, 10);
  c.expires_on = get_str(r, 11);
  c.updated_at = get_int(r, 12);
  c.demo = get_int(r, 13) != 0;
  return c;
}

const char* kAgreementCols = "id, title, purpose, status, source, signed_on, starts_on, ends_on, updated_at, demo FROM registries_agreements";

Agreement agreement_from(const soci::row& r) {
  Agreement a;
  a.id = get_int(r, 0);
  a.title = get_str(r, 1);
  a.purpose = get_str(r, 2);
  a.status = get_str(r, 3);
  a.source = get_str(r, 4);
  a.signed_on = get_str(r, 5);
  a.starts_on = get_str(r, 6);
  a.ends_on = get_str(r, 7);
  a.updated_at = get_int(r, 8);
  a.demo = get_int(r, 9) != 0;
  return a;
}

std::vector<std::string> parties_of(soci::session& s, int64_t id) {
  return collect<std::string>(s, Query("SELECT name FROM registries_parties WHERE agreement_id = :a ORDER BY ord").bind("a", LL{id}),
                              [](const soci::row& r) { return get_str(r, 0); });
}

std::vector<Obligation> obligations_of(soci::session& s, int64_t id) {
  return collect<Obligation>(
      s, Query("SELECT id, description, owner, due_on, status FROM registries_obligations WHERE agreement_id = :a ORDER BY id").bind("a", LL{id}),
      [](const soci::row& r) { return Obligation{get_int(r, 0), get_str(r, 1), get_str(r, 2), get_str(r, 3), get_str(r, 4)}; });
}
}  // namespace

int64_t org_by_rut(soci::session& s, const std::string& rut) {
  return Query("SELECT id FROM registries_orgs WHERE rut = :r").bind("r", rut).scalar(s).value_or(0);
}

int64_t insert_org(soci::session& s, const Organisation& o) {
  return *Query("INSERT INTO registries_orgs (name, rut, demo) VALUES (:n, :r, :d) RETURNING id")
              .bind("n", o.name)
              .bind("r", o.rut)
              .bind("d", LL{o.demo})
              .scalar(s);
}

std::optional<int64_t> cert_of(soci::session& s, int64_t org_id, const std::string& program) {
  return Query("SELECT id FROM registries_certs WHERE org_id = :o AND program = :p").bind("o", LL{org_id}).bind("p", program).scalar(s);
}

int64_t insert_cert(soci::session& s, const Certification& c) {
  return *Query(
              "INSERT INTO registries_certs (org_id, program, status, certifier, edition, scope, issued_on, expires_on, updated_at, demo) "
              "VALUES (:o, :p, :st, :cf, :ed, :sc, :is, :ex, :up, :d) RETURNING id")
              .bind("o", LL{c.org.id})
              .bind("p", c.program)
              .bind("st", c.status)
              .bind("cf", c.certifier)
              .bind("ed", c.edition)
              .bind("sc", c.scope)
              .bind("is", c.issued_on)
              .bind("ex", c.expires_on)
              .bind("up", LL{c.updated_at})
              .bind("d", LL{c.demo})
              .scalar(s);
}

void set_cert_status(soci::session& s, int64_t id, const std::string& status, int64_t at) {
  Query("UPDATE registries_certs SET status = :s, updated_at = :at WHERE id = :id").bind("s", status).bind("at", LL{at}).bind("id", LL{id}).exec(s);
}

void insert_history(soci::session& s, int64_t cert_id, const StatusChange& h) {
  Query("INSERT INTO registries_cert_history (cert_id, status, note, by_user, by_name, at) VALUES (:c, :s, :n, :u, :b, :at)")
      .bind("c", LL{cert_id})
      .bind("s", h.status)
      .bind("n", h.note)
      .bind_opt("u", h.by_user ? std::optional<LL>(*h.by_user) : std::nullopt)
      .bind("b", h.by_name)
      .bind("at", LL{h.at})
      .exec(s);
}

std::optional<Certification> cert(soci::session& s, int64_t id) {
  std::optional<Certification> out;
  Query(std::string("SELECT ") + kCertCols + " WHERE c.id = :id").bind("id", LL{id}).each(s, [&](const soci::row& r) { out = cert_from(r); });
  return out;
}

std::vector<Certification> certs(soci::session& s, const CertFilter& f) {
  Query q(std::string("SELECT ") + kCertCols + " WHERE 1 = 1");
  if (!f.program.empty()) q.sql(" AND c.program = :p").bind("p", f.program);
  if (!f.status.empty()) q.sql(" AND c.status = :s").bind("s", f.status);
  if (!f.q.empty()) q.sql(" AND (LOWER(o.name) LIKE LOWER(:q) ESCAPE '\\' OR o.rut LIKE :q ESCAPE '\\')").bind("q", store::contains_pattern(f.q));
  q.sql(" ORDER BY o.name, c.program");
  return collect<Certification>(s, q, cert_from);
}

std::vector<StatusChange> history(soci::session& s, int64_t cert_id) {
  return collect<StatusChange>(
      s, Query("SELECT at, status, note, by_name, by_user FROM registries_cert_history WHERE cert_id = :c ORDER BY at, id").bind("c", LL{cert_id}),
      [](const soci::row& r) { return StatusChange{get_int(r, 0), get_str(r, 1), get_str(r, 2), get_str(r, 3), get_opt_int(r, 4)}; });
}

std::vector<std::tuple<std::string, std::string, int64_t>> cert_counts(soci::session& s) {
  using Count = std::tuple<std::string, std::string, int64_t>;
  return collect<Count>(s, Query("SELECT program, status, COUNT(*) FROM registries_certs GROUP BY program, status ORDER BY program, status"),
                        [](const soci::row& r) { return Count{get_str(r, 0), get_str(r, 1), get_int(r, 2)}; });
}

int64_t count_demo(soci::session& s) {
  return Query("SELECT (SELECT COUNT(*) FROM registries_orgs WHERE demo = 1) + (SELECT COUNT(*) FROM registries_agreements WHERE demo = 1)")
      .scalar(s)
      .value_or(0);
}

int64_t insert_agreement(soci::session& s, const Agreement& a) {
  const int64_t id = *Query(
                          "INSERT INTO registries_agreements (title, purpose, status, source, signed_on, starts_on, ends_on, updated_at, demo) "
                          "VALUES (:t, :p, :st, :src, :sg, :sa, :en, :up, :d) RETURNING id")
                          .bind("t", a.title)
                          .bind("p", a.purpose)
                          .bind("st", a.status)
                          .bind("src", a.source)
                          .bind("sg", a.signed_on)
                          .bind("sa", a.starts_on)
                          .bind("en", a.ends_on)
                          .bind("up", LL{a.updated_at})
                          .bind("d", LL{a.demo})
                          .scalar(s);
  for (size_t i = 0; i < a.parties.size(); ++i)
    Query("INSERT INTO registries_parties (agreement_id, ord, name) VALUES (:a, :o, :n)")
        .bind("a", LL{id})
        .bind("o", static_cast<LL>(i))
        .bind("n", a.parties[i])
        .exec(s);
  for (const auto& o : a.obligations)
    Query("INSERT INTO registries_obligations (agreement_id, description, owner, due_on, status, updated_at) VALUES (:a, :d, :o, :due, :s, :up)")
        .bind("a", LL{id})
        .bind("d", o.description)
        .bind("o", o.owner)
        .bind("due", o.due_on)
        .bind("s", o.status)
        .bind("up", LL{a.updated_at})
        .exec(s);
  for (const auto& d : a.documents)
    Query("INSERT INTO registries_documents (agreement_id, title, url, kind) VALUES (:a, :t, :u, :k)")
        .bind("a", LL{id})
        .bind("t", d.title)
        .bind("u", d.url)
        .bind("k", d.kind)
        .exec(s);
  return id;
}

std::optional<Agreement> agreement(soci::session& s, int64_t id) {
  std::optional<Agreement> out;
  Query(std::string("SELECT ") + kAgreementCols + " WHERE id = :id").bind("id", LL{id}).each(s, [&](const soci::row& r) { out = agreement_from(r); });
  if (!out) return out;
  out->parties = parties_of(s, id);
  out->obligations = obligations_of(s, id);
  out->documents = collect<Document>(s, Query("SELECT id, title, url, kind FROM registries_documents WHERE agreement_id = :a ORDER BY id").bind("a", LL{id}),
                                     [](const soci::row& r) { return Document{get_int(r, 0), get_str(r, 1), get_str(r, 2), get_str(r, 3)}; });
  return out;
}

std::vector<Agreement> agreements(soci::session& s) {
  auto out = collect<Agreement>(s, Query(std::string("SELECT ") + kAgreementCols + " ORDER BY id"), agreement_from);
  for (auto& a : out) {
    a.parties = parties_of(s, a.id);
    a.obligations = obligations_of(s, a.id);
  }
  return out;
}

std::optional<Obligation> obligation(soci::session& s, int64_t agreement_id, int64_t id) {
  for (auto& o : obligations_of(s, agreement_id))
    if (o.id == id) return o;
  return std::nullopt;
}

void set_obligation_status(soci::session& s, int64_t id, const std::string& status, int64_t at) {
  Query("UPDATE registries_obligations SET status = :s, updated_at = :at WHERE id = :id").bind("s", status).bind("at", LL{at}).bind("id", LL{id}).exec(s);
}

bool raise_alert(soci::session& s, const AgreementAlert& a) {
  if (Query("SELECT id FROM registries_alerts WHERE agreement_id = :a AND obligation_id = :o AND kind = :k")
          .bind("a", LL{a.agreement_id})
          .bind("o", LL{a.obligation_id})
          .bind("k", a.kind)
          .scalar(s))
    return false;
  Query("INSERT INTO registries_alerts (agreement_id, obligation_id, kind, message, raised_at) VALUES (:a, :o, :k, :m, :at)")
      .bind("a", LL{a.agreement_id})
      .bind("o", LL{a.obligation_id})
      .bind("k", a.kind)
      .bind("m", a.message)
      .bind("at", LL{a.raised_at})
      .exec(s);
  return true;
}

std::vector<AgreementAlert> alerts(soci::session& s, std::optional<int64_t> agreement_id) {
  Query q("SELECT id, agreement_id, obligation_id, kind, message, raised_at FROM registries_alerts");
  if (agreement_id) q.sql(" WHERE agreement_id = :a").bind("a", LL{*agreement_id});
  q.sql(" ORDER BY raised_at DESC, id DESC");
  return collect<AgreementAlert>(s, q, [](const soci::row& r) {
    return AgreementAlert{get_int(r, 0), get_int(r, 1), get_int(r, 2), get_str(r, 3), get_str(r, 4), get_int(r, 5)};
  });
}

int64_t insert_obligation(soci::session& s, int64_t agreement_id, const Obligation& o, int64_t at) {
  return *Query(
              "INSERT INTO registries_obligations (agreement_id, description, owner, due_on, status, updated_at) "
              "VALUES (:a, :d, :o, :due, :s, :up) RETURNING id")
              .bind("a", LL{agreement_id})
              .bind("d", o.description)
              .bind("o", o.owner)
              .bind("due", o.due_on)
              .bind("s", o.status)
              .bind("up", LL{at})
              .scalar(s);
}

void update_obligation(soci::session& s, const Obligation& o, int64_t at) {
  Query("UPDATE registries_obligations SET description = :d, owner = :o, due_on = :due, status = :s, updated_at = :up WHERE id = :id")
      .bind("d", o.description)
      .bind("o", o.owner)
      .bind("due", o.due_on)
      .bind("s", o.status)
      .bind("up", LL{at})
      .bind("id", LL{o.id})
      .exec(s);
}

std::optional<Document> document(soci::session& s, int64_t agreement_id, int64_t id) {
  std::optional<Document> out;
  Query("SELECT id, title, url, kind FROM registries_documents WHERE agreement_id = :a AND id = :id")
      .bind("a", LL{agreement_id})
      .bind("id", LL{id})
      .each(s, [&](const soci::row& r) { out = Document{get_int(r, 0), get_str(r, 1), get_str(r, 2), get_str(r, 3)}; });
  return out;
}

int64_t insert_document(soci::session& s, int64_t agreement_id, const Document& d) {
  return *Query("INSERT INTO registries_documents (agreement_id, title, url, kind) VALUES (:a, :t, :u, :k) RETURNING id")
              .bind("a", LL{agreement_id})
              .bind("t", d.title)
              .bind("u", d.url)
              .bind("k", d.kind)
              .scalar(s);
}

void delete_document(soci::session& s, int64_t id) { Query("DELETE FROM registries_documents WHERE id = :id").bind("id", LL{id}).exec(s); }

void touch_agreement(soci::session& s, int64_t id, int64_t at) {
  Query("UPDATE registries_agreements SET updated_at = :at WHERE id = :id").bind("at", LL{at}).bind("id", LL{id}).exec(s);
}

void set_cert_validity(soci::session& s, int64_t id, const std::string& issued_on, const std::string& expires_on, int64_t at) {
  Query("UPDATE registries_certs SET issued_on = :i, expires_on = :e, updated_at = :at WHERE id = :id")
      .bind("i", issued_on)
      .bind("e", expires_on)
      .bind("at", LL{at})
      .bind("id", LL{id})
      .exec(s);
}

std::vector<Certification> certs_with_expiry(soci::session& s) {
  return collect<Certification>(
      s, Query(std::string("SELECT ") + kCertCols + " WHERE c.status IN ('certificada', 'otorgado') AND c.expires_on <> '' ORDER BY c.id"),
      cert_from);
}

bool raise_cert_alert(soci::session& s, const CertAlert& a) {
  if (Query("SELECT id FROM registries_cert_alerts WHERE cert_id = :c AND kind = :k AND expires_on = :e")
          .bind("c", LL{a.cert_id})
          .bind("k", a.kind)
          .bind("e", a.expires_on)
          .scalar(s))
    return false;
  Query("INSERT INTO registries_cert_alerts (cert_id, kind, expires_on, message, raised_at) VALUES (:c, :k, :e, :m, :at)")
      .bind("c", LL{a.cert_id})
      .bind("k", a.kind)
      .bind("e", a.expires_on)
      .bind("m", a.message)
      .bind("at", LL{a.raised_at})
      .exec(s);
  return true;
}

std::vector<CertAlert> cert_alerts(soci::session& s, std::optional<int64_t> cert_id) {
  // Without a certification: the open ones only (still in force, raised for the expiry it has now);
  // a renewed or closed certification's old alerts stay in its own history.
  Query q(
      "SELECT a.id, a.cert_id, a.kind, a.expires_on, a.message, a.raised_at, o.name, c.program FROM registries_cert_alerts a "
      "JOIN registries_certs c ON c.id = a.cert_id JOIN registries_orgs o ON o.id = c.org_id");
  if (cert_id)
    q.sql(" WHERE a.cert_id = :c").bind("c", LL{*cert_id});
  else
    q.sql(" WHERE c.status IN ('certificada', 'otorgado') AND a.expires_on = c.expires_on");
  q.sql(" ORDER BY a.raised_at DESC, a.id DESC");
  return collect<CertAlert>(s, q, [](const soci::row& r) {
    return CertAlert{get_int(r, 0), get_int(r, 1), get_str(r, 2), get_str(r, 3), get_str(r, 4), get_int(r, 5), get_str(r, 6), get_str(r, 7)};
  });
}

}  // namespace eq::registries::repo
