// The HTML report (reports/html.h): rendered from a real SQLite store filled
// with hostile web strings, then parsed back with Gumbo (no script, no on*
// attributes, only http(s) or our own relative hrefs, Thai present), and
// shown in headless Chromium to check what a person sees.
#include "reports/html.h"

#include <gtest/gtest.h>
#include <gumbo.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "tests/test_process.h"
#include "tests/test_reports.h"

namespace oitwatch {
namespace {

namespace fs = std::filesystem;

const char kScript[] = "<script>alert(1)</script>";
const char kImgAttr[] = "\"><img src=x onerror=alert(1)>";
const char kJsUrl[] = "javascript:alert(1)";
const char kEndStyle[] = "</style><script>alert(2)</script>";

// ---------------------------------------------------------------- Gumbo

struct Parsed {
  GumboOutput* output = nullptr;
  explicit Parsed(const std::string& html)
      : output(gumbo_parse_with_options(&kGumboDefaultOptions, html.data(),
                                        html.size())) {}
  ~Parsed() { gumbo_destroy_output(&kGumboDefaultOptions, output); }
};

void Walk(const GumboNode* node,
          const std::function<void(const GumboElement&)>& visit) {
  if (node->type != GUMBO_NODE_ELEMENT) return;
  visit(node->v.element);
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    Walk(static_cast<const GumboNode*>(children.data[i]), visit);
  }
}

std::string Attr(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a ? a->value : "";
}

std::string Text(const GumboNode* node) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE) {
    return node->v.text.text;
  }
  if (node->type != GUMBO_NODE_ELEMENT) return "";
  std::string out;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    out += Text(static_cast<const GumboNode*>(children.data[i]));
  }
  return out;
}

// Elements of `tag` under `node`, in document order.
std::vector<const GumboNode*> Find(const GumboNode* node, GumboTag tag) {
  std::vector<const GumboNode*> out;
  std::function<void(const GumboNode*)> rec = [&](const GumboNode* n) {
    if (n->type != GUMBO_NODE_ELEMENT) return;
    if (n->v.element.tag == tag) out.push_back(n);
    const GumboVector& c = n->v.element.children;
    for (unsigned i = 0; i < c.length; ++i) {
      rec(static_cast<const GumboNode*>(c.data[i]));
    }
  };
  rec(node);
  return out;
}

// The safety properties every page of the report must have.
void ExpectSafe(const std::string& name, const std::string& html) {
  Parsed parsed(html);
  const std::regex own_page(
      R"(^(index\.html|site-[A-Za-z0-9_-]+\.html)?(#[A-Za-z0-9_-]+)?$)");
  int styles = 0;
  bool csp = false;
  Walk(parsed.output->root, [&](const GumboElement& e) {
    EXPECT_NE(e.tag, GUMBO_TAG_SCRIPT) << name;
    EXPECT_NE(e.tag, GUMBO_TAG_IMG) << name;
    EXPECT_NE(e.tag, GUMBO_TAG_IFRAME) << name;
    EXPECT_NE(e.tag, GUMBO_TAG_LINK) << name;  // no external CSS or fonts
    EXPECT_NE(e.tag, GUMBO_TAG_BASE) << name;
    styles += e.tag == GUMBO_TAG_STYLE;
    for (unsigned i = 0; i < e.attributes.length; ++i) {
      auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
      std::string attr = a->name;
      EXPECT_FALSE(attr.size() > 2 && attr.rfind("on", 0) == 0)
          << name << ": event handler attribute " << attr;
      EXPECT_NE(attr, "src") << name;
    }
    if (e.tag == GUMBO_TAG_A && gumbo_get_attribute(&e.attributes, "href")) {
      std::string href = Attr(e, "href");
      bool http = href.rfind("http://", 0) == 0 || href.rfind("https://", 0) == 0;
      EXPECT_TRUE(http || std::regex_match(href, own_page))
          << name << ": href " << href;
    }
    if (e.tag == GUMBO_TAG_META &&
        Attr(e, "http-equiv") == "Content-Security-Policy") {
      csp = Attr(e, "content") ==
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
    }
  });
  EXPECT_EQ(styles, 1) << name << ": a </style> from the web closed ours";
  EXPECT_TRUE(csp) << name << ": CSP meta tag missing or wrong";
}

// ---------------------------------------------------------------- fixture

ItemVerdict Verdict(int n, ItemStatus status) {
  ItemVerdict v;
  v.item_id = "O" + std::to_string(n);
  v.title = "รายการที่ " + std::to_string(n);
  v.status = status;
  v.reason = "เหตุผล " + v.item_id;
  return v;
}

EvidenceRef Evidence(const std::string& url, const std::string& found_on,
                     const std::string& text) {
  return SampleEvidence("doc", url, found_on, text);
}

// Two finished runs in a real store: run 1 (laksi O2 pass), run 2 with
// laksi checked (O1 pass ... O6 unchecked, hostile strings everywhere),
// bangkhen unchecked, and a site whose name is a script tag.
class HtmlReportTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    std::string err;
    store_ = Store::Open(dir_ + "/oitwatch.db", &err);
    ASSERT_NE(store_, nullptr) << err;
    AddSite("laksi", "สำนักงานเขตหลักสี่", "Lak Si District Office");
    AddSite("bangkhen", "สำนักงานเขตบางเขน", "Bang Khen District Office");
    AddSite("evil", kScript, kImgAttr);
    int64_t first = BeginRun("2025-03-01");
    SaveLaksi(first, /*earlier=*/true);
    Finish(first);
    run_id_ = BeginRun("2025-04-10");
    SaveLaksi(run_id_, /*earlier=*/false);
    SaveUnchecked(run_id_, "bangkhen", "เว็บไซต์ปิดกั้นการตรวจ (blocked: HTTP 403)");
    SaveUnchecked(run_id_, "evil", kEndStyle);
    SavePages(run_id_);
    Finish(run_id_);
  }

  void TearDown() override {
    store_.reset();
    if (std::getenv("OITWATCH_KEEP_TEST_DIR")) {
      std::cerr << "kept " << dir_ << "\n";
      return;
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void AddSite(const std::string& id, const std::string& name,
               const std::string& name_en) {
    std::string err;
    SiteRow row{id, name, name_en, "https://webportal.bangkok.go.th/" + id, {}};
    ASSERT_TRUE(store_->UpsertSite(row, &err)) << err;
  }

  int64_t BeginRun(const std::string& as_of) {
    int64_t id = 0;
    std::string err;
    EXPECT_TRUE(store_->BeginRun(SampleRunInfo(as_of), &id, &err)) << err;
    return id;
  }

  void Finish(int64_t run) {
    std::string err;
    ASSERT_TRUE(store_->FinishRun(run, "finished", &err)) << err;
  }

  void SaveLaksi(int64_t run, bool earlier) {
    std::vector<ItemVerdict> v;
    for (int n = 1; n <= 22; ++n) v.push_back(Verdict(n, ItemStatus::kMissing));
    v[0].status = ItemStatus::kPass;
    v[0].evidence = {Evidence("https://webportal.bangkok.go.th/laksi/o1.pdf",
                              "https://webportal.bangkok.go.th/laksi/ita",
                              "โครงสร้าง ปีงบประมาณ 2568")};
    v[1].status = earlier ? ItemStatus::kPass : ItemStatus::kPartial;
    v[1].missing_months = {"2024-10", "2024-11"};
    v[1].missing_components = {kScript};
    v[2].status = ItemStatus::kStale;
    v[2].reason = kScript;
    v[2].evidence = {Evidence(kJsUrl, kImgAttr, kEndStyle)};
    v[3].status = ItemStatus::kBroken;
    v[3].title = kImgAttr;
    v[4].status = ItemStatus::kUnchecked;
    SiteRunInfo info;
    info.site_id = "laksi";
    info.state = "checked";
    info.pages = 12;
    info.documents = 5;
    info.errors = 1;
    info.skipped = 1;
    std::string err;
    ASSERT_TRUE(store_->SaveSiteResult(run, info, v, &err)) << err;
  }

  void SaveUnchecked(int64_t run, const std::string& id,
                     const std::string& reason) {
    std::vector<ItemVerdict> v;
    for (int n = 1; n <= 22; ++n) {
      v.push_back(Verdict(n, ItemStatus::kUnchecked));
      v.back().reason = reason;
    }
    SiteRunInfo info;
    info.site_id = id;
    info.state = "unchecked";
    info.reason = reason;
    std::string err;
    ASSERT_TRUE(store_->SaveSiteResult(run, info, v, &err)) << err;
  }

  void SavePage(int64_t run, const std::string& url, const std::string& outcome,
                int status, const std::string& error) {
    PageRecord p;
    p.site_id = "laksi";
    p.url = url;
    p.kind = "page";
    p.outcome = outcome;
    p.http_status = status;
    p.error = error;
    p.fetched_at = "2025-04-10T01:00:00Z";
    p.found_on = "https://webportal.bangkok.go.th/laksi/";
    std::string err;
    ASSERT_TRUE(store_->SavePage(run, p, {}, {}, {}, &err)) << err;
  }

  void SavePages(int64_t run) {
    SavePage(run, "https://webportal.bangkok.go.th/laksi/", "ok", 200, "");
    SavePage(run, "https://webportal.bangkok.go.th/laksi/gone", "http_error",
             404, kScript);
    SavePage(run, "https://webportal.bangkok.go.th/laksi/intranet/x",
             "robots_disallowed", 0, "");
  }

  // Writes the report of run_id_ (all sites) into a fresh directory.
  std::string Write() {
    Report report;
    std::string err;
    EXPECT_TRUE(BuildReport(*store_, run_id_, "", &report, &err)) << err;
    std::string out = dir_ + "/html";
    EXPECT_TRUE(WriteHtmlReport(*store_, report, out, &err)) << err;
    return out;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  int64_t run_id_ = 0;
};

TEST_F(HtmlReportTest, WritesIndexAndOnePagePerSiteWithoutTempFiles) {
  std::string out = Write();
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(out)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"index.html", "site-bangkhen.html",
                                             "site-evil.html",
                                             "site-laksi.html"}));
}

TEST_F(HtmlReportTest, HostileStringsNeverBecomeMarkupOrLinks) {
  std::string out = Write();
  for (const auto& entry : fs::directory_iterator(out)) {
    std::string html = ReadFile(entry.path().string());
    ExpectSafe(entry.path().filename().string(), html);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("href=\"javascript"), std::string::npos);
  }
}

TEST_F(HtmlReportTest, HostileStringsAreShownAsText) {
  std::string html = ReadFile(Write() + "/site-laksi.html");
  Parsed parsed(html);
  std::string text = Text(parsed.output->root);
  EXPECT_NE(text.find(kScript), std::string::npos);   // reason, as text
  EXPECT_NE(text.find(kJsUrl), std::string::npos);    // URL, as text only
  EXPECT_NE(text.find(kEndStyle), std::string::npos);
  EXPECT_NE(text.find(kImgAttr), std::string::npos);
}

TEST_F(HtmlReportTest, EvidenceLinksOnlyForHttpUrls) {
  std::string html = ReadFile(Write() + "/site-laksi.html");
  Parsed parsed(html);
  std::vector<std::string> hrefs;
  for (const GumboNode* a : Find(parsed.output->root, GUMBO_TAG_A)) {
    hrefs.push_back(Attr(a->v.element, "href"));
  }
  EXPECT_NE(std::find(hrefs.begin(), hrefs.end(),
                      "https://webportal.bangkok.go.th/laksi/o1.pdf"),
            hrefs.end());
  for (const std::string& href : hrefs) {
    EXPECT_EQ(href.find("alert"), std::string::npos) << href;
  }
}

TEST_F(HtmlReportTest, IndexHasMatrixOfSitesByItemsWithThaiLabels) {
  std::string html = ReadFile(Write() + "/index.html");
  Parsed parsed(html);
  std::vector<const GumboNode*> tables = Find(parsed.output->root, GUMBO_TAG_TABLE);
  ASSERT_EQ(tables.size(), 1u);
  const GumboNode* thead = Find(tables[0], GUMBO_TAG_THEAD).at(0);
  int item_columns = 0;
  for (const GumboNode* th : Find(thead, GUMBO_TAG_TH)) {
    item_columns += std::regex_match(Text(th), std::regex("O[0-9]+"));
  }
  EXPECT_EQ(item_columns, 22);
  const GumboNode* tbody = Find(tables[0], GUMBO_TAG_TBODY).at(0);
  EXPECT_EQ(Find(tbody, GUMBO_TAG_TR).size(), 3u);
  std::string text = Text(parsed.output->root);
  EXPECT_NE(text.find("สำนักงานเขตหลักสี่"), std::string::npos);
  EXPECT_NE(text.find("4.55"), std::string::npos);  // 1 of 22 items pass
  EXPECT_NE(text.find("ต้องปรับปรุงโดยด่วน"), std::string::npos);
  EXPECT_NE(text.find("OIT part only"), std::string::npos);
  EXPECT_NE(text.find("ผ่าน (pass)"), std::string::npos);  // legend
  EXPECT_NE(text.find("ตรวจไม่ได้ (unchecked)"), std::string::npos);
}

TEST_F(HtmlReportTest, IndexCountsDaysToTheDataEntryWindowAndSaysTheAssumption) {
  std::string text = ReadFile(Write() + "/index.html");
  // as of 2025-04-10, FY2568: the window 1 Mar - 30 Apr 2025 closes in 20 days.
  EXPECT_NE(text.find("เหลืออีก <b>20</b> วัน"), std::string::npos);
  EXPECT_NE(text.find("1 มีนาคม – 30 เมษายน 2568"), std::string::npos);
}

TEST_F(HtmlReportTest, SitePageShowsChangesSinceThePreviousFinishedRun) {
  std::string html = ReadFile(Write() + "/site-laksi.html");
  Parsed parsed(html);
  std::string text = Text(parsed.output->root);
  EXPECT_NE(text.find("เทียบกับรอบ (compared with run) #1"), std::string::npos);
  EXPECT_NE(text.find("คะแนน (score) 9.09 → 4.55"), std::string::npos);
  // O2 went pass -> partial; O1 (pass both times) is not listed.
  EXPECT_NE(html.find("<a href=\"#item-O2\">O2</a>"), std::string::npos);
  EXPECT_EQ(html.find("<a href=\"#item-O1\">O1</a>"), std::string::npos);
  std::string bangkhen = ReadFile(Write() + "/site-bangkhen.html");
  EXPECT_NE(bangkhen.find("no earlier finished run"), std::string::npos);
}

TEST_F(HtmlReportTest, SitePageShowsItemDetailsAndCoverage) {
  std::string html = ReadFile(Write() + "/site-laksi.html");
  Parsed parsed(html);
  std::string text = Text(parsed.output->root);
  EXPECT_NE(text.find("ตุลาคม 2567 (2024-10)"), std::string::npos);  // month
  EXPECT_NE(text.find("15 มกราคม 2568 (2025-01-15)"), std::string::npos);
  EXPECT_NE(text.find("https://webportal.bangkok.go.th/laksi/gone"),
            std::string::npos);  // error
  EXPECT_NE(text.find("robots_disallowed"), std::string::npos);  // skipped
  EXPECT_NE(text.find("หน้าเว็บ (pages) 12"), std::string::npos);
}

TEST_F(HtmlReportTest, UncheckedSiteIsNotReportedMissing) {
  std::string text = ReadFile(Write() + "/site-bangkhen.html");
  EXPECT_NE(text.find("items are NOT reported as missing"), std::string::npos);
  EXPECT_EQ(text.find("st-missing\">"), std::string::npos);
}

// Beside each score: how many of its items could not be checked (counted
// as not passed: laksi's O5).
TEST_F(HtmlReportTest, ScoreSaysHowManyItemsWereNotChecked) {
  std::string out = Write();
  for (const char* page : {"/index.html", "/site-laksi.html"}) {
    Parsed parsed(ReadFile(out + page));
    std::string text = Text(parsed.output->root);
    EXPECT_NE(text.find("4.55ตรวจไม่ได้ 1 ข้อ นับเป็นไม่ผ่าน (1 not checked, "
                        "counted as not passed)"),
              std::string::npos)
        << page;
  }
}

// Red-team probe H01: a site stored "checked" whose items are all unchecked
// (host dropped after the start page) is shown unchecked, with no score, and
// the mean leaves it out instead of counting it as 0.
TEST_F(HtmlReportTest, SiteWithNoItemJudgedIsUncheckedAndOutOfTheMean) {
  AddSite("dropped", "สำนักงานเขตดุสิต", "Dusit District Office");
  std::vector<ItemVerdict> v;
  for (int n = 1; n <= 22; ++n) v.push_back(Verdict(n, ItemStatus::kUnchecked));
  SiteRunInfo info;
  info.site_id = "dropped";
  info.state = "checked";
  info.reason = "host dropped after 12 consecutive failed fetches";
  std::string err;
  ASSERT_TRUE(store_->SaveSiteResult(run_id_, info, v, &err)) << err;
  std::string out = Write();
  Parsed index(ReadFile(out + "/index.html"));
  std::string text = Text(index.output->root);
  EXPECT_NE(text.find("ตรวจแล้ว (checked) 1 · ตรวจไม่ได้ (unchecked) 3"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("(mean predicted score) 4.55 (จาก 1 หน่วยงานที่มีคะแนน; "
                      "of 1 site with a score)"),
            std::string::npos)
      << text;
  std::string page = ReadFile(out + "/site-dropped.html");
  EXPECT_NE(page.find("items are NOT reported as missing"), std::string::npos);
  EXPECT_NE(page.find("host dropped after 12"), std::string::npos);
}

TEST_F(HtmlReportTest, CommandWithoutOutIsAClearUsageError) {
  ProcessResult r = RunProcess({OITWATCH_BINARY, "report", "--db",
                                dir_ + "/oitwatch.db", "--format", "html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--format html writes a directory"), std::string::npos)
      << r.err;
}

TEST_F(HtmlReportTest, CommandWritesTheDirectory) {
  store_.reset();
  std::string out = dir_ + "/cli-report";
  ProcessResult r = RunProcess({OITWATCH_BINARY, "report", "--db",
                                dir_ + "/oitwatch.db", "--format", "html",
                                "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out + "/index.html"));
  EXPECT_TRUE(fs::exists(out + "/site-laksi.html"));
}

TEST(HtmlReportNames, SitePageNameStaysInsideTheDirectory) {
  EXPECT_EQ(SitePageName("laksi"), "site-laksi.html");
  EXPECT_EQ(SitePageName("../etc/passwd"), "site-___etc_passwd.html");
  EXPECT_EQ(SitePageName("บางรัก"), "site-" + std::string(18, '_') + ".html");
}

TEST(HtmlReportLevels, OitScoreMapsToFy2567Levels) {
  struct Case {
    double score;
    const char* if_equal;
    const char* best;
  } cases[] = {
      {100, "ผ่านดีเยี่ยม", "ผ่านดีเยี่ยม"}, {95, "ผ่านดีเยี่ยม", "ผ่านดีเยี่ยม"},
      {94.99, "ผ่านดี", "ผ่านดี"},       {85, "ผ่านดี", "ผ่านดี"},
      {84.99, "ต้องปรับปรุง", "ผ่าน"},    {62.5, "ต้องปรับปรุงโดยด่วน", "ผ่าน"},
      {62.49, "ต้องปรับปรุงโดยด่วน", "ต้องปรับปรุง"},
      {25, "ต้องปรับปรุงโดยด่วน", "ต้องปรับปรุง"},
      {24.99, "ต้องปรับปรุงโดยด่วน", "ต้องปรับปรุงโดยด่วน"},
      {70, "ต้องปรับปรุง", "ผ่าน"},
  };
  for (const Case& c : cases) {
    EXPECT_STREQ(LevelIfToolsEqual(c.score), c.if_equal) << c.score;
    EXPECT_STREQ(BestReachableLevel(c.score), c.best) << c.score;
  }
}

TEST(HtmlReportWindow, DaysToTheOitDataEntryWindow) {
  int start = 0, end = 0;
  ASSERT_TRUE(DaysToWindow("2025-02-19", 2568, &start, &end));
  EXPECT_EQ(start, 10);
  EXPECT_EQ(end, 70);
  ASSERT_TRUE(DaysToWindow("2024-02-19", 2567, &start, &end));  // leap year
  EXPECT_EQ(start, 11);
  ASSERT_TRUE(DaysToWindow("2025-05-02", 2568, &start, &end));
  EXPECT_EQ(end, -2);
  EXPECT_FALSE(DaysToWindow("10/04/2568", 2568, &start, &end));
}

// ---------------------------------------------------------------- Chromium

std::string Chromium() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (fs::exists(path)) return path;
  }
  return "";
}

// Chromium's profile directory lives inside the test's directory, so
// TearDown removes it.
std::vector<std::string> ChromiumArgs(const std::string& profile) {
  return {Chromium(), "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
          "--user-data-dir=" + profile};
}

TEST_F(HtmlReportTest, ChromiumShowsTheMatrixScoreAndThaiLabels) {
  if (Chromium().empty()) GTEST_SKIP() << "chromium is not installed";
  std::string out = Write();
  std::vector<std::string> args = ChromiumArgs(dir_ + "/chromium-profile");
  args.push_back("--dump-dom");
  args.push_back("file://" + out + "/index.html");
  ProcessResult r = RunProcess(args, 120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Parsed dom(r.out);  // the DOM as the browser built it
  std::vector<const GumboNode*> tables = Find(dom.output->root, GUMBO_TAG_TABLE);
  ASSERT_EQ(tables.size(), 1u) << r.out.substr(0, 2000);
  int item_columns = 0;
  for (const GumboNode* th : Find(Find(tables[0], GUMBO_TAG_THEAD).at(0),
                                  GUMBO_TAG_TH)) {
    item_columns += std::regex_match(Text(th), std::regex("O[0-9]+"));
  }
  EXPECT_EQ(item_columns, 22);
  EXPECT_EQ(Find(Find(tables[0], GUMBO_TAG_TBODY).at(0), GUMBO_TAG_TR).size(),
            3u);
  EXPECT_TRUE(Find(dom.output->root, GUMBO_TAG_SCRIPT).empty());
  std::string text = Text(dom.output->root);
  EXPECT_NE(text.find("4.55"), std::string::npos);
  EXPECT_NE(text.find("สำนักงานเขตหลักสี่"), std::string::npos);
  EXPECT_NE(text.find("คะแนน OIT คาดการณ์"), std::string::npos);
  EXPECT_NE(text.find(kScript), std::string::npos);  // the name, as text
}

TEST_F(HtmlReportTest, ChromiumRendersAScreenshot) {
  if (Chromium().empty()) GTEST_SKIP() << "chromium is not installed";
  std::string out = Write();
  std::string png = dir_ + "/index.png";
  std::vector<std::string> args = ChromiumArgs(dir_ + "/chromium-profile");
  args.push_back("--window-size=1400,900");
  args.push_back("--screenshot=" + png);
  args.push_back("file://" + out + "/index.html");
  ProcessResult r = RunProcess(args, 120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string bytes = ReadFile(png);
  ASSERT_GT(bytes.size(), 8u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  if (const char* keep = std::getenv("OITWATCH_KEEP_SCREENSHOT")) {
    fs::copy_file(png, keep, fs::copy_options::overwrite_existing);
  }
}

}  // namespace
}  // namespace oitwatch
