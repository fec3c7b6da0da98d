// The public account's PDF at the seed's size (issue 16 item 3: ~32.000 words, ~100 pages, ≤ 2 s).
// The document is the 2020–2021 account itself: the seed's full text (all but its regional tables)
// as the editorial text of the six sections, the seed's 16 regional tables parsed by the demo's
// own parser (seed_tables.h) as the milestones, and figures shaped like the live ones. Renders it
// several times and prints the median time, the pages and the words; writes the PDF for viewing.
//   bench/account/pdf.sh [runs] [out.pdf] [tables]   ("tables": without the prose, the baseline)
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "account/pdf.h"
#include "account/seed_tables.h"

using nlohmann::json;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

size_t words(const std::string& s) {
  size_t n = 0;
  bool in = false;
  for (unsigned char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 5;
  const std::string out = argc > 2 ? argv[2] : "";
  const char* seed_env = std::getenv("EQ_SEED_TEXT");
  const std::string seed = slurp(seed_env ? seed_env : "data/seed/cuenta_publica_2020_2021.txt");
  const std::string tables = slurp("data/account/seremis_2020_2021.txt");

  // The seed's prose: every line that is not a table row (table rows hold tabs), markdown bold removed.
  std::vector<std::string> paras;
  {
    std::istringstream in(seed);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find('\t') != std::string::npos) continue;
      std::string clean;
      for (size_t i = 0; i < line.size(); ++i) {
        if (line.compare(i, 2, "**") == 0) {
          ++i;
          continue;
        }
        clean += line[i];
      }
      if (clean.find_first_not_of(" \r") != std::string::npos) paras.push_back(clean);
    }
  }
  const char* keys[] = {"introduccion", "agenda_legislativa", "logros", "plan_covid", "seremis", "proyeccion"};
  const char* titles[] = {"Presentación", "Agenda legislativa", "Principales logros por área e instrumentos de política",
                          "Plan de emergencia COVID-19: canales de orientación y ayuda", "Secretarías Regionales Ministeriales",
                          "Programación para el período siguiente"};
  std::vector<std::string> texts(6);
  // "tables" as third argument: the same document without the prose (the same-run baseline).
  const bool tables_only = argc > 3 && std::string(argv[3]) == "tables";
  if (!tables_only)
    for (size_t i = 0; i < paras.size(); ++i) texts[i * 6 / paras.size()] += paras[i] + "\n\n";

  // Regions in the seed's order, with the seed's rows.
  std::map<std::string, json> by_region;
  std::vector<std::string> order;
  for (const auto& r : eq::account::parse_seed_tables(tables)) {
    if (!by_region.count(r.region_id)) {
      order.push_back(r.region_id);
      by_region[r.region_id] = json::array();
    }
    by_region[r.region_id].push_back({{"title", r.title}, {"description", r.description}, {"results", r.results}, {"date_text", r.date_text}});
  }
  json regions = json::array();
  for (const auto& id : order) regions.push_back({{"region_id", id}, {"name", "Región " + id}, {"milestones", by_region[id]}});
  json bills = json::array(), instruments = json::array(), channels = json::array();
  for (int i = 0; i < 25; ++i)
    bills.push_back({{"boletin", std::to_string(11000 + i) + "-34"}, {"title", "Proyecto de ley que modifica diversos cuerpos legales " + std::to_string(i)},
                     {"stage_name", "Segundo trámite constitucional"}, {"law_number", i % 3 ? "" : "21." + std::to_string(200 + i)}});
  for (int i = 0; i < 12; ++i)
    instruments.push_back({{"name", "Instrumento de política " + std::to_string(i + 1)}, {"progress", 8.0 * i}, {"progress_text", std::to_string(8 * i) + ",0 %"},
                           {"leaves", 20}, {"reported", 14}, {"periods", json::array({{{"label", "2020"}, {"progress_text", "40,0 %"}}})}, {"declared", json::array()}});
  for (const char* c : {"Fono 1455", "Chat silencioso", "WhatsApp", "Mascarilla 19"})
    channels.push_back({{"name", c}, {"count", 1000 + 137 * static_cast<int>(std::string(c).size())}, {"count_text", "1.000"}});
  json sections = json::array();
  for (int i = 0; i < 6; ++i) {
    json s = {{"key", keys[i]}, {"title", titles[i]}, {"text", texts[static_cast<size_t>(i)]}};
    json f = {{"source", "fuente de prueba del benchmark"}, {"as_of", "07-12-2026 06:00"}};
    if (i == 1) f["bills"] = bills;
    if (i == 2) f["instruments"] = instruments;
    if (i == 3) f["by_channel"] = channels, f["total_text"] = "5.000", f["answered_text"] = "4.900";
    if (i == 4) f["regions"] = regions;
    if (i >= 1 && i <= 4) s["figures"] = f;
    sections.push_back(s);
  }
  json doc = {{"edition", {{"title", "Cuenta Pública Participativa 2020–2021 (texto de la cuenta publicada)"}, {"period", "2020-2021"}, {"demo", true}}},
              {"compiled_on", "07-12-2026 06:00"},
              {"sections", sections}};
  size_t n_words = 0;
  for (const auto& t : texts) n_words += words(t);
  for (const auto& [id, rows] : by_region)
    for (const auto& m : rows) n_words += words(m["title"].get<std::string>() + " " + m["description"].get<std::string>() + " " + m["results"].get<std::string>());

  // Wall time and this process's CPU time: on a shared machine the first waits for the others.
  std::vector<double> ms, cpu;
  eq::account::Pdf last;
  for (int i = 0; i < std::max(1, runs); ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    auto pdf = eq::account::render_pdf(doc, std::string(64, '0'));
    const auto t1 = std::chrono::steady_clock::now();
    cpu.push_back(1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    if (!pdf) {
      std::fprintf(stderr, "render failed: %s\n", pdf.error().message.c_str());
      return 1;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    last = std::move(*pdf);
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu.begin(), cpu.end());
  std::printf("words %zu  pages %d  bytes %zu  runs %zu  wall median %.0f ms (min %.0f, max %.0f)  cpu median %.0f ms\n", n_words, last.pages,
              last.bytes.size(), ms.size(), ms[ms.size() / 2], ms.front(), ms.back(), cpu[cpu.size() / 2]);
  if (!out.empty()) std::ofstream(out, std::ios::binary) << last.bytes;
  return 0;
}
