// The Registro de Directoras: women trained and available for company boards keep a profile
// (studies, experience, industries, specialties, board experience, region, availability); companies
// and headhunters search it with facets and, only when she consented, read her contact details.
//
// Her RUT, e-mail and phone are encrypted at rest (declared in encrypted_fields(), so key rotation,
// the start-up key check and the backup note cover them); the RUT is also kept as a blind index so
// one woman registers once. Every search is traced (directoras_searches, audited) and a company opens
// a profile only from a search of its own that listed it; every profile view and contact read is
// audited and kept in directoras_views, which she sees ("quién vio mi perfil"). Object rules live in
// directoras/access.h.
#pragma once
#include <array>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/log.h"
#include "core/crypto.h"
#include "core/vocabulary.h"
#include "http/router.h"
#include "store/database.h"
#include "store/encrypted_fields.h"
#include "store/migrations.h"

namespace eq::directoras {

const Vocabulary& studies();       // highest level of studies
const Vocabulary& industries();    // where she has worked (CIIU-like sectors)
const Vocabulary& specialties();   // what she brings to a board
const Vocabulary& availability();  // how soon she can take a seat

// The seed's figure for the register (cuenta pública 2020–2021, section on women's economic
// autonomy): "lanzado en primera instancia en agosto de 2019 con más de 600 mujeres inscritas".
// The demo's count is computed from its generated records; a test checks that it agrees.
inline constexpr int kSeedLaunchWomenAtLeast = 600;

struct Profile {
  int64_t id = 0;
  std::optional<int64_t> user_id;  // her account; demo records have none
  std::string full_name;
  std::string rut, email, phone;   // plain only inside the service (encrypted in the table)
  int birth_year = 0;
  std::string studies, degree;
  int experience_years = 0;
  std::vector<std::string> industries, specialties;
  int board_years = 0;             // years sitting on boards; 0: none
  bool board_training = false;     // completed a board/corporate-governance course
  std::string region_id, availability_code, summary;
  bool contactable = false;        // she consents to companies reading her contact details
  int64_t updated_at = 0, created_at = 0;
  std::optional<int64_t> reminded_at;
  bool demo = false;
};

// What a company searches for; empty means any.
struct Filter {
  std::string industry, specialty, studies, region_id, q;
  std::optional<bool> board;  // with board experience (board_years > 0)
  int limit = 25, offset = 0;
};

struct Options {
  int min_experience_years = 5;  // eligibility: years of professional experience
  int stale_days = 365;          // a profile not confirmed for this long is stale
  int remind_every_days = 30;    // a stale profile's reminder repeats at most this often
};

// Why a profile cannot enter the register: field and reason in Spanish (422 ineligible).
std::optional<Error> ineligible(const Profile& p, const Options& o, int current_year);

std::vector<store::Migration> migrations();
store::EncryptedFields encrypted_fields();

struct View {
  int64_t at = 0;
  std::string institution_name, kind;  // kind: perfil, contacto
};

class Repository {
 public:
  explicit Repository(const crypto::Keys& keys) : keys_(keys) {}
  int64_t insert(soci::session& s, const Profile& p) const;
  void insert_many(soci::session& s, const std::vector<Profile>& batch) const;  // the demo's, in bulk; no ids back
  void update(soci::session& s, const Profile& p) const;
  std::optional<Profile> find(soci::session& s, int64_t id) const;
  std::optional<Profile> of_user(soci::session& s, int64_t user_id) const;
  std::optional<int64_t> by_rut(soci::session& s, const std::string& rut_canonical) const;
  int64_t count(soci::session& s, bool demo_only) const;
  int64_t insert_search(soci::session& s, int64_t user_id, int64_t institution_id, const std::string& filters,
                        const std::vector<int64_t>& listed, int64_t total, int64_t at) const;
  // Whether search `search_id` was the caller's, recent, and listed the profile.
  bool search_listed(soci::session& s, int64_t search_id, int64_t user_id, int64_t profile_id, int64_t since) const;
  void insert_view(soci::session& s, int64_t profile_id, int64_t user_id, int64_t institution_id, const std::string& institution_name,
                   const std::string& kind, int64_t at) const;
  std::vector<View> views(soci::session& s, int64_t profile_id) const;
  // Profiles (with an account) not updated since `stale_before` and not reminded since `remind_before`.
  // A counter every insert and update moves: the search index reloads when it changed.
  int64_t generation(soci::session& s) const;
  // The profiles changed since `since` (updated_at), without contact fields.
  std::vector<Profile> changed_since(soci::session& s, int64_t since) const;
  // These profiles (without contact fields), in the order of `ids`.
  std::vector<Profile> by_ids(soci::session& s, const std::vector<int64_t>& ids) const;
  std::vector<int64_t> stale_to_remind(soci::session& s, int64_t stale_before, int64_t remind_before) const;
  void mark_reminded(soci::session& s, int64_t id, int64_t at) const;

 private:
  const crypto::Keys& keys_;
};

// What a text query is matched against, prepared once per profile (matches_query's work).
struct Haystack {
  std::string hay;                      // " stem stem … " of name, degree, summary, industries, specialties
  std::vector<std::string> name_words;  // folded, for the typo tolerance on names
  std::vector<std::string> name_stems;  // stem() of each
};
Haystack haystack_of(const Profile& p);
// A text query prepared once per search: its folded words with their stems.
struct PreparedQuery {
  struct Word {
    std::string word, stem, needle;  // needle: " " + stem
  };
  std::vector<Word> words;
  bool empty() const { return words.empty(); }
};
PreparedQuery prepare_query(const std::string& q);
bool matches_query(const Haystack& h, const PreparedQuery& q);
// Levenshtein distance at most 1 (one letter changed, added or removed).
bool within_one_edit(const std::string& a, const std::string& b);

// The text index of one snapshot of the search: every distinct haystack word with the positions
// (in the snapshot's order) of the entries holding it, sorted so a query word's prefix is one
// range; and the distinct name words (folded, and their stems) with their one-deletion
// neighbourhood, so the typo tolerance checks the edit distance only against candidate names that
// share a deletion variant with the query word instead of against every name of every entry.
// matching() answers exactly what matches_query() answers entry by entry (a unit test compares
// them over generated profiles and misspellings).
class TextIndex {
 public:
  void build(const std::vector<const Haystack*>& hays);
  // One bit per position (64 a word): the entries matching every word of `q` (not empty).
  std::vector<uint64_t> matching(const PreparedQuery& q) const;
  size_t distinct_words() const { return hay_.words.size(); }
  size_t distinct_names() const { return folded_.words.size(); }

  struct Words {
    std::vector<std::string> words;               // sorted, distinct
    std::vector<std::vector<uint32_t>> postings;  // per word: ascending positions
  };
  struct Typo : Words {
    std::unordered_map<std::string, std::vector<uint32_t>> variants;  // a word or it less one letter → words
  };

 private:
  size_t n_ = 0;
  Words hay_;
  Typo folded_, stems_;
};

// What one search counts: the facets over every match, the total, and the page's ids.
struct SearchCounts {
  std::array<int, 64> industry{}, specialty{};
  std::array<int, 16> studies{};
  std::array<int, 100> region{};  // by region_number()
  int board_si = 0, board_no = 0;
  size_t total = 0;
  std::vector<int64_t> page;
};

// The faceted search's in-memory index: per profile only what filters, facets, the text query and
// the order need (codes as bits, region, board, a prepared haystack), ordered as the search lists
// (updated_at DESC, id DESC). A search filters and counts every facet in one pass over a compact
// copy of the facet fields (24 bytes a profile), visiting only the text index's matches when there
// is a text query, then reads its page's rows from the database; the SQL scan of every profile per
// search is gone (bench/directoras: 100.000 profiles). Kept current through
// Repository::generation(): a change (by this or another instance) reloads only the profiles
// changed since the last load and rebuilds the snapshot.
class SearchIndex {
 public:
  struct Entry {
    int64_t id = 0, updated_at = 0;
    uint64_t industries = 0, specialties = 0;  // bit i: the vocabulary's term i
    int studies = -1;                          // index in studies(), -1 unknown
    std::string region_id;
    int region = -1;  // region_number(region_id), for counting without string compares
    bool board = false, demo = false;
    Haystack text;
  };
  using Entries = std::vector<Entry>;
  // What the scan reads of an entry, packed (the rest stays in Entry).
  struct Hot {
    uint64_t industries = 0, specialties = 0;
    int16_t region = -1;
    int8_t studies = -1;
    bool board = false;
  };
  struct Snapshot {
    Entries entries;  // in the search's order
    std::vector<Hot> hot;
    TextIndex text;
    int64_t demo = 0;
    static std::shared_ptr<const Snapshot> of(Entries entries);  // sorts, packs, indexes
    SearchCounts search(const Filter& f) const;
    size_t size() const { return entries.size(); }
    const Entry& operator[](size_t i) const { return entries[i]; }
    const Entry& front() const { return entries.front(); }
    const Entry& back() const { return entries.back(); }
    Entries::const_iterator begin() const { return entries.begin(); }
    Entries::const_iterator end() const { return entries.end(); }
  };
  // Chile's region codes are "01" … "16": their number, or -1 for anything else.
  static constexpr int kRegions = 100;
  static int region_number(const std::string& id) {
    return id.size() == 2 && id[0] >= '0' && id[0] <= '9' && id[1] >= '0' && id[1] <= '9' ? (id[0] - '0') * 10 + (id[1] - '0') : -1;
  }
  std::shared_ptr<const Snapshot> current(soci::session& s, const Repository& repo);
  static Entry entry_of(const Profile& p);

 private:
  std::mutex mu_;
  int64_t generation_ = -1, max_updated_ = 0;
  std::shared_ptr<const Snapshot> snapshot_;
};

class Service {
 public:
  Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, Options options,
          std::vector<std::pair<std::string, std::string>> regions)
      : db_(db), keys_(keys), audit_(audit), options_(options), repo_(keys), regions_(std::move(regions)) {}

  store::Database& db() { return db_; }
  audit::Log& audit() { return audit_; }
  const Repository& repo() const { return repo_; }
  const Options& options() const { return options_; }
  const crypto::Keys& keys() const { return keys_; }
  const std::vector<std::pair<std::string, std::string>>& regions() const { return regions_; }
  SearchIndex& index() { return index_; }
  std::string region_name(const std::string& id) const;
  bool stale(const Profile& p, int64_t now) const { return p.updated_at + options_.stale_days * 86400000LL <= now; }

  // Her own profile: create (409 when she or her RUT is already registered) or replace.
  Result<Profile> create(const http::Request& req, Profile p);
  Result<Profile> update(const http::Request& req, int64_t id, Profile p);
  // Reminders for stale profiles (the job); returns how many were sent.
  Result<int> remind_stale(int64_t now);
  // Demo: `n` generated women (idempotent: nothing when demo records exist), and profiles for the
  // demo accounts.
  Result<void> load_demo(int n, const std::vector<std::pair<std::string, int64_t>>& accounts);

 private:
  Result<void> check(const Profile& p, std::optional<int64_t> own_id, soci::session& s) const;
  store::Database& db_;
  const crypto::Keys& keys_;
  audit::Log& audit_;
  Options options_;
  Repository repo_;
  std::vector<std::pair<std::string, std::string>> regions_;
  SearchIndex index_;
};

void register_routes(http::Router& router, std::shared_ptr<Service> svc);
Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req);

// Folds for search: lower case, no accents, crude Spanish plural stemming per word.
std::string search_key(const std::string& text);
// Whether every word of the query is found in the profile (substring of a stemmed word, or a
// name word within one edit for words of 5+ letters: "Gonzales" finds "González").
bool matches_query(const Profile& p, const std::string& q);

}  // namespace eq::directoras
