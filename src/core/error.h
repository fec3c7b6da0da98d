// Expected failures travel as values: Error carries what the API returns to the caller
// ({"error":{"code","message","field"}}), with the HTTP status it maps to.
#pragma once
#include <string>
#include <tl/expected.hpp>

namespace eq {

struct Error {
  int status = 500;     // HTTP status this failure maps to
  std::string code;     // stable machine code, e.g. "invalid_rut"
  std::string message;  // Spanish, for people
  std::string field;    // offending input field, empty when none

  static Error bad_request(std::string code, std::string message, std::string field = {}) {
    return {400, std::move(code), std::move(message), std::move(field)};
  }
  static Error invalid(std::string field, std::string message, std::string code = "invalid_field") {
    return {422, std::move(code), std::move(message), std::move(field)};
  }
  static Error unauthenticated() {
    return {401, "unauthenticated", "Debe iniciar sesión para continuar.", {}};
  }
  static Error forbidden() {
    return {403, "forbidden", "No tiene permiso para realizar esta acción.", {}};
  }
  static Error not_found(std::string what = "El recurso solicitado no existe.") {
    return {404, "not_found", std::move(what), {}};
  }
  static Error conflict(std::string code, std::string message, std::string field = {}) {
    return {409, std::move(code), std::move(message), std::move(field)};
  }
  static Error unavailable(std::string message = "El servicio no está disponible en este momento. Intente nuevamente.") {
    return {503, "unavailable", std::move(message), {}};
  }
  // A JSON value of the wrong type, or a missing one, reached a handler (nlohmann::json::type_error
  // or out_of_range): the caller's input was wrong, not the server.
  static Error wrong_type() {
    return {422, "invalid_type",
            "Un campo falta o tiene un tipo de dato no válido (por ejemplo, un número o una lista donde se espera un texto).",
            {}};
  }
  static Error internal() {
    return {500, "internal", "Ocurrió un error interno. El equipo técnico fue notificado.", {}};
  }
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(Error e) { return tl::unexpected<Error>(std::move(e)); }

}  // namespace eq
