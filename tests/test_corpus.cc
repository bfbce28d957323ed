#include "tests/test_corpus.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
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
                                     "routes", "filler"};
constexpr const char* kFillerModes[] = {"current", "old", "no_news", "none"};

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

// ---------------------------------------------------------------------------
// Filler: the irrelevant bulk of a real district site (tests/corpus/README.md,
// "Filler"). Generated, deterministic, served with the site's own chrome.

constexpr const char* kThaiMonths[] = {
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"};

// News of the district's own work. Headlines mention items' words in passing
// (plans, schools, corruption, manuals, taxes, subsidies), as real ones do;
// none of them is the disclosure itself.
struct NewsTopic {
  const char* headline;
  const char* body;
};
constexpr NewsTopic kNewsTopics[] = {
    {"ลงพื้นที่ซ่อมแซมผิวจราจรและทางเท้าชำรุด ซอยวัดกลาง",
     "ฝ่ายโยธาซ่อมแซมผิวจราจรที่ชำรุดเป็นหลุมบ่อ และปรับปรุงทางเท้าให้ประชาชนสัญจรได้สะดวกปลอดภัย"},
    {"ออกหน่วยฉีดวัคซีนป้องกันโรคพิษสุนัขบ้าให้สุนัขและแมวในชุมชน",
     "ฝ่ายสิ่งแวดล้อมและสุขาภิบาลร่วมกับศูนย์บริการสาธารณสุขฉีดวัคซีนและทำหมันสุนัขและแมวโดยไม่เสียค่าใช้จ่าย"},
    {"ลอกท่อระบายน้ำและเปิดทางน้ำไหล เตรียมรับมือฝนตกหนัก",
     "ฝ่ายรักษาความสะอาดและสวนสาธารณะลอกท่อระบายน้ำ เก็บขยะในคูคลอง เพื่อให้น้ำระบายได้เร็วเมื่อฝนตกหนัก"},
    {"จัดการแข่งขันกีฬาชุมชนสัมพันธ์ต้านยาเสพติด",
     "ชุมชนในพื้นที่ส่งทีมเข้าร่วมแข่งขันฟุตบอล วอลเลย์บอล และกีฬาพื้นบ้าน สร้างความสามัคคีในชุมชน"},
    {"ผู้อำนวยการเขตประชุมติดตามการดำเนินงานตามแผนปฏิบัติราชการ",
     "ผู้อำนวยการเขตประชุมหัวหน้าฝ่ายเพื่อติดตามความก้าวหน้าของโครงการตามแผนปฏิบัติราชการ และเร่งรัดการเบิกจ่ายงบประมาณ"},
    {"ตรวจเยี่ยมโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่ช่วงเปิดภาคเรียน",
     "ฝ่ายการศึกษาตรวจความพร้อมของอาคารเรียน ห้องน้ำ และโครงการอาหารกลางวันของนักเรียน"},
    {"อบรมเจ้าหน้าที่เรื่องการป้องกันการทุจริตและประพฤติมิชอบ",
     "เจ้าหน้าที่ทุกฝ่ายเข้ารับการอบรมเรื่องการป้องกันผลประโยชน์ทับซ้อน และการปฏิเสธการรับของขวัญ (No Gift Policy)"},
    {"จัดกิจกรรม Big Cleaning Day ทำความสะอาดตลาดและที่สาธารณะ",
     "เจ้าหน้าที่ อาสาสมัคร และผู้ค้าร่วมกันล้างทำความสะอาดตลาด ทางเท้า และป้ายรถประจำทาง"},
    {"ตรวจความปลอดภัยด้านอาหารในร้านค้าและแผงลอยจำหน่ายอาหาร",
     "เจ้าหน้าที่สุ่มตรวจสารปนเปื้อนในอาหาร และให้คำแนะนำผู้ประกอบการเรื่องสุขลักษณะ"},
    {"รณรงค์คัดแยกขยะต้นทางในชุมชน ไม่เทรวม",
     "ฝ่ายรักษาความสะอาดแนะนำการคัดแยกขยะเศษอาหาร ขยะรีไซเคิล และขยะอันตราย ให้แก่ครัวเรือนในชุมชน"},
    {"เทศกิจจัดระเบียบผู้ค้าหาบเร่แผงลอยบนทางเท้า",
     "ฝ่ายเทศกิจขอความร่วมมือผู้ค้าไม่ให้วางสินค้ากีดขวางทางเท้า และจัดพื้นที่ทำการค้าให้เป็นระเบียบ"},
    {"ออกหน่วยบริการทำบัตรประจำตัวประชาชนเคลื่อนที่สำหรับผู้สูงอายุ",
     "ฝ่ายทะเบียนให้บริการทำบัตรประจำตัวประชาชนนอกสถานที่แก่ผู้สูงอายุและผู้ป่วยติดเตียงตามคู่มือสำหรับประชาชน"},
    {"ตัดแต่งกิ่งไม้และปลูกต้นไม้ในสวนสาธารณะ",
     "ฝ่ายรักษาความสะอาดและสวนสาธารณะตัดแต่งกิ่งไม้ที่บดบังไฟฟ้าส่องสว่าง และปลูกต้นไม้เพิ่มพื้นที่สีเขียว"},
    {"ประชาสัมพันธ์การชำระภาษีที่ดินและสิ่งปลูกสร้างภายในกำหนด",
     "ฝ่ายรายได้ขอเชิญชวนผู้เสียภาษีชำระภาษีที่ดินและสิ่งปลูกสร้างที่สำนักงานเขตหรือผ่านแอปพลิเคชัน"},
    {"มอบถุงยังชีพให้ผู้ประสบอัคคีภัยในชุมชน",
     "ฝ่ายพัฒนาชุมชนและสวัสดิการสังคมมอบถุงยังชีพและสิ่งของจำเป็นให้ครอบครัวที่ได้รับความเดือดร้อน"},
    {"ร่วมกิจกรรมวันเด็กแห่งชาติกับโรงเรียนและชุมชน",
     "สำนักงานเขตจัดซุ้มเกมและมอบของขวัญให้เด็กและเยาวชนที่มาร่วมงาน"},
    {"ตรวจสอบอาคารและป้ายโฆษณาขนาดใหญ่ให้มั่นคงแข็งแรง",
     "ฝ่ายโยธาตรวจความมั่นคงแข็งแรงของป้ายโฆษณาและอาคารสูงก่อนเข้าสู่ฤดูฝน"},
    {"ประชุมเตรียมความพร้อมรับการประเมินคุณธรรมและความโปร่งใส (ITA)",
     "คณะทำงานทบทวนการเผยแพร่ข้อมูลสาธารณะบนเว็บไซต์ของสำนักงานเขต และแบ่งงานให้ฝ่ายต่าง ๆ ปรับปรุงข้อมูลให้เป็นปัจจุบัน"},
    {"ประชุมคณะกรรมการชุมชนเพื่อรับฟังปัญหาและความต้องการของประชาชน",
     "ผู้อำนวยการเขตรับฟังปัญหาน้ำท่วมขัง ไฟฟ้าส่องสว่าง และความปลอดภัยในชุมชน พร้อมมอบหมายฝ่ายที่เกี่ยวข้องแก้ไข"},
};

// Places and communities: pages without any date (the no_news site has
// only these).
constexpr const char* kPlaces[] = {
    "วัดกลาง", "ตลาดสดประจำเขต", "สวนสาธารณะประจำเขต", "ศูนย์กีฬาเยาวชน",
    "ห้องสมุดประชาชน", "ศาลเจ้าเก่าแก่", "คลองและทางเดินริมน้ำ", "ศูนย์บริการสาธารณสุข"};
constexpr const char* kCommunities[] = {
    "ชุมชนวัดกลาง", "ชุมชนริมคลอง", "ชุมชนตลาดเก่า", "ชุมชนหมู่บ้านสุขสันต์",
    "ชุมชนร่วมใจพัฒนา", "ชุมชนเคหะ", "ชุมชนซอยสามัคคี", "ชุมชนบ้านสวน"};

struct Day {
  int day, month, year_be;
};

std::string ThaiDate(const Day& d) {
  return std::to_string(d.day) + " " + kThaiMonths[d.month - 1] + " " +
         std::to_string(d.year_be);
}

// The k-th news item's date: newest first, about a fortnight apart, from
// late March 2568 ("current") or mid-September 2567 ("old": the news stopped
// at the end of FY2567).
Day NewsDay(int k, bool current) {
  const int serial = (current ? 2568 * 12 + 2 : 2567 * 12 + 8) * 28 +
                     (current ? 27 : 14) - 13 * k;  // 28-day months: valid dates
  return Day{serial % 28 + 1, serial / 28 % 12 + 1, serial / (28 * 12)};
}

std::string A(const std::string& href, const std::string& text) {
  return "<a href=\"" + href + "\">" + text + "</a>";
}

// The site's home page as a template: its chrome (header, menus, sidebar)
// around a new <main> and title.
class SiteTemplate {
 public:
  bool Init(const std::string& home, const std::string& name, std::string* err) {
    main_at_ = home.find("<main>");
    main_end_ = home.find("</main>");
    title_at_ = home.find("<title>");
    title_end_ = home.find("</title>");
    if (main_at_ == std::string::npos || main_end_ == std::string::npos ||
        title_at_ == std::string::npos || title_end_ == std::string::npos ||
        title_end_ > main_at_ || main_end_ < main_at_) {
      *err = "the home page needs <title> and <main> for filler";
      return false;
    }
    home_ = home;
    name_ = name;
    return true;
  }
  std::string Page(const std::string& title, const std::string& main) const {
    return home_.substr(0, title_at_ + 7) + title + " - " + name_ +
           home_.substr(title_end_, main_at_ + 6 - title_end_) + "\n" + main +
           "\n" + home_.substr(main_end_);
  }
  // The home page with `extra` added at the end of its <main>.
  std::string Home(const std::string& extra) const {
    return home_.substr(0, main_end_) + extra + "\n" + home_.substr(main_end_);
  }

 private:
  std::string home_, name_;
  size_t main_at_ = 0, main_end_ = 0, title_at_ = 0, title_end_ = 0;
};

struct FillerSite {
  std::string base;  // "/laksi/"
  std::string name;  // "สำนักงานเขตหลักสี่"
  std::string mode;  // kFillerModes
  std::string charset;  // "" or the home route's charset
};

void ServePage(const FillerSite& site, const std::string& path,
               const std::string& html, TestServer* portal, size_t* routes) {
  TestResponse r;
  r.body = html;
  r.content_type = "text/html; charset=utf-8";
  if (!site.charset.empty()) {
    r.body = EncodeWindows874(html);
    r.content_type = "text/html; charset=" + site.charset;
  }
  portal->Route(path, r);
  ++*routes;
}

constexpr int kNewsItems = 24;
constexpr int kNewsPerList = 6;

// The paginated news archive ("ข่าวกิจกรรม", 4 list pages of 6 dated items,
// each item linking back and to its neighbours). Returns the home page's
// "latest news" box.
// Where the filler's news pages of one site live, and what they say.
struct News {
  const FillerSite& site;
  bool current;  // dated this fiscal year, or years ago

  std::string ItemPath(int k) const {
    return site.base + "page/sub/" + std::to_string(5000 + k) + "/ข่าว";
  }
  std::string ListPath(int n) const {
    return site.base + "page/main/31/" + std::to_string(n);
  }
  std::string GalleryPath() const {
    return site.base + "page/main/50/ภาพกิจกรรม";
  }
  static std::string Headline(int k) {
    return std::string(kNewsTopics[k % std::size(kNewsTopics)].headline);
  }
  std::string Date(int k) const { return ThaiDate(NewsDay(k, current)); }
};

// One page per news item, each linking its neighbours and its list page.
void ServeNewsItems(const News& news, const SiteTemplate& page,
                    TestServer* portal, size_t* routes) {
  const FillerSite& site = news.site;
  for (int k = 0; k < kNewsItems; ++k) {
    const std::string date = news.Date(k);
    std::string main = "<h2>" + News::Headline(k) + "</h2>\n<p>วันที่ " + date + " " +
                       site.name + " " +
                       kNewsTopics[k % std::size(kNewsTopics)].body + "</p>\n" +
                       "<p><img src=\"" + site.base + "images/news/" +
                       std::to_string(5000 + k) + ".jpg\" alt=\"ภาพข่าว\"></p>\n<p>ข่าวอื่น ๆ: ";
    for (int j : {k - 1, k + 1}) {
      if (j < 0 || j >= kNewsItems) continue;
      main += A(news.ItemPath(j), News::Headline(j) + " (" + news.Date(j) + ")") + " ";
    }
    main += "</p>\n<p>" + A(news.ListPath(k / kNewsPerList + 1), "กลับหน้ารวมข่าว") + "</p>";
    ServePage(site, news.ItemPath(k), page.Page(News::Headline(k), main), portal,
              routes);
  }
}

// The paged list of all news items.
void ServeNewsLists(const News& news, const SiteTemplate& page,
                    TestServer* portal, size_t* routes) {
  const int lists = kNewsItems / kNewsPerList;
  for (int n = 1; n <= lists; ++n) {
    std::string main = "<h2>ข่าวกิจกรรม หน้า " + std::to_string(n) + "</h2>\n<ul>\n";
    for (int k = (n - 1) * kNewsPerList; k < n * kNewsPerList; ++k) {
      main += "<li>" + A(news.ItemPath(k), News::Headline(k)) + " <span>" +
              news.Date(k) + "</span></li>\n";
    }
    main += "</ul>\n<p>หน้า ";
    for (int m = 1; m <= lists; ++m) {
      main += (m == n ? std::to_string(m) : A(news.ListPath(m), std::to_string(m))) + " ";
    }
    if (n < lists) main += A(news.ListPath(n + 1), "ถัดไป »");
    main += "</p>";
    const std::string title =
        n == 1 ? "ข่าวกิจกรรม" : "ข่าวกิจกรรม หน้า " + std::to_string(n);
    ServePage(news.site, news.ListPath(n), page.Page(title, main), portal, routes);
  }
}

// The photo gallery: an index and one album per recent activity.
void ServeGallery(const News& news, const SiteTemplate& page,
                  TestServer* portal, size_t* routes) {
  const FillerSite& site = news.site;
  const int albums = 4;
  std::string gallery = "<h2>ภาพกิจกรรม</h2>\n<ul>\n";
  for (int g = 0; g < albums; ++g) {
    const int k = g * 3;
    const std::string path = site.base + "page/gallery/" + std::to_string(g + 1);
    const std::string caption =
        "ภาพ" + News::Headline(k) + " (" + news.Date(k) + ")";
    gallery += "<li>" + A(path, caption) + "</li>\n";
    std::string album = "<h2>" + caption + "</h2>\n<p>";
    for (int i = 1; i <= 6; ++i) {
      album += "<img src=\"" + site.base + "images/gallery/" + std::to_string(g + 1) +
               "_" + std::to_string(i) + ".jpg\" alt=\"ภาพที่ " + std::to_string(i) +
               "\"> ";
    }
    album += "</p>\n<p>" + A(news.GalleryPath(), "กลับหน้าภาพกิจกรรม") +
             "</p>";
    ServePage(site, path, page.Page("ภาพกิจกรรม", album), portal, routes);
  }
  gallery += "</ul>";
  ServePage(site, news.GalleryPath(), page.Page("ภาพกิจกรรม", gallery), portal,
            routes);
}

// Serves the news items, their lists and the gallery; returns the home
// page's "latest news" box.
std::string ServeNews(const FillerSite& site, const SiteTemplate& page,
                      TestServer* portal, size_t* routes) {
  const News news{site, site.mode == "current"};
  ServeNewsItems(news, page, portal, routes);
  ServeNewsLists(news, page, portal, routes);
  ServeGallery(news, page, portal, routes);
  std::string box = "<section><h2>ข่าวกิจกรรมล่าสุด</h2>\n<ul>\n";
  for (int k = 0; k < kNewsPerList; ++k) {
    box += "<li>" + A(news.ItemPath(k), News::Headline(k) + " (" +
                                            news.Date(k) + ")") +
           "</li>\n";
  }
  return box + "</ul>\n<p>" + A(news.ListPath(1), "ข่าวกิจกรรมทั้งหมด") + " | " +
         A(news.GalleryPath(), "ภาพกิจกรรม") + "</p></section>\n";
}

// History, places and communities: undated pages every site has. Returns the
// home page's links to them.
std::string ServeAboutTheDistrict(const FillerSite& site, const SiteTemplate& page,
                                  bool many, TestServer* portal, size_t* routes) {
  const std::string history = site.base + "page/main/11/ประวัติความเป็นมา";
  ServePage(site, history,
            page.Page("ประวัติความเป็นมา",
                      "<h2>ประวัติความเป็นมา</h2>\n<p>" + site.name +
                          " เดิมเป็นพื้นที่เกษตรกรรมริมคลอง มีวัดเป็นศูนย์กลางของชุมชน "
                          "ต่อมาเมื่อเมืองขยายตัวจึงมีถนน ตลาด และหมู่บ้านจัดสรรเกิดขึ้น "
                          "ปัจจุบันเป็นย่านที่อยู่อาศัยและการค้าที่สำคัญของกรุงเทพมหานคร</p>"),
            portal, routes);
  const int n = many ? 8 : 3;
  std::string places = "<h2>สถานที่สำคัญ</h2>\n<ul>\n";
  std::string communities = "<h2>ชุมชนในพื้นที่เขต</h2>\n<ul>\n";
  for (int i = 0; i < n; ++i) {
    const std::string place = site.base + "page/sub/" + std::to_string(6100 + i) + "/สถานที่";
    places += "<li>" + A(place, kPlaces[i]) + "</li>\n";
    ServePage(site, place,
              page.Page(kPlaces[i], "<h2>" + std::string(kPlaces[i]) + "</h2>\n<p>" +
                                        kPlaces[i] + " เป็นสถานที่ที่ประชาชนในพื้นที่" +
                                        site.name + " ใช้ประโยชน์และเป็นที่รู้จัก "
                                        "การเดินทาง รถประจำทาง และเรือโดยสาร</p>\n<p>" +
                                        A(site.base + "page/main/12/สถานที่สำคัญ",
                                          "สถานที่สำคัญทั้งหมด") + "</p>"),
              portal, routes);
    if (!many) continue;
    const std::string community =
        site.base + "page/sub/" + std::to_string(6200 + i) + "/ชุมชน";
    communities += "<li>" + A(community, kCommunities[i]) + "</li>\n";
    ServePage(site, community,
              page.Page(kCommunities[i],
                        "<h2>" + std::string(kCommunities[i]) + "</h2>\n<p>" +
                            kCommunities[i] + " จำนวน " + std::to_string(120 + 37 * i) +
                            " ครัวเรือน ประธานชุมชนและคณะกรรมการชุมชนดูแลความเป็นอยู่ "
                            "ของสมาชิก มีศูนย์พัฒนาเด็กเล็กและลานกีฬาของชุมชน</p>\n<p>" +
                            A(site.base + "page/main/13/ชุมชน", "ชุมชนทั้งหมด") + "</p>"),
              portal, routes);
  }
  ServePage(site, site.base + "page/main/12/สถานที่สำคัญ",
            page.Page("สถานที่สำคัญ", places + "</ul>"), portal, routes);
  std::string links = "<section><h2>รู้จักเขตของเรา</h2>\n<p>" + A(history, "ประวัติความเป็นมา") +
                      " | " + A(site.base + "page/main/12/สถานที่สำคัญ", "สถานที่สำคัญ");
  if (many) {
    ServePage(site, site.base + "page/main/13/ชุมชน",
              page.Page("ชุมชนในพื้นที่เขต", communities + "</ul>"), portal, routes);
    links += " | " + A(site.base + "page/main/13/ชุมชน", "ชุมชนในพื้นที่เขต");
  }
  return links + "</p></section>\n";
}

// Serves the filler of one site and its home page with links to it.
bool ServeFiller(const FillerSite& site, const std::string& home_html,
                 TestServer* portal, size_t* routes, std::string* err) {
  SiteTemplate page;
  if (!page.Init(home_html, site.name, err)) return false;
  std::string extra;
  if (site.mode != "no_news") extra += ServeNews(site, page, portal, routes);
  extra += ServeAboutTheDistrict(site, page, site.mode == "no_news", portal, routes);
  TestResponse home;
  home.body = page.Home(extra);
  home.content_type = "text/html; charset=utf-8";
  if (!site.charset.empty()) {
    home.body = EncodeWindows874(home.body);
    home.content_type = "text/html; charset=" + site.charset;
  }
  portal->Route(site.base, home);
  return true;
}

// The home route of a site (path == its url) as UTF-8 HTML and its charset.
bool HomeOf(const YAML::Node& root, const fs::path& site_dir,
            const std::string& portal_base, const std::string& external_base,
            std::string* html, std::string* charset, std::string* err) {
  const std::string url = root["url"].as<std::string>();
  for (const auto& route : root["routes"]) {
    if (route["path"].as<std::string>() != url) continue;
    if (!route["file"] || route["status"]) break;
    if (!Slurp(site_dir / route["file"].as<std::string>(), html)) break;
    ReplaceAll(html, "{{PORTAL}}", portal_base);
    ReplaceAll(html, "{{EXTERNAL}}", external_base);
    if (route["charset"]) *charset = route["charset"].as<std::string>();
    return true;
  }
  *err = "no 200 'file' route for the home page " + url +
         " (say 'filler: none' for a site without filler)";
  return false;
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
  if (!info.title.empty()) info_dict += " /Title " + PdfTextString(info.title);
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
  return AssemblePdf(objects, 6);
}

namespace {

// The two loopback servers a corpus is served from.
struct CorpusServers {
  TestServer* portal;
  TestServer* external;
  std::string portal_base, external_base;  // their url("")
};

// The site folders of `dir`, sorted; counts the corpus's source bytes.
bool ListSiteDirs(const std::string& dir, std::vector<fs::path>* dirs,
                  Corpus* corpus, std::string* err) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory()) dirs->push_back(entry.path());
  }
  if (ec || dirs->empty()) {
    *err = dir + ": no corpus sites" + (ec ? " (" + ec.message() + ")" : "");
    return false;
  }
  std::sort(dirs->begin(), dirs->end());
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) corpus->source_bytes += entry.file_size();
  }
  return true;
}

bool LoadSiteYaml(const fs::path& file, YAML::Node* root, std::string* err) {
  try {
    *root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    *err = file.string() + ":" + std::to_string(e.mark.line + 1) + ": " +
           e.msg;
    return false;
  }
  if (!root->IsMap() || !CheckKeys(*root, kSiteKeys, file.string(), err)) {
    if (err->empty()) *err = file.string() + ": not a mapping";
    return false;
  }
  return true;
}

bool ServeRoutes(const YAML::Node& root, const fs::path& site_dir,
                 const fs::path& file, const CorpusServers& servers,
                 Corpus* corpus, std::string* err) {
  int n = 0;
  try {
    for (const auto& route : root["routes"]) {
      const std::string where =
          file.string() + " route " + std::to_string(++n);
      if (!LoadRoute(route, site_dir, where, servers.portal_base,
                     servers.external_base, servers.portal, servers.external,
                     err)) {
        return false;
      }
      ++corpus->routes;
    }
  } catch (const YAML::Exception& e) {
    *err = file.string() + ":" + std::to_string(e.mark.line + 1) + ": " +
           e.msg;
    return false;
  }
  return true;
}

// id, name, name_en and url of site.yaml; the id must be new in `ids`.
bool ReadSiteHeader(const YAML::Node& root, const fs::path& file,
                    std::set<std::string>* ids, CorpusSite* site,
                    std::string* err) {
  for (const char* key : {"id", "name", "name_en", "url"}) {
    if (!root[key]) {
      *err = file.string() + ": missing '" + key + "'";
      return false;
    }
  }
  site->id = root["id"].as<std::string>();
  site->name = root["name"].as<std::string>();
  site->name_en = root["name_en"].as<std::string>();
  site->url_path = root["url"].as<std::string>();
  if (!ids->insert(site->id).second) {
    *err = file.string() + ": site id " + site->id + " used twice";
    return false;
  }
  return true;
}

// The generated pages around the site's own (news, about, ...), per its
// `filler` mode.
bool ServeSiteFiller(const YAML::Node& root, const fs::path& site_dir,
                     const fs::path& file, const CorpusServers& servers,
                     Corpus* corpus, std::string* err) {
  FillerSite filler{root["url"].as<std::string>(), root["name"].as<std::string>(),
                    root["filler"] ? root["filler"].as<std::string>() : "current",
                    ""};
  if (std::find(std::begin(kFillerModes), std::end(kFillerModes), filler.mode) ==
      std::end(kFillerModes)) {
    *err = file.string() + ": filler must be current, old, no_news or none, not " +
           filler.mode;
    return false;
  }
  if (filler.mode == "none") return true;
  std::string home;
  if (!HomeOf(root, site_dir, servers.portal_base, servers.external_base, &home,
              &filler.charset, err) ||
      !ServeFiller(filler, home, servers.portal, &corpus->routes, err)) {
    *err = file.string() + ": " + *err;
    return false;
  }
  return true;
}

}  // namespace

bool LoadCorpus(const std::string& dir, TestServer* portal,
                TestServer* external, Corpus* corpus, std::string* err) {
  std::vector<fs::path> dirs;
  if (!ListSiteDirs(dir, &dirs, corpus, err)) return false;
  const CorpusServers servers{portal, external, portal->url(""),
                              external->url("")};
  std::set<std::string> ids;
  for (const fs::path& site_dir : dirs) {
    const fs::path file = site_dir / "site.yaml";
    YAML::Node root;
    if (!LoadSiteYaml(file, &root, err) ||
        !ServeRoutes(root, site_dir, file, servers, corpus, err)) {
      return false;
    }
    if (site_dir.filename().string().front() == '_') continue;
    CorpusSite site;
    if (!ReadSiteHeader(root, file, &ids, &site, err) ||
        !LoadExpected(site_dir / "expected.yaml", &site, err) ||
        !ServeSiteFiller(root, site_dir, file, servers, corpus, err)) {
      return false;
    }
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
