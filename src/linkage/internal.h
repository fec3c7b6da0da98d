// Pieces shared by the linkage implementation files; not part of the module's interface.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "linkage/linkage.h"

namespace eq::linkage::detail {

// A record with every field normalised once, so that comparing a pair does no parsing, folding
// or phonetic coding. Strings are folded (lower case ASCII, no diacritics), single-spaced.
struct Prepared {
  // The five texts back to back in one string (one allocation per row instead of five: at ten
  // million rows the batch linker holds every row at once). Read them through the accessors.
  std::string text;
  uint16_t len_given = 0, len_s1 = 0, len_s2 = 0, len_address = 0, len_doc = 0;
  // given: nickname-expanded given names ("cote" → "maria jose"); s1, s2: surnames without particles
  // ("de la fuente" → "fuente"), s1 set when any is; address: abbreviations unified ("avda." → "av");
  // doc: passport / foreign document, upper-case alphanumeric (compared for one-typo agreement).
  std::string_view given() const { return {text.data(), len_given}; }
  std::string_view s1() const { return {text.data() + len_given, len_s1}; }
  std::string_view s2() const { return {text.data() + len_given + len_s1, len_s2}; }
  std::string_view address() const { return {text.data() + len_given + len_s1 + len_s2, len_address}; }
  std::string_view doc() const { return {text.data() + len_given + len_s1 + len_s2 + len_address, len_doc}; }
  uint32_t ph_given1 = 0, ph_given = 0, ph_s1 = 0, ph_s2 = 0;  // hashes of phonetic keys, 0 = none
  uint32_t run_number = 0;  // RUN body, check digit aside; 0 = none
  bool run_valid = false;   // the check digit matched
  char sex = 0;
  uint16_t year = 0;
  uint8_t month = 0, day = 0;
  uint32_t comuna = 0;  // official code as a number, or a hash of the folded locality name; 0 = none
  uint32_t phone = 0;   // last 8 digits; 0 = none
  uint64_t document = 0;  // hash of doc(); 0 = none
  uint64_t doc_head = 0, doc_tail = 0;  // hashes of its two halves: one typo leaves one of them intact
};

Prepared prepare(const Identity& id);

// Lower case, no diacritics, letters/digits/spaces only, single spaces, trimmed.
std::string fold_name(std::string_view s);
// Nickname table of normalize.cc applied to folded given names ("pancha" → "francisca").
std::string expand_nickname(const std::string& folded_given, char sex);
// Spanish phonetic key of a folded name (phonetic.cc documents the rules).
std::string spanish_phonetic(std::string_view folded);
uint32_t phonetic_hash(std::string_view folded);  // 0 for an empty key

double jaro(std::string_view a, std::string_view b);
double jaro_scalar(std::string_view a, std::string_view b);  // the textbook loop; jaro() is bit-parallel up to 64
double jaro_winkler(std::string_view a, std::string_view b);
// jaro_winkler(a, b) when it is at least `floor`, otherwise some value below `floor`: stops as soon
// as too few characters can still match (most compared pairs are strangers), same decisions.
double jaro_winkler_floor(std::string_view a, std::string_view b, double floor);

// Agreement levels of every field for one pair (similarity.cc).
Pattern compare(const Prepared& a, const Prepared& b);

// Value-frequency terms of one row's names (frequency.cc), in kFrequencyUnit bits: how much more
// (or less) than the field's average an exact agreement on this row's value is worth.
inline constexpr double kFrequencyUnit = 1.0 / 32;
struct FrequencyAdjust {
  int8_t given = 0, s1 = 0, s2 = 0;
  // The whole name's terms: given names + both surnames (unordered), and given names + first surname.
  int8_t names3 = 0, names2 = 0;
};
// Per row, from the frequencies of the given names and surnames in `rows`; all zero when cap <= 0.
// With combination_cap > 0 also the name combinations' terms (names3, names2), clamped to
// [max(combination_floor, -cap), cap].
std::vector<FrequencyAdjust> frequency_adjustments(const std::vector<Prepared>& rows, double cap,
                                                   double combination_cap = 0, double combination_floor = -127);
// Bits to add to the pattern weight of a pair of rows with these terms.
double frequency_adjustment(Pattern p, const FrequencyAdjust& a, const FrequencyAdjust& b);
// The name combination's term for a pair whose names agree exactly (every given name and surname
// known on both sides equal; a second surname may be missing on one side); `applies` says whether
// they did. When it applies it replaces the per-field terms: they assume the names independent.
double combination_adjustment(Pattern p, const FrequencyAdjust& a, const FrequencyAdjust& b, bool* applies);

// Blocking passes; a pair is a candidate when any key is equal and non-zero.
enum Pass : int {
  kRunPass,        // RUN body (check digit aside): catches wrong check digits
  kDocumentPass,   // passport / foreign document
  kPhonePass,      // phone
  kNameYearPass,   // phonetic(first given) + phonetic(surname1) + birth year
  kSurnamesPass,   // phonetic surnames as an unordered pair + birth year: typos in given names, nicknames, swaps
  kGivenDatePass,  // phonetic(first given) + birth date with day/month unordered: surname typos and swaps
  kNameComunaPass, // phonetic(first given) + phonetic(surname1) + comuna: missing or wrong birth date
  kFullNamePass,   // phonetic(first given) + both phonetic surnames (unordered), no date: a wrong or
                   // missing birth date when there is no comuna
  kDocHeadPass,    // first half of the document + birth year: one typo in the document number
  kDocTailPass,    // second half of the document + birth year
  kNamesPass,      // phonetic(first given) + phonetic(surname1) alone: only for Index::match of a query
                   // with neither birth year nor comuna (a person search by name); batch skips it
  // Batch only (blocking_keys(p, true)); the index gives them no keys. On the foreign shape at 2 M
  // rows most true pairs no pass met had no birth year (or a typed one) and a typed or missing
  // document (bench/RESULTS.md, issue 21 diagnosis):
  kDocHeadNamePass,  // first half of the document + phonetic(first given): a document typo and no year
  kDocTailNamePass,  // second half of the document + phonetic(first given)
  kAddressPass,      // normalised address + phonetic(first given): no document and no usable birth date
  kSurnamesDatePass, // phonetic surnames (unordered) + full birth date (day/month unordered): a typo in
                     // the given name inside a name block too big to compare whole
  kPassCount
};
inline constexpr std::string_view kPassNames[kPassCount] = {
    "run", "documento", "telefono", "nombre_apellido_anio", "apellidos_anio", "nombre_fecha",
    "nombre_apellido_comuna", "nombre_apellidos", "documento_inicio_anio", "documento_fin_anio", "nombres",
    "documento_inicio_nombre", "documento_fin_nombre", "direccion", "apellidos_fecha"};
using Keys = std::array<uint64_t, kPassCount>;
// The keys of every pass; the batch-only passes' keys only when `batch` (0 otherwise).
Keys blocking_keys(const Prepared& p, bool batch = false);

// Blocking keys folded to 32 bits, for what is held per row (half the memory at ten million rows).
// Two different keys that fold alike only merge two blocks: their rows are compared like any
// candidate pair, nothing is lost.
using Keys32 = std::array<uint32_t, kPassCount>;
inline Keys32 fold_keys(const Keys& k) {
  Keys32 out{};
  for (int i = 0; i < kPassCount; ++i) {
    if (!k[i]) continue;
    const auto h = static_cast<uint32_t>(k[i] ^ (k[i] >> 32));
    out[i] = h ? h : 1;
  }
  return out;
}

// The batch linker on rows already prepared (the CLI prepares while it reads, so that a
// ten-million-row file never exists as Identity strings); frees `rows` once it has compared them.
BatchResult link_prepared(std::vector<Prepared>&& rows, const BatchOptions& options);

// One true pair (bench diagnosis, BatchOptions::truth) that ended in two clusters: whether some
// pass compared it and at what weight, or, if none did, the first key pass that put both rows in
// one windowed block (-1 if none). `pattern` is compare()'s, taken in either case.
struct MissedPair {
  uint32_t a, b;
  Pattern pattern;
  double weight;
  bool compared;
  int windowed_pass;
};
// The classes of the missed pairs as text, for the link command's report (diagnose.cc).
std::string describe_missed(const std::vector<Prepared>& rows, const std::vector<MissedPair>& missed,
                            uint64_t true_pairs, const Thresholds& t);
// The links that joined two different true persons, by their field levels.
std::string describe_wrong_links(const std::vector<MissedPair>& links);

// Sorted-neighbourhood orders of the batch linker (no key equality needed: a row is compared with
// its next neighbours in each order, so a typo that changes every phonetic key still meets its pair).
// Each returns a 64-bit order key: the first letters of the names, base 27, then the birth year;
// 0 when the row has no name for it.
uint64_t surname_order(const Prepared& p);  // surname1, then given names
uint64_t given_order(const Prepared& p);    // given names, then surname1
// Order inside a block too big to compare every pair: the fields the pass's key leaves out.
uint64_t within_block_order(int pass, const Prepared& p);
// A second order of a name pass's windowed blocks (BatchOptions::second_window): the first order
// leads with a name the key leaves out, so a record missing that name (or with it typed) sits far
// from its pair among hundreds of namesakes; this one leads with the birth date or the normalised
// address and breaks ties by the document, so same-name pairs agreeing on those still meet.
// Issue 21: 93.528 true pairs at 10 M foreign rows were in one such block but outside the window.
bool has_second_order(int pass);
uint64_t second_block_order(int pass, const Prepared& p);

// What a name pass's key leaves out, in two bytes (0 = unknown), so that the incremental index can
// skip most of a big block's namesakes without reading their variants: for the name + year key, the
// second surname's phonetic key and the unordered day/month; for surnames + year, the first given
// name and day/month; for given name + date, the two surnames; for name + comuna, the second surname
// and day/month; for the full name without date, day/month and year; for the name alone, the second
// surname and the whole given names. 0 for the document, RUN and phone passes (never filtered).
uint16_t block_tag(int pass, const Prepared& p);
// Whether a variant with tag `entry` can be the query's person: some byte known on both sides agrees
// (either byte with either, so that swapped surnames still meet), or a byte is unknown on one side
// (nothing to tell them apart). A true pair with an error in both left-out parts is lost only when
// the block is big enough to be filtered (Index: more than 64 variants).
inline bool tags_may_match(uint16_t query, uint16_t entry) {
  const uint8_t q1 = query >> 8, q2 = query & 0xff, e1 = entry >> 8, e2 = entry & 0xff;
  if (!q1 || !q2 || !e1 || !e2) return true;
  return q1 == e1 || q2 == e2 || q1 == e2 || q2 == e1;
}

inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
uint64_t hash_string(std::string_view s);

}  // namespace eq::linkage::detail
