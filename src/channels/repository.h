// The help channels' SQL, and only here (SOCI; the same statements on SQLite and PostgreSQL).
// Encrypts and decrypts the declared columns (migrations.cc: encrypted_fields) with the keys given.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "channels/history.h"
#include "channels/module.h"

namespace eq::channels {

class Repository {
 public:
  explicit Repository(const crypto::Keys& keys) : keys_(keys) {}

  std::optional<Contact> contact(soci::session& s, int64_t id) const;
  std::optional<Contact> contact_by_ref(soci::session& s, const std::string& channel, const std::string& ref) const;
  int64_t insert_contact(soci::session& s, const Contact& c) const;
  // Writes every changeable column when the stored version is still c.version; false when another
  // request changed it first (the caller answers 409). Bumps c.version.
  bool save_contact(soci::session& s, Contact& c) const;
  // Waiting and offered contacts, in queue order.
  std::vector<Contact> queue(soci::session& s, int limit) const;
  std::vector<Waiting> waiting(soci::session& s) const;
  std::vector<Contact> of_user(soci::session& s, int64_t user_id) const;  // offered to or held by
  std::vector<int64_t> expired_offers(soci::session& s, int64_t now) const;
  // Offered to this operator again only when nobody else is free (queue.h: last_offered_to).
  void avoid_offering(soci::session& s, int64_t contact_id, int64_t user_id) const;
  // Earlier contacts of a caller and the highest risk screened among them.
  std::pair<int64_t, std::string> caller_history(soci::session& s, const std::string& hash, int64_t before_id) const;
  void event(soci::session& s, int64_t contact_id, int64_t at, const std::string& kind, std::optional<int64_t> user,
             const std::string& detail) const;

  std::optional<Operator> operator_of(soci::session& s, int64_t user_id) const;
  void save_operator(soci::session& s, const Operator& o) const;
  std::vector<Operator> operators(soci::session& s) const;  // with what each holds and is offered
  std::vector<Seat> seats(soci::session& s) const;

  bool call_event_seen(soci::session& s, const std::string& event_id) const;
  std::optional<int64_t> last_applied_at(soci::session& s, const std::string& call_id) const;
  std::optional<std::string> last_applied_type(soci::session& s, const std::string& call_id) const;
  void insert_call_event(soci::session& s, const CallEvent& e, int64_t received_at, bool applied) const;

  int64_t insert_callback(soci::session& s, const Callback& c) const;
  std::optional<Callback> callback(soci::session& s, int64_t id) const;
  std::vector<Callback> callbacks(soci::session& s, bool pending_only) const;
  void save_callback(soci::session& s, const Callback& c) const;

  int64_t insert_block(soci::session& s, const Block& b) const;
  std::optional<Block> active_block(soci::session& s, const std::string& hash, int64_t now) const;
  std::optional<Block> block(soci::session& s, int64_t id) const;
  std::vector<Block> blocks(soci::session& s, int64_t now) const;
  void lift_block(soci::session& s, int64_t id, int64_t now) const;

  // Retention: closed or abandoned contacts ended before `cutoff` that still hold what she said or
  // her number, as (id, registry person id); one of them minimised (those columns and the
  // call-back note emptied, the statistics' columns kept) when it still is so.
  std::vector<std::pair<int64_t, std::optional<int64_t>>> contacts_to_minimise(soci::session& s, int64_t cutoff) const;
  bool minimise_contact(soci::session& s, int64_t id, int64_t cutoff) const;

  // Contacts created in [from, to) for the daily statistics (no text columns).
  std::vector<Contact> created_between(soci::session& s, int64_t from, int64_t to) const;
  bool any_with_ref_prefix(soci::session& s, const std::string& prefix) const;

  // The demo history (history.h): present at all, written in multi-row batches, and the counts by
  // channel, region and outcome, over the history OR the live contacts (the pharmacy channel
  // excepted: its requests are counted by the pharmacy module). The statistics cache what they
  // count over the history (it changes only when the demo writes it) and count the live contacts
  // every time.
  struct Count {
    std::string channel, region, outcome;
    int64_t n = 0;
  };
  enum class Rows { history, live };
  // Complete: a row at or after `complete_from` (the start of the history's last month, which is
  // written last, in one transaction). Any: a row at all (a partial history left by a crash).
  static bool history_present(soci::session& s, int64_t complete_from);
  static bool history_any(soci::session& s);
  static void clear_history(soci::session& s);
  static void insert_history(soci::session& s, const std::vector<HistoryRow>& rows, size_t batch);
  // The history's version: its lowest and highest id (both read from the primary key's index). It
  // is only ever emptied and rewritten as a whole, so any change moves one of them.
  static std::pair<int64_t, int64_t> history_version(soci::session& s);
  // Counts per bucket [bounds[i], bounds[i+1]): the live contacts in one grouped query, the history
  // one range query per bucket (see repository.cc).
  static std::vector<std::vector<Count>> bucket_counts(soci::session& s, Rows rows, const std::vector<int64_t>& bounds);
  // The first contact of each channel, for its "first year".
  static std::map<std::string, int64_t> first_contacts(soci::session& s, Rows rows);
  static int64_t count_channel(soci::session& s, Rows rows, const std::string& channel, int64_t from, int64_t to);

 private:
  Contact read(const soci::row& r) const;
  std::string enc(const std::string& plain) const { return plain.empty() ? std::string() : keys_.encrypt(plain); }
  std::string dec(const std::string& c) const { return c.empty() ? std::string() : keys_.decrypt(c).value_or(""); }
  const crypto::Keys& keys_;
};

}  // namespace eq::channels
