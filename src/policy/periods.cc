// The reporting calendar: opening a period (semester or year) with its window and grace days, and
// reopening a closed one until a date, with a reason. The states themselves are in rules.cc.
#include "core/time.h"
#include "policy/rules.h"
#include "policy/service.h"
#include "store/with_session.h"

namespace eq::policy {

namespace {
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
}  // namespace

Result<Json> Service::create_period(const http::Request& req, const NewPeriod& cmd) {
  Period p;
  p.instrument_id = cmd.instrument_id;
  p.kind = cmd.kind;
  p.year = cmd.year;
  p.semester = cmd.semester;
  auto label = period_label(p.kind, p.year, p.semester);
  if (!label) return fail(label.error());
  p.label = *label;
  auto [opens, closes] = default_window(p.kind, p.year, p.semester);
  const std::string &opens_on = cmd.opens_on, &closes_on = cmd.closes_on;
  if (!opens_on.empty()) {
    auto d = parse_date_cl(opens_on, "opens_on");
    if (!d) return fail(d.error());
    opens = *d;
  }
  if (!closes_on.empty()) {
    auto d = parse_date_cl(closes_on, "closes_on");
    if (!d) return fail(d.error());
    auto next = parse_date_cl(format_date_cl(*d + kDayMs + 3LL * 3600 * 1000), "closes_on");
    closes = *next;
  }
  if (closes <= opens) return fail(Error::invalid("closes_on", "El cierre debe ser posterior a la apertura.", "invalid_date"));
  p.grace_days = cmd.grace_days;
  if (p.grace_days < 0 || p.grace_days > 90)
    return fail(Error::invalid("grace_days", "El plazo de gracia debe estar entre 0 y 90 días.", "out_of_range"));
  p.opens_at = opens;
  p.closes_at = closes;
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    if (!Repository::instrument(s, p.instrument_id))
      return fail(Error::invalid("instrument_id", "No existe el instrumento indicado.", "not_found"));
    for (const auto& other : Repository::periods(s, p.instrument_id))
      if (other.label == p.label)
        return fail(Error::conflict("duplicate_period", "El instrumento ya tiene el período " + p.label + ".", "year"));
    p.id = Repository::insert_period(s, p);
    audit_->append(s, audit::Log::from(req, "policy.period_create", "policy_period:" + std::to_string(p.id)));
    return period_json(p, now_ms());
  });
}

Result<Json> Service::reopen_period(const http::Request& req, int64_t id, const std::string& until_text, const std::string& reason) {
  auto until_day = parse_date_cl(until_text, "until");
  if (!until_day) return fail(until_day.error());
  if (reason.size() < 5) return fail(Error::invalid("reason", "Indique el motivo de la reapertura.", "required"));
  const auto now = now_ms();
  auto until = parse_date_cl(format_date_cl(*until_day + kDayMs + 3LL * 3600 * 1000), "until");
  if (*until <= now) return fail(Error::invalid("until", "La reapertura debe terminar hoy o después.", "invalid_date"));
  if (*until - now > 60 * kDayMs) return fail(Error::invalid("until", "Una reapertura dura como máximo 60 días.", "out_of_range"));
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto p = Repository::period(s, id);
    if (!p) return fail(Error::not_found("No existe un período con ese identificador."));
    if (now < p->closes_at)
      return fail(Error::conflict("not_closed", "El período aún no ha cerrado: no hace falta reabrirlo.", "until"));
    Repository::reopen(s, id, *until, reason);
    auto entry = audit::Log::from(req, "policy.period_reopen", "policy_period:" + std::to_string(id));
    entry.detail = "hasta " + format_date_cl(*until_day);
    audit_->append(s, entry);
    return period_json(*Repository::period(s, id), now);
  });
}

// ---------------------------------------------------------------- reading

Result<ExportTable> Service::periods_export(int64_t instrument_id) {
  return store::with_session<ExportTable>(db_, [&](soci::session& s) -> Result<ExportTable> {
    auto ins = Repository::instrument(s, instrument_id);
    if (!ins) return fail(Error::not_found("No existe un instrumento con ese identificador."));
    return periods_table(*ins, Repository::periods(s, ins->id));
  });
}

}  // namespace eq::policy
