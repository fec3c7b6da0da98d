// Batch linkage of a whole file: prepare every row once, block, compare each candidate pair once,
// estimate m/u by EM on the pair patterns, then cluster with union-find.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>
#include <unordered_map>

#include "linkage/internal.h"

namespace eq::linkage {

using detail::Keys;
using detail::Keys32;
using detail::Prepared;

namespace {

constexpr Pattern kExactRunBit = 1u << 31;  // both RUNs valid and equal; patterns use 30 bits

struct Pair {
  uint32_t a, b;
  Pattern pattern;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <typename F>
void parallel_for(size_t n, int threads, size_t chunk, F&& f) {
  std::atomic<size_t> next{0};
  auto work = [&](int t) {
    while (true) {
      const size_t b = next.fetch_add(chunk);
      if (b >= n) break;
      const size_t e = std::min(n, b + chunk);
      for (size_t i = b; i < e; ++i) f(i, t);
    }
  };
  if (threads <= 1 || n < chunk * 2) {
    work(0);
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
}

// Open-addressing table keyed by comparison pattern (a file has a few thousand distinct ones):
// counting and weighing 100 million pairs through std::unordered_map was a twentieth of the run.
template <typename V>
class PatternTable {
 public:
  PatternTable() : keys_(1024, kEmpty), values_(1024) {}
  V& operator[](Pattern p) {
    size_t i = slot(p);
    if (keys_[i] == p) return values_[i];
    if (2 * (used_ + 1) > keys_.size()) {
      grow();
      i = slot(p);
    }
    keys_[i] = p;
    ++used_;
    return values_[i];
  }
  template <typename F>
  void each(F&& f) const {
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] != kEmpty) f(keys_[i], values_[i]);
  }

 private:
  static constexpr Pattern kEmpty = 0xffffffffu;  // patterns use 30 bits (31 with the RUN flag)
  size_t slot(Pattern p) const {
    const size_t mask = keys_.size() - 1;
    size_t i = static_cast<size_t>(detail::mix64(p)) & mask;
    while (keys_[i] != kEmpty && keys_[i] != p) i = (i + 1) & mask;
    return i;
  }
  void grow() {
    std::vector<Pattern> k(keys_.size() * 2, kEmpty);
    std::vector<V> v(keys_.size() * 2);
    k.swap(keys_);
    v.swap(values_);
    for (size_t i = 0; i < k.size(); ++i)
      if (k[i] != kEmpty) {
        const size_t j = slot(k[i]);
        keys_[j] = k[i];
        values_[j] = v[i];
      }
  }
  std::vector<Pattern> keys_;
  std::vector<V> values_;
  size_t used_ = 0;
};

// Stable LSD radix sort of (key << 32 | row) by the 32-bit key alone: rows were appended in
// ascending order, so they stay in it inside a key. Two passes of 16 bits instead of a comparison
// sort of ten million pairs per blocking pass.
void radix_sort_by_high32(std::vector<uint64_t>& v) {
  std::vector<uint64_t> tmp(v.size());
  std::vector<size_t> count(65536);
  for (int shift : {32, 48}) {
    std::fill(count.begin(), count.end(), 0);
    for (uint64_t x : v) ++count[(x >> shift) & 0xffff];
    size_t sum = 0;
    for (auto& c : count) {
      const size_t k = c;
      c = sum;
      sum += k;
    }
    for (uint64_t x : v) tmp[count[(x >> shift) & 0xffff]++] = x;
    v.swap(tmp);
  }
}

// Candidate pairs in fixed-size chunks: no reallocation doubling the biggest array of the run
// and no merged copy of it.
class PairStore {
 public:
  static constexpr size_t kChunk = 1 << 20;
  void push(const Pair& p) {
    if (chunks_.empty() || chunks_.back().size() == kChunk) {
      chunks_.emplace_back();
      chunks_.back().reserve(kChunk);
    }
    chunks_.back().push_back(p);
  }
  size_t size() const {
    size_t n = 0;
    for (const auto& c : chunks_) n += c.size();
    return n;
  }
  template <typename F>
  void each(F&& f) const {
    for (const auto& c : chunks_)
      for (const Pair& p : c) f(p);
  }
  void clear() { std::vector<std::vector<Pair>>().swap(chunks_); }
  // Keeps the pairs `keep` accepts, chunk by chunk: each chunk is compacted and reallocated to its
  // new size before the next is read, so memory falls while filtering instead of doubling.
  template <typename F>
  void filter(F&& keep) {
    for (auto& c : chunks_) {
      c.erase(std::remove_if(c.begin(), c.end(), [&](const Pair& p) { return !keep(p); }), c.end());
      c.shrink_to_fit();
    }
  }

 private:
  std::vector<std::vector<Pair>> chunks_;
};

// v becomes v[old_of[0]], v[old_of[1]], …: in place by following cycles (no second copy of the
// biggest arrays of the run).
template <typename T>
void permute(std::vector<T>& v, const std::vector<uint32_t>& old_of) {
  std::vector<bool> done(v.size(), false);
  for (size_t i = 0; i < v.size(); ++i) {
    if (done[i]) continue;
    T tmp = std::move(v[i]);
    size_t j = i;
    while (true) {
      done[j] = true;
      const size_t k = old_of[j];
      if (k == i) {
        v[j] = std::move(tmp);
        break;
      }
      v[j] = std::move(v[k]);
      j = k;
    }
  }
}

struct UnionFind {
  std::vector<uint32_t> parent;
  std::vector<uint32_t> run;  // a valid RUN held by the set, 0 if none
  explicit UnionFind(size_t n) : parent(n), run(n, 0) { std::iota(parent.begin(), parent.end(), 0u); }
  uint32_t find(uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }
};

}  // namespace

BatchResult link_batch(const std::vector<Identity>& rows, const Thresholds& t) {
  BatchOptions o;
  o.thresholds = t;
  return link_batch(rows, o);
}

BatchResult link_batch(const std::vector<Identity>& rows, const BatchOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<Prepared> prep(rows.size());
  parallel_for(rows.size(), std::clamp(opt.threads > 0 ? opt.threads : static_cast<int>(std::thread::hardware_concurrency()), 1, 8),
               4096, [&](size_t i, int) { prep[i] = detail::prepare(rows[i]); });
  const double prepared = seconds_since(t0);
  BatchResult res = detail::link_prepared(std::move(prep), opt);
  res.stats.seconds_prepare += prepared;
  return res;
}

BatchResult link_batch(std::vector<Identity>&& rows, const BatchOptions& opt) {
  std::vector<Identity> owned = std::move(rows);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<Prepared> prep(owned.size());
  parallel_for(owned.size(), std::clamp(opt.threads > 0 ? opt.threads : static_cast<int>(std::thread::hardware_concurrency()), 1, 8),
               4096, [&](size_t i, int) { prep[i] = detail::prepare(owned[i]); });
  // The caller gave the rows away: their strings are the biggest thing in memory after this point.
  std::vector<Identity>().swap(owned);
  const double prepared = seconds_since(t0);
  BatchResult res = detail::link_prepared(std::move(prep), opt);
  res.stats.seconds_prepare += prepared;
  return res;
}

namespace detail {

BatchResult link_prepared(std::vector<Prepared>&& rows, const BatchOptions& opt) {
  using clock = std::chrono::steady_clock;
  BatchResult res;
  BatchStats& st = res.stats;
  std::vector<Prepared> prep = std::move(rows);
  const size_t n = prep.size();
  int threads = opt.threads > 0 ? opt.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 8);

  // 1. Blocking keys and name orders of every prepared row.
  constexpr int kKeyPasses = detail::kPassCount;
  const bool sorted = opt.sorted_window > 0;
  const int pass_total = kKeyPasses + (sorted ? 2 : 0);
  auto t0 = clock::now();
  std::vector<Keys32> keys(n);
  std::vector<std::array<uint64_t, 2>> order(sorted ? n : 0);
  parallel_for(n, threads, 4096, [&](size_t i, int) {
    keys[i] = detail::fold_keys(detail::blocking_keys(prep[i], true));
    if (sorted) order[i] = {detail::surname_order(prep[i]), detail::given_order(prep[i])};
  });
  // Rows renumbered in name order (surname, given name, year): most passes block on names, so the
  // rows of a block, their keys and prepared fields then sit near each other in memory instead of
  // anywhere in gigabytes (at ten million rows comparing was waiting on memory). Everything below
  // works on the new numbers; ties in every order are broken by the input row, and each pair is
  // compared in input order, so the pairs, patterns and clusters are those of input numbering.
  // Results are mapped back to input rows at the end.
  std::vector<uint32_t> old_of(n), new_of(n);
  {
    std::vector<std::pair<uint64_t, uint32_t>> kv(n);
    parallel_for(n, threads, 65536, [&](size_t i, int) {
      kv[i] = {sorted ? order[i][0] : detail::surname_order(prep[i]), static_cast<uint32_t>(i)};
    });
    std::sort(kv.begin(), kv.end());
    for (size_t i = 0; i < n; ++i) {
      old_of[i] = kv[i].second;
      new_of[kv[i].second] = static_cast<uint32_t>(i);
    }
  }
  permute(prep, old_of);
  permute(keys, old_of);
  if (sorted) permute(order, old_of);
  st.seconds_prepare = seconds_since(t0);

  // 2. Blocks per pass. Key passes: rows sorted by key; a block of at most max_block rows compares
  // every pair, a bigger one is ordered by what the key leaves out and compared by window. Sorted
  // passes: every row with a name, in name order, compared by window. `pos` remembers where a row
  // sits in a windowed order, so that step 3 can tell whether an earlier pass compared a pair.
  t0 = clock::now();
  constexpr uint32_t kNoPos = 0xffffffffu;
  struct Block {
    uint32_t pass, begin, end, limit, window;  // x in [begin, end) meets y in (x, min(limit, x + window)]
    bool second = false;                       // the block's second order (pos2)
  };
  const auto window = static_cast<uint32_t>(std::max<size_t>(opt.window, 1));
  const auto second_window = static_cast<uint32_t>(opt.second_window);
  const auto sorted_window = static_cast<uint32_t>(opt.sorted_window);
  const size_t max_block = std::max<size_t>(opt.max_block, 2);
  std::vector<std::vector<uint32_t>> members(pass_total), pos(pass_total), pos2(pass_total);
  std::vector<std::vector<Block>> blocks(pass_total);
  st.passes.assign(pass_total, PassStats{});
  parallel_for(pass_total, threads, 1, [&](size_t pass, int) {
    PassStats& ps = st.passes[pass];
    auto& mem = members[pass];
    if (pass >= static_cast<size_t>(kKeyPasses)) {
      const size_t which = pass - kKeyPasses;
      ps.name = which == 0 ? "vecindad_apellido_nombre" : "vecindad_nombre_apellido";
      std::vector<std::pair<uint64_t, uint32_t>> kv;
      kv.reserve(n);
      for (uint32_t i = 0; i < n; ++i)
        if (order[i][which]) kv.emplace_back(order[i][which], old_of[i]);  // ties by input row
      std::sort(kv.begin(), kv.end());
      mem.reserve(kv.size());
      pos[pass].assign(n, kNoPos);
      for (const auto& [k, old] : kv) {
        const uint32_t i = new_of[old];
        pos[pass][i] = static_cast<uint32_t>(mem.size());
        mem.push_back(i);
      }
      ps.rows = mem.size();
      const auto total = static_cast<uint32_t>(mem.size());
      for (uint32_t b = 0; b + 1 < total; b += 8192)
        blocks[pass].push_back({static_cast<uint32_t>(pass), b, std::min(total, b + 8192), total, sorted_window});
      return;
    }
    ps.name = std::string(detail::kPassNames[pass]);
    if (pass == detail::kNamesPass) return;  // a search aid of the index, too coarse for batch pairs
    std::vector<uint64_t> kv;  // key << 32 | row
    for (uint32_t i = 0; i < n; ++i)
      if (keys[i][pass]) kv.push_back(static_cast<uint64_t>(keys[i][pass]) << 32 | i);
    radix_sort_by_high32(kv);
    auto row_of = [&](size_t i) { return static_cast<uint32_t>(kv[i]); };
    std::vector<std::pair<uint64_t, uint32_t>> inner;
    for (size_t b = 0; b < kv.size();) {
      size_t e = b + 1;
      while (e < kv.size() && (kv[e] >> 32) == (kv[b] >> 32)) ++e;
      const size_t size = e - b;
      if (size >= 2) {
        ++ps.blocks;
        ps.rows += size;
        const auto begin = static_cast<uint32_t>(mem.size());
        // A valid RUN is an exact key: its block is never cut, however big.
        if (size > max_block && pass != detail::kRunPass) {
          ++ps.windowed_blocks;
          ps.rows_in_windowed_blocks += size;
          inner.clear();
          for (size_t i = b; i < e; ++i)
            inner.emplace_back(detail::within_block_order(static_cast<int>(pass), prep[row_of(i)]), old_of[row_of(i)]);
          std::sort(inner.begin(), inner.end());  // ties by input row
          if (pos[pass].empty()) pos[pass].assign(n, kNoPos);
          for (const auto& [k, old] : inner) {
            const uint32_t i = new_of[old];
            pos[pass][i] = static_cast<uint32_t>(mem.size());
            mem.push_back(i);
          }
          const auto end = static_cast<uint32_t>(mem.size());
          for (uint32_t x = begin; x + 1 < end; x += 8192)
            blocks[pass].push_back({static_cast<uint32_t>(pass), x, std::min(end, x + 8192), end, window});
          if (second_window > 0 && detail::has_second_order(static_cast<int>(pass))) {
            // The same rows again, in the second order, after the first in `mem`.
            for (auto& [k, old] : inner) k = detail::second_block_order(static_cast<int>(pass), prep[new_of[old]]);
            std::sort(inner.begin(), inner.end());
            if (pos2[pass].empty()) pos2[pass].assign(n, kNoPos);
            const auto begin2 = static_cast<uint32_t>(mem.size());
            for (const auto& [k, old] : inner) {
              const uint32_t i = new_of[old];
              pos2[pass][i] = static_cast<uint32_t>(mem.size());
              mem.push_back(i);
            }
            const auto end2 = static_cast<uint32_t>(mem.size());
            ++ps.second_ordered_blocks;
            for (uint32_t x = begin2; x + 1 < end2; x += 8192)
              blocks[pass].push_back({static_cast<uint32_t>(pass), x, std::min(end2, x + 8192), end2, second_window, true});
          }
        } else {
          for (size_t i = b; i < e; ++i) mem.push_back(row_of(i));
          const auto end = static_cast<uint32_t>(mem.size());
          blocks[pass].push_back({static_cast<uint32_t>(pass), begin, end, end, end - begin});
        }
      }
      b = e;
    }
  });
  std::vector<Block> work;
  for (int p = 0; p < pass_total; ++p) {
    work.insert(work.end(), blocks[p].begin(), blocks[p].end());
    st.oversize_blocks_skipped += st.passes[p].windowed_blocks;
    st.rows_in_oversize_blocks += st.passes[p].rows_in_windowed_blocks;
  }
  {
    // The bound these options guarantee, whatever the data: every pass at most n × max(B/2, w).
    const uint64_t per_row = std::max<uint64_t>(max_block / 2, window);
    int second_passes = 0;
    for (int q = 0; q < kKeyPasses; ++q) second_passes += detail::has_second_order(q) ? 1 : 0;
    st.max_pairs = static_cast<uint64_t>(n) *
                   (per_row * (kKeyPasses - 1) + 2 * sorted_window + uint64_t{second_window} * second_passes);
  }
  std::vector<std::array<uint64_t, 2>>().swap(order);  // sorted passes are built: free before comparing
  auto cost = [](const Block& b) { return static_cast<uint64_t>(b.end - b.begin) * b.window; };
  // Big blocks first so that the threads finish together.
  std::sort(work.begin(), work.end(), [&](const Block& x, const Block& y) { return cost(x) > cost(y); });
  st.seconds_block = seconds_since(t0);

  // Whether pass q (earlier than the current one) already produced pair (a, b).
  auto in_second = [&](int q, uint32_t a, uint32_t b) {
    if (pos2[q].empty()) return false;
    const uint32_t pa = pos2[q][a], pb = pos2[q][b];
    return pa != kNoPos && pb != kNoPos && (pa > pb ? pa - pb : pb - pa) <= second_window;
  };
  auto covered = [&](int q, uint32_t a, uint32_t b) {
    // The names pass compares nothing here, yet for the name orders (only: the caller checks) a
    // pair sharing its key counts as covered: the name orders are for typos that change the
    // phonetic keys, and namesakes who share them but neither year nor second surname were 40 M
    // more comparisons at 10 M foreign rows (+25 % of all) for 3.226 true pairs (0,01 % of them;
    // issue 21 diagnosis, bench/RESULTS.md).
    if (q < kKeyPasses) {
      if (keys[a][q] == 0 || keys[a][q] != keys[b][q]) return false;
      if (pos[q].empty() || pos[q][a] == kNoPos) return true;  // a block compared in full
      const uint32_t pa = pos[q][a], pb = pos[q][b];
      return (pa > pb ? pa - pb : pb - pa) <= window || in_second(q, a, b);
    }
    const uint32_t pa = pos[q][a], pb = pos[q][b];
    if (pa == kNoPos || pb == kNoPos) return false;
    return (pa > pb ? pa - pb : pb - pa) <= sorted_window;
  };

  // 3. Compare each candidate pair once: in the first pass that produces it.
  t0 = clock::now();
  std::vector<PairStore> local_pairs(threads);
  std::vector<PatternTable<uint64_t>> local_counts(threads);
  std::vector<std::vector<std::array<uint64_t, 2>>> local_pass(threads,
                                                               std::vector<std::array<uint64_t, 2>>(pass_total));
  parallel_for(work.size(), threads, 4, [&](size_t w, int th) {
    const Block& blk = work[w];
    const auto& mem = members[blk.pass];
    auto& out = local_pairs[th];
    auto& counts = local_counts[th];
    auto& pc = local_pass[th][blk.pass];
    for (uint32_t x = blk.begin; x < blk.end; ++x) {
      const uint32_t last = std::min<uint32_t>(blk.limit, x + 1 + blk.window);
      for (uint32_t y = x + 1; y < last; ++y) {
        // The next rows' fields and keys are fetched while this pair is compared.
        if (y + 4 < last) {
          const uint32_t r = mem[y + 4];
          __builtin_prefetch(&prep[r]);
          __builtin_prefetch(reinterpret_cast<const char*>(&prep[r]) + 64);
          __builtin_prefetch(&keys[r]);
        }
        if (y + 2 < last) __builtin_prefetch(prep[mem[y + 2]].text.data());
        uint32_t a = mem[x], b = mem[y];
        ++pc[0];
        // The second order of a block comes after its first: a pair both produce is the first's.
        bool seen = false;
        if (blk.second) {
          const uint32_t pa = pos[blk.pass][a], pb = pos[blk.pass][b];
          seen = (pa > pb ? pa - pb : pb - pa) <= window;
        }
        for (int q = 0; !seen && q < static_cast<int>(blk.pass); ++q)
          if ((q != detail::kNamesPass || blk.pass >= static_cast<uint32_t>(kKeyPasses)) && covered(q, a, b)) {
            seen = true;
            break;
          }
        if (seen) continue;
        ++pc[1];
        if (old_of[a] > old_of[b]) std::swap(a, b);  // in input order, as before renumbering
        Pattern p = detail::compare(prep[a], prep[b]);
        ++counts[p];
        if (prep[a].run_valid && prep[b].run_valid && prep[a].run_number == prep[b].run_number) p |= kExactRunBit;
        out.push({a, b, p});
      }
    }
  });
  for (const auto& lp : local_pass)
    for (int p = 0; p < pass_total; ++p) {
      st.passes[p].pairs += lp[p][0];
      st.passes[p].new_pairs += lp[p][1];
    }
  const bool diagnosing = opt.truth != nullptr && opt.truth->size() == n;
  if (!diagnosing) {
    std::vector<std::vector<uint32_t>>().swap(pos);
    std::vector<std::vector<uint32_t>>().swap(pos2);
  }
  std::vector<std::vector<uint32_t>>().swap(members);
  PatternTable<uint64_t> counts;
  for (auto& c : local_counts) c.each([&](Pattern p, uint64_t k) { counts[p] += k; });
  for (const auto& lp : local_pairs) st.candidate_pairs += lp.size();
  st.seconds_compare = seconds_since(t0);
  std::vector<uint32_t> valid_run(n, 0);
  for (size_t i = 0; i < n; ++i)
    if (prep[i].run_valid) valid_run[i] = prep[i].run_number;
  // Each row's name-frequency terms (5 bytes a row) outlive the prepared rows: pairs are weighed later.
  const bool by_frequency = opt.frequency_cap > 0, by_combination = opt.combination_cap > 0;
  std::vector<detail::FrequencyAdjust> freq =
      detail::frequency_adjustments(prep, opt.frequency_cap, opt.combination_cap, opt.combination_floor);
  // Prepared rows, keys and orders are no longer needed; free them before clustering.
  if (!diagnosing) {
    std::vector<Prepared>().swap(prep);
    std::vector<Keys32>().swap(keys);
  }

  // 4. EM on the distinct patterns.
  t0 = clock::now();
  std::vector<std::pair<Pattern, uint64_t>> hist;
  counts.each([&](Pattern p, uint64_t k) { hist.emplace_back(p, k); });
  std::sort(hist.begin(), hist.end());
  res.model = opt.estimate ? Model::estimate(hist, opt.model, &st.em) : opt.model;
  PatternTable<double> wcache;
  for (const auto& [p, c] : hist) wcache[p] = res.model.weight(p);
  st.seconds_em = seconds_since(t0);

  // 5. Cluster: exact RUN pairs first, then links by decreasing weight; a link that would join two
  // different valid RUNs is refused and sent to review instead. Weights come from the pattern
  // table as each pair is read (no array of one weight per pair).
  t0 = clock::now();
  const double upper = opt.thresholds.upper, lower = opt.thresholds.lower;
  auto weight_of = [&](const Pair& p) {
    const Pattern pat = p.pattern & ~kExactRunBit;
    double w = wcache[pat];
    bool whole_name = false;
    if (by_combination) w += detail::combination_adjustment(pat, freq[p.a], freq[p.b], &whole_name);
    if (by_frequency && !whole_name) w += detail::frequency_adjustment(pat, freq[p.a], freq[p.b]);
    return w;
  };
  struct Link {
    double weight;
    uint32_t a, b;  // a's top bit: the pair shares a valid RUN (rows are fewer than 2^31)
  };
  constexpr uint32_t kExact = 1u << 31;
  // Each row's best weight is taken from every pair; then the pairs below the lower threshold
  // (most of them: strangers who share a name key) are dropped, chunk by chunk, before links and
  // review are built from the rest.
  res.weight.assign(n, std::numeric_limits<double>::quiet_NaN());
  uint64_t kept = 0;
  for (auto& lp : local_pairs) {
    lp.filter([&](const Pair& p) {
      const double w = weight_of(p);
      for (uint32_t r : {p.a, p.b})
        if (std::isnan(res.weight[r]) || w > res.weight[r]) res.weight[r] = w;
      return (p.pattern & kExactRunBit) || w >= lower;
    });
    kept += lp.size();
  }
  st.pairs_kept = kept;
  std::vector<Link> links;
  for (const auto& lp : local_pairs)
    lp.each([&](const Pair& p) {
      const bool exact = p.pattern & kExactRunBit;
      if (exact) ++st.exact_run_pairs;
      const double w = weight_of(p);
      if (exact || w >= upper) links.push_back({w, p.a | (exact ? kExact : 0u), p.b});
    });
  std::sort(links.begin(), links.end(), [&](const Link& x, const Link& y) {
    const bool ex = x.a & kExact, ey = y.a & kExact;
    if (ex != ey) return ex;
    return x.weight > y.weight;
  });
  UnionFind uf(n);
  uf.run = std::move(valid_run);
  std::vector<std::pair<size_t, size_t>> review;
  std::vector<double> review_weight;
  std::vector<std::pair<uint32_t, uint32_t>> wrong_links;  // diagnosis: links that joined two true persons
  for (const Link& l : links) {
    const uint32_t la = l.a & ~kExact;
    const uint32_t ra = uf.find(la), rb = uf.find(l.b);
    if (ra == rb) continue;
    if (uf.run[ra] && uf.run[rb] && uf.run[ra] != uf.run[rb]) {
      ++st.run_conflicts;
      review.emplace_back(la, l.b);
      review_weight.push_back(l.weight);
      continue;
    }
    if (diagnosing && (*opt.truth)[old_of[la]] != (*opt.truth)[old_of[l.b]]) wrong_links.emplace_back(la, l.b);
    uf.parent[rb] = ra;
    if (!uf.run[ra]) uf.run[ra] = uf.run[rb];
  }
  std::vector<Link>().swap(links);
  for (const auto& lp : local_pairs)
    lp.each([&](const Pair& p) {
      const double w = weight_of(p);
      if ((p.pattern & kExactRunBit) || w >= upper || w < lower) return;
      if (uf.find(p.a) == uf.find(p.b)) return;
      review.emplace_back(p.a, p.b);
      review_weight.push_back(w);
    });
  for (auto& lp : local_pairs) lp.clear();
  if (diagnosing) {
    // Every true pair in two clusters: compared (some pass produced it) or not.
    std::vector<std::pair<int64_t, uint32_t>> by_truth(n);
    for (uint32_t i = 0; i < n; ++i) by_truth[i] = {(*opt.truth)[old_of[i]], i};
    std::sort(by_truth.begin(), by_truth.end());
    std::vector<detail::MissedPair> missed;
    uint64_t true_pairs = 0;
    for (size_t g = 0; g < n;) {
      size_t e = g + 1;
      while (e < n && by_truth[e].first == by_truth[g].first) ++e;
      for (size_t x = g; x < e; ++x)
        for (size_t y = x + 1; y < e; ++y) {
          ++true_pairs;
          uint32_t a = by_truth[x].second, b = by_truth[y].second;
          if (uf.find(a) == uf.find(b)) continue;
          if (old_of[a] > old_of[b]) std::swap(a, b);
          bool by_key = false, by_sorted = false;
          int windowed_pass = -1;
          for (int q = 0; q < pass_total; ++q) {
            if (q == detail::kNamesPass) continue;
            if (covered(q, a, b)) (q < kKeyPasses ? by_key : by_sorted) = true;
            else if (q < kKeyPasses && windowed_pass < 0 && keys[a][q] && keys[a][q] == keys[b][q]) windowed_pass = q;
          }
          // The name orders skip pairs sharing the names key (see `covered`).
          const bool names_key = keys[a][detail::kNamesPass] && keys[a][detail::kNamesPass] == keys[b][detail::kNamesPass];
          const bool compared = by_key || (by_sorted && !names_key);
          if (!compared && by_sorted) windowed_pass = detail::kNamesPass;
          const Pattern p = detail::compare(prep[a], prep[b]);
          const double w = weight_of({a, b, p});
          missed.push_back({a, b, p, w, compared, windowed_pass});
        }
      g = e;
    }
    st.diagnosis = detail::describe_missed(prep, missed, true_pairs, opt.thresholds);
    std::vector<detail::MissedPair> wrong;
    for (auto [a, b] : wrong_links) {
      if (old_of[a] > old_of[b]) std::swap(a, b);
      const Pattern p = detail::compare(prep[a], prep[b]);
      wrong.push_back({a, b, p, weight_of({a, b, p}), true, -1});
    }
    st.diagnosis += detail::describe_wrong_links(wrong);
    std::vector<Prepared>().swap(prep);
    std::vector<Keys32>().swap(keys);
    std::vector<std::vector<uint32_t>>().swap(pos);
    std::vector<std::vector<uint32_t>>().swap(pos2);
  }
  // Back to input rows.
  for (auto& [a, b] : review) {
    a = old_of[a];
    b = old_of[b];
    if (a > b) std::swap(a, b);
  }
  {
    std::vector<double> w(n);
    for (size_t i = 0; i < n; ++i) w[old_of[i]] = res.weight[i];
    res.weight.swap(w);
  }
  // Review pairs in row order, for people reading them.
  {
    std::vector<size_t> order(review.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return review[x] < review[y]; });
    for (size_t i : order) {
      res.review.push_back(review[i]);
      res.review_weight.push_back(review_weight[i]);
    }
  }

  res.cluster.assign(n, -1);
  std::vector<int64_t> root_id(n, -1);
  std::vector<uint32_t> size(n, 0);
  int64_t next = 0;
  for (size_t i = 0; i < n; ++i) {  // input rows: cluster ids in order of first row
    const uint32_t r = uf.find(new_of[i]);
    if (root_id[r] < 0) root_id[r] = next++;
    res.cluster[i] = root_id[r];
    ++size[r];
  }
  std::vector<char> in_review(n, 0);
  for (const auto& [a, b] : res.review) in_review[a] = in_review[b] = 1;
  res.decision.resize(n);
  for (size_t i = 0; i < n; ++i)
    res.decision[i] = in_review[i] ? Decision::review
                      : size[uf.find(new_of[i])] > 1 ? Decision::link
                                                     : Decision::new_person;
  st.seconds_cluster = seconds_since(t0);
  return res;
}

}  // namespace detail
}  // namespace eq::linkage
