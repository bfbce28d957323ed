// StandInPage: an evidence URL answering with the home page (a redirect to
// the start URL, or its bytes) or a login form is not its page any more
// (red-team quirk 13, probes N5/N5b/N5c); a link to the home page itself is
// not touched, and a page with a login box beside its content is no login
// wall. The home page with another visitor count, CSRF token or clock is
// still the home page (rt6net S05/S05c), and the corpus pages, which share
// the home page's chrome, are not it.
#include "app/stand_in_page.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "app/pipeline_internal.h"

namespace oitwatch {
namespace {

const char kHomeBody[] =
    "<html><head><title>สำนักงานเขตหลักสี่</title></head><body><h1>หน้าแรก</h1>"
    "<a href=\"/laksi/schools\">โรงเรียน</a></body></html>";
// The red team's login page: a title, a heading, a form, two menu links.
const char kLogin[] =
    "<!doctype html><html lang=\"th\"><head><meta charset=\"utf-8\"><title>"
    "เข้าสู่ระบบ - สำนักงานเขตหลักสี่</title></head><body><nav><a href=\"/laksi/"
    "\">หน้าหลัก</a> | <a href=\"/laksi/ita\">OIT</a></nav><main><h2>เข้าสู่ระบบ"
    "</h2><form>ชื่อผู้ใช้ รหัสผ่าน</form></main></body></html>";

HomePage Home() {
  FetchResult start;
  start.request.url = "http://h/laksi/";
  start.request.depth = 0;
  start.final_url = "https://h/laksi/";
  start.body = kHomeBody;
  HomePage home;
  NoteHomePage(start, "", -1, "", &home);
  return home;
}

FetchResult Answer(const std::string& url, const std::string& final_url,
                   const std::string& body) {
  FetchResult r;
  r.request.url = url;
  r.request.depth = 1;
  r.request.kind = RequestKind::kPage;
  r.final_url = final_url;
  r.content_type = "text/html; charset=utf-8";
  r.body = body;
  return r;
}

TEST(StandInPageTest, RedirectToTheStartUrlIsTheHomePage) {
  const FetchResult r = Answer("http://h/laksi/exec", "https://h/laksi/",
                               "<html><body>changed home</body></html>");
  EXPECT_EQ(StandInPage(r, Home()), "redirects to the home page https://h/laksi/");
}

TEST(StandInPageTest, HomePageBytesUnderAnotherUrlShowTheHomePage) {
  EXPECT_EQ(StandInPage(Answer("http://h/laksi/schools", "", kHomeBody), Home()),
            "shows the home page");
}

TEST(StandInPageTest, StoredHashOfA304StartPageIsUsed) {
  FetchResult start;
  start.request.url = "http://h/laksi/";
  start.final_url = "http://h/laksi/";
  const std::string body = kHomeBody;
  for (int64_t stored_bytes : {static_cast<int64_t>(body.size()), int64_t{-1}}) {
    HomePage home;  // a 304: no body, the stored copy's hash (and size)
    NoteHomePage(start, pipeline_internal::ContentHash(body), stored_bytes, "",
                 &home);
    EXPECT_EQ(StandInPage(Answer("http://h/laksi/schools", "", body), home),
              "shows the home page")
        << stored_bytes;
  }
}

TEST(StandInPageTest, LinksToTheHomePageItselfAreNotTouched) {
  EXPECT_EQ(StandInPage(Answer("http://h/laksi/", "http://h/laksi/", kHomeBody),
                        Home()),
            "");
  EXPECT_EQ(StandInPage(Answer("https://h/laksi/", "", kHomeBody), Home()), "");
}

TEST(StandInPageTest, OrdinaryPageIsItsOwnPage) {
  EXPECT_EQ(StandInPage(Answer("http://h/laksi/schools", "",
                               "<html><body><h1>โรงเรียน</h1></body></html>"),
                        Home()),
            "");
}

TEST(StandInPageTest, LoginWallShowsALoginPage) {
  EXPECT_EQ(StandInPage(Answer("http://h/laksi/structure", "", kLogin), Home()),
            "shows a login page");
  EXPECT_TRUE(IsLoginPage("<html><body><form><input name=u><input "
                          "type=\"password\" name=p></form></body></html>",
                          "text/html", "http://h/x"));
}

TEST(StandInPageTest, PageWithALoginBoxBesideItsContentIsNoLoginWall) {
  std::string menu;
  for (int i = 0; i < 15; ++i) {
    menu += "<a href=\"/laksi/p" + std::to_string(i) + "\">เมนู</a>";
  }
  const std::string page =
      "<html><head><title>โครงสร้างหน่วยงาน</title></head><body>" + menu +
      "<h1>แผนผังโครงสร้างสำนักงานเขต</h1><p>ผู้อำนวยการเขต ผู้ช่วยผู้อำนวยการเขต"
      "</p><form><input name=u><input type=password name=p>เข้าสู่ระบบ</form>"
      "</body></html>";
  EXPECT_FALSE(IsLoginPage(page, "text/html", "http://h/laksi/structure"));
  EXPECT_EQ(StandInPage(Answer("http://h/laksi/structure", "", page), Home()),
            "");
}

TEST(StandInPageTest, PdfRedirectedHomeIsNamedAsSuch) {
  FetchResult r = Answer("http://h/laksi/files/plan.pdf", "http://h/laksi/",
                         kHomeBody);
  r.request.kind = RequestKind::kDocument;
  EXPECT_EQ(UnusableAnswer(r, Home()),
            "redirects to the home page http://h/laksi/");
}

std::string ReadCorpus(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string CorpusHome() {
  return ReadCorpus(std::filesystem::path(OITWATCH_SOURCE_DIR) /
                    "tests/corpus/01-laksi-compliant/index.html");
}

// The corpus home page as a server with a visitor counter, a CSRF token
// and a clock sends it on request `n`.
std::string NoisyHome(int n) {
  std::string body = CorpusHome();
  const std::string token = std::to_string(2654435761u * (n + 1)) + "abcdef";
  body.replace(body.find("</head>"), 7,
               "<meta name=\"csrf-token\" content=\"" +
                   std::to_string(n * 7919) + "\"><meta name=\"x\" content=\"" +
                   token + "\"></head>");
  body.replace(body.find("</aside>"), 8,
               "<p>ผู้เข้าชม " + std::to_string(123456 + n) + " คน ๑๒" +
                   std::to_string(n % 10) + " อัปเดต 12:0" +
                   std::to_string(n % 10) + "</p><a href=\"/laksi/?sid=" +
                   token + "\">หน้าหลัก</a><form><input type=hidden "
                   "name=_token value=" + token + "></form></aside>");
  return body;
}

HomePage CorpusHomePage(const std::string& body) {
  FetchResult start;
  start.request.url = "http://h/laksi/";
  start.final_url = "http://h/laksi/";
  start.body = body;
  HomePage home;
  NoteHomePage(start, "", -1, "", &home);
  return home;
}

// rt6net S05/S05c: before, only the same bytes were the home page, so a
// home page with a counter or token passed the item on its link text.
TEST(StandInPageTest, HomePageWithAnotherCounterOrTokenShowsTheHomePage) {
  const HomePage home = CorpusHomePage(NoisyHome(1));
  ASSERT_FALSE(home.sig.empty());
  for (int n : {2, 3, 17}) {
    const std::string body = NoisyHome(n);
    ASSERT_NE(body, NoisyHome(1));
    EXPECT_EQ(StandInPage(Answer("http://h/laksi/page/sub/1001/x", "", body),
                          home),
              "shows the home page")
        << n;
  }
}

// A 304 start page brings no body: its stored signature is used.
TEST(StandInPageTest, StoredSignatureOfA304StartPageIsUsed) {
  const std::string stored = NoisyHome(1);
  FetchResult start;
  start.request.url = "http://h/laksi/";
  start.final_url = "http://h/laksi/";
  HomePage home;
  NoteHomePage(start, pipeline_internal::ContentHash(stored),
               static_cast<int64_t>(stored.size()), PageSig(stored), &home);
  EXPECT_EQ(StandInPage(Answer("http://h/laksi/page/sub/1001/x", "",
                               NoisyHome(5)),
                        home),
            "shows the home page");
}

// What a 304 night reads back (StoredSig: the signature and the title key)
// is what the start page gave; a bare signature stored before the title key
// still works.
TEST(StandInPageTest, StoredSignatureCarriesTheTitleKey) {
  const HomePage fresh = CorpusHomePage(NoisyHome(1));
  ASSERT_FALSE(fresh.title.empty());
  FetchResult start;
  start.request.url = "http://h/laksi/";
  start.final_url = "http://h/laksi/";
  for (const std::string& stored : {StoredSig(fresh), fresh.sig}) {
    HomePage home;
    NoteHomePage(start, "", -1, stored, &home);
    EXPECT_EQ(home.sig, fresh.sig);
    EXPECT_EQ(home.title, stored == fresh.sig ? "" : fresh.title);
    EXPECT_EQ(StandInPage(Answer("http://h/laksi/x", "", NoisyHome(4)), home),
              "shows the home page")
        << stored;
  }
}

// The title gate: only a page with the home page's title (digits aside) is
// signed in full; one with another title is not the home page.
TEST(StandInPageTest, TitleKeyTellsTitlesApart) {
  EXPECT_EQ(TitleKey("<html><TITLE>หน้าแรก 2568</TITLE>"),
            TitleKey("<title>หน้าแรก ๒๕๖๙</title><p>x"));
  EXPECT_NE(TitleKey("<title>หน้าแรก</title>"), TitleKey("<title>ข่าว</title>"));
  EXPECT_EQ(TitleKey("<p>no title</p>"), "");
  const HomePage home = CorpusHomePage(NoisyHome(1));
  std::string other = NoisyHome(2);
  const size_t open = other.find("<title>");
  ASSERT_NE(open, std::string::npos);
  other.insert(open + 7, "ประกาศ ");
  EXPECT_EQ(StandInPage(Answer("http://h/laksi/x", "", other), home), "");
}

// rt6net S05: a counter or clock drawn on one copy of the home page and not
// on another (the stored one) leaves it the home page; a line of the page's
// own beside a number, or another title, does not.
TEST(StandInPageTest, CounterOnOneCopyOnlyIsStillTheHomePage) {
  const std::string home = CorpusHome();
  auto with = [&home](const std::string& html) {
    std::string body = home;
    body.replace(body.find("</aside>"), 8, html + "</aside>");
    return body;
  };
  ASSERT_FALSE(PageSig(home).empty());
  EXPECT_EQ(PageSig(with("<p>ผู้เข้าชม 123457 คน</p>")), PageSig(home));
  EXPECT_EQ(PageSig(with("<div>อัปเดต 12:05 ๑๒ มี.ค.</div>")), PageSig(home));
  EXPECT_NE(PageSig(with("<p>ประกาศผลการจัดซื้อจัดจ้างประจำเดือนมีนาคม พ.ศ. 2568 "
                         "ของสำนักงานเขตหลักสี่</p>")),
            PageSig(home));
  EXPECT_NE(PageSig(with("<p>ผู้เข้าชม คน</p>")), PageSig(home));
  std::string titled = home;
  const size_t title = titled.find("<title>") + 7;
  titled.replace(title, titled.find("</title>") - title, "ประกาศ 12");
  EXPECT_NE(PageSig(titled), PageSig(home));
}

// Every page of a corpus site shares the home page's chrome (header, menu,
// sidebar) and has its own content: none of them is the home page.
TEST(StandInPageTest, CorpusPagesSharingTheChromeAreNotTheHomePage) {
  namespace fs = std::filesystem;
  const fs::path corpus = fs::path(OITWATCH_SOURCE_DIR) / "tests/corpus";
  int sites = 0, pages = 0;
  for (const fs::directory_entry& site : fs::directory_iterator(corpus)) {
    const fs::path index = site.path() / "index.html";
    if (!fs::exists(index)) continue;
    const HomePage home = CorpusHomePage(ReadCorpus(index));
    ++sites;
    for (const fs::directory_entry& f :
         fs::recursive_directory_iterator(site.path())) {
      if (f.path().extension() != ".html" || f.path() == index) continue;
      const std::string body = ReadCorpus(f.path());
      ++pages;
      EXPECT_EQ(StandInPage(Answer("http://h/laksi/other", "", body), home), "")
          << f.path();
      if (!home.sig.empty()) {
        EXPECT_NE(PageSig(body), home.sig) << f.path();
      }
    }
  }
  EXPECT_GE(sites, 10);
  EXPECT_GE(pages, 60);
}

TEST(StandInPageTest, SignatureKeepsWhatDiffersBetweenPages) {
  const std::string chrome =
      "<html><head><title>สำนักงานเขตหลักสี่</title></head><body><nav><a href="
      "\"/laksi/\">หน้าหลัก</a><a href=\"/laksi/ita\">การเปิดเผยข้อมูลสาธารณะ"
      "</a></nav><h1>สำนักงานเขตหลักสี่ กรุงเทพมหานคร</h1>";
  const std::string a = chrome + "<p>แผนผังโครงสร้าง</p></body></html>";
  ASSERT_FALSE(PageSig(a).empty());
  // Another word, another image, another link target: another page.
  EXPECT_NE(PageSig(a), PageSig(chrome + "<p>แผนผังอัตรากำลัง</p></body></html>"));
  EXPECT_NE(PageSig(a), PageSig(chrome + "<p>แผนผังโครงสร้าง</p><img src=\"/"
                                         "files/chart.jpg\"></body></html>"));
  EXPECT_NE(PageSig(chrome + "<a href=\"/files/plan.pdf\">แผน</a>"),
            PageSig(chrome + "<a href=\"/files/report.pdf\">แผน</a>"));
  // Thai text written as character references is text.
  EXPECT_NE(PageSig(chrome + "&#3649;&#3612;&#3609;"),
            PageSig(chrome + "&#3619;&#3634;&#3618;"));
  // Scripts, comments and other attributes are not seen.
  EXPECT_EQ(PageSig(a), PageSig(chrome + "<p class=x1 data-n=\"7\">แผนผัง"
                                         "โครงสร้าง</p><script>var t='a1b2';"
                                         "</script><!-- 42 --></body></html>"));
  // A script-drawn shell has too little text to be compared.
  EXPECT_EQ(PageSig("<html><head><title>App</title></head><body><div id=app>"
                    "</div><script src=\"/app.js\"></script></body></html>"),
            "");
}

// rt6net S02c: a contact page (its menu of 8 links, an address) with a login
// box in its sidebar was taken for a login wall, and O1 was broken.
TEST(StandInPageTest, ContactPageWithASidebarLoginBoxIsNoLoginWall) {
  const std::string login_box =
      "<aside><h3>เข้าสู่ระบบ</h3><form method=\"post\" action=\"/laksi/login"
      "\"><input name=\"u\" placeholder=\"ชื่อผู้ใช้\"><input type=\"password"
      "\" name=\"p\" placeholder=\"รหัสผ่าน\"><button>เข้าสู่ระบบ</button>"
      "</form></aside>";
  for (const char* page : {"p4.html", "contact.html"}) {
    std::string body = ReadCorpus(
        std::filesystem::path(OITWATCH_SOURCE_DIR) /
        "tests/corpus/01-laksi-compliant" / page);
    body.replace(body.find("</body>"), 7, login_box + "</body>");
    EXPECT_FALSE(IsLoginPage(body, "text/html; charset=utf-8",
                             "http://h/laksi/contact"))
        << page;
    EXPECT_EQ(StandInPage(Answer("http://h/laksi/contact", "", body), Home()),
              "")
        << page;
  }
  // A page of little text of its own (a chart's heading) keeps its sidebar
  // box too.
  const std::string chart =
      "<html><head><title>โครงสร้าง</title></head><body><h1>แผนผังโครงสร้าง"
      "</h1><img src=\"/files/chart.jpg\">" + login_box + "</body></html>";
  EXPECT_FALSE(IsLoginPage(chart, "text/html", "http://h/laksi/structure"));
  // The same box as the page's whole content, in the same chrome, is a wall.
  std::string wall = ReadCorpus(std::filesystem::path(OITWATCH_SOURCE_DIR) /
                                "tests/corpus/01-laksi-compliant/p4.html");
  const size_t main = wall.find("<main>");
  std::string form = login_box.substr(login_box.find("<form"));
  form = form.substr(0, form.find("</aside>"));
  wall.replace(main, wall.find("</main>") - main,
               "<main><h2>เข้าสู่ระบบ</h2>" + form);
  EXPECT_TRUE(IsLoginPage(wall, "text/html; charset=utf-8",
                          "http://h/laksi/contact"));
}

}  // namespace
}  // namespace oitwatch
