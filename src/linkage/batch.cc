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
  using clock = std::chrono::steady_clock;
  BatchResult res;
  BatchStats& st = res.stats;
  const size_t n = rows.size();
  int threads = opt.threads > 0 ? opt.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 8);

  // 1. Normalise every row once.
  auto t0 = clock::now();
  std::vector<Prepared> prep(n);
  std::vector<Keys> keys(n);
  parallel_for(n, threads, 4096, [&](size_t i, int) {
    prep[i] = detail::prepare(rows[i]);
    keys[i] = detail::blocking_keys(prep[i]);
  });
  st.seconds_prepare = seconds_since(t0);

  // 2. Blocks per pass: rows sorted by key; oversize blocks are dropped and their key zeroed, so
  // that step 3 does not assume a pair was compared in a pass that skipped it.
  t0 = clock::now();
  struct Block {
    uint32_t pass, begin, end;
  };
  std::vector<std::vector<uint32_t>> members(detail::kPassCount);
  std::vector<std::vector<Block>> blocks(detail::kPassCount);
  std::vector<uint64_t> oversize(detail::kPassCount, 0), oversize_rows(detail::kPassCount, 0);
  parallel_for(detail::kPassCount, threads, 1, [&](size_t pass, int) {
    if (pass == detail::kNamesPass) return;  // a search aid of the index, too coarse for batch pairs
    std::vector<std::pair<uint64_t, uint32_t>> kv;
    kv.reserve(n);
    for (uint32_t i = 0; i < n; ++i)
      if (keys[i][pass]) kv.emplace_back(keys[i][pass], i);
    std::sort(kv.begin(), kv.end());
    auto& mem = members[pass];
    for (size_t b = 0; b < kv.size();) {
      size_t e = b + 1;
      while (e < kv.size() && kv[e].first == kv[b].first) ++e;
      const size_t size = e - b;
      if (size > opt.max_block && pass != detail::kRunPass) {
        ++oversize[pass];
        oversize_rows[pass] += size;
        for (size_t i = b; i < e; ++i) keys[kv[i].second][pass] = 0;
      } else if (size >= 2) {
        const auto begin = static_cast<uint32_t>(mem.size());
        for (size_t i = b; i < e; ++i) mem.push_back(kv[i].second);
        blocks[pass].push_back({static_cast<uint32_t>(pass), begin, static_cast<uint32_t>(mem.size())});
      }
      b = e;
    }
  });
  std::vector<Block> work;
  for (int p = 0; p < detail::kPassCount; ++p) {
    work.insert(work.end(), blocks[p].begin(), blocks[p].end());
    st.oversize_blocks_skipped += oversize[p];
    st.rows_in_oversize_blocks += oversize_rows[p];
  }
  // Big blocks first so that the threads finish together.
  std::sort(work.begin(), work.end(),
            [](const Block& x, const Block& y) { return (x.end - x.begin) > (y.end - y.begin); });
  st.seconds_block = seconds_since(t0);

  // 3. Compare each candidate pair once: in the first pass whose key it shares.
  t0 = clock::now();
  std::vector<std::vector<Pair>> local_pairs(threads);
  std::vector<std::unordered_map<Pattern, uint64_t>> local_counts(threads);
  parallel_for(work.size(), threads, 16, [&](size_t w, int th) {
    const Block& blk = work[w];
    const auto& mem = members[blk.pass];
    auto& out = local_pairs[th];
    auto& counts = local_counts[th];
    for (uint32_t x = blk.begin; x < blk.end; ++x) {
      for (uint32_t y = x + 1; y < blk.end; ++y) {
        uint32_t a = mem[x], b = mem[y];
        bool seen = false;
        for (uint32_t q = 0; q < blk.pass; ++q)
          if (keys[a][q] != 0 && keys[a][q] == keys[b][q]) {
            seen = true;
            break;
          }
        if (seen) continue;
        if (a > b) std::swap(a, b);
        Pattern p = detail::compare(prep[a], prep[b]);
        ++counts[p];
        if (prep[a].run_valid && prep[b].run_valid && prep[a].run_number == prep[b].run_number) p |= kExactRunBit;
        out.push_back({a, b, p});
      }
    }
  });
  std::unordered_map<Pattern, uint64_t> counts;
  for (auto& c : local_counts)
    for (const auto& [p, k] : c) counts[p] += k;
  std::vector<Pair> pairs;
  {
    size_t total = 0;
    for (auto& v : local_pairs) total += v.size();
    pairs.reserve(total);
    for (auto& v : local_pairs) {
      pairs.insert(pairs.end(), v.begin(), v.end());
      std::vector<Pair>().swap(v);
    }
  }
  st.candidate_pairs = pairs.size();
  st.seconds_compare = seconds_since(t0);
  std::vector<uint32_t> valid_run(n, 0);
  for (size_t i = 0; i < n; ++i)
    if (prep[i].run_valid) valid_run[i] = prep[i].run_number;
  // Prepared rows are no longer needed; free them before clustering.
  std::vector<Prepared>().swap(prep);

  // 4. EM on the distinct patterns.
  t0 = clock::now();
  std::vector<std::pair<Pattern, uint64_t>> hist(counts.begin(), counts.end());
  std::sort(hist.begin(), hist.end());
  res.model = opt.estimate ? Model::estimate(hist, opt.model, &st.em) : opt.model;
  std::unordered_map<Pattern, double> wcache;
  for (const auto& [p, c] : hist) wcache[p] = res.model.weight(p);
  st.seconds_em = seconds_since(t0);

  // 5. Cluster: exact RUN pairs first, then links by decreasing weight; a link that would join two
  // different valid RUNs is refused and sent to review instead.
  t0 = clock::now();
  const double upper = opt.thresholds.upper, lower = opt.thresholds.lower;
  std::vector<double> weight(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) weight[i] = wcache[pairs[i].pattern & ~kExactRunBit];
  std::vector<uint32_t> links;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (pairs[i].pattern & kExactRunBit) ++st.exact_run_pairs;
    if ((pairs[i].pattern & kExactRunBit) || weight[i] >= upper) links.push_back(static_cast<uint32_t>(i));
  }
  std::sort(links.begin(), links.end(), [&](uint32_t x, uint32_t y) {
    const bool ex = pairs[x].pattern & kExactRunBit, ey = pairs[y].pattern & kExactRunBit;
    if (ex != ey) return ex;
    return weight[x] > weight[y];
  });
  UnionFind uf(n);
  uf.run = std::move(valid_run);
  std::vector<std::pair<size_t, size_t>> review;
  std::vector<double> review_weight;
  for (uint32_t li : links) {
    const uint32_t ra = uf.find(pairs[li].a), rb = uf.find(pairs[li].b);
    if (ra == rb) continue;
    if (uf.run[ra] && uf.run[rb] && uf.run[ra] != uf.run[rb]) {
      ++st.run_conflicts;
      review.emplace_back(pairs[li].a, pairs[li].b);
      review_weight.push_back(weight[li]);
      continue;
    }
    uf.parent[rb] = ra;
    if (!uf.run[ra]) uf.run[ra] = uf.run[rb];
  }
  for (size_t i = 0; i < pairs.size(); ++i) {
    if ((pairs[i].pattern & kExactRunBit) || weight[i] >= upper || weight[i] < lower) continue;
    if (uf.find(pairs[i].a) == uf.find(pairs[i].b)) continue;
    review.emplace_back(pairs[i].a, pairs[i].b);
    review_weight.push_back(weight[i]);
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

  res.weight.assign(n, std::numeric_limits<double>::quiet_NaN());
  for (size_t i = 0; i < pairs.size(); ++i)
    for (uint32_t r : {pairs[i].a, pairs[i].b})
      if (std::isnan(res.weight[r]) || weight[i] > res.weight[r]) res.weight[r] = weight[i];

  res.cluster.assign(n, -1);
  std::vector<int64_t> root_id(n, -1);
  std::vector<uint32_t> size(n, 0);
  int64_t next = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t r = uf.find(static_cast<uint32_t>(i));
    if (root_id[r] < 0) root_id[r] = next++;
    res.cluster[i] = root_id[r];
    ++size[r];
  }
  std::vector<char> in_review(n, 0);
  for (const auto& [a, b] : res.review) in_review[a] = in_review[b] = 1;
  res.decision.resize(n);
  for (size_t i = 0; i < n; ++i)
    res.decision[i] = in_review[i] ? Decision::review
                      : size[uf.find(static_cast<uint32_t>(i))] > 1 ? Decision::link
                                                                      : Decision::new_person;
  st.seconds_cluster = seconds_since(t0);
  return res;
}

}  // namespace eq::linkage
