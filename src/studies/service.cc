// Workflow of the studies catalogue: each write is one transaction with its audit entry (and, once a
// study is published, its revision); refusals by the object rules are audited outside the refused
// transaction, so they are kept.
#include "core/crypto.h"
#include "core/time.h"
#include "studies/access.h"
#include "studies/module.h"

namespace eq::studies {

namespace {
std::string obj(int64_t id) { return "estudio:" + std::to_string(id); }
Error no_study() { return Error::not_found("No existe un estudio con ese identificador."); }
const auto principal = access::caller;

// What a revision keeps of the study: the findings as they read, and the texts around them.
nlohmann::json snapshot(const Study& x) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : x.findings) findings.push_back({{"text", f.text}, {"figure", figure_label(f)}});
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : x.files) files.push_back({{"filename", f.filename}, {"sha256", f.sha256}});
  return {{"title", x.title}, {"summary", x.summary}, {"findings", findings}, {"files", files}};
}

Revision revision(const http::Request& req, const Study& before, const Study& after, const std::string& action,
                  const std::string& reason, int64_t at) {
  return {.study_id = before.id, .version = after.version, .at = at, .by_user = req.who().user_id, .by_name = req.who().name,
          .action = action, .reason = reason, .before = snapshot(before), .after = snapshot(after)};
}
}  // namespace

std::string Service::region_name(const std::string& id) const {
  for (const auto& r : regions_)
    if (r.id == id) return r.name;
  return id;
}

Error Service::refused(const http::Request& req, const std::string& action, int64_t id) {
  if (auto ok = audit_.append(audit::Log::from(req, action, obj(id), "denied")); !ok) return ok.error();
  return Error::forbidden();
}

Result<Study> Service::read(const http::Request& req, int64_t id) {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    auto x = repo::study(**lease, id);
    if (!x || !access::may_view(principal(req), *x)) return fail(no_study());
    return *x;
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

Result<std::vector<Revision>> Service::history(int64_t id) {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    return repo::revisions(**lease, id);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

Result<int64_t> Service::create(const http::Request& req, Study x) {
  if (!access::may_edit(principal(req))) return fail(refused(req, "studies.create", 0));
  x.status = "borrador";
  x.version = 1;
  x.demo = false;
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t id = repo::insert_study(s, x, now_ms());
    audit_.append(s, audit::Log::from(req, "studies.create", obj(id)));
    return id;
  });
}

Result<Study> Service::edit(const http::Request& req, int64_t id, Study x, const std::string& reason) {
  if (!access::may_edit(principal(req))) return fail(refused(req, "studies.edit", id));
  return db_.transaction<Study>([&](soci::session& s) -> Result<Study> {
    auto before = repo::study(s, id);
    if (!before) return fail(no_study());
    const bool public_already = before->status != "borrador";
    if (public_already && reason.empty())
      return fail(Error::invalid("reason", "El estudio ya fue publicado: indique el motivo de la modificación (queda registrado en su página).",
                                 "required"));
    x.id = id;
    x.status = before->status;
    x.demo = before->demo;
    x.version = before->version + (public_already ? 1 : 0);
    const int64_t now = now_ms();
    repo::update_study(s, x, now);
    auto after = repo::study(s, id);
    if (public_already) repo::insert_revision(s, revision(req, *before, *after, "edicion", reason, now));
    auto e = audit::Log::from(req, "studies.edit", obj(id));
    if (public_already) e.detail = "versión " + std::to_string(x.version) + ": " + reason;
    audit_.append(s, e);
    return *after;
  });
}

Result<Study> Service::publish(const http::Request& req, int64_t id) {
  if (!access::may_edit(principal(req))) return fail(refused(req, "studies.publish", id));
  return db_.transaction<Study>([&](soci::session& s) -> Result<Study> {
    auto before = repo::study(s, id);
    if (!before) return fail(no_study());
    if (before->status == "publicado") return fail(Error::conflict("already_published", "El estudio ya está publicado.", "status"));
    if (before->status == "retirado")
      return fail(Error::conflict("withdrawn", "El estudio fue retirado; su página se mantiene con el motivo y no se vuelve a publicar.", "status"));
    if (before->summary.empty() || before->findings.empty())
      return fail(Error::invalid("findings", "Para publicar, el estudio necesita un resumen y al menos un hallazgo.", "incomplete"));
    const int64_t now = now_ms();
    repo::set_status(s, id, "publicado", "", now);
    auto after = repo::study(s, id);
    repo::insert_revision(s, revision(req, *before, *after, "publicacion", "", now));
    audit_.append(s, audit::Log::from(req, "studies.publish", obj(id)));
    return *after;
  });
}

Result<Study> Service::withdraw(const http::Request& req, int64_t id, const std::string& reason) {
  if (!access::may_edit(principal(req))) return fail(refused(req, "studies.withdraw", id));
  return db_.transaction<Study>([&](soci::session& s) -> Result<Study> {
    auto before = repo::study(s, id);
    if (!before) return fail(no_study());
    if (before->status != "publicado")
      return fail(Error::conflict("not_published", before->status == "retirado" ? "El estudio ya fue retirado." : "Solo se retira un estudio publicado; un borrador no es público.",
                                  "status"));
    const int64_t now = now_ms();
    repo::set_status(s, id, "retirado", reason, now);
    auto after = repo::study(s, id);
    repo::insert_revision(s, revision(req, *before, *after, "retiro", reason, now));
    auto e = audit::Log::from(req, "studies.withdraw", obj(id));
    e.detail = reason;
    audit_.append(s, e);
    return *after;
  });
}

Result<File> Service::add_file(const http::Request& req, int64_t id, const std::string& title, const std::string& filename) {
  if (!access::may_edit(principal(req))) return fail(refused(req, "studies.file_add", id));
  auto type = check_file(filename, req.header("content-type"), req.body);
  if (!type) return fail(type.error());
  return db_.transaction<File>([&](soci::session& s) -> Result<File> {
    auto before = repo::study(s, id);
    if (!before) return fail(no_study());
    if (before->files.size() >= kMaxFilesPerStudy)
      return fail(Error::conflict("too_many_files", "Un estudio admite como máximo " + std::to_string(kMaxFilesPerStudy) + " archivos.", "file"));
    const int64_t now = now_ms();
    File f{.study_id = id, .title = title.empty() ? filename : title, .filename = filename, .content_type = *type,
           .sha256 = crypto::sha256_hex(req.body), .size = static_cast<int64_t>(req.body.size()), .uploaded_at = now,
           .uploaded_by = req.who().user_id};
    f.id = repo::insert_file(s, f, req.body);
    if (before->status != "borrador") {
      auto after = repo::study(s, id);
      repo::insert_revision(s, revision(req, *before, *after, "archivo_agregado", "Archivo agregado: " + filename, now));
    }
    auto e = audit::Log::from(req, "studies.file_add", obj(id));
    e.detail = filename + ", sha256 " + f.sha256 + ", " + std::to_string(f.size) + " bytes";
    audit_.append(s, e);
    return f;
  });
}

Result<void> Service::remove_file(const http::Request& req, int64_t id, int64_t file_id) {
  if (!access::may_edit(principal(req))) return fail(refused(req, "studies.file_remove", id));
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    auto before = repo::study(s, id);
    auto f = repo::file(s, file_id);
    if (!before || !f || f->study_id != id) return fail(Error::not_found("No existe ese archivo en el estudio."));
    repo::delete_file(s, file_id);
    if (before->status != "borrador") {
      auto after = repo::study(s, id);
      repo::insert_revision(s, revision(req, *before, *after, "archivo_retirado", "Archivo retirado: " + f->filename, now_ms()));
    }
    auto e = audit::Log::from(req, "studies.file_remove", obj(id));
    e.detail = f->filename + ", sha256 " + f->sha256;
    audit_.append(s, e);
    return {};
  });
}

Result<std::pair<File, std::string>> Service::download(const http::Request& req, int64_t file_id) {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    auto& s = **lease;
    auto f = repo::file(s, file_id);
    if (!f) return fail(Error::not_found("No existe ese archivo."));
    auto x = repo::study(s, f->study_id);
    if (!x || !access::may_view(principal(req), *x)) return fail(Error::not_found("No existe ese archivo."));
    auto bytes = repo::blob(s, f->sha256);
    if (!bytes) return fail(Error::internal());
    return std::pair<File, std::string>{*f, std::move(*bytes)};
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

}  // namespace eq::studies
