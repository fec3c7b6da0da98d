#include "store/encrypted_fields.h"

#include <stdexcept>

#include "store/query.h"

namespace eq::store {

namespace {

struct KeyValue {
  std::string text;
  long long number = 0;
};

std::string key_list(const EncryptedColumn& c) {
  std::string out;
  for (const auto& k : c.key) out += (out.empty() ? "" : ", ") + k.name;
  return out;
}

std::vector<KeyValue> read_key(const EncryptedColumn& c, const soci::row& r) {
  std::vector<KeyValue> out;
  for (size_t i = 0; i < c.key.size(); ++i) {
    KeyValue v;
    if (c.key[i].text) v.text = get_str(r, i);
    else v.number = get_int(r, i);
    out.push_back(v);
  }
  return out;
}

void bind_key(Query& q, const EncryptedColumn& c, const std::vector<KeyValue>& v, const std::string& prefix) {
  for (size_t i = 0; i < c.key.size(); ++i) {
    const std::string name = prefix + std::to_string(i);
    if (c.key[i].text) q.bind(name, v[i].text);
    else q.bind(name, v[i].number);
  }
}

std::string describe_key(const EncryptedColumn& c, const std::vector<KeyValue>& v) {
  std::string out;
  for (size_t i = 0; i < c.key.size(); ++i)
    out += (i ? ", " : "") + c.key[i].name + "=" + (c.key[i].text ? v[i].text : std::to_string(v[i].number));
  return out;
}

bool is_ciphertext(const std::string& v) { return v.rfind("v1.", 0) == 0; }

}  // namespace

int64_t rekey(soci::session& s, const EncryptedFields& fields, const crypto::Keys& from, const crypto::Keys& to) {
  int64_t n = 0;
  constexpr int kPage = 2000;
  for (const auto& c : fields) {
    const std::string keys = key_list(c);
    std::string params;
    for (size_t i = 0; i < c.key.size(); ++i) params += (i ? ", :k" : ":k") + std::to_string(i);
    std::string set = c.column + " = :value";
    for (size_t i = 0; i < c.blind_indexes.size(); ++i) set += ", " + c.blind_indexes[i].column + " = :idx" + std::to_string(i);
    std::string where;
    for (size_t i = 0; i < c.key.size(); ++i) where += (i ? " AND " : "") + c.key[i].name + " = :w" + std::to_string(i);
    const std::string update = "UPDATE " + c.table + " SET " + set + " WHERE " + where;
    // Keyset pages: a table of millions of positions is never held in memory at once.
    std::optional<std::vector<KeyValue>> last;
    for (;;) {
      std::vector<std::pair<std::vector<KeyValue>, std::string>> rows;
      Query q("SELECT " + keys + ", " + c.column + " FROM " + c.table + " WHERE " + c.column + " IS NOT NULL AND " + c.column + " <> ''" +
              (last ? " AND (" + keys + ") > (" + params + ")" : std::string()) + " ORDER BY " + keys + " LIMIT " + std::to_string(kPage));
      if (last) bind_key(q, c, *last, "k");
      q.each(s, [&](const soci::row& r) { rows.emplace_back(read_key(c, r), get_str(r, c.key.size())); });
      for (const auto& [key, enc] : rows) {
        auto plain = from.decrypt(enc);
        if (!plain)
          throw std::runtime_error(c.table + "." + c.column + " (" + describe_key(c, key) + "): cannot decrypt with the current key");
        Query u(update);
        u.bind("value", to.encrypt(*plain));
        for (size_t i = 0; i < c.blind_indexes.size(); ++i) {
          auto canonical = c.blind_indexes[i].canonical(*plain);
          u.bind_opt("idx" + std::to_string(i), canonical ? std::optional<std::string>(to.blind_index(*canonical)) : std::nullopt);
        }
        bind_key(u, c, key, "w");
        u.exec(s);
        ++n;
      }
      if (rows.size() < static_cast<size_t>(kPage)) break;
      last = rows.back().first;
    }
  }
  return n;
}

Result<void> verify_keys(soci::session& s, const EncryptedFields& fields, const crypto::Keys& keys, int per_end) {
  for (const auto& c : fields) {
    const std::string keys_sql = key_list(c);
    std::string desc;
    for (size_t i = 0; i < c.key.size(); ++i) desc += (i ? ", " : "") + c.key[i].name + " DESC";
    for (const std::string& order : {keys_sql, desc}) {
      std::vector<std::pair<std::vector<KeyValue>, std::string>> rows;
      // Only ciphertext: a value written before its column was encrypted is sealed by its module.
      Query("SELECT " + keys_sql + ", " + c.column + " FROM " + c.table + " WHERE " + c.column + " LIKE 'v1.%' ORDER BY " + order +
            " LIMIT " + std::to_string(per_end))
          .each(s, [&](const soci::row& r) { rows.emplace_back(read_key(c, r), get_str(r, c.key.size())); });
      for (const auto& [key, enc] : rows)
        if (!is_ciphertext(enc) || !keys.decrypt(enc))
          return fail(Error{500, "wrong_key",
                            "La clave de cifrado no puede descifrar los datos (" + c.table + "." + c.column + ", " + describe_key(c, key) +
                                "): ¿se inició con una clave retirada o de otra instalación? Indique el archivo de claves correcto con "
                                "--keys o EQ_KEY_FILE.",
                            "keys"});
    }
  }
  return {};
}

std::vector<std::pair<std::string, int64_t>> census(soci::session& s, const EncryptedFields& fields) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& c : fields) {
    auto n = Query("SELECT COUNT(*) FROM " + c.table + " WHERE " + c.column + " IS NOT NULL AND " + c.column + " <> ''").scalar(s);
    out.emplace_back(c.table + "." + c.column, n.value_or(0));
  }
  return out;
}

}  // namespace eq::store
