// The regional milestone tables of the 2020–2021 public account (section 9 of the seed, copied
// unchanged into data/account/seremis_2020_2021.txt): one table per SEREMI, three tab-separated
// cells per row (Hito o acción · Descripción · Resultados), wrapped cells continued on lines that
// start with a tab, paragraphs marked <p>…</p>. The demo imports them with this parser, so the
// regional section of the demo edition is the seed's own words.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace eq::account {

struct SeedRow {
  std::string region_id;  // territory code ("15" Arica y Parinacota … "12" Magallanes)
  std::string title, description, results;
  // The date written in the title: an exact day ("03-11-20", "28/04/2020", "17 de junio de 2020"),
  // else a month ("Marzo 2021", "enero de 2020") or a year ("Año 2020", "(2020)").
  std::optional<std::string> day;  // dd-mm-aaaa
  std::string date_text;           // "marzo de 2021", "2020"; empty when none is written
};

// The seed's header of a region ("Región de los Ríos") → its territory code; empty if unknown.
std::string region_of_heading(const std::string& heading);
// The date written in a milestone's title (see SeedRow).
void recognise_date(const std::string& title, std::optional<std::string>& day, std::string& date_text);
std::vector<SeedRow> parse_seed_tables(const std::string& text);

}  // namespace eq::account
