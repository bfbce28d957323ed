// Conditional requests and what a server's answer to them may mean
// (red-team rt6night BUG-1, BUG-3, BUG-4), at the fetcher level:
//  - the stored URL's validators (If-None-Match / If-Modified-Since) go to
//    that URL only, never to where it redirects, and a 304 from any other
//    hop confirms nothing;
//  - a 304 to a robots.txt request (never conditional) is no robots.txt;
//  - a 304 or 204 that announces a body anyway never leaves its bytes on a
//    kept-alive connection to be read as the next URL's response.
// The whole-run consequences are in incremental_test.cc (StandInPageTest)
// and hostile_test.cc (A29).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "crawler/fetcher.h"
#include "tests/test_fault_server.h"
#include "tests/test_fetch.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

Request Conditional(const std::string& url) {
  Request request;
  request.url = url;
  request.etag = "\"stored\"";
  request.last_modified = "Wed, 09 Apr 2025 10:00:00 GMT";
  return request;
}

bool IsConditional(const TestRequest& request) {
  return request.headers.count("if-none-match") > 0 ||
         request.headers.count("if-modified-since") > 0;
}

// A start page that answers 304 to any conditional request, like Apache
// comparing If-Modified-Since with its own older Last-Modified.
TestResponse HomeAnswering304(const TestRequest& request) {
  if (IsConditional(request)) return TestResponse{304, "", "", {}};
  return TestResponse{200, "text/html", "the home page", {}};
}

// ------------------------------------------------------------ BUG-1

TEST(ConditionalFetchTest, ValidatorsGoToTheRequestedUrlOnly) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  server.Route("/evidence",
               TestResponse{302, "text/html", "", {{"Location", "/home"}}});
  server.Route("/home", &HomeAnswering304);
  const FetchResult r = FetchToEnd(LoopbackFetcherOptions(),
                                   Conditional(server.url("/evidence")));
  EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.body, "the home page");
  EXPECT_EQ(r.final_url, server.url("/home"));
  const std::vector<TestRequest> seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].path, "/evidence");
  EXPECT_TRUE(IsConditional(seen[0]))
      << "the stored URL is asked conditionally";
  EXPECT_EQ(seen[1].path, "/home");
  EXPECT_FALSE(IsConditional(seen[1]))
      << "the evidence page's validators went to the redirect target";
}

TEST(ConditionalFetchTest, NotModifiedFromARedirectTargetConfirmsNothing) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  server.Route("/evidence",
               TestResponse{301, "text/html", "", {{"Location", "/home"}}});
  server.Route("/home", TestResponse{304, "", "", {}});  // 304 to anything
  const FetchResult r = FetchToEnd(LoopbackFetcherOptions(),
                                   Conditional(server.url("/evidence")));
  EXPECT_NE(r.outcome, FetchOutcome::kNotModified)
      << "a 304 from " << r.final_url << " does not confirm /evidence";
  EXPECT_EQ(r.outcome, FetchOutcome::kBadContent) << r.error;
  EXPECT_NE(r.error.find("304"), std::string::npos) << r.error;
}

TEST(ConditionalFetchTest, NotModifiedFromTheUrlItselfIsStillAConfirmation) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  server.Route("/page", &HomeAnswering304);
  const FetchResult r =
      FetchToEnd(LoopbackFetcherOptions(), Conditional(server.url("/page")));
  EXPECT_EQ(r.outcome, FetchOutcome::kNotModified) << r.error;
  EXPECT_EQ(r.final_url, server.url("/page"));
}

// The redirect cap is the same whether the first hop was conditional or not.
TEST(ConditionalFetchTest, RedirectCapHoldsForConditionalRequests) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  for (int i = 0; i < 5; ++i) {
    server.Route("/r" + std::to_string(i),
                 TestResponse{302,
                              "text/html",
                              "x",
                              {{"Location", "/r" + std::to_string(i + 1)}}});
  }
  server.Route("/r5", TestResponse{200, "text/html", "end", {}});
  const FetchResult within = FetchToEnd(
      LoopbackFetcherOptions(), Conditional(server.url("/r2")));  // 3 hops
  EXPECT_EQ(within.outcome, FetchOutcome::kOk) << within.error;
  EXPECT_EQ(within.body, "end") << "a redirect's own body is not the page";
  EXPECT_EQ(within.final_url, server.url("/r5"));
  const FetchResult over = FetchToEnd(
      LoopbackFetcherOptions(), Conditional(server.url("/r1")));  // 4 hops
  EXPECT_EQ(over.outcome, FetchOutcome::kTooManyRedirects) << over.error;
  EXPECT_EQ(server.hits("/r5"), 1) << "never past the cap";
}

// The port guard still applies to the hop after a conditional first hop.
TEST(ConditionalFetchTest, RedirectAfterAConditionalHopKeepsThePortGuard) {
  TestServer server, other;
  ASSERT_TRUE(server.Start());
  ASSERT_TRUE(other.Start());
  other.Route("/x", TestResponse{200, "text/html", "elsewhere", {}});
  server.Route(
      "/evidence",
      TestResponse{302, "text/html", "", {{"Location", other.url("/x")}}});
  FetcherOptions options = LoopbackFetcherOptions();
  options.allow_ports = {80, 443};
  const FetchResult r =
      FetchToEnd(options, Conditional(server.url("/evidence")));
  EXPECT_EQ(r.outcome, FetchOutcome::kForbiddenAddress) << r.error;
  EXPECT_EQ(other.hits("/x"), 0);
}

// ------------------------------------------------------------ BUG-3

TEST(ConditionalFetchTest, RobotsAnswered304IsNoRobotsTxt) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  server.Route("/robots.txt", TestResponse{304, "", "", {}});
  Request robots;
  robots.url = server.url("/robots.txt");
  robots.kind = RequestKind::kRobots;
  const FetchResult r = FetchToEnd(LoopbackFetcherOptions(), robots);
  EXPECT_EQ(r.outcome, FetchOutcome::kBadContent)
      << "nothing was asked conditionally: " << r.error;
  EXPECT_EQ(r.http_status, 304);
}

// ------------------------------------------------------------ BUG-4

// A keep-alive server: /lie-* answer with a bodyless status that announces
// a body anyway, whose bytes look like a whole response ("WRONG"); every
// other path answers 200 with "page <path>".
void LyingKeepAlive(FaultConnection& c) {
  const std::string fake =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n"
      "\r\nWRONG";
  const std::string length = std::to_string(fake.size());
  do {
    const std::string path = c.path();
    if (path == "/lie-length") {
      c.Send(
          "HTTP/1.1 304 Not Modified\r\nETag: \"stored\"\r\nContent-Length: " +
          length + "\r\n\r\n" + fake);
    } else if (path == "/lie-late") {  // the body comes after the next request
      c.Send("HTTP/1.1 304 Not Modified\r\nContent-Length: " + length +
             "\r\n\r\n");
      c.Hold(150);
      c.Send(fake);
    } else if (path == "/lie-chunked") {  // a common server fault
      c.Send(
          "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"
          "0\r\n\r\n");
    } else if (path == "/lie-204") {
      c.Send("HTTP/1.1 204 No Content\r\nContent-Length: " + length +
             "\r\n\r\n" + fake);
    } else {
      const std::string body = "page " + path;
      c.Send("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body);
    }
  } while (c.NextRequest(3000));
}

FetchResult FetchWith(Fetcher& fetcher, const Request& request) {
  fetcher.Start(request);
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    std::vector<FetchResult> done = fetcher.Poll(50);
    if (!done.empty()) return std::move(done.front());
  }
  ADD_FAILURE() << "no result for " << request.url;
  return {};
}

// With no pause between requests (--host-delay-ms 0), every URL gets its
// own response: each lying answer costs its connection, nothing more.
TEST(ConditionalFetchTest, BodyOnABodylessAnswerIsNeverTheNextUrlsResponse) {
  FaultServer server;
  ASSERT_TRUE(server.Start(&LyingKeepAlive));
  std::string err;
  std::unique_ptr<Fetcher> fetcher =
      Fetcher::Create(LoopbackFetcherOptions(), &err);
  ASSERT_NE(fetcher, nullptr) << err;
  const std::vector<std::string> lies = {"/lie-length", "/lie-late",
                                         "/lie-chunked", "/lie-204"};
  for (const std::string& lie : lies) {
    SCOPED_TRACE(lie);
    const bool not_modified = lie != "/lie-204";
    Request asked = not_modified ? Conditional(server.url(lie)) : Request();
    asked.url = server.url(lie);
    const FetchResult r = FetchWith(*fetcher, asked);
    EXPECT_EQ(r.outcome,
              not_modified ? FetchOutcome::kNotModified : FetchOutcome::kOk)
        << r.error;
    EXPECT_EQ(r.body, "");
    for (const std::string& next : {"/after" + lie, "/again" + lie}) {
      const FetchResult n = FetchWith(*fetcher, Request{server.url(next)});
      EXPECT_EQ(n.outcome, FetchOutcome::kOk) << next << ": " << n.error;
      EXPECT_EQ(n.body, "page " + next) << "another URL's bytes";
      EXPECT_EQ(n.http_status, 200) << next;
    }
  }
  EXPECT_EQ(server.connections(), static_cast<int>(lies.size()) + 1)
      << "each lying answer's connection is dropped, the others are kept";
}

// An honest 304 (no body announced, or Content-Length: 0) keeps its
// connection: the fix must not cost well-behaved servers their keep-alive.
TEST(ConditionalFetchTest, HonestNotModifiedKeepsTheConnection) {
  FaultServer server;
  ASSERT_TRUE(server.Start([](FaultConnection& c) {
    do {
      if (c.path() == "/a") {
        c.Send("HTTP/1.1 304 Not Modified\r\nETag: \"stored\"\r\n\r\n");
      } else if (c.path() == "/b") {
        c.Send("HTTP/1.1 304 Not Modified\r\nContent-Length: 0\r\n\r\n");
      } else {
        c.Send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      }
    } while (c.NextRequest(3000));
  }));
  std::string err;
  std::unique_ptr<Fetcher> fetcher =
      Fetcher::Create(LoopbackFetcherOptions(), &err);
  ASSERT_NE(fetcher, nullptr) << err;
  EXPECT_EQ(FetchWith(*fetcher, Conditional(server.url("/a"))).outcome,
            FetchOutcome::kNotModified);
  EXPECT_EQ(FetchWith(*fetcher, Conditional(server.url("/b"))).outcome,
            FetchOutcome::kNotModified);
  EXPECT_EQ(FetchWith(*fetcher, Request{server.url("/c")}).body, "ok");
  EXPECT_EQ(server.connections(), 1);
}

}  // namespace
}  // namespace oitwatch
