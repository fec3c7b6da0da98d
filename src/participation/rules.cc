// The module's pure rules: phases by date, business days, anchoring of a quote, proof-of-work bits,
// the per-address flood limit. No database, so unit tests cover them directly.
#include <cstdlib>

#include "core/time.h"
#include "participation/module.h"

namespace eq::participation {

std::string phase_at(const Process& p, int64_t now) {
  if (now < p.consult_from) return kPrevia;
  if (now < p.answers_from) return kConsulta;
  if (now < p.final_from) return kRespuestas;
  return kFinal;
}

const char* phase_label(const std::string& phase) {
  if (phase == kPrevia) return "Aún no comienza";
  if (phase == kConsulta) return "Consulta ciudadana";
  if (phase == kRespuestas) return "Respuestas del Ministerio";
  if (phase == kFinal) return "Publicación final";
  return "Desconocida";
}

namespace {
// Day of week of a "dd-mm-aaaa" date (0 = Sunday), Sakamoto's method.
int weekday(const std::string& ddmmyyyy) {
  int d = std::atoi(ddmmyyyy.substr(0, 2).c_str()), m = std::atoi(ddmmyyyy.substr(3, 2).c_str()), y = std::atoi(ddmmyyyy.substr(6, 4).c_str());
  static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3) y -= 1;
  return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}
// The first instant of the Chilean day after the one `at` falls in.
int64_t next_day_start(int64_t at) {
  const std::string today = format_date_cl(at);
  int64_t probe = at + 86400000LL;
  // Summer-time changes make a day 23 or 25 hours long: step until the date changes, then take its start.
  while (format_date_cl(probe) == today) probe += 3600000LL;
  auto start = parse_date_cl(format_date_cl(probe), "fecha");
  return start ? *start : probe;
}
}  // namespace

int64_t add_business_days(int64_t from, int days) {
  if (days <= 0) return from;
  int64_t at = from;
  int counted = 0;
  for (;;) {
    const std::string date = format_date_cl(at);
    const int wd = weekday(date);
    const int64_t end = next_day_start(at);
    // The asking day itself does not count (a question asked on Friday evening has Monday as day 1).
    if (at != from && wd != 0 && wd != 6 && ++counted == days) return end;
    at = end;
  }
}

namespace {
// Byte position of the code point number `cp` in `s` (s.size() when past the end).
size_t byte_at(const std::string& s, int64_t cp) {
  size_t i = 0;
  for (int64_t n = 0; i < s.size() && n < cp; ++n) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}
int64_t cp_of(const std::string& s, size_t byte) {
  int64_t n = 0;
  for (size_t i = 0; i < byte && i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  return n;
}
}  // namespace

bool quote_at(const std::string& text, const std::string& quote, int64_t offset) {
  if (quote.empty() || offset < 0) return false;
  const size_t b = byte_at(text, offset);
  return b < text.size() && text.compare(b, quote.size(), quote) == 0;
}

Anchor reanchor(const std::string& text, const std::string& quote, int64_t old_offset) {
  if (quote.empty()) return {};
  Anchor best;
  int64_t best_distance = 0;
  for (size_t pos = text.find(quote); pos != std::string::npos; pos = text.find(quote, pos + 1)) {
    const int64_t cp = cp_of(text, pos);
    const int64_t distance = std::llabs(cp - old_offset);
    if (!best.anchored || distance < best_distance) {
      best = {true, cp};
      best_distance = distance;
    }
  }
  return best;
}

int leading_zero_bits(const std::string& hex) {
  int bits = 0;
  for (char c : hex) {
    const int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (v < 0) return bits;
    if (v == 0) {
      bits += 4;
      continue;
    }
    for (int mask = 8; mask && !(v & mask); mask >>= 1) ++bits;
    return bits;
  }
  return bits;
}

int64_t FloodLimit::take(const std::string& address, int64_t now) {
  std::lock_guard lock(mu_);
  auto& q = seen_[address];
  while (!q.empty() && q.front() <= now - window_) q.pop_front();
  if (static_cast<int>(q.size()) >= max_) return std::max<int64_t>(1, (q.front() + window_ - now + 999) / 1000);
  q.push_back(now);
  // Forget quiet addresses now and then so the map does not grow without bound.
  if (seen_.size() > 10000)
    for (auto it = seen_.begin(); it != seen_.end();) it = it->second.empty() || it->second.back() <= now - window_ ? seen_.erase(it) : std::next(it);
  return 0;
}

const std::vector<std::pair<std::string, std::string>>& topics() {
  static const std::vector<std::pair<std::string, std::string>> v = {
      {"violencia", "Vida libre de violencia"},
      {"autonomia_economica", "Autonomía económica"},
      {"participacion", "Participación política y liderazgo"},
      {"salud", "Salud y derechos"},
      {"corresponsabilidad", "Corresponsabilidad y cuidados"},
      {"otro", "Otro tema"}};
  return v;
}

}  // namespace eq::participation
