#include "cases/identity.h"

#include <algorithm>
#include <chrono>

#include "core/rut.h"
#include "core/text.h"

namespace eq::cases {

namespace {

using Json = nlohmann::json;

Result<std::string> string_field(const Json& j, const char* key, const std::string& prefix, size_t max) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::string();
  if (!it->is_string()) return fail(Error::invalid(prefix + "." + key, "Debe ser un texto.", "invalid_type"));
  std::string v = trim(it->get<std::string>());
  if (v.size() > max)
    return fail(Error::invalid(prefix + "." + key, "Admite como máximo " + std::to_string(max) + " caracteres.", "too_long"));
  return v;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[m - 1];
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "dd-mm-aaaa", "mm-aaaa", "aaaa" (Chilean order) or ISO "aaaa-mm-dd".
Result<void> parse_birth(const std::string& text, const std::string& field, int64_t now_ms, PersonIdentity& p) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || text[i] == '-' || text[i] == '/') {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  for (const auto& part : parts)
    if (!all_digits(part)) parts.clear();
  int y = 0, m = 0, d = 0;
  if (parts.size() == 3 && parts[0].size() == 4) {
    y = std::stoi(parts[0]), m = std::stoi(parts[1]), d = std::stoi(parts[2]);
  } else if (parts.size() == 3 && parts[2].size() == 4) {
    d = std::stoi(parts[0]), m = std::stoi(parts[1]), y = std::stoi(parts[2]);
  } else if (parts.size() == 2 && parts[1].size() == 4) {
    m = std::stoi(parts[0]), y = std::stoi(parts[1]);
  } else if (parts.size() == 1 && parts[0].size() == 4) {
    y = std::stoi(parts[0]);
  } else {
    return fail(Error::invalid(field, "Escriba la fecha como DD-MM-AAAA, MM-AAAA o solo el año AAAA.", "invalid_date"));
  }
  const auto today = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(
      std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(now_ms))));
  const int this_year = static_cast<int>(today.year());
  if (y < 1900 || y > this_year) return fail(Error::invalid(field, "El año de nacimiento no es posible.", "invalid_date"));
  if (parts.size() >= 2 && (m < 1 || m > 12)) return fail(Error::invalid(field, "El mes no existe.", "invalid_date"));
  if (parts.size() == 3 && (d < 1 || d > days_in(y, m)))
    return fail(Error::invalid(field, "Ese día no existe en ese mes.", "invalid_date"));
  const int ymd = y * 10000 + m * 100 + d;
  const int today_ymd = this_year * 10000 + static_cast<int>(unsigned(today.month())) * 100 + static_cast<int>(unsigned(today.day()));
  if (ymd > today_ymd) return fail(Error::invalid(field, "La fecha de nacimiento no puede ser futura.", "invalid_date"));
  p.birth_year = y, p.birth_month = m, p.birth_day = d;
  return {};
}

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

}  // namespace

Result<PersonIdentity> parse_identity(const Json& j, const std::string& prefix, int64_t now_ms) {
  if (!j.is_object()) return fail(Error::invalid(prefix, "Debe ser un objeto con los datos de la persona.", "invalid_type"));
  static const std::vector<std::string> known = {"run",     "document_type", "other_document", "given_names", "surname1",
                                                 "surname2", "birth_date",    "sex",            "nationality", "comuna_id",
                                                 "phone",   "other_phones", "address"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      return fail(Error::invalid(prefix + "." + it.key(), "Campo desconocido.", "unknown_field"));
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
    auto v = string_field(j, f.key, prefix, f.max);
    if (!v) return fail(v.error());
    *f.out = *v;
  }
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
  if (!birth.empty())
    if (auto ok = parse_birth(birth, prefix + ".birth_date", now_ms, p); !ok) return fail(ok.error());
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
  if (!birth.empty()) {
    // Written by to_json: "dd-mm-aaaa", "mm-aaaa" or "aaaa".
    auto count = std::count(birth.begin(), birth.end(), '-');
    if (count == 2) p.birth_day = std::stoi(birth.substr(0, 2)), p.birth_month = std::stoi(birth.substr(3, 2)), p.birth_year = std::stoi(birth.substr(6));
    else if (count == 1) p.birth_month = std::stoi(birth.substr(0, 2)), p.birth_year = std::stoi(birth.substr(3));
    else p.birth_year = std::stoi(birth);
  }
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

std::string birth_text(const PersonIdentity& p) {
  if (!p.birth_year) return {};
  if (!p.birth_month) return std::to_string(p.birth_year);
  if (!p.birth_day) return two(p.birth_month) + "-" + std::to_string(p.birth_year);
  return two(p.birth_day) + "-" + two(p.birth_month) + "-" + std::to_string(p.birth_year);
}

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
