// A24 (RELIABILITY.md): an https->http downgrade is followed but recorded as
// a finding, per URL (FetchResult, the page's stored error) and per site
// (the reports' notes, and the reason of a verdict resting on such
// evidence); and `run --allow-port N` lets redirects reach an intranet's odd
// port, which is refused without it. Real servers on loopback: an https
// origin (`openssl s_server -HTTP`, tests/test_tls.h) that redirects to a
// plain-http test server, and the real `oitwatch` binary.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crawler/fetcher.h"
#include "tests/test_fault_server.h"
#include "tests/test_fetch.h"
#include "tests/test_html.h"
#include "tests/test_process.h"
#include "tests/test_report_json.h"
#include "tests/test_server.h"
#include "tests/test_tls.h"

namespace oitwatch {
namespace {

using nlohmann::json;

constexpr char kDowngrade[] = "https->http downgrade: ";

// A whole HTTP response, as a file for `s_server -HTTP`.
std::string Response(const std::string& status, const std::string& headers,
                     const std::string& body) {
  return "HTTP/1.0 " + status + "\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

std::string Redirect(const std::string& to) {
  return Response("302 Found", "Location: " + to + "\r\n", "");
}

// An https origin https://tls.test:PORT serving scripted responses from
// files (s_server -HTTP reads one per request), trusted through the test CA.
// With a plain server behind the same port, http://tls.test:PORT is that
// server: the site's own http, as :80 is to :443.
class HttpsOrigin {
 public:
  // Writes the PKI and starts the server (and, if `plain_port` is not 0,
  // the port it shares with that plain server); false with a message.
  bool Start(std::string* err, int plain_port = 0) {
    dir_ = MakeTempDir();
    root_ = dir_ + "/root";
    ::mkdir(root_.c_str(), 0700);
    if (!MakeTestPki(dir_, "tls.test", &pki_, err) ||
        !server_.StartFiles(pki_.good_cert, pki_.key, root_, err))
      return false;
    return plain_port == 0 || shared_.Start(server_.port(), plain_port, err);
  }
  // Answers GET /`path` (at most one folder deep) with `response`.
  void Serve(const std::string& path, const std::string& response) {
    const size_t slash = path.find('/');
    if (slash != std::string::npos)
      ::mkdir((root_ + "/" + path.substr(0, slash)).c_str(), 0700);
    EXPECT_TRUE(WriteFile(root_ + "/" + path, response)) << path;
  }
  std::string url(const std::string& path) const {
    return "https://tls.test:" + std::to_string(port()) + path;
  }
  std::string plain_url(const std::string& path) const {
    return "http://tls.test:" + std::to_string(port()) + path;
  }
  std::string resolve() const {
    return "tls.test:" + std::to_string(port()) + ":127.0.0.1";
  }
  const std::string& ca_file() const { return pki_.ca_cert; }

 private:
  int port() const { return shared_.port() ? shared_.port() : server_.port(); }

  std::string dir_, root_;
  TestPki pki_;
  TlsServer server_;
  SchemeSplitter shared_;
};

FetcherOptions Options(const HttpsOrigin* origin = nullptr) {
  FetcherOptions o;
  o.allow_addresses = {"127.0.0.1"};
  o.connect_timeout_ms = 2000;
  o.page_timeout_ms = 5000;
  if (origin != nullptr) {
    o.resolve = {origin->resolve()};
    o.ca_file = origin->ca_file();
  }
  return o;
}

FetchResult FetchUrl(const FetcherOptions& options, const std::string& url) {
  Request r;
  r.url = url;
  return FetchToEnd(options, r);
}

// ------------------------------------------------------ fetcher level

TEST(DowngradeTest, A24_HttpsRedirectToHttpIsFollowedAndRecorded) {
  TestServer plain;
  plain.Route("/landed", TestResponse{200, "text/html", "landed", {}});
  ASSERT_TRUE(plain.Start());
  HttpsOrigin origin;
  std::string err;
  ASSERT_TRUE(origin.Start(&err)) << err;
  origin.Serve("start", Redirect(plain.url("/landed")));
  FetchResult r = FetchUrl(Options(&origin), origin.url("/start"));
  EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  EXPECT_EQ(r.body, "landed") << "the http hop is still followed";
  EXPECT_EQ(r.final_url, plain.url("/landed"));
  EXPECT_EQ(r.downgraded_to, plain.url("/landed"));
  EXPECT_NE(r.error.find(kDowngrade + plain.url("/landed")), std::string::npos)
      << r.error;
}

TEST(DowngradeTest, A24_PlainHopInsideAnHttpsChainIsRecorded) {
  // https -> http -> https: the final URL is secure, the middle hop was not.
  HttpsOrigin origin;
  TestServer plain;
  plain.Route("/hop", [&origin](const TestRequest&) {
    return TestResponse{
        302, "text/html", "", {{"Location", origin.url("/end")}}};
  });
  ASSERT_TRUE(plain.Start());
  std::string err;
  ASSERT_TRUE(origin.Start(&err)) << err;
  origin.Serve("start", Redirect(plain.url("/hop")));
  origin.Serve(
      "end", Response("200 OK", "Content-Type: text/html\r\n", "secure again"));
  FetchResult r = FetchUrl(Options(&origin), origin.url("/start"));
  EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  EXPECT_EQ(r.body, "secure again");
  EXPECT_EQ(r.final_url, origin.url("/end"));
  EXPECT_EQ(r.downgraded_to, plain.url("/hop"));
}

TEST(DowngradeTest, A24_FailedHttpHopIsStillRecorded) {
  // The downgrade is the server's doing even when the http hop fails.
  int closed_port = 0;
  {
    FaultServer closed;
    ASSERT_TRUE(closed.Start(FaultServer::Reply("")));
    closed_port = closed.port();
  }
  const std::string target =
      "http://127.0.0.1:" + std::to_string(closed_port) + "/gone";
  HttpsOrigin origin;
  std::string err;
  ASSERT_TRUE(origin.Start(&err)) << err;
  origin.Serve("start", Redirect(target));
  FetchResult r = FetchUrl(Options(&origin), origin.url("/start"));
  EXPECT_EQ(r.outcome, FetchOutcome::kConnectError) << r.error;
  EXPECT_EQ(r.downgraded_to, target);
  EXPECT_NE(r.error.find(kDowngrade), std::string::npos) << r.error;
}

TEST(DowngradeTest, A24_SecureFetchesAndUpgradesAreNoDowngrade) {
  HttpsOrigin origin;
  TestServer plain;
  plain.Route("/up", [&origin](const TestRequest&) {
    return TestResponse{
        301, "text/html", "", {{"Location", origin.url("/ok")}}};
  });
  ASSERT_TRUE(plain.Start());
  std::string err;
  ASSERT_TRUE(origin.Start(&err)) << err;
  origin.Serve("ok", Response("200 OK", "Content-Type: text/html\r\n", "fine"));
  for (const std::string& url : {origin.url("/ok"), plain.url("/up")}) {
    SCOPED_TRACE(url);
    FetchResult r = FetchUrl(Options(&origin), url);
    EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
    EXPECT_EQ(r.body, "fine");
    EXPECT_EQ(r.downgraded_to, "");
    EXPECT_EQ(r.error.find(kDowngrade), std::string::npos) << r.error;
  }
}

TEST(DowngradeTest, A24_HttpLinkOfAnHttpsPageIsADowngrade) {
  // A link or <meta refresh> on an https page to http:// on the site itself
  // sends visitors over plain http; a check of another host does not count
  // against the site, nor does a link found on an http page.
  TestServer plain;
  plain.Route("/plan.pdf", TestResponse{200, "application/pdf", "%PDF-", {}});
  ASSERT_TRUE(plain.Start());
  struct Case {
    RequestKind kind;
    std::string found_on;
    bool downgrade;
  };
  for (const Case& c :
       {Case{RequestKind::kDocument, "https://tls.test/dg/", true},
        Case{RequestKind::kPage, "https://tls.test/dg/", true},
        Case{RequestKind::kCheck, "https://tls.test/dg/", false},
        Case{RequestKind::kDocument, "http://tls.test/dg/", false}}) {
    SCOPED_TRACE(c.found_on + " kind " +
                 std::to_string(static_cast<int>(c.kind)));
    Request request;
    request.url = plain.url("/plan.pdf");
    request.kind = c.kind;
    request.found_on = c.found_on;
    FetchResult r = FetchToEnd(Options(), request);
    EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
    EXPECT_EQ(r.downgraded_to, c.downgrade ? request.url : "");
  }
}

// ------------------------------------------------------- whole run

class DowngradeRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    db_ = dir_ + "/o.db";
  }

  // `oitwatch run` over `sites` ({id, url}) with `extra` flags.
  ProcessResult Run(
      const std::vector<std::pair<std::string, std::string>>& sites,
      const std::vector<std::string>& extra) {
    std::string yaml = "sites:\n";
    for (const auto& [id, url] : sites) {
      yaml += "  - id: " + id + "\n    name: สำนักงานเขต" + id +
              "\n    name_en: " + id + "\n    url: " + url + "\n";
    }
    EXPECT_TRUE(WriteFile(dir_ + "/sites.yaml", yaml));
    std::vector<std::string> argv =
        LoopbackRunArgs(dir_ + "/sites.yaml", db_,
                        {"--timeout-ms", "3000", "--connect-timeout-ms", "1000"});
    argv.insert(argv.end(), extra.begin(), extra.end());
    ProcessResult p = RunProcess(argv, 60);
    EXPECT_FALSE(p.timed_out) << "the run must end";
    EXPECT_EQ(p.signal, 0) << p.err;
    return p;
  }

  static json Parse(const std::string& out) {
    try {
      return json::parse(out);
    } catch (const json::exception& e) {
      ADD_FAILURE() << "report does not parse: " << e.what() << "\n"
                    << out.substr(0, 2000);
      return json::object();
    }
  }

  static json Site(const json& report, const std::string& id) {
    for (const json& s : report.value("sites", json::array())) {
      if (s.value("id", "") == id) return s;
    }
    ADD_FAILURE() << "no site " << id;
    return json::object();
  }

  static json Item(const json& site, const std::string& id) {
    for (const json& i : site.value("items", json::array())) {
      if (i.value("id", "") == id) return i;
    }
    ADD_FAILURE() << "no item " << id;
    return json::object();
  }

  // One text column of the newest run's row in `table` where `key` = `value`.
  std::string Column(const std::string& sql, const std::string& value) {
    SQLite::Database db(db_);
    SQLite::Statement q(db, sql);
    q.bind(1, value);
    return q.executeStep() ? q.getColumn(0).getString() : "(no row)";
  }

  bool DbExists() const {
    struct stat st;
    return ::stat(db_.c_str(), &st) == 0;
  }

  std::string dir_, db_;
};

const char kSchools[] = "รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร";

// An https district whose O3 page redirects to its own plain http, beside
// an ordinary district.
TEST_F(DowngradeRunTest, A24_DowngradeIsAFindingAndTheSiteIsStillChecked) {
  TestServer plain;
  plain.Route("/good/", TestResponse{200,
                                     "text/html; charset=utf-8",
                                     Html("สำนักงานเขตทดสอบ", "<p>เขต</p>"),
                                     {}});
  plain.Route("/dg/schools",
              TestResponse{200,
                           "text/html; charset=utf-8",
                           Html(kSchools, std::string("<h1>") + kSchools +
                                              "ในพื้นที่เขต</h1><p>โรงเรียนวัด"
                                              "ทดสอบ</p>"),
                           {}});
  ASSERT_TRUE(plain.Start());
  // The redirect target carries markup: it reaches every report escaped.
  HttpsOrigin origin;
  std::string err;
  ASSERT_TRUE(origin.Start(&err, plain.port())) << err;
  origin.Serve("robots.txt", Response("404 Not Found", "", "none"));
  origin.Serve(
      "dg/home",
      Response("200 OK", "Content-Type: text/html; charset=utf-8\r\n",
               Html("สำนักงานเขตดีจี",
                    std::string("<a href=\"schools\">") + kSchools + "</a>")));
  origin.Serve("dg/schools",
               Redirect(origin.plain_url("/dg/schools?k=<i>x</i>")));
  ProcessResult p =
      Run({{"good", plain.url("/good/")}, {"dg", origin.url("/dg/home")}},
          {"--resolve", origin.resolve(), "--ca-file", origin.ca_file()});
  EXPECT_EQ(p.exit_code, 0) << "every site checked: the run went on\n" << p.err;
  const json report = Parse(p.out);
  const json dg = Site(report, "dg");
  EXPECT_EQ(dg.value("state", ""), "checked") << dg.dump();
  const std::string reason = dg.value("reason", "");
  EXPECT_NE(reason.find("เว็บไซต์พาจาก https ไปยัง http ที่ไม่เข้ารหัส "
                        "(https->http downgrade: 1 URLs, e.g. " +
                        origin.url("/dg/schools") + " -> http://"),
            std::string::npos)
      << reason;
  // The O3 evidence was reached, and its verdict says it is insecure.
  const json o3 = Item(dg, "O3");
  EXPECT_EQ(o3.value("status", ""), "pass") << o3.dump();
  EXPECT_NE(o3.value("reason", "")
                .find("[หลักฐานเปิดผ่าน http ที่ไม่เข้ารหัส "
                      "(evidence served over plain http: "
                      "http://"),
            std::string::npos)
      << o3.dump();
  EXPECT_EQ(Site(report, "good").value("reason", "").find("downgrade"),
            std::string::npos);
  // Stored: the page's error and the site's notes.
  const std::string page_error =
      Column("SELECT error FROM pages WHERE url = ? ORDER BY id DESC LIMIT 1",
             origin.url("/dg/schools"));
  EXPECT_NE(page_error.find(kDowngrade + origin.plain_url("/dg/schools?")),
            std::string::npos)
      << page_error;
  EXPECT_EQ(Column("SELECT reason FROM run_sites WHERE site_id = ? ORDER BY "
                   "run_id DESC LIMIT 1",
                   "dg"),
            reason);
  // The text and HTML reports of the stored run carry it, escaped.
  ProcessResult text = RunProcess(
      {OITWATCH_BINARY, "report", "--db", db_, "--format", "text"}, 30);
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("https->http downgrade: 1 URLs"), std::string::npos)
      << text.out;
  const std::string html_dir = dir_ + "/html";
  ProcessResult html = RunProcess({OITWATCH_BINARY, "report", "--db", db_,
                                   "--format", "html", "--out", html_dir},
                                  30);
  EXPECT_EQ(html.exit_code, 0) << html.err;
  const std::string page = ReadFile(html_dir + "/site-dg.html");
  EXPECT_NE(page.find("https-&gt;http downgrade"), std::string::npos)
      << page.substr(0, 3000);
  EXPECT_EQ(page.find("<i>x</i>"), std::string::npos) << "escaped";
  EXPECT_NE(page.find("&lt;i&gt;x&lt;/i&gt;"), std::string::npos)
      << "the hostile URL is there, escaped";
}

// A district listed as http:// whose start page sends visitors to https (an
// upgrade, fine): an http:// link on that https page is a downgrade although
// the page was requested over http.
TEST_F(DowngradeRunTest, A24_HttpLinkAfterAnUpgradeRedirectIsADowngrade) {
  TestServer plain;
  plain.Route("/up/schools",
              TestResponse{200,
                           "text/html; charset=utf-8",
                           Html(kSchools, std::string("<h1>") + kSchools +
                                              "ในพื้นที่เขต</h1>"),
                           {}});
  ASSERT_TRUE(plain.Start());
  HttpsOrigin origin;
  std::string err;
  ASSERT_TRUE(origin.Start(&err, plain.port())) << err;
  plain.Route("/up/", TestResponse{301,
                                   "text/html",
                                   "moved",
                                   {{"Location", origin.url("/up/home")}}});
  plain.Route("/robots.txt", TestResponse{404, "text/plain", "none", {}});
  origin.Serve("robots.txt", Response("404 Not Found", "", "none"));
  origin.Serve("up/home",
               Response("200 OK", "Content-Type: text/html; charset=utf-8\r\n",
                        Html("สำนักงานเขตอัป",
                             "<a href=\"" + origin.plain_url("/up/schools") +
                                 "\">" + kSchools + "</a>")));
  ProcessResult p =
      Run({{"up", origin.plain_url("/up/")}},
          {"--resolve", origin.resolve(), "--ca-file", origin.ca_file()});
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(plain.hits("/up/schools"), 1) << "followed, not dropped";
  const json up = Site(Parse(p.out), "up");
  EXPECT_EQ(up.value("state", ""), "checked") << up.dump();
  const std::string reason = up.value("reason", "");
  EXPECT_NE(reason.find("(https->http downgrade: 1 URLs, e.g. " +
                        origin.plain_url("/up/schools") + ";"),
            std::string::npos)
      << reason;
  EXPECT_NE(Column("SELECT error FROM pages WHERE url = ? ORDER BY id DESC "
                   "LIMIT 1",
                   origin.plain_url("/up/schools"))
                .find(kDowngrade),
            std::string::npos);
}

// ------------------------------------------------- run --allow-port

// A site whose start page redirects to a port no site names (an intranet's
// :8080, here an ephemeral port).
TEST_F(DowngradeRunTest, A24_AllowPortLetsARedirectReachAnOddPort) {
  TestServer odd;
  odd.Route("/jump/", TestResponse{200,
                                   "text/html; charset=utf-8",
                                   Html("สำนักงานเขตพอร์ต", "<p>เขต</p>"),
                                   {}});
  ASSERT_TRUE(odd.Start());
  TestServer site;
  site.Route(
      "/jump/",
      TestResponse{302, "text/html", "", {{"Location", odd.url("/jump/")}}});
  ASSERT_TRUE(site.Start());
  const std::string port = std::to_string(odd.port());

  json refused = Parse(Run({{"jump", site.url("/jump/")}}, {}).out);
  EXPECT_EQ(Site(refused, "jump").value("state", ""), "unchecked");
  EXPECT_NE(
      Site(refused, "jump").value("reason", "").find("refused port " + port),
      std::string::npos)
      << Site(refused, "jump").dump();
  EXPECT_EQ(odd.requests().size(), 0u) << "zero requests reach the odd port";

  // Followed once the port is allowed. The start page then lands on another
  // host:port, outside the site's scope (none of its links would count):
  // the site moved, and the report says where rather than calling every
  // item missing.
  json allowed =
      Parse(Run({{"jump", site.url("/jump/")}}, {"--allow-port", port}).out);
  EXPECT_EQ(odd.hits("/jump/"), 1) << "followed once the port is allowed";
  EXPECT_EQ(Site(allowed, "jump").value("reason", "").find("refused port"),
            std::string::npos)
      << Site(allowed, "jump").dump();
  EXPECT_NE(Site(allowed, "jump").value("reason", "").find(
                "start page moved to " + odd.url("/jump/")),
            std::string::npos)
      << Site(allowed, "jump").dump();
}

TEST_F(DowngradeRunTest, A24_BadAllowPortIsAUsageErrorBeforeTheDatabase) {
  for (const std::string bad : {"0", "70000", "abc", "-1", "8080x"}) {
    SCOPED_TRACE(bad);
    ProcessResult p =
        Run({{"x", "http://127.0.0.1:9/x/"}}, {"--allow-port", bad});
    EXPECT_EQ(p.exit_code, 2) << p.out << p.err;
    EXPECT_NE(p.err.find("--allow-port: expected a port number 1-65535, got '" +
                         bad + "'"),
              std::string::npos)
        << p.err;
    EXPECT_FALSE(DbExists()) << "the database is never touched";
  }
}

TEST_F(DowngradeRunTest, A24_AllowPortHelpSaysWhy) {
  ProcessResult p = RunProcess({OITWATCH_BINARY, "run", "--help"}, 30);
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("--allow-port"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("intranet site whose pages send visitors to :8080"),
            std::string::npos)
      << p.out;
}

}  // namespace
}  // namespace oitwatch
