#include "cases/identity.h"

#include <algorithm>
#include <chrono>

#include "core/partial_date.h"
#include "core/rut.h"
#include "core/text.h"
#include "http/fields.h"

namespace eq::cases {

namespace {

using Json = nlohmann::json;

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

Result<PersonIdentity> parse_identity(const Json& j, const std::string& prefix, int64_t now_ms) {
  if (!j.is_object()) return fail(Error::invalid(prefix, "Debe ser un objeto con los datos de la persona.", "invalid_type"));
  http::FieldReader in(j, prefix);
  PersonIdentity p;
  struct F {
    const char* key;
    std::string* out;
    size_t max;
  };
  std::string run, birth;
  for (F f : {F{"run", &run, 20}, F{"document_type", &p.document_type, 20}, F{"other_document", &p.other_document, 40},
              F{"given_names", &p.given_names, 100}, F{"surname1", &p.surname1, 60}, F{"surname2", &p.surname2, 60},
              F{"birth_date", &birth, 10}, F{"sex", &p.sex, 1}, F{"nationality", &p.nationality, 40},
              F{"comuna_id", &p.comuna_id, 5}, F{"phone", &p.phone, 20}, F{"address", &p.address, 200}}) {
    auto v = in.text(f.key, {.max_chars = f.max});
    if (!v) return fail(v.error());
    *f.out = *v;
  }
  in.skip("other_phones");  // a list, read below
  if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
  if (!run.empty()) {
    if (auto r = parse_rut(run, prefix + ".run")) {
      p.run = rut_canonical(*r);
      p.run_valid = true;
    } else {
      // Kept as typed: an attribute for probabilistic matching, never an exact key.
      p.run = run;
      p.run_valid = false;
    }
  }
  if (!p.document_type.empty() && p.document_type != "pasaporte" && p.document_type != "dni_extranjero" &&
      p.document_type != "otro")
    return fail(Error::invalid(prefix + ".document_type", "El tipo de documento debe ser pasaporte, dni_extranjero u otro.",
                               "invalid_value"));
  if (!p.other_document.empty() && p.document_type.empty()) p.document_type = "otro";
  if (!p.sex.empty() && p.sex != "F" && p.sex != "M" && p.sex != "X")
    return fail(Error::invalid(prefix + ".sex", "El sexo registral debe ser F, M o X.", "invalid_value"));
  auto born = parse_birth_date(birth, now_ms, prefix + ".birth_date");
  if (!born) return fail(born.error());
  p.birth_year = born->year, p.birth_month = born->month, p.birth_day = born->day;
  if (!p.comuna_id.empty() && !all_digits(p.comuna_id))
    return fail(Error::invalid(prefix + ".comuna_id", "El código de comuna tiene cinco dígitos (por ejemplo 13101).", "invalid_comuna"));
  auto check_phone = [](const std::string& phone, const std::string& field) -> Result<void> {
    std::string digits;
    for (char c : phone)
      if (c >= '0' && c <= '9') digits += c;
      else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')')
        return fail(Error::invalid(field, "El teléfono solo admite dígitos, espacios, guiones y +.", "invalid_phone"));
    if (digits.size() < 8 || digits.size() > 15)
      return fail(Error::invalid(field, "El teléfono debe tener entre 8 y 15 dígitos.", "invalid_phone"));
    return {};
  };
  if (!p.phone.empty())
    if (auto ok = check_phone(p.phone, prefix + ".phone"); !ok) return fail(ok.error());
  if (auto it = j.find("other_phones"); it != j.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > 3)
      return fail(Error::invalid(prefix + ".other_phones", "Indique hasta 3 teléfonos adicionales como lista.", "invalid_type"));
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string field = prefix + ".other_phones[" + std::to_string(i) + "]";
      if (!(*it)[i].is_string()) return fail(Error::invalid(field, "Debe ser un texto.", "invalid_type"));
      std::string phone = trim((*it)[i].get<std::string>());
      if (auto ok = check_phone(phone, field); !ok) return fail(ok.error());
      p.other_phones.push_back(phone);
    }
  }
  if (p.given_names.empty() && p.surname1.empty() && p.run.empty() && p.other_document.empty())
    return fail(Error::invalid(prefix, "Indique al menos un nombre, un apellido o un documento de la persona.", "required"));
  return p;
}

Json to_json(const PersonIdentity& p) {
  Json j = Json::object();
  auto put = [&](const char* k, const std::string& v) {
    if (!v.empty()) j[k] = v;
  };
  put("run", p.run);
  if (!p.run.empty()) j["run_valid"] = p.run_valid;
  put("document_type", p.document_type);
  put("other_document", p.other_document);
  put("given_names", p.given_names);
  put("surname1", p.surname1);
  put("surname2", p.surname2);
  put("birth_date", birth_text(p));
  put("sex", p.sex);
  put("nationality", p.nationality);
  put("comuna_id", p.comuna_id);
  put("phone", p.phone);
  if (!p.other_phones.empty()) j["other_phones"] = p.other_phones;
  put("address", p.address);
  return j;
}

PersonIdentity identity_from_json(const Json& j) {
  PersonIdentity p;
  auto get = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  p.run = get("run");
  p.run_valid = j.value("run_valid", false);
  p.document_type = get("document_type");
  p.other_document = get("other_document");
  p.given_names = get("given_names");
  p.surname1 = get("surname1");
  p.surname2 = get("surname2");
  std::string birth = get("birth_date");
  const PartialDate born = read_partial_date(birth);  // as birth_text wrote it
  p.birth_year = born.year, p.birth_month = born.month, p.birth_day = born.day;
  p.sex = get("sex");
  p.nationality = get("nationality");
  p.comuna_id = get("comuna_id");
  p.phone = get("phone");
  if (j.contains("other_phones") && j["other_phones"].is_array())
    for (const auto& x : j["other_phones"])
      if (x.is_string()) p.other_phones.push_back(x.get<std::string>());
  p.address = get("address");
  return p;
}

linkage::Identity to_linkage(const PersonIdentity& p) {
  linkage::Identity id;
  id.run = p.run;
  id.other_document = p.other_document;
  id.given_names = p.given_names;
  id.surname1 = p.surname1;
  id.surname2 = p.surname2;
  id.birth_year = p.birth_year;
  id.birth_month = p.birth_month;
  id.birth_day = p.birth_day;
  id.sex = p.sex.empty() ? 0 : p.sex[0];
  id.comuna = p.comuna_id;
  id.phone = p.phone;
  id.address = p.address;
  return id;
}

std::string display_name(const PersonIdentity& p) {
  std::string out;
  for (const auto* part : {&p.given_names, &p.surname1, &p.surname2})
    if (!part->empty()) out += (out.empty() ? "" : " ") + *part;
  return out.empty() ? "(sin nombre registrado)" : out;
}

std::string birth_text(const PersonIdentity& p) { return format_partial_date({p.birth_year, p.birth_month, p.birth_day}); }

void complete(PersonIdentity& into, const PersonIdentity& from) {
  if (into.run.empty() || (!into.run_valid && from.run_valid)) into.run = from.run, into.run_valid = from.run_valid;
  for (auto [a, b] : {std::pair{&into.document_type, &from.document_type}, {&into.other_document, &from.other_document},
                      {&into.given_names, &from.given_names}, {&into.surname1, &from.surname1},
                      {&into.surname2, &from.surname2}, {&into.sex, &from.sex}, {&into.nationality, &from.nationality},
                      {&into.comuna_id, &from.comuna_id}, {&into.phone, &from.phone}, {&into.address, &from.address}})
    if (a->empty()) *a = *b;
  for (const auto& phone : from.other_phones)
    if (into.other_phones.size() < 3 && phone != into.phone &&
        std::find(into.other_phones.begin(), into.other_phones.end(), phone) == into.other_phones.end())
      into.other_phones.push_back(phone);
  auto precision = [](const PersonIdentity& p) { return (p.birth_year > 0) + (p.birth_month > 0) + (p.birth_day > 0); };
  if (from.birth_year && (!into.birth_year || (into.birth_year == from.birth_year && precision(from) > precision(into))))
    into.birth_year = from.birth_year, into.birth_month = from.birth_month, into.birth_day = from.birth_day;
}

}  // namespace eq::cases
