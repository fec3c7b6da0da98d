#include "indicators/xlsx_read.h"

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <map>

namespace eq::indicators {

namespace {

constexpr size_t kMaxInflated = 64u << 20;  // 64 MiB across the entries read

Error bad(const std::string& why) {
  return Error::bad_request("invalid_xlsx", "El archivo XLSX no se puede leer: " + why + ".", "file");
}

uint32_t u16(std::string_view b, size_t at) { return static_cast<uint8_t>(b[at]) | (static_cast<uint8_t>(b[at + 1]) << 8); }
uint32_t u32(std::string_view b, size_t at) { return u16(b, at) | (u16(b, at + 2) << 16); }

struct Entry {
  uint32_t method = 0, compressed = 0, size = 0, local = 0;
};

Result<std::map<std::string, Entry>> directory(std::string_view z) {
  if (z.size() < 22) return fail(bad("no es un archivo ZIP"));
  size_t eocd = std::string_view::npos;
  for (size_t i = z.size() - 22 + 1; i-- > 0 && z.size() - i <= 22 + 65535;)
    if (u32(z, i) == 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd == std::string_view::npos) return fail(bad("no es un archivo ZIP"));
  const uint32_t n = u16(z, eocd + 10), cd = u32(z, eocd + 16);
  if (n > 10000) return fail(bad("demasiadas partes"));
  std::map<std::string, Entry> out;
  size_t p = cd;
  for (uint32_t i = 0; i < n; ++i) {
    if (p + 46 > z.size() || u32(z, p) != 0x02014b50) return fail(bad("directorio ZIP dañado"));
    Entry e{u16(z, p + 10), u32(z, p + 20), u32(z, p + 24), u32(z, p + 42)};
    const uint32_t nl = u16(z, p + 28), xl = u16(z, p + 30), cl = u16(z, p + 32);
    if (p + 46 + nl > z.size()) return fail(bad("directorio ZIP dañado"));
    out[std::string(z.substr(p + 46, nl))] = e;
    p += 46 + nl + xl + cl;
  }
  return out;
}

Result<std::string> extract(std::string_view z, const Entry& e, size_t& budget) {
  if (static_cast<size_t>(e.local) + 30 > z.size() || u32(z, e.local) != 0x04034b50) return fail(bad("parte ZIP dañada"));
  const size_t data = e.local + 30 + u16(z, e.local + 26) + u16(z, e.local + 28);
  if (data + e.compressed > z.size()) return fail(bad("parte ZIP incompleta"));
  if (e.size > budget) return fail(bad("el contenido descomprimido es demasiado grande"));
  budget -= e.size;
  if (e.method == 0) return std::string(z.substr(data, e.compressed));
  if (e.method != 8) return fail(bad("compresión no soportada"));
  std::string out(e.size, '\0');
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return fail(Error::internal());
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(z.data() + data));
  zs.avail_in = e.compressed;
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = e.size;
  int rc = inflate(&zs, Z_FINISH);
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || zs.total_out != e.size) return fail(bad("parte ZIP dañada"));
  return out;
}

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    uint32_t cp = 0;
    if (ent == "amp") cp = '&';
    else if (ent == "lt") cp = '<';
    else if (ent == "gt") cp = '>';
    else if (ent == "quot") cp = '"';
    else if (ent == "apos") cp = '\'';
    else if (ent.size() > 1 && ent[0] == '#') cp = static_cast<uint32_t>(std::strtoul(std::string(ent.substr(ent[1] == 'x' ? 2 : 1)).c_str(), nullptr, ent[1] == 'x' ? 16 : 10));
    if (cp == 0 || cp > 0x10FFFF) {
      out += s[i];
      continue;
    }
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3F));
    else if (cp < 0x10000)
      out += static_cast<char>(0xE0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), out += static_cast<char>(0x80 | (cp & 0x3F));
    else
      out += static_cast<char>(0xF0 | (cp >> 18)), out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
          out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), out += static_cast<char>(0x80 | (cp & 0x3F));
    i = semi;
  }
  return out;
}

// Text of every <t …>…</t> between from and to.
std::string texts(std::string_view x) {
  std::string out;
  size_t p = 0;
  while ((p = x.find("<t", p)) != std::string_view::npos) {
    char after = p + 2 < x.size() ? x[p + 2] : '\0';
    if (after != '>' && after != ' ') {
      p += 2;
      continue;
    }
    size_t open_end = x.find('>', p);
    if (open_end == std::string_view::npos) break;
    if (x[open_end - 1] == '/') {
      p = open_end;
      continue;
    }
    size_t close = x.find("</t>", open_end);
    if (close == std::string_view::npos) break;
    out += unescape(x.substr(open_end + 1, close - open_end - 1));
    p = close + 4;
  }
  return out;
}

std::string attr(std::string_view tag, std::string_view name) {
  std::string key = " " + std::string(name) + "=\"";
  size_t p = tag.find(key);
  if (p == std::string_view::npos) return {};
  p += key.size();
  size_t e = tag.find('"', p);
  return e == std::string_view::npos ? std::string() : std::string(tag.substr(p, e - p));
}

// "AB12" → 27 (0-based column 27).
int column_of(const std::string& ref) {
  int col = 0;
  size_t i = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) col = col * 26 + (ref[i] - 'A' + 1);
  return col - 1;
}

}  // namespace

Result<std::vector<std::vector<std::string>>> xlsx_rows(std::string_view z) {
  auto dir = directory(z);
  if (!dir) return fail(dir.error());
  size_t budget = kMaxInflated;
  std::vector<std::string> shared;
  if (auto it = dir->find("xl/sharedStrings.xml"); it != dir->end()) {
    auto xml = extract(z, it->second, budget);
    if (!xml) return fail(xml.error());
    std::string_view x = *xml;
    size_t p = 0;
    while ((p = x.find("<si", p)) != std::string_view::npos) {
      size_t e = x.find("</si>", p);
      if (e == std::string_view::npos) break;
      shared.push_back(texts(x.substr(p, e - p)));
      p = e + 5;
    }
  }
  // The first sheet: the workbook's sheets are sheet1.xml, sheet2.xml… (the lowest number first).
  const Entry* sheet = nullptr;
  int best = 1 << 30;
  for (const auto& [name, e] : *dir) {
    const std::string prefix = "xl/worksheets/sheet";
    if (name.rfind(prefix, 0) != 0 || name.size() < prefix.size() + 5 || name.substr(name.size() - 4) != ".xml") continue;
    int n = std::atoi(name.c_str() + prefix.size());
    if (n < best) best = n, sheet = &e;
  }
  if (!sheet) return fail(bad("no tiene hojas"));
  auto xml = extract(z, *sheet, budget);
  if (!xml) return fail(xml.error());
  std::string_view x = *xml;
  std::vector<std::vector<std::string>> rows;
  size_t p = 0;
  while ((p = x.find("<row", p)) != std::string_view::npos) {
    size_t tag_end = x.find('>', p);
    if (tag_end == std::string_view::npos) break;
    std::string_view tag = x.substr(p, tag_end - p);
    size_t r = static_cast<size_t>(std::atol(attr(tag, "r").c_str()));
    if (r == 0) r = rows.size() + 1;
    if (r > 1000000) return fail(bad("demasiadas filas"));
    if (rows.size() < r) rows.resize(r);
    auto& row = rows[r - 1];
    size_t end = tag[tag.size() - 1] == '/' ? tag_end : x.find("</row>", tag_end);
    if (end == std::string_view::npos) return fail(bad("hoja dañada"));
    std::string_view body = x.substr(tag_end, end - tag_end);
    size_t c = 0;
    while ((c = body.find("<c", c)) != std::string_view::npos) {
      if (c + 2 < body.size() && body[c + 2] != ' ' && body[c + 2] != '>') {
        c += 2;
        continue;
      }
      size_t ce = body.find('>', c);
      if (ce == std::string_view::npos) break;
      std::string_view ctag = body.substr(c, ce - c);
      int col = column_of(attr(ctag, "r"));
      if (col < 0) col = static_cast<int>(row.size());
      if (col > 16383) return fail(bad("columna fuera de rango"));
      std::string value;
      size_t close = ctag.back() == '/' ? ce : body.find("</c>", ce);
      if (close == std::string_view::npos) break;
      std::string_view inner = body.substr(ce + 1, close > ce ? close - ce - 1 : 0);
      const std::string type = attr(ctag, "t");
      if (type == "inlineStr") {
        value = texts(inner);
      } else {
        size_t v = inner.find("<v>");
        size_t ve = inner.find("</v>");
        if (v != std::string_view::npos && ve != std::string_view::npos && ve > v) value = unescape(inner.substr(v + 3, ve - v - 3));
        if (type == "s") {
          size_t idx = static_cast<size_t>(std::atol(value.c_str()));
          value = idx < shared.size() ? shared[idx] : std::string();
        }
      }
      if (static_cast<size_t>(col) >= row.size()) row.resize(static_cast<size_t>(col) + 1);
      row[static_cast<size_t>(col)] = value;
      c = close;
    }
    p = end;
  }
  return rows;
}

}  // namespace eq::indicators
