// Schema of policy tracking. Institution ids come from the auth module (no foreign key across
// modules: a module owns its tables). Figures rolled up from validated reports are stored on the
// items and instruments (rolled_progress, leaves, reported) and written only by refresh_figures
// (rollup.cc), in the same transaction as the validation or change that moves them.
#include "policy/module.h"

namespace eq::policy {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "policy", 1, "instruments, items, periods, reports, evidence",
      {"CREATE TABLE policy_instruments (id {{pk}}, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, "
       "kind TEXT NOT NULL CHECK (kind IN ('plan', 'agenda', 'compromisos', 'pmg', 'agenda_regional', 'otro')), "
       "start_year INTEGER, end_year INTEGER, description TEXT, source TEXT, "
       "rolled_progress DOUBLE PRECISION NOT NULL DEFAULT 0, leaves {{bigint}} NOT NULL DEFAULT 0, "
       "reported {{bigint}} NOT NULL DEFAULT 0, created_at {{bigint}} NOT NULL, updated_at {{bigint}} NOT NULL)",
       "CREATE TABLE policy_items (id {{pk}}, instrument_id {{bigint}} NOT NULL REFERENCES policy_instruments(id), "
       "parent_id {{bigint}} REFERENCES policy_items(id), "
       "level TEXT NOT NULL CHECK (level IN ('eje', 'meta', 'compromiso', 'accion', 'medida')), code TEXT, "
       "title TEXT NOT NULL, weight DOUBLE PRECISION NOT NULL DEFAULT 1 CHECK (weight > 0), position INTEGER NOT NULL DEFAULT 0, "
       "start_year INTEGER, end_year INTEGER, "
       "status TEXT NOT NULL DEFAULT 'vigente' CHECK (status IN ('vigente', 'cumplido', 'no_cumplido', 'suspendido')), "
       "region_id TEXT, indicator_name TEXT, indicator_unit TEXT, baseline DOUBLE PRECISION, target DOUBLE PRECISION, "
       "indicator_value DOUBLE PRECISION, numerator DOUBLE PRECISION, denominator DOUBLE PRECISION, source_note TEXT, "
       "is_leaf INTEGER NOT NULL DEFAULT 1, current_report_id {{bigint}}, current_progress DOUBLE PRECISION, "
       "rolled_progress DOUBLE PRECISION NOT NULL DEFAULT 0, leaves {{bigint}} NOT NULL DEFAULT 1, "
       "reported {{bigint}} NOT NULL DEFAULT 0, created_at {{bigint}} NOT NULL, updated_at {{bigint}} NOT NULL)",
       "CREATE INDEX policy_items_instrument ON policy_items(instrument_id, parent_id, position)",
       "CREATE INDEX policy_items_parent ON policy_items(parent_id)",
       "CREATE INDEX policy_items_region ON policy_items(region_id, is_leaf)",
       "CREATE TABLE policy_item_institutions (item_id {{bigint}} NOT NULL REFERENCES policy_items(id), "
       "institution_id {{bigint}} NOT NULL, PRIMARY KEY (item_id, institution_id))",
       "CREATE INDEX policy_item_institutions_inst ON policy_item_institutions(institution_id, item_id)",
       "CREATE TABLE policy_periods (id {{pk}}, instrument_id {{bigint}} NOT NULL REFERENCES policy_instruments(id), "
       "label TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('semestre', 'anual')), year INTEGER NOT NULL, "
       "semester INTEGER NOT NULL DEFAULT 0, opens_at {{bigint}} NOT NULL, closes_at {{bigint}} NOT NULL, "
       "grace_days INTEGER NOT NULL DEFAULT 0 CHECK (grace_days >= 0 AND grace_days <= 90), reopened_until {{bigint}}, "
       "reopen_reason TEXT, created_at {{bigint}} NOT NULL, UNIQUE (instrument_id, label))",
       "CREATE TABLE policy_reports (id {{pk}}, item_id {{bigint}} NOT NULL REFERENCES policy_items(id), "
       "period_id {{bigint}} NOT NULL REFERENCES policy_periods(id), institution_id {{bigint}} NOT NULL, "
       "state TEXT NOT NULL CHECK (state IN ('enviado', 'devuelto', 'validado')), current_version INTEGER NOT NULL, "
       "validated_version INTEGER, validated_progress DOUBLE PRECISION, created_at {{bigint}} NOT NULL, "
       "updated_at {{bigint}} NOT NULL, UNIQUE (item_id, period_id))",
       "CREATE INDEX policy_reports_state ON policy_reports(state, updated_at)",
       "CREATE INDEX policy_reports_period ON policy_reports(period_id, state)",
       "CREATE TABLE policy_report_versions (id {{pk}}, report_id {{bigint}} NOT NULL REFERENCES policy_reports(id), "
       "version INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('no_iniciado', 'en_proceso', 'terminado')), "
       "progress INTEGER NOT NULL CHECK (progress >= 0 AND progress <= 100), narrative TEXT NOT NULL, "
       "late INTEGER NOT NULL DEFAULT 0, submitted_by {{bigint}} NOT NULL, submitted_at {{bigint}} NOT NULL, "
       "decision TEXT CHECK (decision IN ('validado', 'devuelto')), reviewed_by {{bigint}}, reviewed_at {{bigint}}, "
       "review_comments TEXT, UNIQUE (report_id, version))",
       "CREATE TABLE policy_blobs (sha256 TEXT PRIMARY KEY, size {{bigint}} NOT NULL, data TEXT NOT NULL)",
       "CREATE TABLE policy_evidence (id {{pk}}, report_id {{bigint}} NOT NULL REFERENCES policy_reports(id), "
       "version INTEGER NOT NULL, filename TEXT NOT NULL, content_type TEXT NOT NULL, size {{bigint}} NOT NULL, "
       "sha256 TEXT NOT NULL REFERENCES policy_blobs(sha256), uploaded_by {{bigint}} NOT NULL, "
       "uploaded_at {{bigint}} NOT NULL)",
       "CREATE INDEX policy_evidence_report ON policy_evidence(report_id, version)",
       // Figures an instrument's source states as such (the public account's counts and
       // percentages), shown beside the computed progress, never mixed into it.
       "CREATE TABLE policy_figures (id {{pk}}, instrument_id {{bigint}} NOT NULL REFERENCES policy_instruments(id), "
       "item_id {{bigint}} REFERENCES policy_items(id), label TEXT NOT NULL, value DOUBLE PRECISION, "
       "numerator DOUBLE PRECISION, denominator DOUBLE PRECISION, unit TEXT, value_text TEXT, source TEXT, "
       "position INTEGER NOT NULL DEFAULT 0)",
       "CREATE INDEX policy_figures_instrument ON policy_figures(instrument_id, position)"}));
  // Roll-up by institution without a join over every leaf: each responsibility row carries its
  // item's leaf flag and validated progress (written by refresh_figures, rollup.cc), read from one index.
  out.push_back(store::sql_migration(
      "policy", 2, "figures on responsibility rows",
      {"ALTER TABLE policy_item_institutions ADD COLUMN is_leaf INTEGER NOT NULL DEFAULT 1",
       "ALTER TABLE policy_item_institutions ADD COLUMN progress DOUBLE PRECISION",
       "UPDATE policy_item_institutions SET is_leaf = (SELECT i.is_leaf FROM policy_items i WHERE i.id = item_id), "
       "progress = (SELECT i.current_progress FROM policy_items i WHERE i.id = item_id)",
       "CREATE INDEX policy_item_institutions_fig ON policy_item_institutions(is_leaf, institution_id, progress)"}));
  // Bills of the legislative agenda that fulfil Agenda Mujer commitments (bill ids come from the
  // legislative module: no foreign key across modules).
  out.push_back(store::sql_migration(
      "policy", 3, "bills linked to Agenda Mujer commitments",
      {"CREATE TABLE policy_bill_links (item_id {{bigint}} NOT NULL REFERENCES policy_items(id), bill_id {{bigint}} NOT NULL, "
       "created_by {{bigint}} NOT NULL, created_at {{bigint}} NOT NULL, PRIMARY KEY (item_id, bill_id))",
       "CREATE INDEX policy_bill_links_bill ON policy_bill_links(bill_id, item_id)"}));
  // The seed check (seed_check.cc): a declared figure names how the platform computes it from the
  // records (`metric`) and how the two are compared (`agreement`); the PMG's technical-assistance
  // log; and a PMG service's outcome for the year (cumple / no cumple) with the reviewer's reason.
  out.push_back(store::sql_migration(
      "policy", 4, "seed check, PMG technical assistance and outcomes",
      {"ALTER TABLE policy_figures ADD COLUMN metric TEXT",
       // Set by the demo on the instruments whose reports it generates (screens say «datos de demostración»).
       "ALTER TABLE policy_instruments ADD COLUMN demo_history INTEGER NOT NULL DEFAULT 0",
       "ALTER TABLE policy_figures ADD COLUMN agreement TEXT NOT NULL DEFAULT 'exacto'",
       "CREATE TABLE policy_assistance (id {{pk}}, instrument_id {{bigint}} NOT NULL REFERENCES policy_instruments(id), "
       "held_on {{bigint}} NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('reunion', 'taller', 'jornada', 'videoconferencia')), "
       "topic TEXT NOT NULL, participants TEXT NOT NULL, illustrative INTEGER NOT NULL DEFAULT 0, created_by {{bigint}}, "
       "created_at {{bigint}} NOT NULL)",
       "CREATE INDEX policy_assistance_day ON policy_assistance(instrument_id, held_on)",
       "CREATE TABLE policy_outcomes (item_id {{bigint}} PRIMARY KEY REFERENCES policy_items(id), "
       "outcome TEXT NOT NULL CHECK (outcome IN ('cumple', 'no_cumple')), reason TEXT NOT NULL, decided_by {{bigint}}, "
       "decided_at {{bigint}} NOT NULL)"}));
  // The PMG as the ministry runs it (pmg_review.cc): per service and year, three filings in order
  // (programa de trabajo, informe de avance, informe de cumplimiento), each through the technical
  // review (enviado → en_revision → observado → corregido → … → aprobado / rechazado), with the
  // reviewer's observations per commitment and the focal point's answer to each.
  out.push_back(store::sql_migration(
      "policy", 5, "PMG filings and review rounds",
      {"CREATE TABLE policy_pmg_filings (id {{pk}}, service_item_id {{bigint}} NOT NULL REFERENCES policy_items(id), "
       "institution_id {{bigint}} NOT NULL, stage TEXT NOT NULL CHECK (stage IN ('programa', 'avance', 'cumplimiento')), "
       "state TEXT NOT NULL CHECK (state IN ('enviado', 'en_revision', 'observado', 'corregido', 'aprobado', 'rechazado')), "
       "round INTEGER NOT NULL DEFAULT 1 CHECK (round >= 1 AND round <= 2), narrative TEXT NOT NULL, evidence TEXT NOT NULL DEFAULT '', "
       "filed_by {{bigint}}, filed_at {{bigint}} NOT NULL, waiting_since {{bigint}} NOT NULL, reviewer_id {{bigint}}, "
       "decided_by {{bigint}}, decided_at {{bigint}}, decision_note TEXT, demo INTEGER NOT NULL DEFAULT 0, "
       "updated_at {{bigint}} NOT NULL, UNIQUE (service_item_id, stage))",
       "CREATE INDEX policy_pmg_filings_state ON policy_pmg_filings(state, waiting_since)",
       "CREATE INDEX policy_pmg_filings_inst ON policy_pmg_filings(institution_id, service_item_id)",
       "CREATE TABLE policy_pmg_observations (id {{pk}}, filing_id {{bigint}} NOT NULL REFERENCES policy_pmg_filings(id), "
       "round INTEGER NOT NULL, item_id {{bigint}} REFERENCES policy_items(id), text TEXT NOT NULL, written_by {{bigint}}, "
       "written_at {{bigint}} NOT NULL, answer TEXT, answered_by {{bigint}}, answered_at {{bigint}})",
       "CREATE INDEX policy_pmg_observations_filing ON policy_pmg_observations(filing_id, round)"}));
  return out;
}

}  // namespace eq::policy
