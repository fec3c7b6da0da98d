// Incremental person index for the registry: one entry per identity variant, blocked by the same
// keys as the batch linker, answering match() under a shared lock.
//
// Layout: variants live in a slot vector (freed slots are reused); each blocking key maps, through
// an open-addressing table, to the head of a singly linked list of entries {slot, next, tag}. Removing
// a variant only marks its slot dead; lists are rebuilt once dead entries outnumber live ones, so
// writes stay O(keys) and match() never waits on a long compaction.
//
// Big blocks: each entry carries a two-byte tag of what its pass's key leaves out (second surname,
// day and month…, detail::block_tag), so that match() walks a block of more than kTagFilterFrom
// variants reading only the entries and touches just the variants whose tag can agree with the
// query. At ten million persons a query met thousands of namesakes in middle-sized name blocks, each
// a random read into gigabytes of variants (p99 1,85 ms of CPU; issue 21). Of what the tags let
// through, at most kMaxScored variants are read and scored: those found through the most passes.
#include <algorithm>
#include <bit>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "linkage/internal.h"

namespace eq::linkage {

using detail::Keys;
using detail::Prepared;

namespace {

constexpr uint32_t kNone = 0xffffffffu;
// Blocks up to this many variants are scanned whole: the tags save nothing there, and a small block
// is where a query with errors in both left-out parts still finds its person.
constexpr uint32_t kTagFilterFrom = 64;
// At most this many variants are scored per query, those found through the most passes first (a
// shared RUN or document counts as many): at ten million persons the p99 query still met over a
// thousand namesakes after the tags, and each costs a random read of its variant and a comparison.
constexpr size_t kMaxScored = 256;

// uint64 key → list head and live count. Key 0 never occurs (blocking keys are non-zero).
class KeyTable {
 public:
  struct Bucket {
    uint64_t key = 0;
    uint32_t head = kNone;
    uint32_t count = 0;
  };

  Bucket* find(uint64_t key) {
    if (buckets_.empty()) return nullptr;
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      if (buckets_[i].key == key) return &buckets_[i];
      if (buckets_[i].key == 0) return nullptr;
    }
  }
  const Bucket* find(uint64_t key) const { return const_cast<KeyTable*>(this)->find(key); }

  Bucket& insert(uint64_t key) {
    if ((used_ + 1) * 10 > buckets_.size() * 7) grow();
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      if (buckets_[i].key == key) return buckets_[i];
      if (buckets_[i].key == 0) {
        buckets_[i].key = key;
        ++used_;
        return buckets_[i];
      }
    }
  }
  void clear() {
    buckets_.clear();
    used_ = 0;
    mask_ = 0;
  }
  size_t memory() const { return buckets_.capacity() * sizeof(Bucket); }

 private:
  void grow() {
    std::vector<Bucket> old;
    old.swap(buckets_);
    const size_t n = old.empty() ? 1024 : old.size() * 2;
    buckets_.assign(n, Bucket{});
    mask_ = n - 1;
    used_ = 0;
    for (const auto& b : old) {
      if (b.key == 0) continue;
      Bucket& nb = insert(b.key);
      nb.head = b.head;
      nb.count = b.count;
    }
  }
  std::vector<Bucket> buckets_;
  size_t mask_ = 0, used_ = 0;
};

struct Entry {
  uint32_t slot;
  uint32_t next;
  uint16_t tag;  // detail::block_tag of the slot for this entry's pass
};

struct Slot {
  Prepared p;
  // Folded keys: enough to tell whether a reused slot still holds a list's key (a rare false
  // "yes" only scores one more candidate); the full keys are recomputed from `p` when unlinking.
  detail::Keys32 keys{};
  int64_t person = 0;
  int64_t variant = 0;
  bool alive = false;
};

}  // namespace

struct Index::Impl {
  Model model;
  Thresholds t;
  // Blocks over 500 variants (a common name + surname at ten million persons) are skipped: with the
  // tags and the cap below, walking their entries was what kept p99 over 1 ms (10 M persons: p99
  // 1 112 µs of CPU with 2 000, 806 µs with 500, same persons found; bench/RESULTS.md, issue 21).
  size_t max_block = 500;

  mutable std::shared_mutex mu;
  std::vector<Slot> slots;
  std::vector<uint32_t> free_slots;
  std::unordered_map<int64_t, uint32_t> by_variant;
  std::unordered_map<int64_t, uint32_t> person_variants;  // live variants per person
  KeyTable table;
  std::vector<Entry> entries;
  size_t dead_entries = 0;

  mutable std::atomic<uint64_t> matches{0}, oversize{0}, capped{0};

  void link_keys(uint32_t s) { link_keys(s, detail::blocking_keys(slots[s].p)); }
  void link_keys(uint32_t s, const Keys& keys) {
    for (int pass = 0; pass < detail::kPassCount; ++pass) {
      const uint64_t k = keys[pass];
      if (k == 0) continue;
      auto& b = table.insert(k);
      entries.push_back({s, b.head, detail::block_tag(pass, slots[s].p)});
      b.head = static_cast<uint32_t>(entries.size() - 1);
      ++b.count;
    }
  }

  void kill(uint32_t s) {
    Slot& sl = slots[s];
    for (uint64_t k : detail::blocking_keys(sl.p)) {
      if (k == 0) continue;
      if (auto* b = table.find(k)) {
        --b->count;
        ++dead_entries;
      }
    }
    if (auto it = person_variants.find(sl.person); it != person_variants.end() && --it->second == 0)
      person_variants.erase(it);
    by_variant.erase(sl.variant);
    sl = Slot{};
    free_slots.push_back(s);
    if (dead_entries > 4096 && dead_entries * 2 > entries.size()) rebuild();
  }

  void rebuild() {
    table.clear();
    entries.clear();
    entries.shrink_to_fit();
    dead_entries = 0;
    for (uint32_t s = 0; s < slots.size(); ++s)
      if (slots[s].alive) link_keys(s);
  }
};

Index::Index(Model model, Thresholds t) : impl_(std::make_unique<Impl>()) {
  impl_->model = std::move(model);
  impl_->t = t;
}
Index::~Index() = default;
Index::Index(Index&&) noexcept = default;
Index& Index::operator=(Index&&) noexcept = default;

void Index::set_max_block(size_t n) {
  std::unique_lock lock(impl_->mu);
  impl_->max_block = n;
}

void Index::add(int64_t person_id, int64_t variant_id, const Identity& id) {
  // Normalising outside the lock keeps writers from stalling readers on string work.
  Prepared p = detail::prepare(id);
  const Keys keys = detail::blocking_keys(p);
  std::unique_lock lock(impl_->mu);
  auto& im = *impl_;
  if (auto it = im.by_variant.find(variant_id); it != im.by_variant.end()) im.kill(it->second);
  uint32_t s;
  if (!im.free_slots.empty()) {
    s = im.free_slots.back();
    im.free_slots.pop_back();
  } else {
    s = static_cast<uint32_t>(im.slots.size());
    im.slots.emplace_back();
  }
  Slot& sl = im.slots[s];
  sl.p = std::move(p);
  sl.keys = detail::fold_keys(keys);
  sl.person = person_id;
  sl.variant = variant_id;
  sl.alive = true;
  im.by_variant[variant_id] = s;
  ++im.person_variants[person_id];
  im.link_keys(s, keys);
}

void Index::remove_variant(int64_t variant_id) {
  std::unique_lock lock(impl_->mu);
  auto it = impl_->by_variant.find(variant_id);
  if (it != impl_->by_variant.end()) impl_->kill(it->second);
}

void Index::move_variant(int64_t variant_id, int64_t to_person_id) {
  std::unique_lock lock(impl_->mu);
  auto& im = *impl_;
  auto it = im.by_variant.find(variant_id);
  if (it == im.by_variant.end()) return;
  Slot& sl = im.slots[it->second];
  if (sl.person == to_person_id) return;
  if (auto pv = im.person_variants.find(sl.person); pv != im.person_variants.end() && --pv->second == 0)
    im.person_variants.erase(pv);
  ++im.person_variants[to_person_id];
  sl.person = to_person_id;
}

size_t Index::persons() const {
  std::shared_lock lock(impl_->mu);
  return impl_->person_variants.size();
}

size_t Index::variants() const {
  std::shared_lock lock(impl_->mu);
  return impl_->by_variant.size();
}

IndexStats Index::stats() const {
  return {impl_->matches.load(std::memory_order_relaxed), impl_->oversize.load(std::memory_order_relaxed),
          impl_->capped.load(std::memory_order_relaxed)};
}

Match Index::match(const Identity& id) const {
  const Prepared q = detail::prepare(id);
  const Keys keys = detail::blocking_keys(q);
  const detail::Keys32 folded = detail::fold_keys(keys);
  const auto& im = *impl_;
  im.matches.fetch_add(1, std::memory_order_relaxed);

  struct Scored {
    int64_t person;
    double weight;
    bool exact;
  };
  std::vector<uint64_t> cand;  // slot << 16 | 1 << pass: one per entry read
  std::vector<Scored> scored;
  Match out{Decision::new_person};
  {
    std::shared_lock lock(im.mu);
    const bool names_only = !q.year && !q.comuna;
    for (int pass = 0; pass < detail::kPassCount; ++pass) {
      if (keys[pass] == 0 || (pass == detail::kNamesPass && !names_only)) continue;
      const auto* b = im.table.find(keys[pass]);
      if (!b) continue;
      if (b->count > im.max_block && pass != detail::kRunPass) {
        im.oversize.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      const bool filter = b->count > kTagFilterFrom;
      const uint16_t qtag = filter ? detail::block_tag(pass, q) : 0;
      for (uint32_t e = b->head; e != kNone; e = im.entries[e].next) {
        if (filter && !detail::tags_may_match(qtag, im.entries[e].tag)) continue;
        cand.push_back(static_cast<uint64_t>(im.entries[e].slot) << 16 | 1u << pass);
      }
    }
    // One per slot with the passes that found it; the variants themselves are read only for the
    // kMaxScored best-found.
    std::sort(cand.begin(), cand.end());
    size_t u = 0;
    for (size_t r = 0; r < cand.size(); ++r) {
      if (u && (cand[u - 1] >> 16) == (cand[r] >> 16)) cand[u - 1] |= cand[r] & 0xffff;
      else cand[u++] = cand[r];
    }
    cand.resize(u);
    if (cand.size() > kMaxScored) {
      im.capped.fetch_add(1, std::memory_order_relaxed);
      constexpr uint32_t kExactPasses = 1u << detail::kRunPass | 1u << detail::kDocumentPass;
      auto found = [](uint64_t c) {
        const auto mask = static_cast<uint32_t>(c & 0xffff);
        return std::popcount(mask) + ((mask & kExactPasses) ? 16 : 0);
      };
      std::nth_element(cand.begin(), cand.begin() + kMaxScored, cand.end(), [&](uint64_t x, uint64_t y) {
        const int fx = found(x), fy = found(y);
        return fx != fy ? fx > fy : x < y;
      });
      cand.resize(kMaxScored);
    }
    scored.reserve(cand.size());
    for (uint64_t c : cand) {
      const auto s = static_cast<uint32_t>(c >> 16);
      const Slot& sl = im.slots[s];
      // A reused slot may sit in lists of its former keys: check that it still has one of them.
      if (!sl.alive) continue;
      bool still = false;
      for (int pass = 0; pass < detail::kPassCount && !still; ++pass)
        still = (c >> pass & 1) && sl.keys[pass] == folded[pass];
      if (!still) continue;
      const bool exact = q.run_valid && sl.p.run_valid && q.run_number == sl.p.run_number;
      scored.push_back({sl.person, im.model.weight(detail::compare(q, sl.p)), exact});
    }
  }
  if (scored.empty()) return out;
  // One entry per person: its closest variant (an exact RUN variant wins).
  std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    if (a.person != b.person) return a.person < b.person;
    if (a.exact != b.exact) return a.exact;
    return a.weight > b.weight;
  });
  size_t w = 0;
  for (size_t r = 0; r < scored.size(); ++r)
    if (r == 0 || scored[r].person != scored[r - 1].person) scored[w++] = scored[r];
  scored.resize(w);
  std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    if (a.exact != b.exact) return a.exact;
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.person < b.person;
  });
  for (size_t i = 0; i < scored.size() && i < 5; ++i) out.candidates.push_back({scored[i].person, scored[i].weight});
  const Scored& best = scored.front();
  out.weight = best.weight;
  if (best.exact) {
    out.decision = Decision::link;
    out.person_id = best.person;
    out.exact_document = true;
  } else if (best.weight >= im.t.upper) {
    out.decision = Decision::link;
    out.person_id = best.person;
  } else if (best.weight >= im.t.lower) {
    out.decision = Decision::review;
    out.person_id = best.person;
  }
  return out;
}

}  // namespace eq::linkage
