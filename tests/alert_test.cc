// Alerts: decisions (pure), messages (RFC 5322 / RFC 2047, webhook JSON),
// delivery to real loopback sinks (tests/test_smtp_sink.h, TestServer), and
// the outbox end to end through the real `oitwatch` binary: one e-mail when
// an item is lost, nothing the second identical night, a failing SMTP server
// leaves the row pending, and a crash between send and mark gives at most one
// duplicate (RELIABILITY.md D5, D6, F20).
#include "reports/alert.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "storage/outbox.h"
#include "storage/store.h"
#include "tests/test_html.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_server.h"
#include "tests/test_smtp_sink.h"

namespace oitwatch {
namespace {

using nlohmann::json;

constexpr std::time_t kNow = 1744243200;  // 2025-04-10T00:00:00Z

ItemVerdict Verdict(const std::string& id, ItemStatus status,
                    const std::string& url = "") {
  ItemVerdict v;
  v.item_id = id;
  v.title = "ประกาศนโยบายต่อต้านการรับสินบน";
  v.status = status;
  v.reason = "reason of " + id;
  if (!url.empty()) {
    EvidenceRef e;
    e.url = url;
    e.state = status == ItemStatus::kBroken ? "broken" : "ok";
    v.evidence.push_back(e);
  }
  return v;
}

SiteAlertInput Input(std::vector<ItemVerdict> before,
                     std::vector<ItemVerdict> now) {
  SiteAlertInput in;
  in.site_id = "laksi";
  in.site_name = "สำนักงานเขตหลักสี่";
  in.run_id = 2;
  in.previous = std::move(before);
  in.current = std::move(now);
  return in;
}

TEST(AlertDecideTest, PassToMissingIsOneLostEvent) {
  AlertDecision d = DecideAlerts(
      Input({Verdict("O18", ItemStatus::kPass, "http://x/a.pdf"),
             Verdict("O5", ItemStatus::kMissing)},
            {Verdict("O18", ItemStatus::kMissing),
             Verdict("O5", ItemStatus::kMissing)}),
      AlertPolicy{}, kNow);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].kind, AlertKind::kLost);
  EXPECT_EQ(d.events[0].item_id, "O18");
  EXPECT_EQ(d.events[0].before, "pass");
  EXPECT_EQ(d.events[0].after, "missing");
  ASSERT_EQ(d.upserts.size(), 1u);
  EXPECT_EQ(d.upserts[0].fingerprint, "laksi|O18|lost||missing");
}

TEST(AlertDecideTest, UncheckedItemIsNotAnAlert) {
  AlertDecision d =
      DecideAlerts(Input({Verdict("O18", ItemStatus::kPass)},
                         {Verdict("O18", ItemStatus::kUnchecked)}),
                   AlertPolicy{}, kNow);
  EXPECT_TRUE(d.events.empty());
  EXPECT_TRUE(d.upserts.empty());
}

TEST(AlertDecideTest, EvidenceThatBreaksIsABrokenEvent) {
  AlertDecision d = DecideAlerts(
      Input({Verdict("O18", ItemStatus::kPartial, "http://x/a.pdf")},
            {Verdict("O18", ItemStatus::kBroken, "http://x/a.pdf")}),
      AlertPolicy{}, kNow);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].kind, AlertKind::kBroken);
  EXPECT_EQ(d.events[0].evidence_url, "http://x/a.pdf");
}

TEST(AlertDecideTest, StandingProblemIsRepeatedOnlyAfterRenotifyPeriod) {
  SiteAlertInput in = Input({Verdict("O18", ItemStatus::kMissing)},
                            {Verdict("O18", ItemStatus::kMissing)});
  in.open = {{"laksi", "O18", "lost", "laksi|O18|lost||missing", 1, kNow}};
  EXPECT_TRUE(DecideAlerts(in, AlertPolicy{}, kNow + 6 * 86400).events.empty());
  AlertDecision later = DecideAlerts(in, AlertPolicy{}, kNow + 7 * 86400);
  ASSERT_EQ(later.events.size(), 1u);
  EXPECT_EQ(later.upserts[0].first_run, 1);  // the problem keeps its start
}

TEST(AlertDecideTest, ChangedFingerprintIsSentAgain) {
  SiteAlertInput in = Input({Verdict("O18", ItemStatus::kMissing)},
                            {Verdict("O18", ItemStatus::kStale, "http://x/b")});
  in.open = {{"laksi", "O18", "lost", "laksi|O18|lost||missing", 1, kNow}};
  AlertDecision d = DecideAlerts(in, AlertPolicy{}, kNow + 60);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].fingerprint, "laksi|O18|lost|http://x/b|stale");
}

TEST(AlertDecideTest, BackToPassClosesTheProblemWithRecoveredInfo) {
  SiteAlertInput in = Input({Verdict("O18", ItemStatus::kMissing)},
                            {Verdict("O18", ItemStatus::kPass)});
  in.open = {{"laksi", "O18", "lost", "f", 1, kNow}};
  AlertDecision d = DecideAlerts(in, AlertPolicy{}, kNow);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].kind, AlertKind::kRecovered);
  EXPECT_EQ(d.closed_items, std::vector<std::string>{"O18"});
}

TEST(AlertDecideTest, SiteUncheckedThreeRunsInARowIsOneUnreachableAlert) {
  SiteAlertInput in = Input({}, {Verdict("O18", ItemStatus::kUnchecked)});
  in.checked = false;
  for (int nights = 1; nights <= 2; ++nights) {
    in.unchecked_nights = nights;
    EXPECT_TRUE(DecideAlerts(in, AlertPolicy{}, kNow).events.empty()) << nights;
  }
  in.unchecked_nights = 3;
  AlertDecision d = DecideAlerts(in, AlertPolicy{}, kNow);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].kind, AlertKind::kUnreachable);
  in.open = d.upserts;  // the fourth night: already told
  in.unchecked_nights = 4;
  EXPECT_TRUE(DecideAlerts(in, AlertPolicy{}, kNow + 86400).events.empty());
}

TEST(DigestTest, DailyAndWeeklyWindowsFollowBangkokTime) {
  std::string key;
  int64_t send_after = 0;
  // 2025-04-09T19:30Z is 02:30 on Thursday 10 April in Bangkok.
  const std::time_t t = 1744227000;
  DigestWindow(DigestPeriod::kDaily, t, &key, &send_after);
  EXPECT_EQ(key, "daily:2025-04-10");
  EXPECT_EQ(send_after, 1744304400);  // 2025-04-11 00:00 +07:00
  DigestWindow(DigestPeriod::kWeekly, t, &key, &send_after);
  EXPECT_EQ(key, "weekly:2025-04-07");  // the Monday
  EXPECT_EQ(send_after, 1744563600);    // 2025-04-14 00:00 +07:00
  DigestWindow(DigestPeriod::kNone, t, &key, &send_after);
  EXPECT_EQ(key, "");
  EXPECT_EQ(send_after, t);
}

TEST(MailTest, ValidateMailboxRejectsInjectionAndTricks) {
  const char* bad[] = {"a@b.example\r\nRCPT TO:<evil@x>", "a@b\n", "",
                       "a,b@c.example", "<a@b.example>", "a@b.example>",
                       "\"a b\"@c.example", "a b@c.example", "a@@b",
                       "a@b@c", "@b.example", "a@", "a..b@c.example",
                       "a@b.example,evil@x"};
  for (const char* address : bad) {
    std::string err;
    EXPECT_FALSE(ValidateMailbox(address, &err)) << address;
    EXPECT_NE(err.find("rejected"), std::string::npos) << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << "error stays one line";
  }
  std::string err;
  EXPECT_FALSE(ValidateMailbox("x\r\nBcc: evil@x", &err));
  EXPECT_NE(err.find("CR or LF"), std::string::npos) << err;
  EXPECT_TRUE(ValidateMailbox("webmaster.laksi+ita@bangkok.go.th", &err)) << err;
}

// The decoded text of an RFC 2047 header value made of =?UTF-8?B?...?=
// words; fails the test on anything else.
std::string DecodeWords(const std::string& value) {
  std::string out;
  std::istringstream words(value);
  std::string word;
  while (words >> word) {
    EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
    EXPECT_LE(word.size(), 75u) << word;
    out += Base64Decode(word.substr(10, word.size() - 12));
  }
  return out;
}

// Header fields of an RFC 5322 message (unfolded), and its body.
std::multimap<std::string, std::string> Headers(const std::string& message,
                                                std::string* body) {
  std::multimap<std::string, std::string> headers;
  size_t end = message.find("\r\n\r\n");
  std::string head = message.substr(0, end);
  *body = message.substr(end + 4);
  std::string last;
  for (size_t pos = 0; pos < head.size();) {
    size_t eol = head.find("\r\n", pos);
    std::string line = head.substr(pos, eol == std::string::npos ? eol : eol - pos);
    pos = eol == std::string::npos ? head.size() : eol + 2;
    EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos) << "bare CR/LF";
    if (!line.empty() && line[0] == ' ') {
      auto it = headers.find(last);
      it->second += line;
      continue;
    }
    size_t colon = line.find(':');
    last = line.substr(0, colon);
    headers.emplace(last, line.substr(colon + 2));
  }
  return headers;
}

TEST(MailTest, ThaiSubjectIsEncodedCappedAndCannotAddHeaders) {
  OutboxMessage m;
  m.id = 7;
  m.recipient = "webmaster@laksi.example";
  m.subject = "[oitwatch] สำนักงานเขตหลักสี่: O18\r\nBcc: evil@x\r\n\r\nbody";
  m.body = "ข้อความ\r\n.\r\nBcc: evil@x\n";
  std::string body;
  auto headers = Headers(BuildEmail(m, "oitwatch@bma.example", kNow), &body);
  EXPECT_EQ(headers.count("Bcc"), 0u);
  std::vector<std::string> names;
  for (const auto& [name, value] : headers) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "Auto-Submitted", "Content-Transfer-Encoding",
                       "Content-Type", "Date", "From", "MIME-Version",
                       "Message-ID", "Subject", "To"}));
  EXPECT_EQ(DecodeWords(headers.find("Subject")->second),
            "[oitwatch] สำนักงานเขตหลักสี่: O18  Bcc: evil@x    body");
  EXPECT_EQ(headers.find("To")->second, "<webmaster@laksi.example>");
  EXPECT_EQ(headers.find("Content-Type")->second, "text/plain; charset=UTF-8");
  EXPECT_EQ(headers.find("Date")->second, "Thu, 10 Apr 2025 00:00:00 +0000");
  EXPECT_EQ(Base64Decode(body), m.body);
  // A 5,000-character subject is capped (whole Thai characters).
  std::string longest;
  for (int i = 0; i < 1700; ++i) longest += "ก";
  std::string decoded = DecodeWords(EncodeSubject(longest));
  EXPECT_LE(decoded.size(), 183u);
  EXPECT_EQ(decoded.substr(decoded.size() - 3), "...");
  EXPECT_EQ(decoded.substr(0, 180), longest.substr(0, 180));
}

TEST(SmtpTest, SendsOneMessageWithTheEnvelopeWeValidated) {
  SmtpSink sink;
  ASSERT_TRUE(sink.Start());
  SmtpOptions smtp{sink.url(), "", "", "oitwatch@bma.example", "none"};
  std::string err;
  ASSERT_TRUE(SendEmail(smtp, "a@laksi.example",
                        "Subject: t\r\n\r\nline\r\n.\r\n..x\r\n", &err))
      << err;
  EXPECT_FALSE(SendEmail(smtp, "a@laksi.example\r\nRCPT TO:<evil@x>", "x", &err));
  EXPECT_NE(err.find("CR or LF"), std::string::npos) << err;
  sink.FailWith(451);
  EXPECT_FALSE(SendEmail(smtp, "a@laksi.example", "Subject: t\r\n\r\nx\r\n", &err));
  ASSERT_EQ(sink.messages().size(), 1u);
  SmtpMessage got = sink.messages()[0];
  EXPECT_EQ(got.mail_from, "<oitwatch@bma.example>");
  EXPECT_EQ(got.rcpt_to, std::vector<std::string>{"<a@laksi.example>"});
  EXPECT_EQ(got.data, "Subject: t\r\n\r\nline\r\n.\r\n..x\r\n");  // dot-stuffed by curl
}

// libcurl waits for the reply to the final "." up to its own server-response
// timeout (120 s), not CURLOPT_TIMEOUT: one silent server held `alerts send`
// for 180 s at a 60 s timeout (red team A5).
TEST(SmtpTest, ServerThatNeverAnswersTheFinalDotIsBoundedByOurTimeout) {
  SmtpSink sink;
  ASSERT_TRUE(sink.Start());
  sink.FailWith(SmtpSink::kNeverAnswer);
  SmtpOptions smtp{sink.url(), "", "", "oitwatch@bma.example", "none"};
  smtp.connect_timeout_ms = 1000;
  smtp.timeout_ms = 2000;
  std::string err;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(SendEmail(smtp, "a@laksi.example", "Subject: t\r\n\r\nx\r\n", &err));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(6)) << err;  // 2 s + 1 s QUIT + slack
  EXPECT_NE(err.find("SMTP to a@laksi.example"), std::string::npos) << err;
  EXPECT_TRUE(sink.messages().empty());
}

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route("/hook", TestResponse{200, "text/plain", "ok", {}});
    server_.Route("/moved", TestResponse{302, "text/plain", "",
                                         {{"Location", "/hook"}}});
    ASSERT_TRUE(server_.Start());
    web_.allow_addresses = {"127.0.0.1"};
  }
  OutboxMessage Composed(const std::string& channel) {
    AlertEvent e;
    e.site_id = "laksi";
    e.site_name = "สำนักงานเขตหลักสี่";
    e.item_id = "O18";
    e.before = "pass";
    e.after = "missing";
    e.reason = "<script>\"quote\"\r\nBcc: evil@x & more";
    OutboxMessage m;
    m.channel = channel;
    m.events_json = EventsToJson({e});
    ComposeMessage(&m);
    return m;
  }
  TestServer server_;
  WebhookOptions web_;
};

TEST_F(WebhookTest, EachShapeIsValidJsonAtTheReceiver) {
  const char* channels[] = {"slack", "teams", "gchat", "json"};
  for (const char* channel : channels) {
    std::string err;
    ASSERT_TRUE(PostWebhook(web_, server_.url("/hook"), Composed(channel).body,
                            &err)) << channel << ": " << err;
  }
  std::vector<TestRequest> got = server_.requests();
  ASSERT_EQ(got.size(), 4u);
  std::vector<json> bodies;
  for (const TestRequest& r : got) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.headers.at("content-type"), "application/json; charset=utf-8");
    bodies.push_back(json::parse(r.body));  // throws (fails) if invalid
  }
  std::string slack = bodies[0].at("text");
  EXPECT_NE(slack.find("สำนักงานเขตหลักสี่"), std::string::npos);
  EXPECT_NE(slack.find("&lt;script&gt;"), std::string::npos) << slack;
  EXPECT_EQ(slack.find('\r'), std::string::npos) << "reason made one line";
  EXPECT_EQ(bodies[1].at("@type"), "MessageCard");
  EXPECT_FALSE(bodies[1].at("title").get<std::string>().empty());
  EXPECT_NE(bodies[2].at("text").get<std::string>().find("O18"), std::string::npos);
  EXPECT_EQ(bodies[3].at("source"), "oitwatch");
  EXPECT_EQ(bodies[3].at("events").at(0).at("after"), "missing");
}

// What the red-team probe planted in a page's link (RELIABILITY.md C-class
// "web text into markup"): each chat must show it as text.
TEST_F(WebhookTest, TeamsAndGchatShowWebTextAsTextNeverMarkup) {
  AlertEvent e;
  e.site_id = "laksi";
  e.site_name = "สำนักงานเขตหลักสี่";
  e.item_id = "O5";
  e.kind = AlertKind::kBroken;
  const std::string url =
      "http://127.0.0.1/public/user_files_editor/41/d1.pdf?m=<!channel>"
      "<http://evil.example|CLICK>[md](http://evil.example)<users/all><at>x</at>";
  e.reason = "broken link: " + url + " *bold* _it_ ~st~ `code` # head";
  e.evidence_url = url;
  for (const char* channel : {"teams", "gchat"}) {
    OutboxMessage m;
    m.channel = channel;
    m.events_json = EventsToJson({e});
    ComposeMessage(&m);
    std::string err;
    ASSERT_TRUE(PostWebhook(web_, server_.url("/hook"), m.body, &err)) << err;
  }
  std::vector<TestRequest> got = server_.requests();
  ASSERT_EQ(got.size(), 2u);
  const std::string teams = json::parse(got[0].body).at("text");
  const std::string gchat = json::parse(got[1].body).at("text");
  for (const std::string& text : {teams, gchat}) {
    for (const char* markup :
         {"<!channel>", "<http://evil.example|CLICK>", "[md](", "<users/all>",
          "<at>", "*bold*", "_it_", "~st~", "`code`"}) {
      EXPECT_EQ(text.find(markup), std::string::npos) << markup << "\n" << text;
    }
  }
  // Still readable: the characters are escaped, not dropped.
  EXPECT_NE(teams.find("&lt;!channel&gt;"), std::string::npos) << teams;
  EXPECT_NE(teams.find("\\[md\\](http://evil.example)"), std::string::npos);
  EXPECT_NE(teams.find("\\*bold\\*"), std::string::npos) << teams;
  EXPECT_NE(teams.find("\\# head"), std::string::npos) << teams;
  EXPECT_NE(gchat.find("＜!channel＞"), std::string::npos) << gchat;
  EXPECT_NE(gchat.find("＊bold＊ ＿it＿"), std::string::npos) << gchat;
  // Underscores inside a word cannot format in Chat: the URL stays usable.
  EXPECT_NE(gchat.find("/public/user_files_editor/41/d1.pdf"), std::string::npos);
}

TEST_F(WebhookTest, RedirectIsNotFollowedAndFails) {
  std::string err;
  EXPECT_FALSE(PostWebhook(web_, server_.url("/moved"), "{}", &err));
  EXPECT_NE(err.find("HTTP 302"), std::string::npos) << err;
  EXPECT_EQ(server_.hits("/hook"), 0);
}

TEST_F(WebhookTest, NonPublicAddressIsRefusedWithoutAllowList) {
  std::string err;
  web_.allow_addresses.clear();
  EXPECT_FALSE(PostWebhook(web_, server_.url("/hook"), "{}", &err));
  EXPECT_NE(err.find("non-public"), std::string::npos) << err;
  EXPECT_EQ(server_.hits("/hook"), 0);
}

// --- end to end through the real binary ------------------------------------


class AlertE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    db_ = dir_ + "/oitwatch.db";
    ASSERT_TRUE(server_.Start());
    ASSERT_TRUE(sink_.Start());
    server_.Route("/hook", TestResponse{200, "text/plain", "ok", {}});
    server_.Route("/laksi/", [this](const TestRequest&) {
      return TestResponse{200, "text/html; charset=utf-8",
                          Html("หลักสี่", page_), {}};
    });
    server_.Route(kPdf, TestResponse{200, "application/pdf",
                                     MakeSimplePdf("Anti-Bribery Policy 2568"), {}});
    server_.Route(kOldPdf, TestResponse{200, "application/pdf",
                                        MakeSimplePdf("Anti-Bribery Policy 2567"), {}});
    server_.Route(kReportPdf, TestResponse{200, "application/pdf",
                                           MakeSimplePdf("Report 2568"), {}});
    ASSERT_TRUE(WriteFile(dir_ + "/sites.yaml",
        "sites:\n  - id: laksi\n    name: สำนักงานเขตหลักสี่\n"
        "    name_en: Lak Si District Office\n    url: " + server_.url("/laksi/") +
        "\n    contacts: [webmaster@laksi.example]\n"));
  }
  ProcessResult Run(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {
        OITWATCH_BINARY, "run", "--db", db_, "--sites", dir_ + "/sites.yaml",
        "--rules", std::string(OITWATCH_SOURCE_DIR) +
                       "/config/rules/bma-district-2568.yaml",
        "--as-of", "2025-04-10", "--host-delay-ms", "0", "--allow-address",
        "127.0.0.1", "--format", "json", "--quiet", "--smtp-url", sink_.url(),
        "--smtp-tls", "none", "--mail-from", "oitwatch@bma.example"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProcess(argv, 120);
  }
  ProcessResult Send() {
    return RunProcess({OITWATCH_BINARY, "alerts", "send", "--db", db_,
                       "--smtp-url", sink_.url(), "--smtp-tls", "none",
                       "--mail-from", "oitwatch@bma.example"}, 60);
  }
  std::string O18Status(const ProcessResult& r) {
    json report = json::parse(r.out);
    for (const json& item : report["sites"][0]["items"]) {
      if (item["id"] == "O18") return item["status"];
    }
    return "";
  }
  const std::string kPdf = "/public/user_files_editor/41/ITA/2568/AntiBribery_2568.pdf";
  const std::string kReportPdf =
      "/public/user_files_editor/41/ITA/2568/Report_2568.pdf";
  // O18 needs the announcement and a report on it, both of FY2568.
  const std::string report_ = "<a href=\"" + kReportPdf + "\">รายงานผลการดำเนินการ"
                              "ตามนโยบายต่อต้านการรับสินบน ประจำปี 2568</a>";
  std::string page_ = "<a href=\"" + kPdf + "\">O18 ประกาศนโยบายต่อต้านการรับสินบน "
                      "(Anti-Bribery Policy) ประจำปี 2568</a>" + report_;
  // Night 2: the link now reads FY2567 (stale) and carries an injection.
  const std::string kOldPdf = "/public/user_files_editor/41/ITA/2567/AntiBribery_2567.pdf";
  std::string stale_ = "<a href=\"" + kOldPdf + "\">O18 ประกาศนโยบายต่อต้านการรับ"
                       "สินบน ประจำปี 2567\r\nBcc: evil@x</a>" + report_;
  std::string dir_, db_;
  TestServer server_;
  SmtpSink sink_;
};

TEST_F(AlertE2ETest, LostItemSendsOneThaiEmailThenTheSameNightAgainSendsNothing) {
  ProcessResult first = Run({"--webhook", server_.url("/hook"),
                             "--webhook-format", "slack",
                             "--webhook-allow-address", "127.0.0.1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(O18Status(first), "pass") << first.out;
  EXPECT_TRUE(sink_.messages().empty()) << "the first night is the baseline";
  page_ = stale_;
  ProcessResult second = Run({"--webhook", server_.url("/hook"),
                              "--webhook-format", "slack",
                              "--webhook-allow-address", "127.0.0.1"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  ASSERT_NE(O18Status(second), "pass");
  EXPECT_NE(second.err.find("alerts: 2 queued, 2 sent, 0 failed"),
            std::string::npos) << second.err;
  ASSERT_EQ(sink_.messages().size(), 1u);
  SmtpMessage mail = sink_.messages()[0];
  EXPECT_EQ(mail.rcpt_to, std::vector<std::string>{"<webmaster@laksi.example>"});
  std::string body;
  auto headers = Headers(mail.data, &body);
  EXPECT_EQ(headers.count("Bcc"), 0u);
  EXPECT_EQ(headers.count("Subject"), 1u);
  std::string subject = DecodeWords(headers.find("Subject")->second);
  EXPECT_NE(subject.find("สำนักงานเขตหลักสี่: O18 ไม่ผ่านแล้ว"), std::string::npos)
      << subject;
  std::string text = Base64Decode(body);
  EXPECT_NE(text.find("pass -> " + O18Status(second)), std::string::npos) << text;
  EXPECT_EQ(server_.hits("/hook"), 1);
  json hook = json::parse(server_.requests().back().body);
  EXPECT_NE(hook["text"].get<std::string>().find("O18"), std::string::npos);

  ProcessResult third = Run({"--webhook", server_.url("/hook"),
                             "--webhook-format", "slack",
                             "--webhook-allow-address", "127.0.0.1"});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(sink_.messages().size(), 1u) << "a standing problem is not re-sent";
  EXPECT_EQ(server_.hits("/hook"), 1);
}

TEST_F(AlertE2ETest, FailingSmtpLeavesAlertPendingAndAlertsSendDeliversIt) {
  ASSERT_EQ(Run().exit_code, 0);
  page_ = stale_;
  sink_.FailWith(451);
  ProcessResult second = Run();
  EXPECT_EQ(second.exit_code, 0) << "alert failure never fails the crawl";
  EXPECT_NE(second.err.find("1 queued, 0 sent, 1 failed"), std::string::npos)
      << second.err;
  EXPECT_EQ(sink_.refused(), 1);
  ProcessResult list = RunProcess({OITWATCH_BINARY, "alerts", "list", "--db", db_});
  EXPECT_NE(list.out.find("\tpending\t"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("attempts 1"), std::string::npos) << list.out;
  sink_.FailWith(0);
  ProcessResult send = Send();
  EXPECT_EQ(send.exit_code, 0) << send.err;
  EXPECT_EQ(sink_.messages().size(), 1u);
  list = RunProcess({OITWATCH_BINARY, "alerts", "list", "--db", db_});
  EXPECT_NE(list.out.find("\tsent\t"), std::string::npos) << list.out;
  EXPECT_EQ(Send().exit_code, 0);
  EXPECT_EQ(sink_.messages().size(), 1u) << "a sent row is not sent again";
}

TEST_F(AlertE2ETest, CrashBetweenSendAndMarkGivesAtMostOneDuplicateNeverZero) {
  ASSERT_EQ(Run().exit_code, 0);
  page_ = stale_;
  ::setenv("OITWATCH_FAULT", "after_send_before_mark", 1);
  ProcessResult crashed = Run();
  ::unsetenv("OITWATCH_FAULT");
  EXPECT_EQ(crashed.signal, SIGKILL) << crashed.err;
  ASSERT_EQ(sink_.messages().size(), 1u) << "sent before the crash";
  ProcessResult send = Send();
  EXPECT_EQ(send.exit_code, 0) << send.err;
  ASSERT_EQ(sink_.messages().size(), 2u) << "one duplicate after the crash";
  std::string body;
  auto first = Headers(sink_.messages()[0].data, &body);
  auto again = Headers(sink_.messages()[1].data, &body);
  EXPECT_EQ(first.find("Message-ID")->second, again.find("Message-ID")->second)
      << "the duplicate carries the same Message-ID (receivers can drop it)";
  EXPECT_EQ(Send().exit_code, 0);
  EXPECT_EQ(sink_.messages().size(), 2u) << "marked sent: no third copy";
}

// Red-team probe A6: a webhook that never answers held `alerts send` (and
// the end of a run) one timeout per queued alert - 50 districts x 60 s.
// After two failures in a row on one endpoint its other alerts stay pending
// for the next send; another endpoint in the same send is unaffected.
TEST(AlertSendTest, DeadEndpointCostsTwoTimeoutsNotOnePerAlert) {
  TestServer hooks;
  hooks.Route("/dead", [](const TestRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    return TestResponse{200, "text/plain", "late", {}};
  });
  hooks.Route("/alive", TestResponse{200, "text/plain", "ok", {}});
  ASSERT_TRUE(hooks.Start());
  const std::string dir = MakeTempDir();
  const std::string db = dir + "/oitwatch.db";
  std::string err;
  ASSERT_NE(Store::Open(db, &err), nullptr) << err;
  std::unique_ptr<Outbox> outbox = Outbox::Open(db, &err);
  ASSERT_NE(outbox, nullptr) << err;
  AlertRecord record;
  for (int i = 0; i < 5; ++i) {
    OutboxMessage m;
    m.channel = "json";
    m.recipient = hooks.url(i == 0 ? "/alive" : "/dead");
    m.digest_key = "k" + std::to_string(i);
    m.events_json = "[]";
    record.messages.push_back(m);
  }
  ASSERT_TRUE(outbox->Record("laksi", record,
                             [](OutboxMessage* m) {
                               m->subject = "s";
                               m->body = "{}";
                               m->fingerprint = m->digest_key;
                             },
                             &err))
      << err;
  outbox.reset();
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = RunProcess(
      {OITWATCH_BINARY, "alerts", "send", "--db", db, "--alert-timeout-ms",
       "1000", "--webhook-allow-address", "127.0.0.1"},
      60);
  const double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_LT(seconds, 2 * 1.0 + 3.0) << "two timeouts, not four";
  // The sink serves one request at a time (each sleeping 2.5 s): wait for
  // the second to be read, then make sure no third comes.
  for (int i = 0; i < 60 && hooks.hits("/dead") < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(hooks.hits("/dead"), 2);
  EXPECT_EQ(hooks.hits("/alive"), 1) << "another endpoint is unaffected";
  EXPECT_NE(r.err.find("2 deferred (their endpoint failed 2 times in a row)"),
            std::string::npos)
      << r.err;
  outbox = Outbox::Open(db, &err);
  ASSERT_NE(outbox, nullptr) << err;
  std::vector<OutboxMessage> rows;
  ASSERT_TRUE(outbox->List(10, &rows, &err)) << err;
  int pending = 0;
  for (const OutboxMessage& m : rows) pending += m.status == "pending";
  EXPECT_EQ(pending, 4) << "nothing lost: the failed and the deferred wait";
}

}  // namespace
}  // namespace oitwatch
