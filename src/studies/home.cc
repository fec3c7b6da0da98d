// Home-page item for the ministry's studies staff (studies.edit): the editor's list, with the
// drafts still to publish.
#include "studies/access.h"
#include "studies/module.h"

namespace eq::studies {

Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req) {
  std::vector<nlohmann::json> out;
  if (!access::may_edit(access::caller(req))) return out;
  auto lease = svc.db().lease();
  if (!lease) return fail(lease.error());
  try {
    int64_t drafts = 0, published = 0;
    for (const auto& x : repo::studies(**lease, {.public_only = false})) {
      drafts += x.status == "borrador";
      published += x.status == "publicado";
    }
    out.push_back({{"kind", drafts ? "task" : "metric"},
                   {"title", "Estudios y encuestas: borradores por publicar"},
                   {"detail", "Catálogo público de estudios del Ministerio (" + std::to_string(published) +
                                  " publicados). Edite hallazgos, método y archivos; publique o retire con motivo."},
                   {"value", drafts},
                   {"link", "/estudios/gestion"},
                   {"severity", "info"}});
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

}  // namespace eq::studies
