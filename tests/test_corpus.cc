#include "tests/test_corpus.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace oitwatch {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStates[] = {"pass",   "partial", "stale",
                                   "missing", "broken",  "unchecked"};
constexpr const char* kRouteKeys[] = {"path", "host",        "file",
                                      "body", "status",      "content_type",
                                      "charset", "pdf",      "pdf_image",
                                      "headers"};
constexpr const char* kPdfKeys[] = {"title", "created", "pages"};
constexpr const char* kSiteKeys[] = {"id", "name", "name_en", "url", "note",
                                     "routes"};

bool Slurp(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buf;
  buf << in.rdbuf();
  *out = buf.str();
  return true;
}

void ReplaceAll(std::string* s, const std::string& from,
                const std::string& to) {
  for (size_t at = s->find(from); at != std::string::npos;
       at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

template <size_t N>
bool CheckKeys(const YAML::Node& map, const char* const (&known)[N],
               const std::string& where, std::string* err) {
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (std::find_if(std::begin(known), std::end(known), [&](const char* k) {
          return key == k;
        }) == std::end(known)) {
      *err = where + ": unknown key '" + key + "'";
      return false;
    }
  }
  return true;
}

// Code points of UTF-8 text (invalid bytes become U+FFFD).
std::vector<unsigned> CodePoints(const std::string& utf8) {
  std::vector<unsigned> out;
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    unsigned cp = c;
    size_t len = 1;
    if (c >= 0xF0) {
      cp = c & 0x07, len = 4;
    } else if (c >= 0xE0) {
      cp = c & 0x0F, len = 3;
    } else if (c >= 0xC0) {
      cp = c & 0x1F, len = 2;
    } else if (c >= 0x80) {
      cp = 0xFFFD;
    }
    for (size_t k = 1; k < len && i + k < utf8.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    }
    i += len;
    out.push_back(cp);
  }
  return out;
}

std::string Stream(const std::string& dict_extra, const std::string& data) {
  return "<< /Length " + std::to_string(data.size()) + dict_extra +
         " >>\nstream\n" + data + "\nendstream";
}

std::string ToUnicodeCMap() {
  return "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
         "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 "
         ">> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
         "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
         "4 beginbfrange\n<0000> <00FF> <0000>\n<0E00> <0EFF> <0E00>\n"
         "<2000> <20FF> <2000>\n<FF00> <FFFF> <FF00>\nendbfrange\n"
         "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend";
}

std::string PageContent(const std::string& text) {
  std::string ops = "BT /F1 12 Tf 16 TL 50 800 Td\n";
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::string hex = "<";
    char buf[8];
    for (unsigned cp : CodePoints(line)) {
      if (cp > 0xFFFF) continue;
      std::snprintf(buf, sizeof buf, "%04X", cp);
      hex += buf;
    }
    ops += hex + "> Tj T*\n";
  }
  return ops + "ET";
}

std::string TextString(const std::string& utf8) {
  std::string out = "<FEFF";
  char buf[8];
  for (unsigned cp : CodePoints(utf8)) {
    if (cp > 0xFFFF) continue;
    std::snprintf(buf, sizeof buf, "%04X", cp);
    out += buf;
  }
  return out + ">";
}

bool LoadRoute(const YAML::Node& node, const fs::path& site_dir,
               const std::string& where, const std::string& portal_base,
               const std::string& external_base, TestServer* portal,
               TestServer* external, std::string* err) {
  if (!node.IsMap() || !node["path"]) {
    *err = where + ": a route needs a 'path'";
    return false;
  }
  if (!CheckKeys(node, kRouteKeys, where, err)) return false;
  const std::string path = node["path"].as<std::string>();
  TestResponse r;
  r.status = node["status"] ? node["status"].as<int>() : 200;
  if (node["file"]) {
    const fs::path file = site_dir / node["file"].as<std::string>();
    if (!Slurp(file, &r.body)) {
      *err = where + ": cannot read " + file.string();
      return false;
    }
  } else if (node["body"]) {
    r.body = node["body"].as<std::string>();
  }
  ReplaceAll(&r.body, "{{PORTAL}}", portal_base);
  ReplaceAll(&r.body, "{{EXTERNAL}}", external_base);
  if (node["pdf"]) {
    const YAML::Node pdf = node["pdf"];
    if (!CheckKeys(pdf, kPdfKeys, where + " pdf", err)) return false;
    SimplePdfInfo info;
    if (pdf["title"]) info.title = pdf["title"].as<std::string>();
    if (pdf["created"]) info.creation_date = pdf["created"].as<std::string>();
    std::vector<std::string> pages;
    for (const auto& page : pdf["pages"]) pages.push_back(page.as<std::string>());
    if (pages.empty()) {
      *err = where + ": pdf of " + path + " has no pages";
      return false;
    }
    r.body = MakeThaiPdf(pages, info);
    r.content_type = "application/pdf";
  } else if (node["pdf_image"] && node["pdf_image"].as<bool>()) {
    r.body = MakeSimplePdfPages({""});  // a page without a text layer
    r.content_type = "application/pdf";
  }
  if (node["charset"]) {
    const std::string charset = node["charset"].as<std::string>();
    if (charset != "windows-874" && charset != "tis-620") {
      *err = where + ": unsupported charset " + charset;
      return false;
    }
    r.body = EncodeWindows874(r.body);
    r.content_type = "text/html; charset=" + charset;
  }
  if (node["content_type"]) r.content_type = node["content_type"].as<std::string>();
  for (const auto& kv : node["headers"]) {
    r.headers[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  const std::string host = node["host"] ? node["host"].as<std::string>() : "portal";
  if (host != "portal" && host != "external") {
    *err = where + ": host must be portal or external, not " + host;
    return false;
  }
  (host == "portal" ? portal : external)->Route(path, r);
  return true;
}

// `O5: stale  # plan of FY2567` lines; every item O1..O22 exactly once.
bool LoadExpected(const fs::path& file, CorpusSite* site, std::string* err) {
  std::string text;
  if (!Slurp(file, &text)) {
    *err = file.string() + ": cannot read";
    return false;
  }
  static const std::regex kLine(
      R"(^\s*(O\d+)\s*:\s*([a-z]+)\s*(#\s*(.*))?$)");
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    const std::string where = file.string() + ":" + std::to_string(number);
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    std::smatch m;
    if (!std::regex_match(line, m, kLine)) {
      *err = where + ": expected 'O<n>: <state>  # why'";
      return false;
    }
    const std::string state = m[2];
    if (std::find(std::begin(kStates), std::end(kStates), state) ==
        std::end(kStates)) {
      *err = where + ": unknown state '" + state + "'";
      return false;
    }
    if (!site->expected.emplace(m[1], state).second) {
      *err = where + ": " + std::string(m[1]) + " given twice";
      return false;
    }
    site->why[m[1]] = m[4];
  }
  for (int i = 1; i <= 22; ++i) {
    if (!site->expected.count("O" + std::to_string(i))) {
      *err = file.string() + ": no expected state for O" + std::to_string(i);
      return false;
    }
  }
  return true;
}

}  // namespace

std::string EncodeWindows874(const std::string& utf8) {
  std::string out;
  for (unsigned cp : CodePoints(utf8)) {
    if (cp >= 0x0E01 && cp <= 0x0E5B) {
      out += static_cast<char>(cp - 0x0E00 + 0xA0);
    } else if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else {
      out += '?';
    }
  }
  return out;
}

std::string MakeThaiPdf(const std::vector<std::string>& pages,
                        const SimplePdfInfo& info) {
  // 1 catalog, 2 pages, 3 Type0 font, 4 CID font, 5 ToUnicode, 6 info,
  // then a page and its content per page.
  std::string info_dict = "<<";
  if (!info.title.empty()) info_dict += " /Title " + TextString(info.title);
  if (!info.creation_date.empty()) {
    info_dict += " /CreationDate (" + info.creation_date + ")";
  }
  info_dict += " >>";
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "",
      "<< /Type /Font /Subtype /Type0 /BaseFont /Garuda /Encoding /Identity-H "
      "/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
      "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Garuda "
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 "
      ">> /DW 500 /CIDToGIDMap /Identity >>",
      Stream("", ToUnicodeCMap()), info_dict};
  std::string kids;
  for (const std::string& page : pages) {
    const size_t id = objects.size() + 1;
    kids += std::to_string(id) + " 0 R ";
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
        "<< /Font << /F1 3 0 R >> >> /Contents " +
        std::to_string(id + 1) + " 0 R >>");
    objects.push_back(Stream("", PageContent(page)));
  }
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " +
               std::to_string(pages.size()) + " >>";
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) +
         "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R /Info 6 0 R >>\nstartxref\n" + std::to_string(xref) +
         "\n%%EOF\n";
  return pdf;
}

bool LoadCorpus(const std::string& dir, TestServer* portal,
                TestServer* external, Corpus* corpus, std::string* err) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory()) dirs.push_back(entry.path());
  }
  if (ec || dirs.empty()) {
    *err = dir + ": no corpus sites" + (ec ? " (" + ec.message() + ")" : "");
    return false;
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) corpus->source_bytes += entry.file_size();
  }
  const std::string portal_base = portal->url("");
  const std::string external_base = external->url("");
  std::set<std::string> ids;
  for (const fs::path& site_dir : dirs) {
    const fs::path file = site_dir / "site.yaml";
    YAML::Node root;
    try {
      root = YAML::LoadFile(file.string());
    } catch (const YAML::Exception& e) {
      *err = file.string() + ":" + std::to_string(e.mark.line + 1) + ": " +
             e.msg;
      return false;
    }
    if (!root.IsMap() || !CheckKeys(root, kSiteKeys, file.string(), err)) {
      if (err->empty()) *err = file.string() + ": not a mapping";
      return false;
    }
    int n = 0;
    try {
      for (const auto& route : root["routes"]) {
        const std::string where =
            file.string() + " route " + std::to_string(++n);
        if (!LoadRoute(route, site_dir, where, portal_base, external_base,
                       portal, external, err)) {
          return false;
        }
        ++corpus->routes;
      }
    } catch (const YAML::Exception& e) {
      *err = file.string() + ":" + std::to_string(e.mark.line + 1) + ": " +
             e.msg;
      return false;
    }
    if (site_dir.filename().string().front() == '_') continue;
    CorpusSite site;
    for (const char* key : {"id", "name", "name_en", "url"}) {
      if (!root[key]) {
        *err = file.string() + ": missing '" + key + "'";
        return false;
      }
    }
    site.id = root["id"].as<std::string>();
    site.name = root["name"].as<std::string>();
    site.name_en = root["name_en"].as<std::string>();
    site.url_path = root["url"].as<std::string>();
    if (!ids.insert(site.id).second) {
      *err = file.string() + ": site id " + site.id + " used twice";
      return false;
    }
    if (!LoadExpected(site_dir / "expected.yaml", &site, err)) return false;
    corpus->sites.push_back(std::move(site));
  }
  return true;
}

std::string CorpusSitesYaml(const Corpus& corpus, const TestServer& portal) {
  std::string out = "sites:\n";
  for (const CorpusSite& s : corpus.sites) {
    out += "  - id: " + s.id + "\n    name: \"" + s.name +
           "\"\n    name_en: \"" + s.name_en + "\"\n    url: " +
           portal.url(s.url_path) + "\n";
  }
  return out;
}

}  // namespace oitwatch
