// Alerts across a night on which the evidence could not be checked (red team
// rt6night BUG-2): the item is compared with its last judged verdict (the
// reports' last_known), not with the site's last checked run, where it was
// `unchecked`. A site on which no item could be judged (dropped after the
// start page for its failed fetches) is stored `unchecked`, so it counts towards the
// "unreachable N runs in a row" alert. Real binary, real SQLite file, real
// loopback HTTP and SMTP.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/alert.h"
#include "tests/test_html.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_server.h"
#include "tests/test_smtp_sink.h"

namespace oitwatch {
namespace {

using nlohmann::json;

// The decoded body of an e-mail whose body is one base64 block.
std::string MailText(const std::string& data) {
  const size_t start = data.find("\r\n\r\n");
  return Base64Decode(start == std::string::npos ? "" : data.substr(start + 4));
}

class AlertHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    db_ = dir_ + "/oitwatch.db";
    ASSERT_TRUE(server_.Start());
    ASSERT_TRUE(sink_.Start());
    server_.Route("/laksi/", TestResponse{200, "text/html; charset=utf-8",
                                          Html("หลักสี่", kLinks), {}});
    // Tonight's answer for the announcement PDF: 200, 403 (blocked: the
    // item is unchecked) or 404 (broken).
    server_.Route(kPdf, [this](const TestRequest&) {
      if (pdf_status_ != 200) {
        return TestResponse{pdf_status_, "text/plain", "no", {}};
      }
      return TestResponse{200, "application/pdf",
                          MakeSimplePdf("Anti-Bribery Policy 2568"), {}};
    });
    server_.Route(kReportPdf, TestResponse{200, "application/pdf",
                                           MakeSimplePdf("Report 2568"), {}});
    ASSERT_TRUE(WriteFile(dir_ + "/sites.yaml",
        "sites:\n  - id: laksi\n    name: สำนักงานเขตหลักสี่\n"
        "    name_en: Lak Si District Office\n    url: " + server_.url("/laksi/") +
        "\n    contacts: [webmaster@laksi.example]\n"));
  }

  // One night; returns O18's status in the JSON report.
  std::string Night(const std::string& as_of, int pdf_status) {
    pdf_status_ = pdf_status;
    ProcessResult r = RunProcess(
        {OITWATCH_BINARY, "run", "--db", db_, "--sites", dir_ + "/sites.yaml",
         "--rules",
         std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
         "--as-of", as_of, "--host-delay-ms", "0", "--allow-address",
         "127.0.0.1", "--format", "json", "--quiet", "--smtp-url", sink_.url(),
         "--smtp-tls", "none", "--mail-from", "oitwatch@bma.example"},
        120);
    // 4: something was unchecked (the 403 night); alerts never change it.
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 4) << r.exit_code << r.err;
    json report = json::parse(r.out, nullptr, false);
    if (report.is_discarded()) return "bad json: " + r.out;
    for (const json& item : report["sites"][0]["items"]) {
      if (item["id"] == "O18") return item["status"];
    }
    return "no O18";
  }

  const std::string kPdf =
      "/public/user_files_editor/41/ITA/2568/AntiBribery_2568.pdf";
  const std::string kReportPdf =
      "/public/user_files_editor/41/ITA/2568/Report_2568.pdf";
  const std::string kLinks =
      "<a href=\"" + kPdf + "\">O18 ประกาศนโยบายต่อต้านการรับสินบน "
      "(Anti-Bribery Policy) ประจำปี 2568</a><a href=\"" + kReportPdf +
      "\">รายงานผลการดำเนินการตามนโยบายต่อต้านการรับสินบน ประจำปี 2568</a>";
  int pdf_status_ = 200;
  std::string dir_, db_;
  TestServer server_;
  SmtpSink sink_;
};

TEST_F(AlertHistoryTest, PassThenUncheckedThenBrokenSendsOneAlertOnNightThree) {
  ASSERT_EQ(Night("2025-04-10", 200), "pass");
  ASSERT_EQ(Night("2025-04-11", 403), "unchecked");
  EXPECT_TRUE(sink_.messages().empty()) << "an unchecked item is no alert";
  ASSERT_EQ(Night("2025-04-12", 404), "broken");
  ASSERT_EQ(sink_.messages().size(), 1u) << "pass -> unchecked -> broken";
  const std::string text = MailText(sink_.messages()[0].data);
  EXPECT_NE(text.find("O18"), std::string::npos) << text;
  EXPECT_NE(text.find("pass -> broken"), std::string::npos)
      << "compared with the last judged verdict: " << text;
  ASSERT_EQ(Night("2025-04-13", 404), "broken");
  EXPECT_EQ(sink_.messages().size(), 1u) << "a standing problem is told once";
}

TEST_F(AlertHistoryTest, PassThenUncheckedThenPassSendsNothing) {
  ASSERT_EQ(Night("2025-04-10", 200), "pass");
  ASSERT_EQ(Night("2025-04-11", 403), "unchecked");
  ASSERT_EQ(Night("2025-04-12", 200), "pass");
  EXPECT_TRUE(sink_.messages().empty());
}

TEST_F(AlertHistoryTest, UncheckedOnTwoNightsIsStillComparedWithThePass) {
  ASSERT_EQ(Night("2025-04-10", 200), "pass");
  ASSERT_EQ(Night("2025-04-11", 403), "unchecked");
  ASSERT_EQ(Night("2025-04-12", 403), "unchecked");
  ASSERT_EQ(Night("2025-04-13", 404), "broken");
  ASSERT_EQ(sink_.messages().size(), 1u);
  EXPECT_NE(MailText(sink_.messages()[0].data).find("pass -> broken"),
            std::string::npos);
}

// Red-team probe H01: the start page answers, every page it links to fails
// until the site is dropped (its own error budget). No item could be judged, yet the site was stored
// "checked" (only the report said unchecked): the progress line said
// state=checked and the unreachable alert never came. Now the stored state,
// the progress line and the report agree, and night 3 queues the alert.
TEST(AlertHostDroppedTest, SiteWithNothingJudgedIsStoredUncheckedAndAlerted) {
  const std::string dir = MakeTempDir();
  const std::string db = dir + "/oitwatch.db";
  TestServer server;
  ASSERT_TRUE(server.Start());
  std::string links;
  for (int i = 0; i < 16; ++i) {
    const std::string path = "/laksi/p" + std::to_string(i);
    links += "<a href=\"" + path + "\">หน้า " + std::to_string(i) + "</a> ";
    server.Route(path, TestResponse{500, "text/html", "boom", {}});
  }
  server.Route("/laksi/",
               TestResponse{200, "text/html; charset=utf-8",
                            Html("หลักสี่", links), {}});
  std::mutex mu;
  std::vector<std::string> hooks;
  server.Route("/hook", [&](const TestRequest& req) {
    std::lock_guard<std::mutex> lock(mu);
    hooks.push_back(req.body);
    return TestResponse{200, "application/json", "{}", {}};
  });
  ASSERT_TRUE(WriteFile(dir + "/sites.yaml",
      "sites:\n  - id: laksi\n    name: สำนักงานเขตหลักสี่\n"
      "    name_en: Lak Si District Office\n    url: " +
      server.url("/laksi/") + "\n"));
  const std::string kAlert = "unchecked 3 runs in a row";
  for (int night = 1; night <= 3; ++night) {
    SCOPED_TRACE("night " + std::to_string(night));
    ProcessResult r = RunProcess(
        {OITWATCH_BINARY, "run", "--db", db, "--sites", dir + "/sites.yaml",
         "--rules",
         std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
         "--as-of", "2025-04-1" + std::to_string(night), "--host-delay-ms", "0",
         "--allow-address", "127.0.0.1", "--format", "json", "--webhook",
         server.url("/hook"), "--webhook-allow-address", "127.0.0.1"},
        120);
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("state=unchecked"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("state=checked"), std::string::npos) << r.err;
    json report = json::parse(r.out, nullptr, false);
    ASSERT_FALSE(report.is_discarded()) << r.out.substr(0, 500);
    const json& site = report["sites"][0];
    EXPECT_EQ(site.value("state", ""), "unchecked") << site.dump().substr(0, 600);
    EXPECT_TRUE(site["score"].is_null()) << site["score"];
    SQLite::Database sql(db);
    SQLite::Statement q(sql,
                        "SELECT state, reason FROM run_sites WHERE site_id = "
                        "'laksi' ORDER BY run_id DESC LIMIT 1");
    ASSERT_TRUE(q.executeStep());
    EXPECT_EQ(q.getColumn(0).getString(), "unchecked");
    const std::string reason = q.getColumn(1).getString();
    EXPECT_NE(reason.find("no item could be checked"), std::string::npos)
        << reason;
    EXPECT_NE(reason.find("site dropped after 8 consecutive failed fetches"),
              std::string::npos)
        << reason;
    SQLite::Statement queued(
        sql, "SELECT count(*) FROM outbox WHERE body LIKE '%" + kAlert + "%'");
    ASSERT_TRUE(queued.executeStep());
    EXPECT_EQ(queued.getColumn(0).getInt(), night < 3 ? 0 : 1);
  }
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_FALSE(hooks.empty()) << "night 3 alerts the contacts";
  EXPECT_NE(hooks.back().find(kAlert), std::string::npos) << hooks.back();
}

// The "site unreachable" message used to read "status: ? -> unchecked".
TEST(AlertUnreachableTest, MessageSaysHowManyRunsInThaiAndNoUnknownStatus) {
  SiteAlertInput in;
  in.site_id = "laksi";
  in.site_name = "สำนักงานเขตหลักสี่";
  in.run_id = 3;
  in.checked = false;
  in.unchecked_nights = 3;
  ItemVerdict v;
  v.item_id = "O1";
  v.status = ItemStatus::kUnchecked;
  v.reason = "DNS failure";
  in.current = {v};
  AlertDecision d = DecideAlerts(in, AlertPolicy{}, 1744243200);
  ASSERT_EQ(d.events.size(), 1u);
  OutboxMessage m;
  m.channel = "email";
  m.events_json = EventsToJson(d.events);
  ComposeMessage(&m);
  EXPECT_EQ(m.body.find("? ->"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("ตรวจไม่ได้ติดต่อกัน 3 ครั้ง (unchecked 3 runs in a row)"
                        ": DNS failure"),
            std::string::npos)
      << m.body;
}

}  // namespace
}  // namespace oitwatch
