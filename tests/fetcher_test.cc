#include "crawler/fetcher.h"

#include <arpa/inet.h>
#include <brotli/encode.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zstd.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include "tests/test_compress.h"
#include "tests/test_fault_server.h"
#include "tests/test_fetch.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

FetcherOptions TestOptions() {
  FetcherOptions options = LoopbackFetcherOptions();
  options.max_page_bytes = 256 * 1024;
  return options;
}

// Runs one request to completion (bounded by a generous deadline).
FetchResult Fetch(const std::string& url,
                  const FetcherOptions& options = TestOptions(),
                  Request request = Request()) {
  request.url = url;
  return FetchToEnd(options, request);
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

TEST(FetchResultTest, OutcomeNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(FetchOutcome::kSkipped); ++i) {
    const auto outcome = static_cast<FetchOutcome>(i);
    FetchOutcome parsed = FetchOutcome::kOk;
    ASSERT_TRUE(ParseFetchOutcome(FetchOutcomeName(outcome), &parsed)) << i;
    EXPECT_EQ(parsed, outcome) << FetchOutcomeName(outcome);
  }
  EXPECT_STREQ(FetchOutcomeName(FetchOutcome::kTimeout), "timeout");
}

TEST(FetchResultTest, UnknownOutcomeNameIsRejected) {
  FetchOutcome parsed = FetchOutcome::kOk;
  EXPECT_FALSE(ParseFetchOutcome("Timeout", &parsed));
  EXPECT_FALSE(ParseFetchOutcome("", &parsed));
}

TEST(FetcherTest, OkReturnsBodyAndHeaders) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  TestResponse page;
  page.content_type = "text/html; charset=tis-620";
  page.body = "<html>สวัสดี</html>";
  page.headers = {{"ETag", "\"v1\""},
                  {"Last-Modified", "Tue, 01 Oct 2024 00:00:00 GMT"}};
  server.Route("/laksi/", page);
  const FetchResult result = Fetch(server.url("/laksi/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kOk) << result.error;
  EXPECT_EQ(result.http_status, 200);
  EXPECT_EQ(result.body, page.body);
  EXPECT_EQ(result.content_type, "text/html; charset=tis-620");
  EXPECT_EQ(result.etag, "\"v1\"");
  EXPECT_EQ(result.last_modified, "Tue, 01 Oct 2024 00:00:00 GMT");
  EXPECT_EQ(result.final_url, server.url("/laksi/"));
  EXPECT_GT(result.fetched_at_unix, 1700000000);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].headers.at("user-agent"),
            FetcherOptions().user_agent);
}

TEST(FetcherTest, NotFoundIsHttpError) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  const FetchResult result = Fetch(server.url("/missing"));
  EXPECT_EQ(result.outcome, FetchOutcome::kHttpError);
  EXPECT_EQ(result.http_status, 404);
}

TEST(FetcherTest, ForbiddenIsBlocked) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  server.Route("/", TestResponse{403, "text/html", "no", {}});
  EXPECT_EQ(Fetch(server.url("/")).outcome, FetchOutcome::kBlocked);
}

TEST(FetcherTest, CloudflareChallengeIsBlocked) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  server.Route(
      "/", TestResponse{503,
                        "text/html",
                        "<title>Just a moment...</title><div id=cf-chl-widget>",
                        {}});
  const FetchResult result = Fetch(server.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kBlocked);
  EXPECT_EQ(result.http_status, 503);
}

TEST(FetcherTest, TooManyRequestsIsRateLimitedWithRetryAfter) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  server.Route(
      "/",
      TestResponse{429, "text/plain", "slow down", {{"Retry-After", "120"}}});
  const FetchResult result = Fetch(server.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kRateLimited);
  EXPECT_EQ(result.retry_after, "120");
}

TEST(FetcherTest, PlainServiceUnavailableIsRateLimited) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  server.Route("/", TestResponse{503, "text/plain", "maintenance", {}});
  EXPECT_EQ(Fetch(server.url("/")).outcome, FetchOutcome::kRateLimited);
}

void RouteRedirectChain(TestServer* server, int length) {
  for (int i = 0; i < length; ++i) {
    server->Route("/r/" + std::to_string(i),
                  TestResponse{302,
                               "text/plain",
                               "",
                               {{"Location", "/r/" + std::to_string(i + 1)}}});
  }
  server->Route("/r/" + std::to_string(length),
                TestResponse{200, "text/plain", "end", {}});
}

TEST(FetcherTest, RedirectsWithinCapAreFollowed) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  RouteRedirectChain(&server, 3);
  const FetchResult result = Fetch(server.url("/r/0"));
  EXPECT_EQ(result.outcome, FetchOutcome::kOk) << result.error;
  EXPECT_EQ(result.final_url, server.url("/r/3"));
  EXPECT_EQ(result.body, "end");
}

TEST(FetcherTest, RedirectChainOverCapIsTooManyRedirects) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  RouteRedirectChain(&server, 20);
  const FetchResult result = Fetch(server.url("/r/0"));  // max_redirects = 3
  EXPECT_EQ(result.outcome, FetchOutcome::kTooManyRedirects);
  EXPECT_EQ(server.requests().size(), 4u);  // the first request + 3 redirects
}

TEST(FetcherTest, RedirectToFileSchemeIsUnsupported) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  server.Route(
      "/", TestResponse{
               302, "text/plain", "", {{"Location", "file:///etc/passwd"}}});
  const FetchResult result = Fetch(server.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kUnsupportedScheme);
  EXPECT_EQ(result.body.find("root:"), std::string::npos);
}

TEST(FetcherTest, NonHttpStartUrlIsUnsupported) {
  EXPECT_EQ(Fetch("ftp://127.0.0.1/x").outcome,
            FetchOutcome::kUnsupportedScheme);
}

TEST(FetcherTest, RedirectToNonPublicAddressIsRefused) {
  FaultServer victim("127.0.0.2");
  ASSERT_TRUE(
      victim.Start(FaultServer::Reply("HTTP/1.1 200 OK\r\n\r\nsecret")));
  TestServer server;
  ASSERT_TRUE(server.Start());
  server.Route("/",
               TestResponse{302,
                            "text/plain",
                            "",
                            {{"Location", victim.url("/latest/meta-data/")}}});
  std::string err;
  auto fetcher = Fetcher::Create(TestOptions(), &err);
  ASSERT_NE(fetcher, nullptr) << err;
  fetcher->Start(Request{server.url("/")});
  std::vector<FetchResult> done;
  while (done.empty()) done = fetcher->Poll(100);
  EXPECT_EQ(done[0].outcome, FetchOutcome::kForbiddenAddress) << done[0].error;
  EXPECT_GE(fetcher->refused_connections(), 1);
  EXPECT_EQ(victim.connections(), 0);
}

TEST(FetcherTest, EmptyAllowListRefusesLoopback) {
  FaultServer victim;
  ASSERT_TRUE(
      victim.Start(FaultServer::Reply("HTTP/1.1 200 OK\r\n\r\nsecret")));
  FetcherOptions options = TestOptions();
  options.allow_addresses.clear();
  const FetchResult result = Fetch(victim.url("/"), options);
  EXPECT_EQ(result.outcome, FetchOutcome::kForbiddenAddress);
  EXPECT_EQ(victim.connections(), 0);
  EXPECT_EQ(victim.requests(), 0);
}

TEST(FetcherTest, ResolvedNameIsCheckedByAddress) {
  FaultServer victim;
  ASSERT_TRUE(
      victim.Start(FaultServer::Reply("HTTP/1.1 200 OK\r\n\r\nsecret")));
  FetcherOptions options = TestOptions();
  options.allow_addresses.clear();
  options.resolve = {"public.example.go.th:" + std::to_string(victim.port()) +
                     ":127.0.0.1"};
  const FetchResult result = Fetch(
      "http://public.example.go.th:" + std::to_string(victim.port()) + "/",
      options);
  EXPECT_EQ(result.outcome, FetchOutcome::kForbiddenAddress);
  EXPECT_EQ(victim.connections(), 0);
}

TEST(FetcherTest, AllowListAcceptsCidr) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  server.Route("/", TestResponse{200, "text/plain", "ok", {}});
  FetcherOptions options = TestOptions();
  options.allow_addresses = {"127.0.0.0/8"};
  EXPECT_EQ(Fetch(server.url("/"), options).outcome, FetchOutcome::kOk);
}

TEST(FetcherTest, CreateRejectsBadAllowListEntry) {
  for (const std::string bad :
       {"localhost", "127.0.0.1/33", "10.0.0.0/", "::1/129", ""}) {
    FetcherOptions options;
    options.allow_addresses = {bad};
    std::string err;
    EXPECT_EQ(Fetcher::Create(options, &err), nullptr) << bad;
    EXPECT_NE(err.find("allow_addresses"), std::string::npos) << err;
  }
}

TEST(FetcherTest, GzipBombIsTooLarge) {
  const std::string bomb =
      Zlib("", 31, 64u << 20);  // 64 MiB of zeros -> ~64 KiB
  FaultServer server;
  ASSERT_TRUE(server.Start(FaultServer::Reply(
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
      "Content-Length: " +
      std::to_string(bomb.size()) + "\r\n\r\n" + bomb)));
  const FetchResult result = Fetch(server.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kTooLarge) << result.error;
  EXPECT_TRUE(result.body.empty());
}

// `data` in `coding`: gzip, deflate (zlib-wrapped), br or zstd.
std::string Encoded(const std::string& coding, const std::string& data) {
  std::string out;
  if (coding == "br") {
    out.resize(BrotliEncoderMaxCompressedSize(data.size()));
    size_t size = out.size();
    BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                          data.size(),
                          reinterpret_cast<const uint8_t*>(data.data()), &size,
                          reinterpret_cast<uint8_t*>(out.data()));
    out.resize(size);
  } else if (coding == "zstd") {
    out.resize(ZSTD_compressBound(data.size()));
    out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(),
                             3));
  } else {
    out = Zlib(data, coding == "gzip" ? 31 : 15);
  }
  return out;
}

// ~40 KiB of HTML, compressed to a few KiB by every coding.
std::string LongPage() {
  std::string page = "<html><body>";
  for (int i = 0; i < 2000; ++i)
    page += "<p>item " + std::to_string(i * i % 9973) + "</p>\n";
  return page + "</body></html>";
}

std::string EncodedReply(const std::string& coding, const std::string& body,
                         const std::string& status = "200 OK") {
  return "HTTP/1.1 " + status +
         "\r\nContent-Type: text/html\r\nContent-Encoding: " + coding +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         body;
}

TEST(FetcherTest, CompressedBodiesAreDecoded) {
  const std::string page = LongPage();
  for (const std::string coding : {"gzip", "deflate", "br", "zstd"}) {
    FaultServer server;
    ASSERT_TRUE(server.Start(
        FaultServer::Reply(EncodedReply(coding, Encoded(coding, page)))));
    const FetchResult result = Fetch(server.url("/"));
    EXPECT_EQ(result.outcome, FetchOutcome::kOk) << coding << result.error;
    EXPECT_TRUE(result.body == page) << coding;
  }
}

TEST(FetcherTest, StackedEncodingsOverTwoHeaderLinesAreDecoded) {
  const std::string page = LongPage();
  FaultServer server;
  ASSERT_TRUE(server.Start(FaultServer::Reply(EncodedReply(
      "gzip\r\nContent-Encoding: br", Encoded("br", Encoded("gzip", page))))));
  const FetchResult result = Fetch(server.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kOk) << result.error;
  EXPECT_TRUE(result.body == page);
}

TEST(FetcherTest, SendsAcceptEncodingForWhatItDecodes) {
  FaultServer server;
  std::mutex mutex;
  std::string head;
  ASSERT_TRUE(server.Start([&](FaultConnection& connection) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      head = connection.request();
    }
    connection.Send(FaultServer::Response(200, "text/html", "<p>x</p>"));
  }));
  EXPECT_EQ(Fetch(server.url("/")).outcome, FetchOutcome::kOk);
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_NE(head.find("\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"),
            std::string::npos)
      << head;
}

// S23: the compressed stream cut in half, with a Content-Length matching
// the cut bytes: the framing is complete, the stream is not. curl 7.88
// decoded what there was and called it a page.
void ExpectCutStreamIsBadContent(const std::string& coding) {
  const std::string whole = Encoded(coding, LongPage());
  FaultServer server;
  ASSERT_TRUE(server.Start(FaultServer::Reply(
      EncodedReply(coding, whole.substr(0, whole.size() / 2)))));
  const FetchResult result = Fetch(server.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kBadContent) << result.error;
  EXPECT_EQ(result.error, "truncated " + coding + " stream");
  EXPECT_TRUE(result.body.empty());
}

TEST(FetcherTest, S23_CutGzipStreamIsBadContent) {
  ExpectCutStreamIsBadContent("gzip");
}

TEST(FetcherTest, S23_CutBrotliStreamIsBadContent) {
  ExpectCutStreamIsBadContent("br");
}

TEST(FetcherTest, S23_CutDeflateStreamIsBadContent) {
  ExpectCutStreamIsBadContent("deflate");
}

TEST(FetcherTest, S23_CutZstdStreamIsBadContent) {
  ExpectCutStreamIsBadContent("zstd");
}

// Without Content-Length the body ends at close, unverifiable when plain;
// a compressed one still has to reach its end.
TEST(FetcherTest, S23_CutGzipStreamEndingAtCloseIsBadContent) {
  const std::string whole = Encoded("gzip", LongPage());
  FaultServer server;
  ASSERT_TRUE(server.Start(FaultServer::Reply(
      "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n" +
      whole.substr(0, whole.size() / 2))));
  const FetchResult result = Fetch(server.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kBadContent) << result.error;
  EXPECT_EQ(result.error, "truncated gzip stream");
}

// On an error status the status is the news; the cut body is still dropped.
TEST(FetcherTest, S23_CutGzipStreamOnErrorStatusKeepsTheStatus) {
  const std::string whole = Encoded("gzip", LongPage());
  FaultServer server;
  ASSERT_TRUE(server.Start(FaultServer::Reply(EncodedReply(
      "gzip", whole.substr(0, whole.size() / 2), "404 Not Found"))));
  const FetchResult result = Fetch(server.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kHttpError) << result.error;
  EXPECT_EQ(result.error, "HTTP 404; truncated gzip stream");
  EXPECT_TRUE(result.body.empty());
}

// One chunk holding `body`, then the last chunk.
std::string Chunked(const std::string& body) {
  char size[32];
  std::snprintf(size, sizeof(size), "%zx\r\n", body.size());
  return size + body + "\r\n0\r\n\r\n";
}

// curl 7.88 undid a compressing Transfer-Encoding (red-team probe H11);
// it still does, and a cut stream there is as truncated as anywhere.
TEST(FetcherTest, GzipTransferEncodingIsDecodedAndCheckedToo) {
  const std::string page = LongPage();
  const std::string gzip = Encoded("gzip", page);
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
      "Transfer-Encoding: gzip, chunked\r\n\r\n";
  FaultServer whole;
  ASSERT_TRUE(whole.Start(FaultServer::Reply(head + Chunked(gzip))));
  FetchResult result = Fetch(whole.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kOk) << result.error;
  EXPECT_TRUE(result.body == page);
  FaultServer cut;
  ASSERT_TRUE(cut.Start(
      FaultServer::Reply(head + Chunked(gzip.substr(0, gzip.size() / 2)))));
  result = Fetch(cut.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kBadContent) << result.error;
  EXPECT_EQ(result.error, "truncated gzip stream");
}

TEST(FetcherTest, UnknownContentEncodingIsBadContent) {
  FaultServer server;
  ASSERT_TRUE(
      server.Start(FaultServer::Reply(EncodedReply("compress", "\x1f\x9d..."))));
  const FetchResult result = Fetch(server.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kBadContent) << result.error;
  EXPECT_EQ(result.error, "unsupported Content-Encoding 'compress'");
  EXPECT_TRUE(result.body.empty());
}

TEST(FetcherTest, ContentEncodingWithoutBodyIsFine) {
  FaultServer no_content;
  ASSERT_TRUE(no_content.Start(FaultServer::Reply(
      "HTTP/1.1 204 No Content\r\nContent-Encoding: gzip\r\n\r\n")));
  EXPECT_EQ(Fetch(no_content.url("/")).outcome, FetchOutcome::kOk);
  FaultServer not_modified;
  ASSERT_TRUE(not_modified.Start(FaultServer::Reply(
      "HTTP/1.1 304 Not Modified\r\nContent-Encoding: br\r\n\r\n")));
  Request request;
  request.etag = "\"v1\"";
  const FetchResult result =
      Fetch(not_modified.url("/"), TestOptions(), request);
  EXPECT_EQ(result.outcome, FetchOutcome::kNotModified) << result.error;
}

TEST(FetcherTest, EndlessChunkedBodyIsCapped) {
  FaultServer server;
  ASSERT_TRUE(server.Start([](FaultConnection& connection) {
    if (!connection.Send(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
      return;
    const std::string chunk = "4000\r\n" + std::string(0x4000, 'a') + "\r\n";
    while (connection.Send(chunk)) {
    }
  }));
  const FetchResult result = Fetch(server.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kTooLarge) << result.error;
}

TEST(FetcherTest, DeclaredLengthOverCapIsRefusedBeforeTheBody) {
  FaultServer server;
  ASSERT_TRUE(server.Start([](FaultConnection& connection) {
    connection.Send("HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n");
    connection.Hold(10000);
  }));
  const auto start = std::chrono::steady_clock::now();
  const FetchResult result = Fetch(server.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kTooLarge) << result.error;
  EXPECT_LT(SecondsSince(start), 4.0);  // did not wait for the 5 s timeout
}

TEST(FetcherTest, StalledBodyTimesOutWithinBound) {
  FaultServer server;
  ASSERT_TRUE(server.Start([](FaultConnection& connection) {
    connection.Send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" +
                    std::string(1000, 'x'));
    connection.Hold(10000);
  }));
  FetcherOptions options = TestOptions();
  options.page_timeout_ms = 500;
  const auto start = std::chrono::steady_clock::now();
  const FetchResult result = Fetch(server.url("/"), options);
  EXPECT_EQ(result.outcome, FetchOutcome::kTimeout) << result.error;
  EXPECT_TRUE(result.body.empty());  // a partial body is never a page
  EXPECT_LT(SecondsSince(start), 3.0);
}

TEST(FetcherTest, TruncatedBodyIsBadContent) {
  FaultServer server;
  ASSERT_TRUE(server.Start(
      FaultServer::Reply("HTTP/1.1 200 OK\r\nContent-Length: 20\r\nConnection: "
                         "close\r\n\r\npartial")));
  const FetchResult result = Fetch(server.url("/"));
  EXPECT_EQ(result.outcome, FetchOutcome::kBadContent) << result.error;
  EXPECT_TRUE(result.body.empty());
}

TEST(FetcherTest, HeaderFloodIsBadContent) {
  std::string headers;
  for (int i = 0; i < 2000; ++i)
    headers +=
        "X-Filler-" + std::to_string(i) + ": " + std::string(40, 'h') + "\r\n";
  FaultServer server;
  ASSERT_TRUE(server.Start(FaultServer::Reply("HTTP/1.1 200 OK\r\n" + headers +
                                              "Content-Length: 2\r\n\r\nok")));
  const FetchResult result = Fetch(server.url("/"));  // ~100 KiB > 64 KiB cap
  EXPECT_EQ(result.outcome, FetchOutcome::kBadContent) << result.error;
}

TEST(FetcherTest, ConditionalRequestGetsNotModified) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  server.Route("/", [](const TestRequest& request) {
    auto etag = request.headers.find("if-none-match");
    if (etag != request.headers.end() && etag->second == "\"v1\"" &&
        request.headers.count("if-modified-since") == 1) {
      return TestResponse{304, "text/html", "", {}};
    }
    return TestResponse{200, "text/html", "fresh", {}};
  });
  Request request;
  request.etag = "\"v1\"";
  request.last_modified = "Tue, 01 Oct 2024 00:00:00 GMT";
  const FetchResult result = Fetch(server.url("/"), TestOptions(), request);
  EXPECT_EQ(result.outcome, FetchOutcome::kNotModified) << result.error;
  EXPECT_EQ(result.http_status, 304);
}

TEST(FetcherTest, UnresolvableHostIsDnsError) {
  FetcherOptions options = TestOptions();
  options.connect_timeout_ms = 3000;
  const FetchResult result = Fetch("http://nosuch.invalid/", options);
  EXPECT_TRUE(result.outcome == FetchOutcome::kDnsError)
      << FetchOutcomeName(result.outcome) << ": " << result.error;
}

int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(addr);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), length);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  close(fd);  // nothing listens there now
  return ntohs(addr.sin_port);
}

TEST(FetcherTest, ConnectionRefusedIsConnectError) {
  const FetchResult result =
      Fetch("http://127.0.0.1:" + std::to_string(ClosedPort()) + "/");
  EXPECT_EQ(result.outcome, FetchOutcome::kConnectError) << result.error;
}

// Echoes the request path as the body, one connection per request.
void EchoPath(FaultConnection& connection) {
  const std::string& head = connection.request();
  const size_t start = head.find(' ') + 1;
  const std::string path = head.substr(start, head.find(' ', start) - start);
  connection.Send("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " +
                  std::to_string(path.size()) + "\r\n\r\n" + path);
}

TEST(FetcherTest, ManyConcurrentTransfersAllComplete) {
  FaultServer server;
  ASSERT_TRUE(server.Start(&EchoPath));
  constexpr size_t kCount = 40;
  std::string err;
  auto fetcher = Fetcher::Create(TestOptions(), &err);
  ASSERT_NE(fetcher, nullptr) << err;
  for (size_t i = 0; i < kCount; ++i) {
    fetcher->Start(Request{server.url("/p/" + std::to_string(i))});
  }
  EXPECT_EQ(fetcher->active(), kCount);
  std::vector<FetchResult> all;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (all.size() < kCount && std::chrono::steady_clock::now() < deadline) {
    for (FetchResult& result : fetcher->Poll(100))
      all.push_back(std::move(result));
  }
  ASSERT_EQ(all.size(), kCount);
  for (const FetchResult& result : all) {
    EXPECT_EQ(result.outcome, FetchOutcome::kOk)
        << result.request.url << ": " << result.error;
    EXPECT_EQ(server.url(result.body), result.request.url);
  }
  EXPECT_EQ(fetcher->active(), 0u);
}

TEST(IsNonPublicAddressTest, Table) {
  const struct {
    const char* ip;
    bool non_public;
  } kCases[] = {
      {"127.0.0.1", true},
      {"127.1.2.3", true},
      {"2130706433", true},
      {"0x7f.1", true},
      {"017700000001", true},
      {"0177.0.0.1", true},
      {"127.1", true},
      {"0", true},
      {"0.0.0.0", true},
      {"10.0.0.1", true},
      {"172.16.0.1", true},
      {"172.31.255.255", true},
      {"192.168.1.1", true},
      {"169.254.169.254", true},
      {"100.64.0.1", true},
      {"100.127.255.255", true},
      {"224.0.0.1", true},
      {"255.255.255.255", true},
      {"::1", true},
      {"::", true},
      {"0:00::0:1", true},
      {"::127.0.0.1", true},
      {"::ffff:127.0.0.1", true},
      {"::ffff:7f00:1", true},
      {"::ffff:169.254.169.254", true},
      {"fe80::1", true},
      {"fc00::1", true},
      {"fd00:ec2::254", true},
      {"ff02::1", true},
      {"64:ff9b::10.0.0.1", true},
      {"2002:7f00:1::", true},
      {"2001:db8::1", true},
      {"not-an-ip", true},
      {"", true},
      {"8.8.8.8", false},
      {"203.150.1.1", false},
      {"172.32.0.1", false},
      {"100.128.0.1", false},
      {"::ffff:8.8.8.8", false},
      {"2001:4860:4860::8888", false},
      {"64:ff9b::8.8.8.8", false},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(IsNonPublicAddress(c.ip), c.non_public) << c.ip;
  }
}

}  // namespace
}  // namespace oitwatch
