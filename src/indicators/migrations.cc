// Schema of the gender indicators.
#include "indicators/module.h"

namespace eq::indicators {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  // One row per company, year and CMF rule: a company filing under two rules is kept twice (as
  // filed) and counted once by the report (rules.h, one_per_company).
  std::string levels;
  for (const char* l : {"gerencia", "ejecutivo", "administrativo"}) {
    std::string s(l);
    levels += "women_" + s + " {{bigint}} NOT NULL CHECK (women_" + s + " >= 0), men_" + s + " {{bigint}} NOT NULL CHECK (men_" + s +
              " >= 0), pay_women_" + s + " DOUBLE PRECISION, pay_men_" + s + " DOUBLE PRECISION, gap_" + s + " DOUBLE PRECISION, ";
  }
  out.push_back(store::sql_migration(
      "indicators", 1, "company filings, imports, SEG catalogue, series, reminders, published report",
      {"CREATE TABLE ind_imports (id {{pk}}, year INTEGER NOT NULL, file_kind TEXT NOT NULL, rows_total INTEGER NOT NULL, "
       "rows_imported INTEGER NOT NULL, warnings INTEGER NOT NULL, demo INTEGER NOT NULL DEFAULT 0, actor_user_id {{bigint}}, "
       "created_at {{bigint}} NOT NULL)",
       "CREATE TABLE ind_filings (id {{pk}}, import_id {{bigint}} NOT NULL REFERENCES ind_imports(id), "
       "year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2200), rut TEXT NOT NULL, company TEXT NOT NULL, sector TEXT NOT NULL, "
       "size TEXT NOT NULL, rule TEXT NOT NULL CHECK (rule IN ('NCG 461', 'NCG 386')), "
       "women_total {{bigint}} NOT NULL CHECK (women_total >= 0), men_total {{bigint}} NOT NULL CHECK (men_total >= 0), " +
           levels +
           "board_women {{bigint}} NOT NULL CHECK (board_women >= 0), board_men {{bigint}} NOT NULL CHECK (board_men >= 0), "
           "explanation TEXT NOT NULL, UNIQUE (year, rut, rule))",
       "CREATE INDEX ind_filings_year ON ind_filings(year, rut)",
       "CREATE TABLE ind_indicators (id {{pk}}, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, definition TEXT NOT NULL, "
       "numerator TEXT NOT NULL, denominator TEXT NOT NULL, unit TEXT NOT NULL, factor DOUBLE PRECISION NOT NULL, "
       "decimals INTEGER NOT NULL, periodicity TEXT NOT NULL CHECK (periodicity IN ('anual', 'trimestral')), "
       "source TEXT NOT NULL, steward_institution_id {{bigint}} NOT NULL, disaggregations TEXT NOT NULL, "
       "origin TEXT NOT NULL, first_year INTEGER NOT NULL, grace_days INTEGER NOT NULL, demo INTEGER NOT NULL DEFAULT 0, "
       "created_at {{bigint}} NOT NULL)",
       "CREATE TABLE ind_values (id {{pk}}, indicator_id {{bigint}} NOT NULL REFERENCES ind_indicators(id), period TEXT NOT NULL, "
       "disaggregation TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, numerator DOUBLE PRECISION, "
       "denominator DOUBLE PRECISION, uploaded_by {{bigint}}, uploaded_at {{bigint}} NOT NULL, "
       "UNIQUE (indicator_id, period, disaggregation))",
       "CREATE TABLE ind_reminders (id {{pk}}, indicator_id {{bigint}} NOT NULL REFERENCES ind_indicators(id), "
       "period TEXT NOT NULL, due_at {{bigint}} NOT NULL, sent_at {{bigint}} NOT NULL, UNIQUE (indicator_id, period))",
       // The report as last computed (by the import's own transaction): the public page reads one row.
       "CREATE TABLE ind_published (name TEXT PRIMARY KEY, body TEXT NOT NULL, computed_at {{bigint}} NOT NULL)"}));
  // The catalogue editor (issue 19): monthly periods; a status (borrador, publicado, retirado:
  // the public catalogue lists only published ones, a retired one keeps its series); a version
  // number and every saved definition, so a published definition that changes keeps its history.
  // SQLite cannot alter a CHECK: the table is rebuilt inside the migration's transaction with its
  // foreign keys deferred (ind_values and ind_reminders point at it; the ids are kept, so at
  // commit every reference resolves again).
  out.push_back({"indicators", 2, "catalogue editor: monthly periods, status, versions", [](soci::session& s, const store::MigrationContext& ctx) {
    for (const char* st : {"ALTER TABLE ind_indicators ADD COLUMN status TEXT NOT NULL DEFAULT 'publicado'",
                           "ALTER TABLE ind_indicators ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
                           "ALTER TABLE ind_indicators ADD COLUMN modified_at {{bigint}}",
                           "ALTER TABLE ind_indicators ADD COLUMN updated_at {{bigint}}"})
      s << store::dialect(st, ctx.backend);
    const std::string cols =
        "id, code, name, definition, numerator, denominator, unit, factor, decimals, periodicity, source, steward_institution_id, "
        "disaggregations, origin, first_year, grace_days, demo, created_at, status, version, modified_at, updated_at";
    if (ctx.backend == store::Backend::sqlite) {
      s << "PRAGMA defer_foreign_keys=ON";
      s << "CREATE TABLE ind_indicators_copy AS SELECT " + cols + " FROM ind_indicators";
      s << "DROP TABLE ind_indicators";
      s << store::dialect(
          "CREATE TABLE ind_indicators (id {{pk}}, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, definition TEXT NOT NULL, "
          "numerator TEXT NOT NULL, denominator TEXT NOT NULL, unit TEXT NOT NULL, factor DOUBLE PRECISION NOT NULL, "
          "decimals INTEGER NOT NULL, periodicity TEXT NOT NULL CHECK (periodicity IN ('anual', 'trimestral', 'mensual')), "
          "source TEXT NOT NULL, steward_institution_id {{bigint}} NOT NULL, disaggregations TEXT NOT NULL, "
          "origin TEXT NOT NULL, first_year INTEGER NOT NULL, grace_days INTEGER NOT NULL, demo INTEGER NOT NULL DEFAULT 0, "
          "created_at {{bigint}} NOT NULL, status TEXT NOT NULL DEFAULT 'publicado' CHECK (status IN ('borrador', 'publicado', 'retirado')), "
          "version INTEGER NOT NULL DEFAULT 1, modified_at {{bigint}}, updated_at {{bigint}})",
          ctx.backend);
      s << "INSERT INTO ind_indicators (" + cols + ") SELECT " + cols + " FROM ind_indicators_copy";
      s << "DROP TABLE ind_indicators_copy";
    } else {
      s << "ALTER TABLE ind_indicators DROP CONSTRAINT IF EXISTS ind_indicators_periodicity_check";
      s << "ALTER TABLE ind_indicators ADD CONSTRAINT ind_indicators_periodicity_check CHECK (periodicity IN ('anual', 'trimestral', 'mensual'))";
      s << "ALTER TABLE ind_indicators ADD CONSTRAINT ind_indicators_status_check CHECK (status IN ('borrador', 'publicado', 'retirado'))";
    }
    // One row per saved definition (the JSON of the fields a reader sees), newest last.
    s << store::dialect(
        "CREATE TABLE ind_indicator_versions (id {{pk}}, indicator_id {{bigint}} NOT NULL REFERENCES ind_indicators(id), "
        "version INTEGER NOT NULL, status TEXT NOT NULL, body TEXT NOT NULL, changed_by {{bigint}}, changed_at {{bigint}} NOT NULL, "
        "UNIQUE (indicator_id, version))",
        ctx.backend);
  }});
  return out;
}

}  // namespace eq::indicators
