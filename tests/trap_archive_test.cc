// B11 and a real big archive (bench pages10x): the template budget (50 URLs
// of one shape, 200 for likely evidence) must not leave out a district's
// archive of more announcements than that, linked from its ITA index, and
// must still end an endless calendar under that index baited with evidence
// words, whether its pages read alike (numbers aside) or each differently.
// The real `oitwatch` binary against a loopback server.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "crawler/crawl.h"
#include "crawler/trap.h"
#include "tests/test_html.h"
#include "tests/test_process.h"
#include "tests/test_report_json.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

constexpr int kAnnouncements = 300;  // above the 200 likely URLs of a shape
constexpr int kSchoolsAt = 280;      // the evidence, past the first 200

const int kBudget = CrawlConfig().max_urls_per_template;
const int kBase = (1 + TemplateBudget::kLikelyFactor) * kBudget;

TestResponse Page(const std::string& title, const std::string& body) {
  return TestResponse{200, "text/html; charset=utf-8", Html(title, body), {}};
}

std::string A(const std::string& href, const std::string& text) {
  return "<a href=\"" + href + "\">" + text + "</a> ";
}

// Announcement n's title: words of its own (numbers alone would read alike).
std::string AnnouncementTitle(int n) {
  static const char* const kWork[] = {
      "ซ่อมผิวถนน", "ขุดลอกคลอง", "ตัดแต่งกิ่งไม้", "ล้างท่อระบายน้ำ",
      "ติดตั้งไฟฟ้าส่องสว่าง", "ปรับปรุงทางเท้า", "ทาสีสะพานข้ามคลอง",
      "เก็บขยะชิ้นใหญ่", "ฉีดพ่นยากันยุง", "ปลูกต้นไม้ริมทาง",
      "ซ่อมประตูระบายน้ำ", "จัดระเบียบหาบเร่แผงลอย", "ตรวจสุขลักษณะร้านอาหาร",
      "ปรับปรุงลานกีฬา", "ซ่อมรั้วสวนสาธารณะ"};
  static const char* const kPlace[] = {
      "ซอยวัดทอง", "ชุมชนริมคลอง", "ถนนพหลโยธิน", "ตลาดบางเขน",
      "หมู่บ้านทิพวัล", "ชุมชนหลังวัด", "ซอยสุขาภิบาล", "ถนนแจ้งวัฒนะ",
      "ชุมชนเคหะ", "ซอยโกสุมรวมใจ", "ชุมชนทุ่งสองห้อง", "ถนนวิภาวดี",
      "ซอยเทวฤทธิ์", "ชุมชนร่วมใจ", "ตลาดยิ่งเจริญ", "ซอยพัฒนาการ",
      "ชุมชนสายไหม", "ถนนรามอินทรา", "ซอยอนามัย", "ชุมชนบ้านใหม่"};
  return std::string("ประกาศเขต เรื่อง ") + kWork[n % 15] + " " +
         kPlace[n / 15 % 20] + " ฉบับที่ " + std::to_string(n);
}

TestResponse SchoolsPage() {
  return Page("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
              "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต</h1>"
              "<p>โรงเรียนวัดทดสอบ</p>");
}

// `n` in letters ("a", "b" ... "ba" ...): a word no other month has.
std::string Letters(long n) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  } while (n > 0);
  return out;
}

class TrapArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    server_.Route("/d/", Page("สำนักงานเขตทดสอบ",
        "<h1>สำนักงานเขตทดสอบ</h1>" +
        A("/d/ita", "ITA การเปิดเผยข้อมูลสาธารณะ (OIT)")));
    server_.Route("/robots.txt", TestResponse{200, "text/plain", "", {}});
  }

  // Runs `oitwatch run` over the site at /d/, with room for a big archive.
  json Run(ProcessResult* process) {
    EXPECT_TRUE(WriteFile(dir_ + "/sites.yaml",
        "sites:\n  - id: d\n    name: สำนักงานเขตทดสอบ\n    name_en: Test\n"
        "    url: " + server_.url("/d/") + "\n"));
    *process = RunProcess(
        LoopbackRunArgs(dir_ + "/sites.yaml", dir_ + "/o.db",
                        {"--host-connections", "4", "--max-depth", "50",
                         "--max-pages-per-site", "100000",
                         "--max-requests-per-site", "100000"}),
        240);
    EXPECT_FALSE(process->timed_out) << "the run must end";
    return ReportSite(ParseReport(process->out, process->err), "d");
  }

  // An ITA index linking the schools list (O3) and, baited with O5's words,
  // an endless calendar at /d/cal?m=N. Month m links 3m+1 .. 3m+3 (a tree:
  // ever more months within --max-depth); `distinct`: each month's text
  // has a word of its own.
  void ServeBaitedCalendar(bool distinct) {
    server_.Route("/d/ita", Page("ITA",
        A("/d/schools", "รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร") +
        A("/d/cal?m=1", "แผนปฏิบัติราชการประจำปี พ.ศ. 2568 เดือน 1")));
    server_.Route("/d/schools", SchoolsPage());
    server_.Route("/d/cal", [distinct](const TestRequest& r) {
      const size_t at = r.query.find("m=");
      const long m = at == std::string::npos ? 0
                                             : std::atol(r.query.c_str() + at + 2);
      if (m > 1000000) return Page("ปฏิทินกิจกรรม", "<h1>ไม่มีข้อมูล</h1>");
      std::string body = "<h1>ปฏิทินกิจกรรม เดือน " + std::to_string(m) +
                         (distinct ? " " + Letters(m) : "") + "</h1>";
      for (long k = 3 * m + 1; k <= 3 * m + 3; ++k) {
        body += A("/d/cal?m=" + std::to_string(k),
                  "แผนปฏิบัติราชการประจำปี พ.ศ. 2568 เดือน " +
                      std::to_string(k));
      }
      return Page("ปฏิทินกิจกรรม", body);
    });
  }

  // The baited calendar ends within [min_hits, max_hits] requests,
  // reported as a suspected trap; O5, whose words are the bait, is never
  // passed on it (partial: a plan linked, no report; or unchecked).
  void ExpectTrapEnds(int min_hits, int max_hits) {
    ProcessResult process;
    const json site = Run(&process);
    EXPECT_LE(server_.hits("/d/cal"), max_hits) << "the template budget holds";
    EXPECT_GE(server_.hits("/d/cal"), min_hits);
    EXPECT_TRUE(process.exit_code == 0 || process.exit_code == 4)
        << process.exit_code << process.err;
    EXPECT_EQ(site.value("state", ""), "checked") << site.dump();
    EXPECT_NE(site.value("reason", "").find("crawler trap suspected"),
              std::string::npos)
        << site.value("reason", "");
    EXPECT_EQ(ReportItem(site, "O3").value("status", ""), "pass");
    const std::string o5 = ReportItem(site, "O5").value("status", "");
    EXPECT_TRUE(o5 == "partial" || o5 == "unchecked")
        << ReportItem(site, "O5").dump();
  }

  TestServer server_;
  std::string dir_;
};

// The ITA index lists 300 announcements of one shape, each with words of
// its own; the schools list (O3) is number 280, its link naming nothing.
// Each page has an ETag and answers 304 to a request that names it.
void ServeArchive(TestServer* server, std::atomic<int>* not_modified) {
  std::string index;
  for (int n = 1; n <= kAnnouncements; ++n) {
    const std::string href = "/d/ann/" + std::to_string(n) + ".html";
    index += A(href, AnnouncementTitle(n));
    TestResponse page = n == kSchoolsAt
                            ? SchoolsPage()
                            : Page(AnnouncementTitle(n),
                                   "<h1>" + AnnouncementTitle(n) + "</h1>");
    const std::string etag = "\"ann-" + std::to_string(n) + "\"";
    page.headers["ETag"] = etag;
    server->Route(href, [page, etag, not_modified](const TestRequest& r) {
      auto it = r.headers.find("if-none-match");
      if (it == r.headers.end() || it->second != etag) return page;
      ++*not_modified;
      return TestResponse{304, "", "", {{"ETag", etag}}};
    });
  }
  server->Route("/d/ita", Page("ITA", index));
}

// Every announcement is fetched and judged: no item unchecked, O3 passes.
void ExpectArchiveFetched(const ProcessResult& process, const json& site,
                          const TestServer& server, int hits) {
  EXPECT_EQ(process.exit_code, 0) << process.err;
  for (int n = 1; n <= kAnnouncements; ++n) {
    EXPECT_EQ(server.hits("/d/ann/" + std::to_string(n) + ".html"), hits)
        << n;
  }
  EXPECT_EQ(site.value("reason", ""), "") << "no trap suspected";
  EXPECT_EQ(ReportItem(site, "O3").value("status", ""), "pass");
  for (const json& item : site["items"]) {
    EXPECT_NE(item.value("status", ""), "unchecked") << item.dump();
  }
}

TEST_F(TrapArchiveTest, AnArchiveBiggerThanTheBudgetUnderTheIndexIsFetched) {
  std::atomic<int> not_modified{0};
  ServeArchive(&server_, &not_modified);
  ASSERT_TRUE(server_.Start());
  ASSERT_GT(kAnnouncements, TemplateBudget::kLikelyFactor * kBudget);
  ProcessResult process;
  json site = Run(&process);
  ExpectArchiveFetched(process, site, server_, 1);
  // The next night nothing changed: each page answers 304 (no body to
  // read), and stands for the text it had.
  site = Run(&process);
  ExpectArchiveFetched(process, site, server_, 2);
  EXPECT_EQ(not_modified.load(), kAnnouncements);
}

// B11 under the ITA index: months that read alike (numbers aside) earn
// nothing; the budget ends the calendar as it did.
TEST_F(TrapArchiveTest, ABaitedCalendarUnderTheIndexEnds) {
  ServeBaitedCalendar(/*distinct=*/false);
  ASSERT_TRUE(server_.Start());
  ExpectTrapEnds(kBudget, kBase);
}

// A calendar whose every month reads differently earns room, up to the cap.
TEST_F(TrapArchiveTest, ABaitedCalendarOfDistinctPagesEndsAtTheCap) {
  ServeBaitedCalendar(/*distinct=*/true);
  ASSERT_TRUE(server_.Start());
  ExpectTrapEnds(kBase + 1, kBase + TemplateBudget::kEarnFactor * kBudget);
}

}  // namespace
}  // namespace oitwatch
