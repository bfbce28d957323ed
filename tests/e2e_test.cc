// End to end: the real `oitwatch` binary crawls a small Thai fixture served on
// 127.0.0.1 (several district sites under one host, an ITA index page, PDFs,
// a TIS-620 page, a 404 evidence link, a Cloudflare-blocked site, an
// unresolvable site), then the test reads the JSON report and the SQLite
// rows it left.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/test_html.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

std::string Menu(const std::string& slug) {
  return "<nav><a href=\"/" + slug + "/\">หน้าหลัก</a> <a href=\"/" + slug +
         "/page/sub/11/about\">ข้อมูลพื้นฐาน</a> <a href=\"/" + slug +
         "/ita\">ITA การเปิดเผยข้อมูลสาธารณะ</a> <a href=\"/dindaeng/\">"
         "สำนักงานเขตดินแดง</a> <a href=\"/bangrak/coverpages\">สำนักงานเขตบางรัก"
         "</a> <a href=\"/intranet/staff\">อินทราเน็ต</a></nav>";
}

TestResponse Pdf(const std::string& text) {
  TestResponse r;
  r.content_type = "application/pdf";
  r.body = MakeSimplePdf(text);
  return r;
}

// "สวัสดี" and a Thai link text in windows-874 bytes.
std::string Tis620(const std::string& utf8);

void ServeLaksi(TestServer* s) {
  const std::string files = "/public/user_files_editor/41/ITA/2568/";
  s->Route("/laksi/", TestResponse{200, "text/html; charset=utf-8",
      Html("สำนักงานเขตหลักสี่", Menu("laksi") +
           "<h1>สำนักงานเขตหลักสี่</h1><p>ข่าว: ประชุมเรื่องแผนปฏิบัติราชการ</p>"), {}});
  s->Route("/laksi/page/sub/11/about", TestResponse{200, "text/html",
      Html("ข้อมูลพื้นฐาน", Menu("laksi") +
           "<h1>ข้อมูลพื้นฐานของสำนักงานเขตหลักสี่</h1><p>ที่ตั้ง โทรศัพท์ 0 2521 0000"
           "</p>"), {}});
  std::string ita =
      "<h1>การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. 2568</h1><ul>"
      "<li><a href=\"" + files + "Action_Plan_2568.pdf\">O5 แผนปฏิบัติราชการประจำปี "
      "พ.ศ. 2568</a></li>"
      "<li><a href=\"" + files + "Report_2567.pdf\">O5 รายงานผลการปฏิบัติราชการประจำปี "
      "พ.ศ. 2567</a></li>"
      "<li><a href=\"" + files + "Budget_Plan_2567.pdf\">O13 แผนการใช้จ่ายงบประมาณ"
      "ประจำปี พ.ศ. 2567</a></li>"
      "<li><a href=\"" + files + "Budget_Report_2566.pdf\">O13 รายงานผลการใช้จ่าย"
      "งบประมาณประจำปี พ.ศ. 2566</a></li>"
      "<li><a href=\"" + files + "AntiBribery_2568.pdf\">O18 ประกาศนโยบายต่อต้าน"
      "การรับสินบน (Anti-Bribery Policy) ประจำปี 2568</a></li>"
      "<li><a href=\"" + files + "egp_announce_2568.pdf\">O15 ประกาศเชิญชวนและประกาศ"
      "ผู้ชนะการเสนอราคา ประจำปีงบประมาณ พ.ศ. 2568</a></li>";
  const char* months[] = {"ตุลาคม 2567", "พฤศจิกายน 2567", "ธันวาคม 2567",
                          "มกราคม 2568"};
  for (int i = 0; i < 4; ++i) {
    ita += "<li><a href=\"" + files + "sum_" + std::to_string(i) +
           ".pdf\">สรุปผลการจัดซื้อจัดจ้างประจำเดือน" + months[i] + "</a></li>";
    s->Route(files + "sum_" + std::to_string(i) + ".pdf",
             Pdf("Procurement summary (sor khor ror 1)"));
  }
  ita += "</ul><table><tr><td>O6</td><td>คู่มือการปฏิบัติงาน ฝ่ายทะเบียน</td>"
         "<td><a href=\"" + files + "m01.pdf\">ดาวน์โหลด</a></td></tr></table>";
  s->Route(files + "m01.pdf", Pdf("scan 01"));
  // A link inside laksi's prefix that redirects into another district.
  ita += "<a href=\"/laksi/page/sub/99/discretion\">O20 แนวทางการใช้ดุลยพินิจ"
         "ของเจ้าหน้าที่ ประจำปี 2568</a>";
  s->Route("/laksi/page/sub/99/discretion",
           TestResponse{302, "text/html", "", {{"Location", "/dindaeng/discretion"}}});
  s->Route("/dindaeng/discretion", TestResponse{200, "text/html",
      Html("แนวทางการใช้ดุลยพินิจ 2568", "<h1>แนวทางการใช้ดุลยพินิจของเจ้าหน้าที่ "
           "ประจำปีงบประมาณ 2568 สำนักงานเขตดินแดง</h1><p>เพื่อให้การใช้ดุลยพินิจของ"
           "เจ้าหน้าที่ในการอนุมัติ อนุญาต และเปรียบเทียบปรับ เป็นไปอย่างโปร่งใสและ"
           "ตรวจสอบได้ สำนักงานเขตดินแดงจึงกำหนดแนวทางปฏิบัติ ขั้นตอน ผู้อนุมัติ และการ"
           "ตรวจสอบ ดังต่อไปนี้</p>"), {}});
  s->Route("/laksi/ita", TestResponse{200, "text/html", Html("ITA", Menu("laksi") + ita), {}});
  s->Route(files + "Action_Plan_2568.pdf", Pdf("Action plan FY 2568"));
  s->Route(files + "Report_2567.pdf", Pdf("Performance report FY 2567"));
  s->Route(files + "Budget_Plan_2567.pdf", Pdf("Spending plan FY 2567"));
  s->Route(files + "Budget_Report_2566.pdf", Pdf("Spending report FY 2566"));
  s->Route(files + "egp_announce_2568.pdf", Pdf("Procurement announcements 2568"));
  // AntiBribery_2568.pdf is not routed: the link is broken (404).
}

void ServeOthers(TestServer* s) {
  s->Route("/robots.txt", TestResponse{200, "text/plain",
      "User-agent: *\nDisallow: /intranet/\n", {}});
  s->Route("/intranet/staff", TestResponse{200, "text/html",
      Html("intranet", "<a href=\"/intranet/secret.pdf\">แผนปฏิบัติราชการ 2568</a>"), {}});
  std::string dindaeng =
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
      "charset=tis-620\"><title>" + Tis620("สำนักงานเขตดินแดง") +
      "</title></head><body><h1>" + Tis620("สำนักงานเขตดินแดง") +
      "</h1><a href=\"/public/user_files_editor/26/plan2568.pdf\">" +
      Tis620("แผนปฏิบัติราชการประจำปี พ.ศ. ๒๕๖๘") + "</a> <a href=\"/dindaeng/rev\">" +
      Tis620("สถิติการจัดเก็บรายได้ ประจำปี ๒๕๖๘") + "</a></body></html>";
  s->Route("/dindaeng/", TestResponse{200, "text/html", dindaeng, {}});
  s->Route("/dindaeng/rev", TestResponse{200, "text/html",
      Html("สถิติการจัดเก็บรายได้", "<h1>สถิติการจัดเก็บรายได้ ประจำปีงบประมาณ 2568</h1>"), {}});
  s->Route("/public/user_files_editor/26/plan2568.pdf", Pdf("plan 2568"));
  s->Route("/bangrak/coverpages", TestResponse{403, "text/html",
      "<html><head><title>Just a moment...</title></head><body>cf-chl</body></html>", {}});
}

std::string Tis620(const std::string& utf8) {
  // Thai block U+0E01..U+0E5B maps to 0xA1..0xFB in windows-874.
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c == 0xE0 && i + 2 < utf8.size()) {
      int cp = ((c & 0x0F) << 12) | ((utf8[i + 1] & 0x3F) << 6) | (utf8[i + 2] & 0x3F);
      out += static_cast<char>(cp - 0x0E00 + 0xA0);
      i += 3;
    } else {
      out += static_cast<char>(c);
      ++i;
    }
  }
  return out;
}

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServeLaksi(&server_);
    ServeOthers(&server_);
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    sites_ = dir_ + "/sites.yaml";
    ASSERT_TRUE(WriteFile(sites_,
        "sites:\n"
        "  - id: laksi\n    name: สำนักงานเขตหลักสี่\n    name_en: Lak Si\n"
        "    url: " + server_.url("/laksi/") + "\n"
        "  - id: dindaeng\n    name: สำนักงานเขตดินแดง\n    name_en: Din Daeng\n"
        "    url: " + server_.url("/dindaeng/") + "\n"
        "  - id: bangrak\n    name: สำนักงานเขตบางรัก\n    name_en: Bang Rak\n"
        "    url: " + server_.url("/bangrak/coverpages") + "\n"
        "  - id: nowhere\n    name: ไม่มีจริง\n    name_en: Nowhere\n"
        "    url: http://nosuch.invalid/nowhere/\n"));
  }

  ProcessResult Run(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {
        OITWATCH_BINARY, "run", "--sites", sites_, "--rules",
        std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
        "--db", dir_ + "/o.db", "--as-of", "2025-04-10", "--host-delay-ms", "0",
        "--host-connections", "4", "--allow-address", "127.0.0.1",
        "--timeout-ms", "5000", "--connect-timeout-ms", "2000"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProcess(argv, 120);
  }

  static const json& SiteOf(const json& report, const std::string& id) {
    for (const json& s : report["sites"]) {
      if (s["id"] == id) return s;
    }
    static const json kNone;
    ADD_FAILURE() << "no site " << id;
    return kNone;
  }

  static std::string Status(const json& site, const std::string& item) {
    for (const json& i : site["items"]) {
      if (i["id"] == item) return i["status"].get<std::string>();
    }
    return "(no item " + item + ")";
  }

  static const json& Item(const json& site, const std::string& item) {
    for (const json& i : site["items"]) {
      if (i["id"] == item) return i;
    }
    static const json kNone;
    return kNone;
  }

  TestServer server_;
  std::string dir_, sites_;
};

TEST_F(EndToEndTest, RunJudgesItemsAndStoresEvidence) {
  ProcessResult r = Run({"--format", "json", "--quiet"});
  ASSERT_FALSE(r.timed_out) << r.err;
  EXPECT_EQ(r.exit_code, 4) << "some sites unchecked => exit 4\n" << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["ruleset"], "bma-district");
  EXPECT_EQ(report["fiscal_year"], 2568);
  EXPECT_EQ(report["as_of"], "2025-04-10");
  ASSERT_EQ(report["sites"].size(), 4u);

  const json& laksi = SiteOf(report, "laksi");
  EXPECT_EQ(laksi["state"], "checked");
  ASSERT_EQ(laksi["items"].size(), 22u);
  EXPECT_EQ(Status(laksi, "O5"), "pass") << Item(laksi, "O5").dump(2);
  EXPECT_EQ(Status(laksi, "O13"), "stale") << Item(laksi, "O13").dump(2);
  EXPECT_EQ(Status(laksi, "O18"), "broken") << Item(laksi, "O18").dump(2);
  EXPECT_EQ(Status(laksi, "O15"), "partial") << Item(laksi, "O15").dump(2);
  EXPECT_EQ(Status(laksi, "O6"), "pass")
      << "a bare 'ดาวน์โหลด' link is read through its table row\n"
      << Item(laksi, "O6").dump(2);
  EXPECT_NE(Status(laksi, "O20"), "pass")
      << "a link that redirects into another district is not laksi's evidence\n"
      << Item(laksi, "O20").dump(2);
  EXPECT_EQ(Status(laksi, "O10"), "missing")
      << "another district's revenue page must not count for laksi";
  const json& o5 = Item(laksi, "O5");
  ASSERT_FALSE(o5["evidence"].empty());
  EXPECT_NE(o5["evidence"][0]["url"].get<std::string>().find("/public/user_files_editor/41/"),
            std::string::npos);
  EXPECT_EQ(o5["evidence"][0]["found_on"], server_.url("/laksi/ita"));
  const json& o15 = Item(laksi, "O15");
  std::string months = o15.value("missing_months", json::array()).dump();
  EXPECT_NE(months.find("2025-02"), std::string::npos) << months;
  EXPECT_NE(months.find("2025-03"), std::string::npos) << months;
  EXPECT_TRUE(laksi["score"].is_number());

  const json& bangrak = SiteOf(report, "bangrak");
  EXPECT_EQ(bangrak["state"], "unchecked");
  EXPECT_TRUE(bangrak["score"].is_null());
  for (const json& item : bangrak["items"]) {
    EXPECT_EQ(item["status"], "unchecked") << item.dump();
  }
  const json& nowhere = SiteOf(report, "nowhere");
  EXPECT_EQ(nowhere["state"], "unchecked");
  EXPECT_NE(nowhere["reason"].get<std::string>().find("DNS"), std::string::npos);

  const json& dindaeng = SiteOf(report, "dindaeng");
  EXPECT_EQ(dindaeng["state"], "checked");
  EXPECT_EQ(Status(dindaeng, "O5"), "partial") << Item(dindaeng, "O5").dump(2);
  EXPECT_NE(Item(dindaeng, "O5").dump().find("แผนปฏิบัติราชการ"), std::string::npos)
      << "TIS-620 link text decoded to UTF-8";
}

TEST_F(EndToEndTest, SqliteHoldsRunPagesAndVerdicts) {
  ProcessResult r = Run({"--format", "none", "--quiet"});
  ASSERT_EQ(r.exit_code, 4) << r.err;
  SQLite::Database db(dir_ + "/o.db");
  EXPECT_EQ(db.execAndGet("SELECT status FROM runs WHERE id = 1").getString(),
            "finished");
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM item_states WHERE run_id = 1").getInt(),
            4 * 22);
  EXPECT_EQ(db.execAndGet(
                "SELECT http_status FROM pages WHERE url LIKE '%AntiBribery_2568.pdf'")
                .getInt(),
            404);
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM pages WHERE url LIKE '%/intranet/%' "
                          "AND outcome = 'ok'").getInt(),
            0)
      << "robots.txt disallows /intranet/";
  EXPECT_EQ(server_.hits("/intranet/staff"), 0);
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM pages WHERE site_id = 'laksi' AND "
                          "url LIKE '%/dindaeng/%' AND outcome = 'ok'").getInt(),
            0)
      << "laksi's crawl never wanders into another district";
  EXPECT_GT(db.execAndGet("SELECT COUNT(*) FROM hits WHERE site_id = 'laksi' AND "
                          "item_id = 'O5'").getInt(),
            0);
}

TEST_F(EndToEndTest, HistoryKeptAcrossRunsAndReportReadsAnyRun) {
  ASSERT_EQ(Run({"--format", "none", "--quiet"}).exit_code, 4);
  ASSERT_EQ(Run({"--format", "none", "--quiet"}).exit_code, 4);
  ProcessResult first = RunProcess({OITWATCH_BINARY, "report", "--db", dir_ + "/o.db",
                                    "--run", "1", "--format", "json", "--site", "laksi"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  json j = json::parse(first.out);
  EXPECT_EQ(j["run_id"], 1);
  ASSERT_EQ(j["sites"].size(), 1u);
  ProcessResult latest = RunProcess({OITWATCH_BINARY, "report", "--db", dir_ + "/o.db",
                                     "--format", "json"});
  EXPECT_EQ(json::parse(latest.out)["run_id"], 2);
}

TEST_F(EndToEndTest, ExplainShowsTheChainFromPageToVerdict) {
  ASSERT_EQ(Run({"--format", "none", "--quiet"}).exit_code, 4);
  ProcessResult r = RunProcess({OITWATCH_BINARY, "explain", "--db", dir_ + "/o.db",
                                "--site", "laksi", "--item", "O18"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("broken"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(server_.url("/laksi/ita")), std::string::npos)
      << "the page that linked the evidence\n" << r.out;
  EXPECT_NE(r.out.find("AntiBribery_2568.pdf"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("HTTP 404"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rule line"), std::string::npos) << r.out;
  ProcessResult bad = RunProcess({OITWATCH_BINARY, "explain", "--db", dir_ + "/o.db",
                                  "--site", "laksi", "--item", "O99"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("no verdict"), std::string::npos) << bad.err;
}

TEST_F(EndToEndTest, CommitteeOverridesArePinnedCheckedAndShown) {
  server_.Route("/public/user_files_editor/41/ITA/2568/O18_AntiBribery_2568.pdf",
                Pdf("Anti-bribery policy and report 2568"));
  std::string overrides = dir_ + "/overrides.yaml";
  ASSERT_TRUE(WriteFile(overrides,
      "overrides:\n"
      "  - site: laksi\n    item: O18\n"
      "    url: " + server_.url("/public/user_files_editor/41/ITA/2568/"
                              "O18_AntiBribery_2568.pdf") + "\n"
      "  - site: laksi\n    item: O3\n    not_applicable: true\n"
      "    note: ไม่มีโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่\n"));
  ProcessResult r = Run({"--format", "json", "--quiet", "--overrides", overrides});
  ASSERT_EQ(r.exit_code, 4) << r.err;
  json report = json::parse(r.out);
  const json& laksi = SiteOf(report, "laksi");
  EXPECT_EQ(Status(laksi, "O18"), "pass") << Item(laksi, "O18").dump(2);
  EXPECT_NE(Item(laksi, "O18")["reason"].get<std::string>().find("committee-pinned"),
            std::string::npos);
  EXPECT_EQ(Status(laksi, "O3"), "not_applicable");
  EXPECT_EQ(server_.hits("/public/user_files_editor/41/ITA/2568/O18_AntiBribery_2568.pdf"),
            1)
      << "the pinned URL is fetched although no page links it";

  std::string bad = dir_ + "/bad-overrides.yaml";
  ASSERT_TRUE(WriteFile(bad, "overrides:\n  - site: laksi\n    item: O42\n"
                             "    not_applicable: true\n"));
  ProcessResult rejected = Run({"--format", "none", "--overrides", bad});
  EXPECT_EQ(rejected.exit_code, 2);
  EXPECT_NE(rejected.err.find("bad-overrides.yaml:2: unknown item 'O42'"),
            std::string::npos) << rejected.err;
}

TEST_F(EndToEndTest, LoopbackSiteWithoutAllowAddressIsUncheckedWithAHint) {
  ProcessResult r = RunProcess(
      {OITWATCH_BINARY, "run", "--sites", sites_, "--db", dir_ + "/o.db",
       "--as-of", "2025-04-10", "--host-delay-ms", "0", "--format", "json",
       "--quiet"});
  ASSERT_EQ(r.exit_code, 4) << r.err;
  json report = json::parse(r.out);
  const json& laksi = SiteOf(report, "laksi");
  EXPECT_EQ(laksi["state"], "unchecked");
  EXPECT_NE(laksi["reason"].get<std::string>().find("--allow-address"),
            std::string::npos)
      << laksi["reason"];
  EXPECT_EQ(Status(laksi, "O5"), "unchecked") << "never missing";
  EXPECT_EQ(server_.hits("/laksi/"), 0) << "the address guard sent nothing";
}

TEST_F(EndToEndTest, BadSitesFileIsAUsageErrorWithLocation) {
  std::string bad = dir_ + "/bad.yaml";
  ASSERT_TRUE(WriteFile(bad, "sites:\n  - id: x\n    name: x\n"));
  ProcessResult r = RunProcess({OITWATCH_BINARY, "run", "--sites", bad, "--db",
                                dir_ + "/o.db"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:"), std::string::npos) << r.err;
}

TEST_F(EndToEndTest, HelpTeachesAndExitsZero) {
  ProcessResult r = RunProcess({OITWATCH_BINARY, "run", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--as-of"), std::string::npos);
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos);
}

}  // namespace
}  // namespace oitwatch
