// Record linkage for the case registry: decides which records (from police, prosecutors, women's
// centres…) describe the same person. Pure library: no SQL, no HTTP, no global state.
//
// Method: a valid RUN is an exact key. Otherwise Fellegi–Sunter: each pair of records is compared
// field by field into agreement levels, and the log2 likelihood ratios m/u of those levels are
// summed into a weight. Candidate pairs come from blocking on Spanish phonetic keys of names plus
// birth date, comuna, document and phone (several passes, see blocking.h), so that a typo in one
// field does not hide a pair.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace eq::linkage {

struct Identity {              // one record's view of a person; any field may be empty/0
  std::string run;             // Chilean RUN as typed ("12.345.678-5"); valid ones are exact keys, invalid kept as attribute
  std::string other_document;  // passport / foreign id number
  std::string given_names, surname1, surname2;
  int birth_year = 0, birth_month = 0, birth_day = 0;  // 0 = unknown (partial dates are common)
  char sex = 0;                // 'F', 'M', 'X' or 0
  std::string comuna;          // official comuna code ("13101") or a locality name
  std::string phone, address;
};

enum class Decision { link, review, new_person };

struct Candidate {
  int64_t person_id;
  double weight;
};

struct Match {
  Decision decision;
  int64_t person_id = 0;        // best person (0 when there is no candidate at all)
  double weight = 0;            // Fellegi–Sunter weight (log2) of the best person's closest variant
  bool exact_document = false;  // decided by an identical valid RUN
  std::vector<Candidate> candidates;  // best first, at most 5, one per person
};

struct Thresholds {
  double upper, lower;  // log2 weights: weight >= upper links, lower <= weight < upper goes to review
};
// Chosen from the generator's quality run (bench/RESULTS.md, "Record linkage").
Thresholds default_thresholds();

// Comparison fields, each compared into agreement levels 0 (best) .. levels(f)-1 (disagree).
// A field empty on either side is "missing" and adds nothing to the weight.
enum class Field : uint8_t {
  given_names,     // exact / compatible (compound or phonetic or Jaro–Winkler >= .92) / similar (>= .85) / differ
  surname1,        // exact / phonetic or JW >= .92 / JW >= .85 / differ  (surnames may be swapped)
  surname2,        // same levels as surname1
  birth_date,      // exact / day-month swapped or consistent partial date / same year, or one digit of the
                   // year off with day and month equal / differ
  sex,             // same / differ
  comuna,          // same / differ
  run,             // same number (check digit aside) / one digit apart / differ
  other_document,  // same / one typo apart (replaced, swapped, added or lost character; ≥ 6 long) / differ
  phone,           // same last 8 digits / differ
  address,         // same / similar (JW >= .90) / differ
};
inline constexpr int kFieldCount = 10;
inline constexpr int kMaxLevels = 4;
int levels(Field f);
std::string_view field_name(Field f);

// A comparison vector: 3 bits per field, value 7 = missing.
using Pattern = uint32_t;
inline constexpr int kMissing = 7;
inline int level_of(Pattern p, Field f) { return static_cast<int>((p >> (3 * static_cast<int>(f))) & 7u); }

// What EM did with one comparison field.
struct FieldEstimate {
  enum Status { estimated, m_only, kept } status = kept;  // m_only: m estimated, u kept from the start
  uint64_t pairs = 0;  // candidate pairs where both records have the field
  std::string note;    // why it is not (fully) estimated, in Spanish; empty when estimated
};

struct EmReport {
  int iterations = 0;
  bool converged = false;
  double match_share = 0;          // estimated share of matches among the candidate pairs
  std::vector<std::string> kept;   // fields that kept their prior entirely (see `fields` for why)
  std::array<FieldEstimate, kFieldCount> fields{};  // per Field
};

// m/u probabilities per comparison field and agreement level.
class Model {
 public:
  // Estimated by EM on the generator's output (error rate 0.15), rounded; see model.cc.
  static Model defaults();
  static Result<Model> from_json(std::string_view json);
  std::string to_json() const;
  // The same, with each field's estimation status, pair count and reason (from link_batch).
  std::string to_json(const EmReport& report) const;

  // EM (conditional independence, missing fields ignored) over distinct comparison patterns with
  // their pair counts, starting from `start`. Every field with enough pairs is estimated; a field
  // keeps start's values when no or too few pairs carry it, or when agreement comes out no more
  // likely among matches than among non-matches (implausible). When blocking made disagreement
  // rarer among candidate non-matches than among matches (u(last) <= m(last)), m is kept from EM
  // and u from start. `report->fields` says which, and why, per field.
  static Model estimate(const std::vector<std::pair<Pattern, uint64_t>>& counts, const Model& start,
                        EmReport* report = nullptr, int max_iterations = 200);

  double m(Field f, int level) const { return m_[static_cast<int>(f)][level]; }
  double u(Field f, int level) const { return u_[static_cast<int>(f)][level]; }
  double match_share() const { return p_; }
  // log2(m/u) of one level; 0 for missing.
  double weight(Field f, int level) const {
    return level == kMissing ? 0.0 : w_[static_cast<int>(f)][level];
  }
  double weight(Pattern p) const;

  void set(Field f, int level, double m, double u);  // tests and tools; renormalises nothing

 private:
  void refresh();
  std::array<std::array<double, kMaxLevels>, kFieldCount> m_{}, u_{}, w_{};
  double p_ = 0.05;
};

// Counters a caller can log or show.
struct IndexStats {
  uint64_t matches = 0;
  uint64_t oversize_blocks_skipped = 0;  // blocks larger than the cap, skipped during match()
  uint64_t capped_queries = 0;           // match() calls that scored only their 256 best-found variants
};

// Incremental index of persons and their identity variants. Thread-safe: match(), persons(),
// variants() and stats() take a shared lock and may run concurrently; add(), remove_variant()
// and move_variant() take the exclusive lock.
class Index {
 public:
  explicit Index(Model model = Model::defaults(), Thresholds t = default_thresholds());
  ~Index();
  Index(Index&&) noexcept;
  Index& operator=(Index&&) noexcept;

  // A person may have several identity variants (one per record). Adding an existing variant_id
  // replaces that variant.
  void add(int64_t person_id, int64_t variant_id, const Identity& id);
  void remove_variant(int64_t variant_id);                       // unknown ids are ignored
  void move_variant(int64_t variant_id, int64_t to_person_id);  // merges and splits
  // Exact valid RUN first, else blocking + Fellegi–Sunter. A person's weight is that of its
  // closest variant.
  Match match(const Identity& id) const;

  size_t persons() const;
  size_t variants() const;
  IndexStats stats() const;
  // Blocks with more variants than this are not scanned by match() (default 500).
  void set_max_block(size_t n);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One blocking pass of the batch linker: a key pass (rows sharing a key) or a sorted-neighbourhood
// pass (rows near each other in an order of their names).
struct PassStats {
  std::string name;
  uint64_t blocks = 0;           // key passes: blocks of two rows or more
  uint64_t rows = 0;             // rows taking part (in such a block, or with a name to sort)
  uint64_t windowed_blocks = 0;  // blocks over max_block, compared by window instead of every pair
  uint64_t rows_in_windowed_blocks = 0;
  uint64_t second_ordered_blocks = 0;  // of those, also compared by window in a second order
  uint64_t pairs = 0;            // candidate pairs this pass produced (in any pass)
  uint64_t new_pairs = 0;        // of those, pairs no earlier pass had produced (compared here)
};

struct BatchStats {
  uint64_t candidate_pairs = 0;          // distinct pairs compared
  uint64_t pairs_kept = 0;               // of those, kept after EM: a shared valid RUN or weight >= lower
  uint64_t exact_run_pairs = 0;          // pairs sharing a valid RUN
  uint64_t oversize_blocks_skipped = 0;  // blocks over the cap (compared by window since issue 21)
  uint64_t rows_in_oversize_blocks = 0;
  uint64_t max_pairs = 0;                // the linear bound on comparisons these options guarantee
  std::vector<PassStats> passes;
  uint64_t run_conflicts = 0;            // links refused: they would join two different valid RUNs
  EmReport em;
  double seconds_prepare = 0, seconds_block = 0, seconds_compare = 0, seconds_em = 0, seconds_cluster = 0;
  std::string diagnosis;  // only with BatchOptions::truth
};

struct BatchResult {
  std::vector<int64_t> cluster;  // per input row: cluster id (0-based, dense, in order of first row)
  std::vector<double> weight;    // per input row: best pair weight, NaN when the row had no candidate
  std::vector<Decision> decision;  // per row: review if in an open review pair, else link if its cluster has
                                   // other rows, else new_person
  std::vector<std::pair<size_t, size_t>> review;  // row pairs between thresholds, in different clusters
  std::vector<double> review_weight;              // parallel to review
  Model model;
  BatchStats stats;
};

// The batch linker's thresholds: EM re-estimates the weights on each file. With whole blocks of up
// to 100 rows, 5 linked namesakes on files without RUN, comuna or phone (synth --shape extranjera,
// 250 000 rows: precision 0,992) and 7 was chosen; once big blocks are compared by window (fewer
// namesake pairs), 7 left recall under 0,99 (Chilean, 2 M rows: 0,9878; most true pairs missed had
// been compared and sat in review, not unblocked), and 5 linked foreign namesakes again (1 M rows:
// precision 0,9935). 5,5 keeps precision >= 0,995 and recall >= 0,99 on both generators at 1 M and
// 2 M rows (bench/RESULTS.md, issue 21 item 4). Session 16 tried 5 again: at 10 M foreign rows it
// raised recall 0,9887 -> 0,9921 (exact names + date with nothing else weigh ~+5, in review at 5,5)
// with precision 0,9959, but on a file without any document number (recall_test,
// other_document_missing) those same namesakes link: precision 0,9768, under the test's 0,98. Kept
// at 5,5 until a document-less namesake can be told apart (bench/RESULTS.md, «Second order…»).
// The index keeps default_thresholds().
inline Thresholds batch_thresholds() { return {5.5, 0.0}; }

struct BatchOptions {
  Thresholds thresholds = batch_thresholds();
  bool estimate = true;          // EM on the candidate pairs; false uses `model` as given
  Model model = Model::defaults();  // EM's starting point, or the model used when !estimate
  int threads = 0;               // 0 = hardware concurrency (at most 8)
  // The cap that keeps comparisons linear in the number of rows: a block of at most max_block rows
  // compares every pair; a bigger one is ordered by the fields its key leaves out and each row is
  // compared with its next `window` rows. Each pass thus compares at most
  // rows × max(max_block / 2, window) pairs. Namesakes per name key grow with the population (the
  // generator's 4 000 000 persons put ten times more in a name + year block than 400 000 do), so
  // whole blocks of up to 100 rows made 44,7 pairs per row at 10 M rows against 11,8 at 1 M; inside
  // a windowed block rows are ordered by what the key leaves out (second surname, date), which puts
  // a person's records next to each other, so a window of 6 loses few true pairs (blocks over 10
  // rows with a window of 4 lost foreign-shape recall: 0,9888; issue 21 item 4, bench/RESULTS.md).
  size_t max_block = 16;
  size_t window = 6;
  // Name passes' windowed blocks are also ordered a second way (date or address first, then the
  // document; similarity.cc second_block_order) and each row meets its next `second_window` rows in
  // that order too: at most rows × second_window more pairs per name pass. 0 turns it off. Off by
  // default: at 10 M foreign rows with upper 5 it raised recall only 0,9921 → 0,9924 for +23 % pairs
  // and +25 % CPU (the 120 s target); at 2 M with upper 5,5 it was worth +0,0021 (bench/RESULTS.md).
  size_t second_window = 0;
  // Sorted neighbourhood on names (surname first, and given name first): each row meets its next
  // `sorted_window` rows; 0 turns these passes off.
  size_t sorted_window = 4;
  // Value-frequency weights: an exact agreement on a given name or surname adds log2(Σ f² / f_v)
  // bits for the value's share f_v of the file, clamped to ±frequency_cap per field (frequency.cc);
  // 0 = one weight per agreement level. Off by default: with 2 they gained little recall and cost
  // precision at 10 M rows (foreign: recall 0,9813 → 0,9824, precision 0,9989 → 0,9985; Chilean:
  // recall 0,9904 → 0,9919 but precision 0,9982 → 0,9950, on the bar; bench/RESULTS.md, issue 21).
  double frequency_cap = 0;
  // Whole-name frequency: a pair whose given names and surnames all agree exactly gets
  // log2(Σ f² / f_c) bits for its name combination's share f_c of the file (given names + both
  // surnames unordered; given names + first surname when one side lacks the second), clamped to
  // ±combination_cap, instead of the per-field terms. Exact namesakes sit in the review band (same
  // names and date, nothing else: ~+5, on the upper threshold); a rare combination says
  // the same person, a common one a namesake (issue 21). 0 = off.
  double combination_cap = 0;
  // The lowest term a common combination gets (negative or 0; -combination_cap at most).
  double combination_floor = -127;
  // Bench diagnosis: the true person of each input row. When set, stats.diagnosis explains why the
  // true pairs that ended in different clusters were missed (keeps the prepared rows longer).
  const std::vector<int64_t>* truth = nullptr;
};

BatchResult link_batch(const std::vector<Identity>& rows, const Thresholds& t = batch_thresholds());
BatchResult link_batch(const std::vector<Identity>& rows, const BatchOptions& options);
// The same, freeing the rows once they are normalised (a 10-million-row file's strings).
BatchResult link_batch(std::vector<Identity>&& rows, const BatchOptions& options);

// "12345678-5" when valid, "" otherwise.
std::string canonical_run(const std::string& typed);

}  // namespace eq::linkage
