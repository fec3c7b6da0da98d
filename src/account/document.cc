// Rows and columns of the public account's figure tables (document.h).
#include "account/document.h"

namespace eq::account {

std::string json_str(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::vector<FigureTable> figure_tables(const std::string& key, const Json& f) {
  const auto& str = json_str;
  std::vector<FigureTable> out;
  if (key == "agenda_legislativa") {
    FigureTable t{"", "", {"Ley o boletín", "Título", "Estado"}, {0.2, 0.5, 0.3}, {}, "No hay proyectos registrados."};
    for (const auto& b : f.value("bills", Json::array()))
      t.rows.push_back({str(b, "law_number").empty() ? "Boletín " + str(b, "boletin") : "Ley N° " + str(b, "law_number"), str(b, "title"),
                        str(b, "stage_name") + (str(b, "published_on").empty() ? "" : " (" + str(b, "published_on") + ")")});
    out.push_back(std::move(t));
  } else if (key == "logros") {
    FigureTable t{"", "",
                  {"Instrumento", "Avance validado", "Historia por período", "Cifras de la cuenta y cifras calculadas"},
                  {0.28, 0.16, 0.22, 0.34}, {}, "No hay instrumentos registrados."};
    for (const auto& i : f.value("instruments", Json::array())) {
      std::string hist;
      for (const auto& p : i.value("periods", Json::array())) hist += (hist.empty() ? "" : "\n") + str(p, "label") + ": " + str(p, "progress_text");
      std::string declared;
      for (const auto& d : i.value("declared", Json::array())) {
        declared += (declared.empty() ? "" : "\n") + str(d, "label") + ": " + str(d, "text");
        if (!str(d, "computed_text").empty())
          declared += " · calculado: " + str(d, "computed_text") + (d.value("agrees", false) ? " (coincide)" : " (no coincide)");
      }
      t.rows.push_back({str(i, "name") + (i.value("demo_data", false) ? "\n(datos de demostración)" : ""),
                        str(i, "progress_text") + "\n" + str(i, "reported") + " de " + str(i, "leaves") + " con reporte", hist, declared});
    }
    out.push_back(std::move(t));
    if (f.contains("protection")) {
      const auto& p = f["protection"];
      FigureTable pt{"Protección: registro de casos y monitoreo telemático", "proteccion", {"Ámbito", "Cifra", "Total del período"},
                     {0.3, 0.5, 0.2}, {}, "Sin registros en el período."};
      for (const auto& r : p.value("rows", Json::array())) pt.rows.push_back({str(r, "group"), str(r, "label"), str(r, "count_text")});
      out.push_back(std::move(pt));
    }
  } else if (key == "plan_covid") {
    FigureTable t{"", "", {"Canal", "Contactos"}, {0.7, 0.3}, {}, ""};
    for (const auto& c : f.value("by_channel", Json::array())) t.rows.push_back({str(c, "name"), str(c, "count_text")});
    t.rows.push_back({"Total de contactos", str(f, "total_text")});
    t.rows.push_back({"Atendidos", str(f, "answered_text")});
    out.push_back(std::move(t));
  } else if (key == "seremis") {
    for (const auto& r : f.value("regions", Json::array())) {
      FigureTable t{str(r, "name"), "region-" + str(r, "region_id"), {"Hito o acción", "Descripción", "Resultados"}, {0.3, 0.4, 0.3},
                    {}, "Sin hitos registrados para el período."};
      for (const auto& m : r.value("milestones", Json::array()))
        t.rows.push_back({str(m, "title") + (str(m, "date_text").empty() ? "" : "\n(" + str(m, "date_text") + ")"), str(m, "description"),
                          str(m, "results")});
      out.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace eq::account
