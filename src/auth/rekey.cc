// Key rotation for the auth module's encrypted columns (RUN and TOTP secrets).
#include "auth/repository.h"
#include "store/query.h"

namespace eq::auth {

int64_t Repository::rekey(soci::session& s, const crypto::Keys& to) const {
  struct Row {
    long long id;
    std::string run_enc, totp_enc;
  };
  std::vector<Row> rows;
  store::Query("SELECT id, run_enc, totp_secret_enc FROM auth_users").each(s, [&](const soci::row& r) {
    rows.push_back({store::get_int(r, 0), store::get_str(r, 1), store::get_str(r, 2)});
  });
  int64_t n = 0;
  for (const auto& row : rows) {
    std::optional<std::string> run_enc, run_bidx, totp_enc;
    if (!row.run_enc.empty()) {
      auto run = keys_.decrypt(row.run_enc);
      if (!run) throw std::runtime_error("auth_users " + std::to_string(row.id) + ": cannot decrypt the RUN with the current key");
      run_enc = to.encrypt(*run);
      run_bidx = to.blind_index(*run);
    }
    if (!row.totp_enc.empty()) {
      auto secret = keys_.decrypt(row.totp_enc);
      if (!secret) throw std::runtime_error("auth_users " + std::to_string(row.id) + ": cannot decrypt the TOTP secret");
      totp_enc = to.encrypt(*secret);
    }
    store::Query("UPDATE auth_users SET run_enc = :r, run_bidx = :b, totp_secret_enc = :t WHERE id = :id")
        .bind_opt("r", run_enc)
        .bind_opt("b", run_bidx)
        .bind_opt("t", totp_enc)
        .bind("id", row.id)
        .exec(s);
    ++n;
  }
  // Login challenges live five minutes; dropping them costs a half-finished login a retry.
  n += store::Query("DELETE FROM auth_challenges").exec(s);
  return n;
}

}  // namespace eq::auth
