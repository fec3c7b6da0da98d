// The faceted search's in-memory index (SearchIndex) and its text index (TextIndex): see module.h.
// A name search used to run matches_query() on every entry — a substring search of each haystack
// and an edit-distance check against each name word — and took 10 to 15 times a facet search
// (bench/RESULTS.md); the text query now goes through posting lists and only its matches are
// visited. perf of the server during bench/directoras (100.000 profiles) now shows the facet
// counting of that visit as the largest part of a search's CPU, then JSON and allocation.
#include <algorithm>
#include <bit>
#include <climits>
#include <map>

#include "directoras/module.h"

namespace eq::directoras {

namespace {

uint64_t bits_of(const Vocabulary& v, const std::vector<std::string>& codes) {
  uint64_t out = 0;
  const auto& terms = v.terms();
  for (const auto& c : codes)
    for (size_t i = 0; i < terms.size() && i < 64; ++i)
      if (terms[i].id == c) out |= uint64_t{1} << i;
  return out;
}

bool newer_first(const SearchIndex::Entry& a, const SearchIndex::Entry& b) {
  return a.updated_at != b.updated_at ? a.updated_at > b.updated_at : a.id > b.id;
}

// Collects (word, position) pairs, positions in ascending order, into sorted distinct words.
class WordsBuilder {
 public:
  void add(const std::string& w, uint32_t pos) {
    auto [it, fresh] = ids_.try_emplace(w, static_cast<uint32_t>(words_.size()));
    if (fresh) {
      words_.push_back(w);
      postings_.emplace_back();
    }
    auto& list = postings_[it->second];
    if (list.empty() || list.back() != pos) list.push_back(pos);
  }
  void finish(TextIndex::Words& out) {
    std::vector<uint32_t> order(words_.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return words_[a] < words_[b]; });
    out.words.clear();
    out.postings.clear();
    out.words.reserve(order.size());
    out.postings.reserve(order.size());
    for (auto i : order) {
      out.words.push_back(std::move(words_[i]));
      out.postings.push_back(std::move(postings_[i]));
    }
  }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> words_;
  std::vector<std::vector<uint32_t>> postings_;
};

// A word and the words one letter shorter (each letter left out once): two words are within one
// edit only if these sets of theirs meet (a changed letter: both less that letter; an added one:
// the longer less it is the shorter). The converse does not hold ("ab"/"ba"), hence the check.
std::vector<std::string> variants(const std::string& w) {
  std::vector<std::string> out{w};
  for (size_t i = 0; i < w.size(); ++i) {
    std::string v = w.substr(0, i) + w.substr(i + 1);
    if (out.back() != v) out.push_back(std::move(v));  // a doubled letter gives the same variant twice
  }
  return out;
}

void index_variants(TextIndex::Typo& t) {
  t.variants.clear();
  for (uint32_t id = 0; id < t.words.size(); ++id)
    for (auto& v : variants(t.words[id])) {
      auto& ids = t.variants[std::move(v)];
      if (ids.empty() || ids.back() != id) ids.push_back(id);
    }
}

void set_all(std::vector<uint64_t>& bits, const std::vector<uint32_t>& positions) {
  for (auto p : positions) bits[p >> 6] |= uint64_t{1} << (p & 63);
}

// The entries with a name word within one edit of `w`.
void near_names(const TextIndex::Typo& t, const std::string& w, std::vector<uint64_t>& bits) {
  std::vector<uint32_t> seen;
  for (const auto& v : variants(w)) {
    auto it = t.variants.find(v);
    if (it == t.variants.end()) continue;
    for (auto id : it->second) {
      if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
      seen.push_back(id);
      if (within_one_edit(w, t.words[id])) set_all(bits, t.postings[id]);
    }
  }
}

}  // namespace

void TextIndex::build(const std::vector<const Haystack*>& hays) {
  n_ = hays.size();
  WordsBuilder hay, folded, stems;
  for (uint32_t pos = 0; pos < hays.size(); ++pos) {
    const auto& h = *hays[pos];
    // h.hay is " word word … ": every word starts after a space.
    for (size_t i = 0; i < h.hay.size();) {
      if (h.hay[i] == ' ') {
        ++i;
        continue;
      }
      const size_t end = std::min(h.hay.find(' ', i), h.hay.size());
      hay.add(h.hay.substr(i, end - i), pos);
      i = end;
    }
    for (const auto& w : h.name_words) folded.add(w, pos);
    for (const auto& w : h.name_stems) stems.add(w, pos);
  }
  hay.finish(hay_);
  folded.finish(folded_);
  stems.finish(stems_);
  index_variants(folded_);
  index_variants(stems_);
}

std::vector<uint64_t> TextIndex::matching(const PreparedQuery& q) const {
  const size_t blocks = (n_ + 63) / 64;
  std::vector<uint64_t> all(blocks, ~uint64_t{0});
  if (n_ % 64) all.back() = (uint64_t{1} << (n_ % 64)) - 1;
  std::vector<uint64_t> one(blocks);
  for (const auto& w : q.words) {
    std::fill(one.begin(), one.end(), 0);
    // A haystack word starting with the query word's stem (matches_query's " " + stem).
    for (auto it = std::lower_bound(hay_.words.begin(), hay_.words.end(), w.stem); it != hay_.words.end() && it->starts_with(w.stem); ++it)
      set_all(one, hay_.postings[static_cast<size_t>(it - hay_.words.begin())]);
    // A name word within one edit, for words of 5+ letters.
    if (w.word.size() >= 5) {
      near_names(folded_, w.word, one);
      near_names(stems_, w.stem, one);
    }
    bool any = false;
    for (size_t i = 0; i < blocks; ++i) any |= (all[i] &= one[i]) != 0;
    if (!any) break;
  }
  return all;
}

SearchIndex::Entry SearchIndex::entry_of(const Profile& p) {
  Entry e;
  e.id = p.id;
  e.updated_at = p.updated_at;
  e.industries = bits_of(industries(), p.industries);
  e.specialties = bits_of(specialties(), p.specialties);
  const auto& st = studies().terms();
  for (size_t i = 0; i < st.size(); ++i)
    if (st[i].id == p.studies) e.studies = static_cast<int>(i);
  e.region_id = p.region_id;
  e.region = region_number(p.region_id);
  e.board = p.board_years > 0;
  e.demo = p.demo;
  e.text = haystack_of(p);
  return e;
}

std::shared_ptr<const SearchIndex::Snapshot> SearchIndex::Snapshot::of(Entries entries) {
  auto out = std::make_shared<Snapshot>();
  std::sort(entries.begin(), entries.end(), newer_first);
  out->entries = std::move(entries);
  out->hot.reserve(out->entries.size());
  std::vector<const Haystack*> hays;
  hays.reserve(out->entries.size());
  for (const auto& e : out->entries) {
    out->hot.push_back({e.industries, e.specialties, static_cast<int16_t>(e.region), static_cast<int8_t>(e.studies < 128 ? e.studies : -1), e.board});
    hays.push_back(&e.text);
    out->demo += e.demo ? 1 : 0;
  }
  out->text.build(hays);
  return out;
}

SearchCounts SearchIndex::Snapshot::search(const Filter& f) const {
  SearchCounts c;
  Profile wanted;  // the filter as an index entry: its codes as bits
  if (!f.industry.empty()) wanted.industries = {f.industry};
  if (!f.specialty.empty()) wanted.specialties = {f.specialty};
  wanted.studies = f.studies;
  const auto want = entry_of(wanted);
  const uint64_t want_ind = want.industries, want_spec = want.specialties;
  // An unknown code matches nothing (its bits are 0 but the filter is set).
  const bool none = (!f.industry.empty() && !want_ind) || (!f.specialty.empty() && !want_spec);
  const int want_studies = f.studies.empty() ? -1 : want.studies;
  const int want_region = f.region_id.empty() ? -1 : region_number(f.region_id);
  const bool region_by_text = !f.region_id.empty() && want_region < 0;
  const auto visit = [&](size_t i) {
    const Hot& h = hot[i];
    if (want_ind && !(h.industries & want_ind)) return;
    if (want_spec && !(h.specialties & want_spec)) return;
    if (want_studies >= 0 && h.studies != want_studies) return;
    if (want_region >= 0 && h.region != want_region) return;
    if (region_by_text && entries[i].region_id != f.region_id) return;
    if (f.board && h.board != *f.board) return;
    for (uint64_t b = h.industries; b; b &= b - 1) ++c.industry[static_cast<size_t>(std::countr_zero(b))];
    for (uint64_t b = h.specialties; b; b &= b - 1) ++c.specialty[static_cast<size_t>(std::countr_zero(b))];
    if (h.studies >= 0 && h.studies < 16) ++c.studies[static_cast<size_t>(h.studies)];
    if (h.region >= 0 && h.region < kRegions) ++c.region[static_cast<size_t>(h.region)];
    ++(h.board ? c.board_si : c.board_no);
    if (c.total >= static_cast<size_t>(f.offset) && c.total < static_cast<size_t>(f.offset + f.limit)) c.page.push_back(entries[i].id);
    ++c.total;
  };
  if (none) return c;
  const auto query = prepare_query(f.q);
  if (query.empty()) {
    for (size_t i = 0; i < hot.size(); ++i) visit(i);
    return c;
  }
  // Only the text index's matches, in the snapshot's order (ascending positions).
  const auto bits = text.matching(query);
  for (size_t block = 0; block < bits.size(); ++block)
    for (uint64_t b = bits[block]; b; b &= b - 1) visit(block * 64 + static_cast<size_t>(std::countr_zero(b)));
  return c;
}

std::shared_ptr<const SearchIndex::Snapshot> SearchIndex::current(soci::session& s, const Repository& repo) {
  const int64_t gen = repo.generation(s);
  std::lock_guard lock(mu_);
  if (snapshot_ && gen == generation_) return snapshot_;
  // Another instance's clock may lag ours: re-read a margin before the newest change seen.
  constexpr int64_t kClockMarginMs = 10LL * 60 * 1000;
  const int64_t since = snapshot_ ? max_updated_ - kClockMarginMs : INT64_MIN;
  Entries next = snapshot_ ? snapshot_->entries : Entries{};
  std::map<int64_t, size_t> at;
  for (size_t i = 0; i < next.size(); ++i) at[next[i].id] = i;
  for (const auto& p : repo.changed_since(s, since)) {
    auto e = entry_of(p);
    max_updated_ = std::max(max_updated_, e.updated_at);
    if (auto it = at.find(e.id); it != at.end()) next[it->second] = std::move(e);
    else next.push_back(std::move(e));
  }
  generation_ = gen;
  snapshot_ = Snapshot::of(std::move(next));
  return snapshot_;
}

}  // namespace eq::directoras
