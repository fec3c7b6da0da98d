#include "cases/run_check.h"

#include "core/rut.h"

namespace eq::cases {

namespace {

// "12.345.678-9" has the shape of a RUN (digits, an optional dash, a digit or K) and fails only
// its check digit: the message says so, rather than parse_rut's general one.
bool shaped_like_a_run(const std::string& s) {
  std::string body;
  char last = 0;
  for (char c : s) {
    if (c == '.' || c == '-' || c == ' ') continue;
    if (last) body.push_back(last);
    last = c;
  }
  if (body.empty() || body.size() > 8) return false;
  for (char c : body)
    if (c < '0' || c > '9') return false;
  return (last >= '0' && last <= '9') || last == 'k' || last == 'K';
}

}  // namespace

Result<void> check_entered_run(const PersonIdentity& id, const nlohmann::json& entry, const std::string& field) {
  bool unverified = false;
  if (auto it = entry.find(kRunUnverified); it != entry.end() && !it->is_null()) {
    if (!it->is_boolean())
      return fail(Error::invalid(field + "." + kRunUnverified, "Debe ser verdadero o falso.", "invalid_type"));
    unverified = it->get<bool>();
  }
  if (id.run.empty() || id.run_valid || unverified) return {};
  const std::string run_field = field + ".identity.run";
  if (shaped_like_a_run(id.run))
    return fail(Error::invalid(run_field,
                               "El dígito verificador no corresponde a este RUN; revise el número. Si la persona lo informó así y no "
                               "puede verificarse, márquelo como «RUN informado sin verificar».",
                               "run_check_digit"));
  auto parsed = parse_rut(id.run, run_field);  // fails here (run_valid is false): its message names what is wrong
  return fail(Error::invalid(run_field, (parsed ? std::string("El RUN no es válido.") : parsed.error().message) +
                                 " Si la persona lo informó así y no puede verificarse, márquelo como «RUN informado sin verificar».",
                             "invalid_rut"));
}

}  // namespace eq::cases
