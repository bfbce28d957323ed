// The template budget's page-text fingerprint (crawler/trap.h) off the
// engine's thread: the pipeline computes PageTextFingerprint with each
// page's read ahead on its parse pool and hands it to the engine
// (CrawlSink::TextFingerprint); the engine lets waiting links in by the
// sink's fingerprint when it gives one, and computes its own otherwise.
// Real crawls of loopback sites; the first through the real Pipeline with
// its pool and a real SQLite store.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/pipeline.h"
#include "crawler/crawl.h"
#include "crawler/page_text.h"
#include "crawler/trap.h"
#include "tests/test_fetch.h"
#include "tests/test_html.h"
#include "tests/test_pipeline.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

// Over the pipeline's 1 MiB read-ahead limit: read on the engine's thread.
constexpr size_t kBigPage = (1u << 20) + 4096;

CrawlConfig LoopbackConfig(int connections) {
  CrawlConfig config;
  config.fetcher = LoopbackFetcherOptions();
  config.limits.host_delay = std::chrono::milliseconds(0);
  config.limits.host_connections = connections;
  config.max_run_time = std::chrono::seconds(60);
  return config;
}

// Passes every call to `pipeline`, and checks each fingerprint it gives
// against PageTextFingerprint of the body.
class CheckingSink : public CrawlSink {
 public:
  explicit CheckingSink(Pipeline* pipeline) : pipeline_(pipeline) {}

  void OnSiteStart(const Site& site) override { pipeline_->OnSiteStart(site); }
  void PrepareRequest(const Site& site, Request* request) override {
    pipeline_->PrepareRequest(site, request);
  }
  void StartReadAhead(const FetchResult& r) override {
    pipeline_->StartReadAhead(r);
  }
  bool ReadAheadReady(const FetchResult& r) override {
    return pipeline_->ReadAheadReady(r);
  }
  void EndReadAhead(const FetchResult& r) override {
    pipeline_->EndReadAhead(r);
  }
  std::vector<Outlink> OnResponse(const Site& site,
                                  const FetchResult& r) override {
    return pipeline_->OnResponse(site, r);
  }
  std::optional<uint64_t> TextFingerprint(const FetchResult& r) override {
    ++asked_;
    std::optional<uint64_t> given = pipeline_->TextFingerprint(r);
    if (!given) {
      if (r.body.size() > kBigPage / 2) ++big_not_given_;
      return given;
    }
    ++given_;
    if (*given != PageTextFingerprint(r.body)) ++wrong_;
    return given;
  }
  void OnNotFetched(const Site& site, const Request& request,
                    FetchOutcome why) override {
    pipeline_->OnNotFetched(site, request, why);
  }
  void OnSiteDone(const Site& site, const SiteCrawlStats& stats) override {
    pipeline_->OnSiteDone(site, stats);
  }
  void OnCrawlDone() override { pipeline_->OnCrawlDone(); }
  bool Aborted() const override { return pipeline_->Aborted(); }

  int asked() const { return asked_; }
  int given() const { return given_; }
  int wrong() const { return wrong_; }
  int big_not_given() const { return big_not_given_; }

 private:
  Pipeline* pipeline_;
  int asked_ = 0, given_ = 0, wrong_ = 0, big_not_given_ = 0;
};

TEST(TextFingerprintTest, PipelineGivesEachReadAheadPagesFingerprint) {
  TestServer server;
  constexpr int kPages = 12;
  std::string home;
  for (int i = 0; i < kPages; ++i) {
    const std::string path = "/d/p" + std::to_string(i);
    home +=
        "<a href=\"" + path + "\">ข่าวประชาสัมพันธ์ " + std::to_string(i) + "</a> ";
    std::string text;
    for (int line = 0; line < 100; ++line) {
      text += "<p>ข่าวของสำนักงานเขต เรื่องที่ " + std::to_string(i * 1000 + line) +
              " word" + std::string(1, static_cast<char>('a' + i)) + "</p>\n";
    }
    server.Route(path, TestResponse{200,
                                    "text/html; charset=utf-8",
                                    Html("ข่าว " + std::to_string(i), text),
                                    {}});
  }
  // A page too big to be read ahead: the engine fingerprints it itself.
  home += "<a href=\"/d/big\">ข่าวใหญ่</a>";
  std::string big;
  while (big.size() < kBigPage) big += "<p>ข่าวยาวมาก เรื่องเดิม</p>\n";
  server.Route(
      "/d/big",
      TestResponse{200, "text/html; charset=utf-8", Html("ข่าวใหญ่", big), {}});
  server.Route(
      "/d/",
      TestResponse{
          200, "text/html; charset=utf-8", Html("สำนักงานเขตดี", home), {}});
  ASSERT_TRUE(server.Start());

  PipelineRig rig;
  ASSERT_TRUE(MakePipelineRig(/*parse_threads=*/2, &rig));
  Pipeline pipeline(rig.store.get(), *rig.matcher, rig.options);
  CheckingSink sink(&pipeline);

  std::vector<Site> sites(1);
  sites[0].id = "d";
  sites[0].name = "สำนักงานเขตดี";
  sites[0].url = server.url("/d/");
  std::string err;
  ASSERT_TRUE(Crawl(sites, LoopbackConfig(4), &sink, &err)) << err;
  ASSERT_TRUE(pipeline.error().empty()) << pipeline.error();

  // Every page fetched was asked for: the start page, the news, the big one.
  EXPECT_EQ(sink.asked(), kPages + 2);
  // Each page read ahead came with its body's fingerprint ...
  EXPECT_EQ(sink.given(), kPages + 1);
  EXPECT_EQ(sink.wrong(), 0);
  // ... the big page, read on the engine's thread, with none.
  EXPECT_EQ(sink.big_not_given(), 1);
}

// A sink with no read ahead: finds the calendar's links itself, and gives
// each page's fingerprint as `fingerprint` says.
class CalendarSink : public CrawlSink {
 public:
  CalendarSink(const TestServer& server,
               std::optional<uint64_t> (*fingerprint)(const FetchResult&))
      : server_(server), fingerprint_(fingerprint) {}

  void OnSiteStart(const Site&) override {}
  std::vector<Outlink> OnResponse(const Site&, const FetchResult& r) override {
    if (r.request.kind == RequestKind::kPage) ++pages_;
    std::vector<Outlink> links;
    for (size_t at = r.body.find("href=\"/"); at != std::string::npos;
         at = r.body.find("href=\"/", at + 1)) {
      const size_t from = at + 6;
      const size_t end = r.body.find('"', from);
      Outlink link;
      link.url = server_.url(r.body.substr(from, end - from));
      links.push_back(link);
    }
    return links;
  }
  std::optional<uint64_t> TextFingerprint(const FetchResult& r) override {
    return fingerprint_(r);
  }
  void OnNotFetched(const Site&, const Request&, FetchOutcome) override {}
  void OnSiteDone(const Site&, const SiteCrawlStats& stats) override {
    trap_suspected_ = stats.trap_suspected;
  }

  int pages() const { return pages_; }
  int trap_suspected() const { return trap_suspected_; }

 private:
  const TestServer& server_;
  std::optional<uint64_t> (*fingerprint_)(const FetchResult&);
  int pages_ = 0;
  int trap_suspected_ = 0;
};

std::optional<uint64_t> NoFingerprint(const FetchResult&) {
  return std::nullopt;
}

// Tells every page apart (its URL), though their texts read alike.
std::optional<uint64_t> UrlFingerprint(const FetchResult& r) {
  return std::hash<std::string>{}(r.request.url);
}

// An endless calendar whose months read alike, numbers aside: 5 months of
// its shape are let in (max_urls_per_template); more only by the texts it
// fetched that no month before had.
int CalendarPagesFetched(
    std::optional<uint64_t> (*fingerprint)(const FetchResult&)) {
  TestServer server;
  server.Route("/d/", TestResponse{200,
                                   "text/html; charset=utf-8",
                                   Html("เขตทดสอบ",
                                        "<a href=\"/d/cal?m=1&y=2568\">"
                                        "ปฏิทินกิจกรรม</a>"),
                                   {}});
  server.Route("/d/cal", [](const TestRequest& q) {
    const int m = std::stoi(q.query.substr(q.query.find('=') + 1));
    const std::string next = std::to_string(m + 1);
    return TestResponse{
        200,
        "text/html; charset=utf-8",
        Html("ปฏิทิน", "<h1>ปฏิทินกิจกรรม เดือน " + std::to_string(m) +
                         "</h1><a href=\"/d/cal?m=" + next + "&y=2568\">ถัดไป " +
                         next + "</a>"),
        {}};
  });
  EXPECT_TRUE(server.Start());
  CalendarSink sink(server, fingerprint);
  std::vector<Site> sites(1);
  sites[0].id = "d";
  sites[0].url = server.url("/d/");
  CrawlConfig config = LoopbackConfig(1);
  config.max_urls_per_template = 5;
  config.limits.max_depth = 1000;  // a month is one hop deeper than the last
  std::string err;
  EXPECT_TRUE(Crawl(sites, config, &sink, &err)) << err;
  EXPECT_GT(sink.trap_suspected(), 0) << "the calendar must end as a trap";
  return sink.pages() - 1;  // the start page aside
}

TEST(TextFingerprintTest, EngineLetsWaitingLinksInByTheSinksFingerprint) {
  // Its own fingerprint: the months read alike and earn nothing.
  EXPECT_EQ(CalendarPagesFetched(&NoFingerprint), 5);
  // The sink's: every month is a new text and earns one more, up to the
  // template's cap of kEarnFactor times its budget.
  EXPECT_EQ(CalendarPagesFetched(&UrlFingerprint),
            5 + TemplateBudget::kEarnFactor * 5);
}

}  // namespace
}  // namespace oitwatch
