// The public account's PDF (pdf.h). One layout pass places every line, table row and chart on a
// content page as a list of drawing steps; only then is the number of pages known, so the table of
// contents (with the sections' page numbers) and the «Página N de M» footers are drawn in the
// second, drawing pass. Paragraphs are pango layouts (justified, es-CL) drawn line by line so that
// one paragraph can continue on the next page.
#include "account/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <functional>
#include <memory>

#include "account/document.h"

namespace eq::account {

std::vector<TableSlice> paginate_rows(const std::vector<double>& rows, double header, double first_room, double page_room) {
  std::vector<TableSlice> out;
  bool fresh = first_room >= page_room;  // a fresh page: nothing better comes after it
  double room = first_room;
  size_t i = 0;
  while (i < rows.size()) {
    TableSlice s{i, i};
    double used = header;
    while (s.last < rows.size() && used + rows[s.last] <= room) used += rows[s.last++];
    if (s.last == s.first) {
      if (!fresh) {  // not even the header and one row here: the table starts on the next page
        out.push_back(s);
        room = page_room;
        fresh = true;
        continue;
      }
      s.last = s.first + 1;  // taller than a page: alone on its page
    }
    out.push_back(s);
    i = s.last;
    room = page_room;
    fresh = true;
  }
  return out;
}

namespace {

// A4 in points; margins leave room for the running footer.
constexpr double kW = 595.28, kH = 841.89, kLeft = 62, kRight = 62, kTop = 62, kBottom = 72;
constexpr double kWidth = kW - kLeft - kRight, kFloor = kH - kBottom;
constexpr double kPad = 3.5;  // inside a table cell

struct Rgb {
  double r, g, b;
};
constexpr Rgb kInk{0.10, 0.10, 0.10}, kPurple{0.29, 0.12, 0.44}, kGrey{0.35, 0.35, 0.35}, kHeadFill{0.94, 0.91, 0.96},
    kRule{0.70, 0.70, 0.70}, kBar{0.45, 0.25, 0.62}, kWarn{0.63, 0.36, 0.0};

void ink(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

using Layout = std::shared_ptr<PangoLayout>;
using Step = std::function<void(cairo_t*)>;

struct Heading {
  std::string title, dest;
  int level = 1;
  size_t page = 0;  // content page index
  double y = 0;
};

// Cairo writes the PDF through this callback into a string.
cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Quotes a value for a cairo tag attribute string ('…' with \' and \\ escaped).
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

class Writer {
 public:
  explicit Writer(cairo_t* cr) : cr_(cr), pango_(pango_cairo_create_context(cr), g_object_unref) {
    pango_context_set_language(pango_.get(), pango_language_from_string("es-cl"));
    // Metrics independent of the device, so measuring and drawing agree.
    pango_cairo_context_set_font_options(pango_.get(), nullptr);
    new_page();
  }

  Layout layout(const std::string& text, const char* font, double width, bool justify = false) {
    Layout l(pango_layout_new(pango_.get()), g_object_unref);
    auto* desc = pango_font_description_from_string(font);
    pango_layout_set_font_description(l.get(), desc);
    pango_font_description_free(desc);
    pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_justify(l.get(), justify);
    pango_layout_set_text(l.get(), text.data(), static_cast<int>(text.size()));
    return l;
  }

  static double height(const Layout& l) {
    int w = 0, h = 0;
    pango_layout_get_size(l.get(), &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  void new_page() {
    pages_.emplace_back();
    y_ = kTop;
  }
  bool at_top() const { return y_ <= kTop + 0.5; }
  void need(double h) {
    if (y_ + h > kFloor && !at_top()) new_page();
  }
  void add(Step s) { pages_.back().push_back(std::move(s)); }
  void skip(double h) { y_ += h; }

  // A paragraph placed line by line: it continues on the next page where the page ends.
  void paragraph(const std::string& text, const char* font, Rgb color, bool justify = true, double after = 6) {
    if (text.empty()) return;
    Layout l = layout(text, font, kWidth, justify);
    PangoLayoutIter* it = pango_layout_get_iter(l.get());
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const double top = static_cast<double>(logical.y) / PANGO_SCALE, lh = static_cast<double>(logical.height) / PANGO_SCALE;
      const double base = static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE - top;
      PangoLayoutLine* line = pango_layout_iter_get_line_readonly(it);
      need(lh);
      const double x = kLeft + static_cast<double>(logical.x) / PANGO_SCALE, y = y_ + base;
      add([l, line, x, y, color](cairo_t* cr) {
        ink(cr, color);
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout_line(cr, line);
      });
      y_ += lh;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    y_ += after;
  }

  // Editorial text: blank lines separate paragraphs.
  void text(const std::string& body) {
    std::string para;
    size_t start = 0;
    auto flush = [&] {
      if (para.find_first_not_of(" \t\r\n") != std::string::npos) paragraph(para, "DejaVu Serif 10", kInk);
      para.clear();
    };
    while (start <= body.size()) {
      auto nl = body.find('\n', start);
      std::string line = body.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      if (line.find_first_not_of(" \t\r") == std::string::npos) flush();
      else para += (para.empty() ? "" : "\n") + line;
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    flush();
  }

  // A heading, kept with at least `keep` points of what follows; a destination for links.
  void heading(const std::string& title, const std::string& dest, int level, double keep) {
    const char* font = level == 1 ? "DejaVu Sans Bold 16" : "DejaVu Sans Bold 11.5";
    Layout l = layout(title, font, kWidth);
    const double h = height(l);
    if (level == 1 && !at_top()) new_page();
    need(h + keep);
    if (!at_top()) y_ += level == 1 ? 0 : 8;
    headings_.push_back({title, dest, level, pages_.size() - 1, y_});
    const double y = y_;
    const bool rule = level == 1;
    add([l, y, dest, rule, h](cairo_t* cr) {
      cairo_tag_begin(cr, CAIRO_TAG_DEST, ("name=" + quoted(dest)).c_str());
      ink(cr, kPurple);
      cairo_move_to(cr, kLeft, y);
      pango_cairo_show_layout(cr, l.get());
      cairo_tag_end(cr, CAIRO_TAG_DEST);
      if (rule) {
        cairo_set_line_width(cr, 1.5);
        cairo_move_to(cr, kLeft, y + h + 3);
        cairo_line_to(cr, kLeft + kWidth, y + h + 3);
        cairo_stroke(cr);
      }
    });
    y_ += h + (level == 1 ? 12 : 5);
  }

  // A table: rows never split; the header row is drawn again on every page the table crosses.
  void table(const FigureTable& t) {
    if (t.rows.empty()) {
      if (!t.empty.empty()) paragraph(t.empty, "DejaVu Serif Italic 9.5", kGrey, false);
      return;
    }
    std::vector<double> xs{kLeft};
    for (double w : t.widths) xs.push_back(xs.back() + w * kWidth);
    auto cells = [&](const std::vector<std::string>& texts, const char* font) {
      std::vector<Layout> out;
      for (size_t c = 0; c < t.widths.size(); ++c)
        out.push_back(layout(c < texts.size() ? texts[c] : "", font, xs[c + 1] - xs[c] - 2 * kPad));
      return out;
    };
    auto row_height = [](const std::vector<Layout>& row) {
      double h = 0;
      for (const auto& l : row) h = std::max(h, height(l));
      return h + 2 * kPad;
    };
    const auto head = cells(t.head, "DejaVu Sans Bold 8.5");
    const double head_h = row_height(head);
    std::vector<std::vector<Layout>> body;
    std::vector<double> heights;
    for (const auto& r : t.rows) {
      body.push_back(cells(r, "DejaVu Sans 8.5"));
      heights.push_back(row_height(body.back()));
    }
    auto draw_row = [this, xs](const std::vector<Layout>& row, double h, bool header) {
      const double y = y_;
      add([row, xs, y, h, header](cairo_t* cr) {
        if (header) {
          ink(cr, kHeadFill);
          cairo_rectangle(cr, xs.front(), y, xs.back() - xs.front(), h);
          cairo_fill(cr);
        }
        ink(cr, kRule);
        cairo_set_line_width(cr, 0.6);
        for (size_t c = 0; c < row.size(); ++c) cairo_rectangle(cr, xs[c], y, xs[c + 1] - xs[c], h);
        cairo_stroke(cr);
        ink(cr, kInk);
        for (size_t c = 0; c < row.size(); ++c) {
          cairo_move_to(cr, xs[c] + kPad, y + kPad);
          pango_cairo_show_layout(cr, row[c].get());
        }
      });
      y_ += h;
    };
    const auto slices = paginate_rows(heights, head_h, kFloor - y_, kFloor - kTop);
    for (size_t k = 0; k < slices.size(); ++k) {
      if (k > 0 || slices[k].first == slices[k].last) {
        if (!at_top()) new_page();
      }
      if (slices[k].first == slices[k].last) continue;
      draw_row(head, head_h, true);
      for (size_t i = slices[k].first; i < slices[k].last; ++i) draw_row(body[i], heights[i], false);
    }
    y_ += 8;
  }

  // Horizontal bars drawn as vector paths, each with its label and its value as text.
  void bars(const std::string& title, const std::vector<std::pair<std::string, double>>& values, const std::vector<std::string>& texts,
            double max) {
    if (values.empty()) return;
    constexpr double kRow = 15, kLabel = 210, kValue = 56;
    const double h = 18 + kRow * static_cast<double>(values.size()) + 8;
    need(h);
    Layout caption = layout(title, "DejaVu Sans Bold 9", kWidth);
    std::vector<Layout> labels, numbers;
    for (size_t i = 0; i < values.size(); ++i) {
      labels.push_back(layout(values[i].first, "DejaVu Sans 8", kLabel - 6));
      pango_layout_set_ellipsize(labels.back().get(), PANGO_ELLIPSIZE_END);
      numbers.push_back(layout(texts[i], "DejaVu Sans 8", kValue));
    }
    const double y = y_, top = max > 0 ? max : 1;
    std::vector<double> v;
    for (const auto& p : values) v.push_back(std::clamp(p.second / top, 0.0, 1.0));
    add([caption, labels, numbers, v, y](cairo_t* cr) {
      ink(cr, kInk);
      cairo_move_to(cr, kLeft, y);
      pango_cairo_show_layout(cr, caption.get());
      const double span = kWidth - kLabel - kValue, x0 = kLeft + kLabel;
      for (size_t i = 0; i < v.size(); ++i) {
        const double yy = y + 18 + kRow * static_cast<double>(i);
        ink(cr, kInk);
        cairo_move_to(cr, kLeft, yy + 1);
        pango_cairo_show_layout(cr, labels[i].get());
        ink(cr, kBar);
        cairo_rectangle(cr, x0, yy + 2, std::max(0.5, v[i] * span), kRow - 5);
        cairo_fill(cr);
        ink(cr, kInk);
        cairo_move_to(cr, x0 + v[i] * span + 4, yy + 1);
        pango_cairo_show_layout(cr, numbers[i].get());
      }
      ink(cr, kRule);
      cairo_set_line_width(cr, 0.8);
      cairo_move_to(cr, x0, y + 16);
      cairo_line_to(cr, x0, y + 18 + kRow * static_cast<double>(v.size()));
      cairo_stroke(cr);
    });
    y_ += h;
  }

  const std::vector<std::vector<Step>>& pages() const { return pages_; }
  const std::vector<Heading>& headings() const { return headings_; }
  cairo_t* cr() const { return cr_; }

 private:
  cairo_t* cr_;
  std::shared_ptr<PangoContext> pango_;
  std::vector<std::vector<Step>> pages_;
  std::vector<Heading> headings_;
  double y_ = kTop;
};

double number(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

// The charts of a section, from its frozen figures.
void charts(Writer& w, const std::string& key, const Json& f) {
  std::vector<std::pair<std::string, double>> v;
  std::vector<std::string> t;
  double max = 0;
  if (key == "plan_covid") {
    for (const auto& c : f.value("by_channel", Json::array())) {
      v.emplace_back(json_str(c, "name"), number(c, "count"));
      t.push_back(json_str(c, "count_text"));
      max = std::max(max, number(c, "count"));
    }
    w.bars("Contactos por canal", v, t, max);
  } else if (key == "logros") {
    for (const auto& i : f.value("instruments", Json::array())) {
      v.emplace_back(json_str(i, "name"), number(i, "progress"));
      t.push_back(json_str(i, "progress_text"));
    }
    // Progress is a percentage (0–100).
    w.bars("Avance validado de cada instrumento", v, t, 100);
  } else if (key == "seremis") {
    for (const auto& r : f.value("regions", Json::array())) {
      const double n = static_cast<double>(r.value("milestones", Json::array()).size());
      v.emplace_back(json_str(r, "name"), n);
      t.push_back(std::to_string(static_cast<long long>(n)));
      max = std::max(max, n);
    }
    w.bars("Hitos por región", v, t, max);
  }
}

void cover(cairo_t* cr, Writer& w, const Json& doc, const std::string& sha256) {
  const Json& e = doc.at("edition");
  double y = 150;
  auto put = [&](const std::string& text, const char* font, Rgb color, double after) {
    Layout l = w.layout(text, font, kWidth);
    ink(cr, color);
    cairo_move_to(cr, kLeft, y);
    pango_cairo_show_layout(cr, l.get());
    y += Writer::height(l) + after;
  };
  ink(cr, kPurple);
  cairo_rectangle(cr, 0, 0, kW, 96);
  cairo_fill(cr);
  put("Ministerio de la Mujer y la Equidad de Género", "DejaVu Sans 11", kGrey, 6);
  put("Cuenta Pública Participativa (Ley N° 20.500)", "DejaVu Sans 11", kGrey, 24);
  put(json_str(e, "title"), "DejaVu Serif Bold 26", kPurple, 18);
  put("Período " + json_str(e, "period") + " · cifras compiladas el " + json_str(doc, "compiled_on"), "DejaVu Sans 11", kInk, 24);
  if (e.value("demo", false))
    put("DATOS DE DEMOSTRACIÓN: esta edición se compiló desde los datos de demostración de la plataforma.", "DejaVu Sans Bold 10.5",
        kWarn, 24);
  y = kH - 150;
  put("Documento publicado. Huella SHA-256 del documento publicado:", "DejaVu Sans 8.5", kGrey, 3);
  put(sha256, "DejaVu Sans Mono 7.5", kGrey, 0);
}

}  // namespace

Result<Pdf> render_pdf(const Json& doc, const std::string& sha256) {
  Pdf out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append, &out.bytes, kW, kH);
  cairo_t* cr = cairo_create(surface);
  const std::string title = json_str(doc.at("edition"), "title");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, "Ministerio de la Mujer y la Equidad de Género");
  // Dated by the document, not by the render: the same edition gives the same bytes after a restart.
  if (auto at = doc.find("compiled_at"); at != doc.end() && at->is_number_integer()) {
    const std::time_t t = static_cast<std::time_t>(at->get<int64_t>() / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char iso[32];
    std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, iso);
  }
  {
    // Pass 1: lay out every content page.
    Writer w(cr);
    for (const auto& s : doc.at("sections")) {
      const std::string key = json_str(s, "key");
      w.heading(json_str(s, "title"), "s-" + key, 1, 40);
      w.text(json_str(s, "text"));
      if (!s.contains("figures")) continue;
      const Json& f = s["figures"];
      charts(w, key, f);
      for (const auto& t : figure_tables(key, f)) {
        if (!t.caption.empty()) w.heading(t.caption, t.anchor, 2, 60);
        w.table(t);
      }
      w.paragraph("Fuente: " + json_str(f, "source") + ". Cifras al " + json_str(f, "as_of") + ".", "DejaVu Sans Italic 8.5", kGrey, false);
    }

    // The contents: one line per heading, as many pages as they need.
    constexpr double kEntry = 17;
    const auto& hs = w.headings();
    const size_t per_page = static_cast<size_t>((kFloor - kTop - 40) / kEntry);
    const size_t toc_pages = std::max<size_t>(1, (hs.size() + per_page - 1) / per_page);
    const size_t first_content = 1 + toc_pages;  // 0-based page index of the first content page
    out.pages = static_cast<int>(first_content + w.pages().size());
    auto footer = [&](size_t index) {
      Layout l = w.layout("Página " + std::to_string(index + 1) + " de " + std::to_string(out.pages), "DejaVu Sans 8", kWidth);
      pango_layout_set_alignment(l.get(), PANGO_ALIGN_RIGHT);
      Layout left = w.layout(title, "DejaVu Sans 8", kWidth * 0.7);
      pango_layout_set_ellipsize(left.get(), PANGO_ELLIPSIZE_END);
      ink(cr, kGrey);
      cairo_move_to(cr, kLeft, kH - 44);
      pango_cairo_show_layout(cr, left.get());
      cairo_move_to(cr, kLeft, kH - 44);
      pango_cairo_show_layout(cr, l.get());
    };

    // Pass 2: draw. The cover,
    cover(cr, w, doc, sha256);
    cairo_show_page(cr);
    // the contents, each line a link to its heading,
    for (size_t p = 0; p < toc_pages; ++p) {
      double y = kTop;
      if (p == 0) {
        Layout h = w.layout("Índice", "DejaVu Sans Bold 16", kWidth);
        ink(cr, kPurple);
        cairo_move_to(cr, kLeft, y);
        pango_cairo_show_layout(cr, h.get());
        y += 40;
      }
      for (size_t i = p * per_page; i < std::min(hs.size(), (p + 1) * per_page); ++i) {
        const auto& h = hs[i];
        const double indent = h.level == 1 ? 0 : 18;
        Layout name = w.layout(h.title, h.level == 1 ? "DejaVu Sans Bold 10" : "DejaVu Sans 9.5", kWidth - indent - 40);
        pango_layout_set_ellipsize(name.get(), PANGO_ELLIPSIZE_END);
        Layout num = w.layout(std::to_string(first_content + h.page + 1), "DejaVu Sans 10", kWidth);
        pango_layout_set_alignment(num.get(), PANGO_ALIGN_RIGHT);
        cairo_tag_begin(cr, CAIRO_TAG_LINK, ("dest=" + quoted(h.dest)).c_str());
        ink(cr, kInk);
        cairo_move_to(cr, kLeft + indent, y);
        pango_cairo_show_layout(cr, name.get());
        cairo_move_to(cr, kLeft, y);
        pango_cairo_show_layout(cr, num.get());
        cairo_tag_end(cr, CAIRO_TAG_LINK);
        y += kEntry;
      }
      footer(1 + p);
      cairo_show_page(cr);
    }
    // and the content pages.
    for (size_t p = 0; p < w.pages().size(); ++p) {
      for (const auto& step : w.pages()[p]) step(cr);
      footer(first_content + p);
      cairo_show_page(cr);
    }

    // The outline (bookmarks): sections, and the regions under theirs.
    int parent = CAIRO_PDF_OUTLINE_ROOT;
    for (const auto& h : hs) {
      const std::string link = "dest=" + quoted(h.dest);
      if (h.level == 1)
        parent = cairo_pdf_surface_add_outline(surface, CAIRO_PDF_OUTLINE_ROOT, h.title.c_str(), link.c_str(),
                                               static_cast<cairo_pdf_outline_flags_t>(0));
      else
        cairo_pdf_surface_add_outline(surface, parent, h.title.c_str(), link.c_str(), static_cast<cairo_pdf_outline_flags_t>(0));
    }
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) return fail(Error::internal());
  return out;
}

}  // namespace eq::account
