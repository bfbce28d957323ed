// rt8pipe BUG-1: a stop (SIGTERM, a storage failure) while pages are being
// read ahead on the parse pool. The engine closes the sites left when it
// stops (OnSiteDone frees the pipeline's state of a site), and a read job
// still running used that state (the site's chrome lines): a use after
// free. The engine must end every read ahead (EndReadAhead: the job is
// dropped, or waited for if it runs) before it closes any site.
//
// A real crawl of a loopback site through the real Pipeline, with its parse
// pool, on a real SQLite store; between the engine and the pipeline a sink
// that passes every call on and watches the order of the calls.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/pipeline.h"
#include "crawler/crawl.h"
#include "tests/test_fetch.h"
#include "tests/test_html.h"
#include "tests/test_pipeline.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

// Passes every call to `pipeline`. Counts, per site, the page responses
// polled whose read ahead has not ended; once `stop_at` are open at once
// it stops the crawl (Aborted, as a SIGTERM does) and from then on says no
// read is ready, so the engine stops with those responses unhandled.
class WatchingSink : public CrawlSink {
 public:
  WatchingSink(Pipeline* pipeline, int stop_at)
      : pipeline_(pipeline), stop_at_(stop_at) {}

  void OnSiteStart(const Site& site) override { pipeline_->OnSiteStart(site); }
  void PrepareRequest(const Site& site, Request* request) override {
    pipeline_->PrepareRequest(site, request);
  }
  void StartReadAhead(const FetchResult& r) override {
    pipeline_->StartReadAhead(r);
    if (r.request.kind != RequestKind::kPage || r.request.depth == 0) return;
    const int open = ++open_[r.request.site_id];
    if (open >= stop_at_ && !stop_) {
      stop_ = true;
      open_at_stop_ = open;
    }
  }
  bool ReadAheadReady(const FetchResult& r) override {
    return !stop_ && pipeline_->ReadAheadReady(r);
  }
  void EndReadAhead(const FetchResult& r) override {
    pipeline_->EndReadAhead(r);
    if (r.request.kind == RequestKind::kPage && r.request.depth > 0) {
      --open_[r.request.site_id];
    }
  }
  std::vector<Outlink> OnResponse(const Site& site,
                                  const FetchResult& r) override {
    // The first page after the start page is handled slowly: the other
    // connections' pages come in meanwhile and are polled together.
    if (r.request.depth > 0 && !slowed_) {
      slowed_ = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
    }
    return pipeline_->OnResponse(site, r);
  }
  void OnNotFetched(const Site& site, const Request& request,
                    FetchOutcome why) override {
    pipeline_->OnNotFetched(site, request, why);
  }
  void OnSiteDone(const Site& site, const SiteCrawlStats& stats) override {
    if (open_[site.id] > 0) reads_open_at_close_ += open_[site.id];
    ++sites_closed_;
    pipeline_->OnSiteDone(site, stats);
  }
  void OnCrawlDone() override { pipeline_->OnCrawlDone(); }
  bool Aborted() const override { return stop_ || pipeline_->Aborted(); }

  int open_at_stop() const { return open_at_stop_; }
  int reads_open_at_close() const { return reads_open_at_close_; }
  int sites_closed() const { return sites_closed_; }

 private:
  Pipeline* pipeline_;
  const int stop_at_;
  std::map<std::string, int> open_;
  bool stop_ = false;
  bool slowed_ = false;
  int open_at_stop_ = 0;
  int reads_open_at_close_ = 0;
  int sites_closed_ = 0;
};

TEST(ReadAheadStopTest, ReadsAheadEndBeforeTheirSiteIsClosed) {
  TestServer server;
  std::string home;
  for (int i = 0; i < 8; ++i) {
    const std::string path = "/d/p" + std::to_string(i);
    home +=
        "<a href=\"" + path + "\">ข่าวประชาสัมพันธ์ " + std::to_string(i) + "</a> ";
    std::string text;  // ~20 KB: the socket buffers hold the whole answer
    for (int line = 0; line < 300; ++line) {
      text += "<p>ข่าวของสำนักงานเขต เรื่องที่ " + std::to_string(i * 1000 + line) +
              "</p>\n";
    }
    server.Route(path, TestResponse{200,
                                    "text/html; charset=utf-8",
                                    Html("ข่าว " + std::to_string(i), text),
                                    {}});
  }
  server.Route(
      "/d/",
      TestResponse{
          200, "text/html; charset=utf-8", Html("สำนักงานเขตดี", home), {}});
  ASSERT_TRUE(server.Start());

  PipelineRig rig;
  ASSERT_TRUE(MakePipelineRig(/*parse_threads=*/2, &rig));
  Pipeline pipeline(rig.store.get(), *rig.matcher, rig.options);
  WatchingSink sink(&pipeline, /*stop_at=*/2);

  std::vector<Site> sites(1);
  sites[0].id = "d";
  sites[0].name = "สำนักงานเขตดี";
  sites[0].url = server.url("/d/");
  CrawlConfig config;
  config.fetcher = LoopbackFetcherOptions();
  config.limits.host_delay = std::chrono::milliseconds(0);
  config.limits.host_connections = 4;
  config.max_run_time = std::chrono::seconds(60);
  std::string err;
  ASSERT_TRUE(Crawl(sites, config, &sink, &err)) << err;

  // The stop came with pages polled and not handled (else this test shows
  // nothing) ...
  EXPECT_GE(sink.open_at_stop(), 2);
  // ... the site was closed, and none of its reads was still open then.
  EXPECT_EQ(sink.sites_closed(), 1);
  EXPECT_EQ(sink.reads_open_at_close(), 0);
}

}  // namespace
}  // namespace oitwatch
