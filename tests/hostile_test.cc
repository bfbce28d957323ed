// Hostile servers (RELIABILITY.md §2, catalogue A, B and D): each test is
// named after its catalogue entry and scripts the fault on loopback with the
// fault server (tests/test_fault_server.h), a TLS child (tests/test_tls.h) or
// the ordinary test server. Two levels:
//  - fetcher level: crawler/fetcher.h directly; every hostile transfer runs
//    beside a normal transfer to a healthy server, which must still succeed;
//  - whole-run level: the real `oitwatch run` over a good site and a hostile
//    one; the JSON report must parse, the good site must still pass O3, and
//    the hostile site must be `unchecked` with a precise reason (or its
//    evidence `broken`), never `missing` or `pass`.
// Timeouts are small (0.5-3 s) so the whole file runs in seconds.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <dirent.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "crawler/fetcher.h"
#include "tests/test_compress.h"
#include "tests/test_corpus.h"
#include "tests/test_fault_server.h"
#include "tests/test_html.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_server.h"
#include "tests/test_tls.h"

namespace oitwatch {
namespace {

using nlohmann::json;
using Seconds = std::chrono::duration<double>;

// ---------------------------------------------------------------- helpers

// A zstd frame (RFC 8878) of RLE blocks: `blocks` x 128 KiB of zeros in
// 4 bytes per block, written by hand so no zstd library is needed.
std::string ZstdZeros(int blocks) {
  std::string frame("\x28\xB5\x2F\xFD", 4);  // magic, little-endian
  frame += '\x00';  // descriptor: no content size, window descriptor follows
  frame += '\x38';  // window 2^17 = 128 KiB
  for (int i = 0; i < blocks; ++i) {
    const uint32_t last = i + 1 == blocks ? 1 : 0;
    const uint32_t header = (131072u << 3) | (1u << 1) | last;  // RLE block
    frame += static_cast<char>(header & 0xFF);
    frame += static_cast<char>((header >> 8) & 0xFF);
    frame += static_cast<char>((header >> 16) & 0xFF);
    frame += '\x00';  // the repeated byte
  }
  return frame;
}

// curl test1618: a 14-byte brotli bomb.
const std::string kBrotliBomb(
    "\x81\xfa\x7f\x0c\xfc\x13\x00\xf1\x58\x20\x90\x7b\x18\x00", 14);

FetcherOptions Options() {
  FetcherOptions o;
  o.allow_addresses = {"127.0.0.1"};
  o.connect_timeout_ms = 500;
  o.page_timeout_ms = 3000;
  o.document_timeout_ms = 3000;
  o.low_speed_bytes = 100;  // below 100 B/s ...
  o.low_speed_seconds = 1;  // ... for 1 s: abort
  return o;
}

struct Fetched {
  FetchResult hostile;
  FetchResult bystander;
  double seconds = 0;  // until the hostile transfer ended
  int refused = 0;     // connections the address guard refused
};

// Fetches `url` and, at the same time, a page from a healthy server; both
// through one Fetcher. The bystander must come back ok: a hostile server
// never costs anyone else their fetch.
Fetched FetchBeside(const std::string& url, const FetcherOptions& options) {
  TestServer healthy;
  healthy.Route("/ok", TestResponse{200, "text/html", "<p>fine</p>", {}});
  Fetched out;
  if (!healthy.Start()) {
    ADD_FAILURE() << "healthy server did not start";
    return out;
  }
  std::string err;
  std::unique_ptr<Fetcher> fetcher = Fetcher::Create(options, &err);
  if (!fetcher) {
    ADD_FAILURE() << err;
    return out;
  }
  Request hostile;
  hostile.url = url;
  hostile.site_id = "hostile";
  Request bystander;
  bystander.url = healthy.url("/ok");
  bystander.site_id = "good";
  const auto start = std::chrono::steady_clock::now();
  fetcher->Start(hostile);
  fetcher->Start(bystander);
  int done = 0;
  while (done < 2 && std::chrono::steady_clock::now() - start <
                         std::chrono::seconds(20)) {
    for (FetchResult& r : fetcher->Poll(50)) {
      ++done;
      if (r.request.site_id == "hostile") {
        out.seconds = Seconds(std::chrono::steady_clock::now() - start).count();
        out.hostile = std::move(r);
      } else {
        out.bystander = std::move(r);
      }
    }
  }
  out.refused = fetcher->refused_connections();
  EXPECT_EQ(done, 2) << "a transfer never ended";
  EXPECT_EQ(out.bystander.outcome, FetchOutcome::kOk)
      << "the healthy host suffered: " << out.bystander.error;
  EXPECT_EQ(out.bystander.body, "<p>fine</p>");
  return out;
}

Fetched FetchBeside(const std::string& url) {
  return FetchBeside(url, Options());
}

const char* Name(FetchOutcome o) { return FetchOutcomeName(o); }

// Serves a script; the test fails at once if the port cannot be bound.
#define SERVE(server, script) ASSERT_TRUE((server).Start(script))

std::string Head(const std::string& extra) {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + extra + "\r\n";
}

// ---------------------------------------------------- A: network, fetcher

TEST(HostileTest, A01_SlowDripHeadersTimesOut) {
  FaultServer server;
  SERVE(server, [](FaultConnection& c) {
    c.Send("HTTP/1.1 200 OK\r\n");
    c.Drip("X-Tarpit: " + std::string(40, 'a') + "\r\n\r\n", 1, 400);
  });
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTimeout) << f.hostile.error;
  EXPECT_LT(f.seconds, 3.5) << "low-speed limit is 1 s";
  EXPECT_TRUE(f.hostile.body.empty());
}

TEST(HostileTest, A02_DripAboveLowSpeedLimitHitsTotalTimeout) {
  FaultServer server;
  SERVE(server, [](FaultConnection& c) {
    c.Send(Head(""));  // close-delimited: no length
    c.Drip(std::string(20000, 'x'), 200, 100);  // 2 KB/s > 100 B/s, 10 s
  });
  FetcherOptions o = Options();
  o.page_timeout_ms = 1500;
  Fetched f = FetchBeside(server.url("/"), o);
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTimeout) << f.hostile.error;
  EXPECT_GE(f.seconds, 1.4) << "the low-speed check must not fire";
  EXPECT_LT(f.seconds, 4.0) << "the total timeout is the ceiling";
  EXPECT_TRUE(f.hostile.body.empty()) << "no partial body passed on";
}

TEST(HostileTest, A03_StalledBodyTimesOutAndKeepsNoPartialBody) {
  FaultServer server;
  SERVE(server, [](FaultConnection& c) {
    c.Send(Head("Content-Length: 100000\r\n") + std::string(1000, 'x'));
    c.Hold(10000);
  });
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTimeout) << f.hostile.error;
  EXPECT_TRUE(f.hostile.body.empty());
  EXPECT_LT(f.seconds, 3.5);
}

TEST(HostileTest, A04_NeverRespondTimesOut) {
  FaultServer server;
  SERVE(server, [](FaultConnection& c) { c.Hold(10000); });
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTimeout) << f.hostile.error;
  EXPECT_EQ(f.hostile.http_status, 0);
  EXPECT_LT(f.seconds, 3.5);
}

TEST(HostileTest, A05_TlsHandshakeNeverCompletesHitsConnectTimeout) {
  FaultServer server;  // reads the ClientHello, never answers
  SERVE(server, [](FaultConnection& c) { c.Hold(10000); });
  Fetched f = FetchBeside("https://127.0.0.1:" + std::to_string(server.port()) +
                          "/");
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTimeout) << f.hostile.error;
  EXPECT_LT(f.seconds, 2.5) << "connect timeout (500 ms) covers the handshake";
}

TEST(HostileTest, A06_RefusedConnectionIsConnectError) {
  int port = 0;
  {
    FaultServer closed;
    ASSERT_TRUE(closed.Start(FaultServer::Reply("")));
    port = closed.port();
  }
  Fetched f = FetchBeside("http://127.0.0.1:" + std::to_string(port) + "/");
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kConnectError) << f.hostile.error;
  EXPECT_LT(f.seconds, 1.0);
}

TEST(HostileTest, A07_ResetMidBodyIsBadContentWithoutBody) {
  FaultServer server;
  SERVE(server, [](FaultConnection& c) {
    c.Send(Head("Content-Length: 1000000\r\n") + std::string(10000, 'x'));
    c.ResetOnClose();
  });
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent)
      << Name(f.hostile.outcome) << " " << f.hostile.error;
  EXPECT_TRUE(f.hostile.body.empty());
}

TEST(HostileTest, A08_FinBeforeContentLengthIsBadContent) {
  FaultServer server;
  SERVE(server, FaultServer::Reply(Head("Content-Length: 20\r\n") + "partial"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent) << f.hostile.error;
  EXPECT_TRUE(f.hostile.body.empty()) << "never stored as the full page";
}

TEST(HostileTest, A09_CloseDelimitedBodyIsFlaggedLengthUnverified) {
  FaultServer server;
  SERVE(server, FaultServer::Reply(Head("") + "<p>maybe cut short"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kOk) << f.hostile.error;
  EXPECT_EQ(f.hostile.body, "<p>maybe cut short");
  EXPECT_NE(f.hostile.error.find("length unverified"), std::string::npos)
      << "'" << f.hostile.error << "'";
  EXPECT_EQ(f.bystander.error, "") << "a framed body carries no note";
}

TEST(HostileTest, A10_HugeContentLengthRefusedBeforeTheBody) {
  FaultServer server;
  SERVE(server, [](FaultConnection& c) {
    c.Send(Head("Content-Length: 10737418240\r\n"));
    c.Stream(std::string(16384, 'x'), 5000);
  });
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTooLarge) << f.hostile.error;
  EXPECT_NE(f.hostile.error.find("Content-Length"), std::string::npos);
  EXPECT_LT(f.seconds, 1.5);
}

TEST(HostileTest, A11_EndlessChunkedBodyStopsAtTheCap) {
  FaultServer server;
  SERVE(server, [](FaultConnection& c) {
    c.Send(Head("Transfer-Encoding: chunked\r\n"));
    c.Stream("4000\r\n" + std::string(0x4000, 'x') + "\r\n", 10000);
  });
  FetcherOptions o = Options();
  o.max_page_bytes = 256 << 10;
  Fetched f = FetchBeside(server.url("/"), o);
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTooLarge) << f.hostile.error;
  EXPECT_TRUE(f.hostile.body.empty());
  EXPECT_LT(f.seconds, 3.0);
}

TEST(HostileTest, A11_EndlessCloseDelimitedBodyStopsAtTheCap) {
  FaultServer server;
  SERVE(server, [](FaultConnection& c) {
    c.Send(Head(""));
    c.Stream(std::string(16384, 'y'), 10000);
  });
  FetcherOptions o = Options();
  o.max_page_bytes = 256 << 10;
  Fetched f = FetchBeside(server.url("/"), o);
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTooLarge) << f.hostile.error;
  EXPECT_LT(f.seconds, 3.0);
}

// Serves `bomb` with `encoding` and a body cap of `cap` decoded bytes; the
// fetch must stop at the cap, counted on decoded bytes.
void ExpectBombStopsAtDecodedCap(const std::string& encoding,
                                 const std::string& bomb, size_t cap) {
  FaultServer server;
  SERVE(server, FaultServer::Reply(
                    Head("Content-Encoding: " + encoding +
                         "\r\nContent-Length: " + std::to_string(bomb.size()) +
                         "\r\n") +
                    bomb));
  FetcherOptions o = Options();
  o.max_page_bytes = cap;
  Fetched f = FetchBeside(server.url("/"), o);
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTooLarge) << f.hostile.error;
  EXPECT_NE(f.hostile.error.find("decoded body over " + std::to_string(cap)),
            std::string::npos) << f.hostile.error;
}

TEST(HostileTest, A12_GzipBombStopsAtTheDecodedCap) {
  const std::string bomb = Zlib("", 31, size_t{64} << 20);  // 64 MiB of zeros
  ASSERT_LT(bomb.size(), 200u << 10);
  ExpectBombStopsAtDecodedCap("gzip", bomb, 1 << 20);
}

TEST(HostileTest, A13_BrotliBombStopsAtTheDecodedCap) {
  // curl test1618's 14-byte bomb and its --max-filesize.
  ExpectBombStopsAtDecodedCap("br", kBrotliBomb, 1000);
}

TEST(HostileTest, A13_ZstdBombStopsAtTheDecodedCap) {
  ExpectBombStopsAtDecodedCap("zstd", ZstdZeros(512), 1 << 20);  // 64 MiB in 2 KiB
}

TEST(HostileTest, A13_SmallZstdFrameDecodesCompletely) {
  // The hand-made frame is real zstd: one block decodes to 128 KiB.
  const std::string frame = ZstdZeros(1);
  FaultServer server;
  SERVE(server, FaultServer::Reply(
                    Head("Content-Encoding: zstd\r\nContent-Length: " +
                         std::to_string(frame.size()) + "\r\n") +
                    frame));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kOk) << f.hostile.error;
  EXPECT_EQ(f.hostile.body, std::string(131072, '\0'));
}

TEST(HostileTest, A14_SixStackedEncodingsAreBadContent) {
  std::string body = "<p>x</p>";
  FaultServer server;
  SERVE(server, FaultServer::Reply(
                    Head("Content-Encoding: gzip, gzip, gzip, gzip, gzip, "
                         "gzip\r\nContent-Length: 8\r\n") +
                    body));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent) << f.hostile.error;
}

TEST(HostileTest, A14_BrokenGzipIsBadContent) {
  const std::string junk = "this is not gzip at all, not even close";
  FaultServer server;
  SERVE(server, FaultServer::Reply(
                    Head("Content-Encoding: gzip\r\nContent-Length: " +
                         std::to_string(junk.size()) + "\r\n") +
                    junk));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent) << f.hostile.error;
  EXPECT_TRUE(f.hostile.body.empty());
}

TEST(HostileTest, A15_NegativeContentLengthIsBadContent) {
  FaultServer server;
  SERVE(server, FaultServer::Reply(Head("Content-Length: -1\r\n") + "hello"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent) << f.hostile.error;
}

TEST(HostileTest, A15_RubbishContentLengthIsBadContent) {
  // curl 7.88 alone would read "5x" as 5 and keep "hello" as the page.
  FaultServer server;
  SERVE(server,
        FaultServer::Reply(Head("Content-Length: 5x\r\n") + "hello world"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent) << f.hostile.error;
  EXPECT_NE(f.hostile.error.find("Content-Length"), std::string::npos);
  EXPECT_TRUE(f.hostile.body.empty());
}

TEST(HostileTest, A15_ConflictingContentLengthsAreBadContent) {
  FaultServer server;
  SERVE(server, FaultServer::Reply(
                    Head("Content-Length: 5\r\nContent-Length: 11\r\n") +
                    "hello world"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent) << f.hostile.error;
  EXPECT_TRUE(f.hostile.body.empty());
}

TEST(HostileTest, A15_RepeatedEqualContentLengthIsAccepted) {
  FaultServer server;
  SERVE(server, FaultServer::Reply(
                    Head("Content-Length: 5\r\nContent-Length: 5\r\n") +
                    "hello"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kOk) << f.hostile.error;
  EXPECT_EQ(f.hostile.body, "hello");
}

TEST(HostileTest, A15_ChunkedOverridesContentLength) {
  FaultServer server;
  SERVE(server, FaultServer::Reply(
                    Head("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n") +
                    "5\r\nhello\r\n0\r\n\r\n"));
  Fetched f = FetchBeside(server.url("/"));
  ASSERT_EQ(f.hostile.outcome, FetchOutcome::kOk) << f.hostile.error;
  EXPECT_EQ(f.hostile.body, "hello") << "RFC 9112 6.3: TE wins over CL";
}

// Fetches `url` with `fetcher` alone and waits (bounded) for its result.
FetchResult FetchOne(Fetcher& fetcher, const std::string& url) {
  Request request;
  request.url = url;
  fetcher.Start(request);
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    std::vector<FetchResult> done = fetcher.Poll(50);
    if (!done.empty()) return std::move(done.front());
  }
  ADD_FAILURE() << "no result for " << url;
  return {};
}

struct TwoFetches {
  FetchResult one, two;
  int connections = 0;  // accepted by the server
  int discarded = 0;    // Fetcher::discarded_connections()
};

// Fetches /one, waits `pause_ms`, then fetches /two, with one Fetcher (so
// /two may reuse /one's connection) from a server running `script`.
TwoFetches FetchTwo(FaultServer::Script script, int pause_ms) {
  TwoFetches out;
  FaultServer server;
  if (!server.Start(std::move(script))) {
    ADD_FAILURE() << "fault server did not start";
    return out;
  }
  std::string err;
  std::unique_ptr<Fetcher> fetcher = Fetcher::Create(Options(), &err);
  if (!fetcher) {
    ADD_FAILURE() << err;
    return out;
  }
  out.one = FetchOne(*fetcher, server.url("/one"));
  std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  out.two = FetchOne(*fetcher, server.url("/two"));
  out.connections = server.connections();
  out.discarded = fetcher->discarded_connections();
  return out;
}

// A16: /one is `Content-Length: 5` + "hello"; then (in the same write, or
// `gap_ms` later) the server writes a whole second response on the same
// keep-alive connection and keeps it open. /two on a connection of its own
// gets the real page.
FaultServer::Script SmuggledTail(int gap_ms) {
  return [gap_ms](FaultConnection& c) {
    if (c.path() != "/one") {
      c.Send(FaultServer::Response(200, "text/html", "the real second"));
      return;
    }
    const std::string first =
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n"
        "\r\nhello";
    const std::string tail =
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 17\r\n"
        "\r\nSMUGGLED-TAIL-A16";
    if (gap_ms == 0) {
      c.Send(first + tail);
    } else {
      c.Send(first);
      c.Hold(gap_ms);
      c.Send(tail);
    }
    c.Hold(3000);  // keep-alive: the connection stays open
  };
}

TEST(HostileTest, A16_ExtraBytesInTheSameReadAreNotTheNextResponse) {
  TwoFetches f = FetchTwo(SmuggledTail(0), 200);
  EXPECT_EQ(f.one.outcome, FetchOutcome::kOk) << f.one.error;
  EXPECT_EQ(f.one.body, "hello");
  EXPECT_EQ(f.two.outcome, FetchOutcome::kOk) << f.two.error;
  EXPECT_EQ(f.two.body, "the real second") << "URL 1's tail became URL 2";
  EXPECT_EQ(f.connections, 2) << "the desynchronised connection is not reused";
}

TEST(HostileTest, A16_TailArrivingOnAnIdleConnectionIsNotTheNextResponse) {
  // curl 7.88 counts a connection with unread bytes as alive and would read
  // them as /two's response; the fetcher drops it before the request.
  TwoFetches f = FetchTwo(SmuggledTail(150), 400);
  EXPECT_EQ(f.one.outcome, FetchOutcome::kOk) << f.one.error;
  EXPECT_EQ(f.one.body, "hello");
  EXPECT_EQ(f.two.outcome, FetchOutcome::kOk) << f.two.error;
  EXPECT_EQ(f.two.body, "the real second") << "URL 1's tail became URL 2";
  EXPECT_EQ(f.two.body.find("SMUGGLED"), std::string::npos);
  EXPECT_EQ(f.connections, 2) << "the desynchronised connection is not reused";
  EXPECT_EQ(f.discarded, 1);
}

TEST(HostileTest, A16_QuietKeepAliveConnectionIsStillReused) {
  // The guard must not cost well-behaved servers their keep-alive.
  TwoFetches f = FetchTwo(
      [](FaultConnection& c) {
        do {
          const std::string body = c.path() == "/one" ? "first" : "second";
          c.Send(
              "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
              "Content-Length: " +
              std::to_string(body.size()) + "\r\n\r\n" + body);
        } while (c.NextRequest(3000));
      },
      200);
  EXPECT_EQ(f.one.body, "first") << f.one.error;
  EXPECT_EQ(f.two.body, "second") << f.two.error;
  EXPECT_EQ(f.connections, 1) << "one connection for both requests";
  EXPECT_EQ(f.discarded, 0);
}

TEST(HostileTest, A17_ChunkSizeOverflowIsBadContent) {
  FaultServer server;
  SERVE(server, FaultServer::Reply(Head("Transfer-Encoding: chunked\r\n") +
                                   "FFFFFFFFFFFFFFFF4\r\nabc\r\n0\r\n\r\n"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent) << f.hostile.error;
  EXPECT_TRUE(f.hostile.body.empty());
}

TEST(HostileTest, A17_MissingLastChunkIsBadContent) {
  FaultServer server;
  SERVE(server, FaultServer::Reply(Head("Transfer-Encoding: chunked\r\n") +
                                   "5\r\nhello\r\n"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent) << f.hostile.error;
  EXPECT_TRUE(f.hostile.body.empty());
}

TEST(HostileTest, A18_OneHugeHeaderIsBadContent) {
  FaultServer server;
  SERVE(server, FaultServer::Reply(
                    Head("X-Bomb: " + std::string(100 << 10, 'h') +
                         "\r\nContent-Length: 2\r\n") +
                    "ok"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent) << f.hostile.error;
  EXPECT_NE(f.hostile.error.find("header"), std::string::npos)
      << f.hostile.error;
}

TEST(HostileTest, A18_FiveThousandHeaderLinesAreBadContent) {
  std::string headers;
  for (int i = 0; i < 5000; ++i)
    headers += "X-H" + std::to_string(i) + ": value\r\n";
  FaultServer server;
  SERVE(server, FaultServer::Reply(
                    Head(headers + "Content-Length: 2\r\n") + "ok"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent) << f.hostile.error;
  EXPECT_NE(f.hostile.error.find("response headers over"), std::string::npos)
      << f.hostile.error;
}

TEST(HostileTest, A19_Status999IsAnHttpError) {
  FaultServer server;
  SERVE(server, FaultServer::Reply(
                    "HTTP/1.1 999 Weird\r\nContent-Length: 2\r\n\r\nok"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kHttpError) << f.hostile.error;
  EXPECT_EQ(f.hostile.http_status, 999);
}

TEST(HostileTest, A19_Http09ReplyIsBadContent) {
  FaultServer server;
  SERVE(server, FaultServer::Reply("<html>no status line at all</html>\n"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent)
      << Name(f.hostile.outcome) << ": " << f.hostile.error;
}

TEST(HostileTest, A19_BinaryNoiseIsBadContent) {
  std::mt19937 random(1619);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  FaultServer server;
  SERVE(server, FaultServer::Reply(noise));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent)
      << Name(f.hostile.outcome) << ": " << f.hostile.error;
}

TEST(HostileTest, A19_ContinueFloodIsBadContent) {
  FaultServer server;
  SERVE(server, [](FaultConnection& c) {
    c.Stream("HTTP/1.1 100 Continue\r\n\r\n", 5000);
  });
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kBadContent) << f.hostile.error;
  EXPECT_LT(f.seconds, 2.0) << "a 1xx flood must not run to the timeout";
}

TEST(HostileTest, A20_RedirectLoopStopsAfterExactlyElevenRequests) {
  FaultServer server;
  SERVE(server, [](FaultConnection& c) {
    const std::string path = c.path();
    const int n = std::atoi(path.substr(path.rfind('/') + 1).c_str());
    // One request per connection: say so, or curl may reuse a connection
    // the server is closing (a reset, not the redirect cap, ends the fetch).
    c.Send("HTTP/1.1 302 Found\r\nLocation: /r/" + std::to_string(n + 1) +
           "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });
  Fetched f = FetchBeside(server.url("/r/0"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTooManyRedirects)
      << f.hostile.error;
  // The server thread may count the last request just after the client has
  // read its reply: let the count settle (bounded) before comparing.
  for (int i = 0; i < 100 && server.requests() < 11; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(server.requests(), 11) << "the first request + 10 redirects";
}

TEST(HostileTest, A21_RedirectToLoopbackVictimNeverConnects) {
  FaultServer victim("127.0.0.2");
  ASSERT_TRUE(victim.Start(FaultServer::Reply(Head("Content-Length: 6\r\n") +
                                              "secret")));
  FaultServer server;  // 127.0.0.1, the only allow-listed address
  SERVE(server, FaultServer::Reply("HTTP/1.1 302 Found\r\nLocation: " +
                                   victim.url("/admin") +
                                   "\r\nContent-Length: 0\r\n\r\n"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kForbiddenAddress)
      << f.hostile.error;
  EXPECT_EQ(victim.connections(), 0) << "zero bytes reach the victim";
  EXPECT_EQ(f.refused, 1);
  EXPECT_EQ(f.hostile.body.find("secret"), std::string::npos);
}

TEST(HostileTest, A21_RedirectToMetadataAndAddressNotationsIsRefused) {
  FaultServer victim("127.0.0.1");  // NOT allow-listed in this test
  ASSERT_TRUE(victim.Start(FaultServer::Reply(Head("Content-Length: 6\r\n") +
                                              "secret")));
  const std::string port = std::to_string(victim.port());
  const std::vector<std::string> targets = {
      "http://127.0.0.1:" + port + "/",
      "http://2130706433:" + port + "/",
      "http://0x7f.1:" + port + "/",
      "http://017700000001:" + port + "/",
      "http://[::ffff:127.0.0.1]:" + port + "/",
      "http://[::1]:" + port + "/",
      "http://0:" + port + "/",
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/",
      "http://100.64.0.1/",
      "http://[fd00::1]/",
  };
  FetcherOptions o = Options();
  o.allow_addresses = {"127.0.0.2"};
  o.connect_timeout_ms = 300;
  for (const std::string& target : targets) {
    SCOPED_TRACE(target);
    FaultServer server("127.0.0.2");
    SERVE(server, FaultServer::Reply("HTTP/1.1 302 Found\r\nLocation: " +
                                     target + "\r\nContent-Length: 0\r\n\r\n"));
    std::string err;
    std::unique_ptr<Fetcher> fetcher = Fetcher::Create(o, &err);
    ASSERT_TRUE(fetcher) << err;
    Request r;
    r.url = server.url("/");
    fetcher->Start(r);
    std::vector<FetchResult> results;
    const auto start = std::chrono::steady_clock::now();
    while (results.empty() &&
           std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
      results = fetcher->Poll(50);
    }
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].outcome, FetchOutcome::kForbiddenAddress)
        << Name(results[0].outcome) << ": " << results[0].error;
    EXPECT_GE(fetcher->refused_connections(), 1);
  }
  EXPECT_EQ(victim.connections(), 0) << "no notation reached the victim";
}

TEST(HostileTest, A22_NameResolvingToPrivateAddressIsRefused) {
  FaultServer victim("127.0.0.2");
  ASSERT_TRUE(victim.Start(FaultServer::Reply(Head("Content-Length: 6\r\n") +
                                              "secret")));
  FetcherOptions o = Options();  // allows 127.0.0.1 only
  const std::string port = std::to_string(victim.port());
  o.resolve = {"www.evil.go.th:" + port + ":127.0.0.2"};
  Fetched f = FetchBeside("http://www.evil.go.th:" + port + "/", o);
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kForbiddenAddress)
      << f.hostile.error;
  EXPECT_EQ(victim.connections(), 0);
}

TEST(HostileTest, A23_RedirectToNonHttpSchemesIsRefused) {
  const std::string dir = MakeTempDir();
  const std::string canary = "CANARY-a23-" + std::to_string(::getpid());
  ASSERT_TRUE(WriteFile(dir + "/passwd", canary));
  for (const std::string& target :
       {"file://" + dir + "/passwd", std::string("ftp://127.0.0.1/"),
        std::string("gopher://127.0.0.1/"), std::string("dict://127.0.0.1/"),
        std::string("ldap://127.0.0.1/"), std::string("scp://127.0.0.1/x")}) {
    SCOPED_TRACE(target);
    FaultServer server;
    SERVE(server, FaultServer::Reply("HTTP/1.1 302 Found\r\nLocation: " +
                                     target + "\r\nContent-Length: 0\r\n\r\n"));
    Fetched f = FetchBeside(server.url("/"));
    EXPECT_EQ(f.hostile.outcome, FetchOutcome::kUnsupportedScheme)
        << f.hostile.error;
    EXPECT_EQ(f.hostile.body.find(canary), std::string::npos);
    EXPECT_EQ(f.hostile.error.find(canary), std::string::npos);
  }
}

TEST(HostileTest, A24_RedirectToAPortOffTheAllowListIsRefused) {
  FaultServer victim;  // 127.0.0.1: the address is allowed, its port is not
  ASSERT_TRUE(victim.Start(
      FaultServer::Reply(FaultServer::Response(200, "text/html", "secret"))));
  for (const std::string& target :
       {std::string("http://127.0.0.1:25/"),
        std::string("http://127.0.0.1:6379/"), victim.url("/admin")}) {
    SCOPED_TRACE(target);
    FaultServer server;
    SERVE(server, FaultServer::Reply("HTTP/1.1 302 Found\r\nLocation: " +
                                     target + "\r\nContent-Length: 0\r\n\r\n"));
    FetcherOptions o = Options();
    o.allow_ports = {80, 443, server.port()};
    std::string err;
    std::unique_ptr<Fetcher> fetcher = Fetcher::Create(o, &err);
    ASSERT_TRUE(fetcher) << err;
    FetchResult r = FetchOne(*fetcher, server.url("/"));
    EXPECT_EQ(r.outcome, FetchOutcome::kForbiddenAddress)
        << Name(r.outcome) << ": " << r.error;
    EXPECT_NE(r.error.find("refused port"), std::string::npos) << r.error;
    EXPECT_EQ(server.requests(), 1) << "the allowed port itself is fetched";
    EXPECT_GE(fetcher->refused_connections(), 1);
    EXPECT_EQ(r.body.find("secret"), std::string::npos);
  }
  EXPECT_EQ(victim.connections(), 0) << "zero bytes reach the odd port";
}

TEST(HostileTest, A24_AUrlAskedForIsFetchedOnItsOwnPort) {
  // The allow-list limits where a server may send us; a URL the crawler
  // chose itself (a site, a link it checks) keeps its own port.
  FaultServer server;
  SERVE(server, FaultServer::Reply(
                    FaultServer::Response(200, "text/html", "own port")));
  FetcherOptions o = Options();
  o.allow_ports = {80, 443};
  std::string err;
  std::unique_ptr<Fetcher> fetcher = Fetcher::Create(o, &err);
  ASSERT_TRUE(fetcher) << err;
  FetchResult r = FetchOne(*fetcher, server.url("/"));
  EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  EXPECT_EQ(r.body, "own port");
}

TEST(HostileTest, A24_CredentialsAndCookiesStayWithTheirOrigin) {
  std::mutex mu;
  std::vector<std::string> heads;  // what the other origin received
  FaultServer other;
  ASSERT_TRUE(other.Start([&](FaultConnection& c) {
    {
      std::lock_guard<std::mutex> lock(mu);
      heads.push_back(c.request());
    }
    c.Send(FaultServer::Response(200, "text/html", "landed"));
  }));
  std::string origin_head;
  FaultServer origin;  // another port: another origin (RFC 6454)
  SERVE(origin, [&](FaultConnection& c) {
    {
      std::lock_guard<std::mutex> lock(mu);
      origin_head = c.request();
    }
    c.Send("HTTP/1.1 302 Found\r\nLocation: " + other.url("/landing") +
           "\r\nSet-Cookie: sid=COOKIE-A24; Path=/\r\n"
           "Content-Length: 0\r\n\r\n");
  });
  std::string err;
  std::unique_ptr<Fetcher> fetcher = Fetcher::Create(Options(), &err);
  ASSERT_TRUE(fetcher) << err;
  FetchResult r =
      FetchOne(*fetcher, "http://user:PASS-A24@127.0.0.1:" +
                             std::to_string(origin.port()) + "/start");
  EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  EXPECT_EQ(r.body, "landed");
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_NE(origin_head.find("Authorization: Basic"), std::string::npos)
      << "the credentials were there to leak:\n"
      << origin_head;
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_EQ(heads[0].find("Authorization"), std::string::npos) << heads[0];
  EXPECT_EQ(heads[0].find("Cookie"), std::string::npos) << heads[0];
  EXPECT_EQ(heads[0].find("A24"), std::string::npos) << heads[0];
}

TEST(HostileTest, A25_RetryAfterIsReportedOn429) {
  FaultServer server;
  SERVE(server, FaultServer::Reply(
                    "HTTP/1.1 429 Too Many\r\nRetry-After: Wed, 21 Oct 2037 "
                    "07:28:00 GMT\r\nContent-Length: 0\r\n\r\n"));
  Fetched f = FetchBeside(server.url("/"));
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kRateLimited);
  EXPECT_EQ(f.hostile.retry_after, "Wed, 21 Oct 2037 07:28:00 GMT");
}

TEST(HostileTest, A28_DnsFailureIsDnsError) {
  Fetched f = FetchBeside("http://nosuch.invalid/");
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kDnsError) << f.hostile.error;
}

// ------------------------------------------------------------ A27: TLS

class HostileTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDir());
    pki_ = new TestPki;
    std::string err;
    ok_ = MakeTestPki(*dir_, "tls.test", pki_, &err);
    if (!ok_) std::fprintf(stderr, "PKI: %s\n", err.c_str());
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete dir_;
  }

  // Serves `cert` over TLS and fetches https://tls.test:PORT/ with the test
  // CA trusted.
  Fetched FetchTls(const std::string& cert) {
    TlsServer server;
    std::string err;
    if (!server.Start(cert, pki_->key, &err)) {
      ADD_FAILURE() << err;
      return {};
    }
    FetcherOptions o = Options();
    const std::string port = std::to_string(server.port());
    o.resolve = {"tls.test:" + port + ":127.0.0.1"};
    o.ca_file = pki_->ca_cert;
    return FetchBeside("https://tls.test:" + port + "/", o);
  }

  static std::string* dir_;
  static TestPki* pki_;
  static bool ok_;
};
std::string* HostileTlsTest::dir_ = nullptr;
TestPki* HostileTlsTest::pki_ = nullptr;
bool HostileTlsTest::ok_ = false;

TEST_F(HostileTlsTest, A27_ValidCertificateFromTestCaIsOk) {
  ASSERT_TRUE(ok_);
  Fetched f = FetchTls(pki_->good_cert);
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kOk) << f.hostile.error;
}

TEST_F(HostileTlsTest, A27_ExpiredCertificateIsTlsError) {
  ASSERT_TRUE(ok_);
  Fetched f = FetchTls(pki_->expired_cert);
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTlsError) << f.hostile.error;
  EXPECT_NE(f.hostile.error.find("expired"), std::string::npos)
      << f.hostile.error;
}

TEST_F(HostileTlsTest, A27_WrongNameCertificateIsTlsError) {
  ASSERT_TRUE(ok_);
  Fetched f = FetchTls(pki_->wrong_name_cert);
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTlsError) << f.hostile.error;
}

TEST_F(HostileTlsTest, A27_SelfSignedCertificateIsTlsError) {
  ASSERT_TRUE(ok_);
  Fetched f = FetchTls(pki_->self_signed_cert);
  EXPECT_EQ(f.hostile.outcome, FetchOutcome::kTlsError) << f.hostile.error;
}

// ------------------------------------------------------ whole-run level

struct RunOutput {
  ProcessResult process;
  json report;  // parsed strictly (D3): a parse failure fails the test
  double seconds = 0;
};

// The real binary over a good site (127.0.0.1, its own port) and the hostile
// site(s) a test adds. The good site earns O3 (BMA schools) with one link.
class HostileRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    good_.Route("/good/", TestResponse{200, "text/html; charset=utf-8",
        Html("สำนักงานเขตทดสอบ",
             "<h1>สำนักงานเขตทดสอบ</h1><a href=\"/good/schools\">"
             "รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร</a>"), {}});
    good_.Route("/good/schools", TestResponse{200, "text/html; charset=utf-8",
        Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
             "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต</h1>"
             "<p>โรงเรียนวัดทดสอบ</p>"), {}});
    ASSERT_TRUE(good_.Start());
    dir_ = MakeTempDir();
    db_ = dir_ + "/o.db";
  }

  // Runs `oitwatch run` over the good site and `hostile` ({id, url} pairs).
  RunOutput Run(const std::vector<std::pair<std::string, std::string>>& hostile,
                const std::vector<std::string>& extra = {},
                bool quiet = true, const std::string& format = "json") {
    std::string sites = "sites:\n  - id: good\n    name: สำนักงานเขตทดสอบ\n"
                        "    name_en: Good\n    url: " + good_.url("/good/") +
                        "\n";
    for (const auto& [id, url] : hostile) {
      sites += "  - id: " + id + "\n    name: สำนักงานเขต" + id +
               "\n    name_en: " + id + "\n    url: " + url + "\n";
    }
    EXPECT_TRUE(WriteFile(dir_ + "/sites.yaml", sites));
    std::vector<std::string> argv = {
        OITWATCH_BINARY, "run", "--sites", dir_ + "/sites.yaml", "--rules",
        std::string(OITWATCH_SOURCE_DIR) +
            "/config/rules/bma-district-2568.yaml",
        "--db", db_, "--as-of", "2025-04-10", "--host-delay-ms", "0",
        "--host-connections", "2", "--allow-address", "127.0.0.1",
        "--timeout-ms", "1500", "--connect-timeout-ms", "500",
        "--format", format};
    if (quiet) argv.push_back("--quiet");
    argv.insert(argv.end(), extra.begin(), extra.end());
    RunOutput out;
    const auto start = std::chrono::steady_clock::now();
    out.process = RunProcess(argv, 60);
    out.seconds = Seconds(std::chrono::steady_clock::now() - start).count();
    EXPECT_FALSE(out.process.timed_out) << "the run must end";
    EXPECT_EQ(out.process.signal, 0) << "no crash\n" << out.process.err;
    if (format == "json") {
      try {
        out.report = json::parse(out.process.out);
      } catch (const json::exception& e) {
        ADD_FAILURE() << "D3: JSON report does not parse: " << e.what()
                      << "\n" << out.process.out.substr(0, 2000);
      }
    }
    return out;
  }

  // The page of district "d": O5's plan and report under /d/files/.
  static std::string PlanPage() {
    const std::string files = "/d/files/";
    return Html("สำนักงานเขตดี",
                "<a href=\"" + files + "Action_Plan_2568.pdf\">O5 แผนปฏิบัติ"
                "ราชการประจำปี พ.ศ. 2568</a> <a href=\"" + files +
                    "Report_2567.pdf\">O5 รายงานผลการปฏิบัติราชการประจำปี "
                    "พ.ศ. 2567</a>");
  }

  // A district "d" whose page links O5's plan and report; the plan answers
  // as `plan` says.
  RunOutput RunWithPlan(TestServer* server, const TestResponse& plan) {
    const std::string files = "/d/files/";
    server->Route("/d/", TestResponse{200, "text/html; charset=utf-8",
                                      PlanPage(), {}});
    server->Route(files + "Action_Plan_2568.pdf", plan);
    server->Route(files + "Report_2567.pdf",
                  TestResponse{200, "application/pdf",
                               MakeSimplePdf("Performance report FY 2567"), {}});
    EXPECT_TRUE(server->Start());
    return Run({{"d", server->url("/d/")}});
  }

  static const json& Site(const json& report, const std::string& id) {
    static const json kNone = json::object();
    if (!report.contains("sites")) return kNone;
    for (const json& s : report["sites"]) {
      if (s["id"] == id) return s;
    }
    ADD_FAILURE() << "no site " << id;
    return kNone;
  }

  static std::string Status(const json& site, const std::string& item) {
    if (!site.contains("items")) return "(no items)";
    for (const json& i : site["items"]) {
      if (i["id"] == item) return i["status"].get<std::string>();
    }
    return "(no item " + item + ")";
  }

  // The good site is unaffected by its hostile neighbour.
  static void ExpectGoodSitePasses(const RunOutput& run) {
    const json& good = Site(run.report, "good");
    EXPECT_EQ(good.value("state", ""), "checked") << good.dump();
    EXPECT_EQ(Status(good, "O3"), "pass") << good.dump();
  }

  // The hostile site could not be checked, and the report says why.
  static void ExpectUnchecked(const RunOutput& run, const std::string& id,
                              const std::string& reason_part) {
    const json& site = Site(run.report, id);
    EXPECT_EQ(site.value("state", ""), "unchecked") << site.dump();
    const std::string reason = site.value("reason", "");
    EXPECT_NE(reason.find(reason_part), std::string::npos)
        << "reason '" << reason << "' lacks '" << reason_part << "'";
    EXPECT_TRUE(site.contains("score") && site["score"].is_null());
    ExpectNeverMissingOrPass(site);
  }

  static void ExpectNeverMissingOrPass(const json& site) {
    if (!site.contains("items")) return;
    for (const json& item : site["items"]) {
      EXPECT_NE(item["status"], "missing") << item.dump();
      EXPECT_NE(item["status"], "pass") << item.dump();
    }
  }

  // Every column of every `pages` row of the newest run, one string.
  std::vector<std::string> PageRows(const std::string& site_id) {
    SQLite::Database db(db_);
    SQLite::Statement q(db,
                        "SELECT url, outcome, error, title, charset, "
                        "http_status FROM pages WHERE site_id = ? AND run_id = "
                        "(SELECT MAX(id) FROM runs) ORDER BY id");
    q.bind(1, site_id);
    std::vector<std::string> rows;
    while (q.executeStep()) {
      rows.push_back(q.getColumn(0).getString() + " | " +
                     q.getColumn(1).getString() + " | " +
                     q.getColumn(2).getString() + " | " +
                     q.getColumn(3).getString() + " | " +
                     q.getColumn(4).getString() + " | " +
                     q.getColumn(5).getString());
    }
    return rows;
  }

  static std::string Join(const std::vector<std::string>& rows) {
    std::string out;
    for (const std::string& r : rows) out += r + "\n";
    return out;
  }

  TestServer good_;
  std::string dir_, db_;
};

// A fault server that answers robots.txt with 404 and everything else with
// `script`.
FaultServer::Script NoRobots(FaultServer::Script script) {
  return [script](FaultConnection& c) {
    if (c.path() == "/robots.txt") {
      c.Send(FaultServer::Response(404, "text/plain", "none"));
      return;
    }
    script(c);
  };
}

// Red-team F1: the only O5 "plan" is a 6-month progress report named
// Action_Plan_2568_6M.pdf. Its link text says "รายงานผล ... รอบ 6 เดือน", which
// the plan excludes; the file name alone must not make it the plan.
TEST_F(HostileRunTest, F1_LinkTextExcludingThePlanOutweighsItsFileName) {
  TestServer server;
  server.Route("/d/", TestResponse{200, "text/html; charset=utf-8",
      Html("สำนักงานเขตดี",
           "<a href=\"/d/files/Action_Plan_2568_6M.pdf\">รายงานผลการดำเนินงาน"
           "ตามแผนปฏิบัติราชการ รอบ 6 เดือน ประจำปีงบประมาณ พ.ศ. 2568</a> "
           "<a href=\"/d/files/Report_2567.pdf\">O5 รายงานผลการปฏิบัติราชการ"
           "ประจำปี พ.ศ. 2567</a>"), {}});
  server.Route("/d/files/Action_Plan_2568_6M.pdf",
               TestResponse{200, "application/pdf",
                            MakeSimplePdf("Progress FY 2568"), {}});
  server.Route("/d/files/Report_2567.pdf",
               TestResponse{200, "application/pdf",
                            MakeSimplePdf("Performance report FY 2567"), {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"d", server.url("/d/")}});
  EXPECT_EQ(Status(Site(run.report, "d"), "O5"), "partial")
      << Site(run.report, "d").dump().substr(0, 1500);
}

// A PDF linked as the plan whose own cover says it is the 6-month report is
// not the plan, and stays so on the next night, when the unchanged PDF is
// re-used from the store instead of read again (its exclusion is stored).
TEST_F(HostileRunTest, F1_DocumentTextExclusionHoldsWhenReused) {
  TestServer server;
  server.Route("/d/", TestResponse{200, "text/html; charset=utf-8",
                                   PlanPage(), {}});
  server.Route("/d/files/Action_Plan_2568.pdf",
               TestResponse{200, "application/pdf",
                            MakeThaiPdf({"รายงานผลการดำเนินงานตามแผนปฏิบัติ"
                                         "ราชการ รอบ 6 เดือน ประจำปีงบประมาณ "
                                         "พ.ศ. 2568"}),
                            {}});
  server.Route("/d/files/Report_2567.pdf",
               TestResponse{200, "application/pdf",
                            MakeSimplePdf("Performance report FY 2567"), {}});
  ASSERT_TRUE(server.Start());
  for (int night = 1; night <= 2; ++night) {
    RunOutput run = Run({{"d", server.url("/d/")}});
    EXPECT_EQ(Status(Site(run.report, "d"), "O5"), "partial")
        << "night " << night << " "
        << Site(run.report, "d").dump().substr(0, 1500);
  }
  SQLite::Database db(db_);
  EXPECT_GT(db.execAndGet("SELECT reused FROM run_sites WHERE site_id = 'd' "
                          "AND run_id = (SELECT MAX(id) FROM runs)")
                .getInt(),
            0)
      << "night 2 must re-use the unchanged pages";
}

// Red-team S5b: O5 (not external_ok) does not accept a central /pipd/ page
// of the portal host; a district page that 302s there is that same page,
// so it does not pass either. The district's own file outside its prefix
// still counts.
TEST_F(HostileRunTest, S5b_SameHostRedirectToCentralPageIsNotTheSitesOwn) {
  TestServer server;
  const std::string plan_page =
      Html("แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2568",
           "<h2>แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2568</h2>"
           "<p>สำนักยุทธศาสตร์และประเมินผล</p>");
  server.Route("/d/", TestResponse{200, "text/html; charset=utf-8",
      Html("สำนักงานเขตดี",
           "<a href=\"/d/page/plan\">แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. "
           "2568</a> <a href=\"/d/files/Report_2567.pdf\">O5 รายงานผลการปฏิบัติ"
           "ราชการประจำปี พ.ศ. 2567</a>"), {}});
  server.Route("/d/page/plan",
               TestResponse{302, "text/html", "", {{"Location", "/pipd/plan"}}});
  server.Route("/pipd/plan",
               TestResponse{200, "text/html; charset=utf-8", plan_page, {}});
  server.Route("/d/files/Report_2567.pdf",
               TestResponse{302, "text/html",
                            "",
                            {{"Location", "/files/d/Report_2567.pdf"}}});
  server.Route("/files/d/Report_2567.pdf",
               TestResponse{200, "application/pdf",
                            MakeSimplePdf("Performance report FY 2567"), {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"d", server.url("/d/")}});
  const json& site = Site(run.report, "d");
  EXPECT_EQ(Status(site, "O5"), "partial") << site.dump().substr(0, 1500);
  for (const json& item : site.value("items", json::array())) {
    if (item["id"] != "O5") continue;
    EXPECT_EQ(item["missing_components"].size(), 1u) << item.dump();
  }
}

TEST_F(HostileRunTest, A03_StalledStartPageLeavesSiteUncheckedByTimeout) {
  FaultServer server;
  SERVE(server, NoRobots([](FaultConnection& c) {
    c.Send(Head("Content-Length: 100000\r\n") + std::string(1000, 'x'));
    c.Hold(10000);
  }));
  RunOutput run = Run({{"stall", server.url("/stall/")}});
  EXPECT_EQ(run.process.exit_code, 4) << run.process.err;
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "stall", "timeout");
}

TEST_F(HostileRunTest, A06_RefusedSiteIsUncheckedWithConnectError) {
  int port = 0;
  {
    FaultServer closed;
    ASSERT_TRUE(closed.Start(FaultServer::Reply("")));
    port = closed.port();
  }
  RunOutput run =
      Run({{"refused", "http://127.0.0.1:" + std::to_string(port) + "/x/"}});
  EXPECT_EQ(run.process.exit_code, 4) << run.process.err;
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "refused", "connect_error");
}

TEST_F(HostileRunTest, A12_GzipBombStartPageIsUncheckedTooLarge) {
  const std::string bomb = Zlib("", 31, size_t{64} << 20);
  FaultServer server;
  SERVE(server, NoRobots(FaultServer::Reply(
                    Head("Content-Encoding: gzip\r\nContent-Length: " +
                         std::to_string(bomb.size()) + "\r\n") +
                    bomb)));
  RunOutput run = Run({{"bomb", server.url("/bomb/")}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "bomb", "too_large");
}

TEST_F(HostileRunTest, A20_RedirectLoopIsUncheckedAfterElevenRequests) {
  FaultServer server;
  std::atomic<int> hops{0};
  SERVE(server, NoRobots([&hops](FaultConnection& c) {
    ++hops;
    const std::string path = c.path();
    const int n = std::atoi(path.substr(path.rfind('/') + 1).c_str());
    c.Send("HTTP/1.1 302 Found\r\nLocation: /loop/" + std::to_string(n + 1) +
           "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  }));
  RunOutput run = Run({{"loop", server.url("/loop/0")}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "loop", "too_many_redirects");
  EXPECT_EQ(hops.load(), 11) << "one request + 10 redirects, never retried";
}

TEST_F(HostileRunTest, A21_RedirectToLoopbackVictimNeverConnects) {
  FaultServer victim("127.0.0.2");  // not on the allow-list
  ASSERT_TRUE(victim.Start(FaultServer::Reply(
      FaultServer::Response(200, "text/html", "<title>secret</title>"))));
  FaultServer server;  // 127.0.0.1: allow-listed
  SERVE(server, NoRobots(FaultServer::Reply(
                    "HTTP/1.1 302 Found\r\nLocation: " + victim.url("/admin/") +
                    "\r\nContent-Length: 0\r\n\r\n")));
  RunOutput run = Run({{"ssrf", server.url("/ssrf/")}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "ssrf", "forbidden_address");
  EXPECT_EQ(victim.connections(), 0);
}

TEST_F(HostileRunTest, A22_NameResolvingToPrivateAddressIsUnchecked) {
  FaultServer victim("127.0.0.2");
  ASSERT_TRUE(victim.Start(FaultServer::Reply(
      FaultServer::Response(200, "text/html", "<title>secret</title>"))));
  const std::string port = std::to_string(victim.port());
  RunOutput run =
      Run({{"rebind", "http://www.rebind.go.th:" + port + "/rebind/"}},
          {"--resolve", "www.rebind.go.th:" + port + ":127.0.0.2"});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "rebind", "forbidden_address");
  EXPECT_EQ(victim.connections(), 0) << "robots.txt and the page both refused";
}

TEST_F(HostileRunTest, A23_FileRedirectCanaryNeverReachesDbOrReport) {
  const std::string canary = "CANARY-" + std::to_string(::getpid()) + "-a23";
  ASSERT_TRUE(WriteFile(dir_ + "/passwd", canary + "\n"));
  FaultServer server;
  SERVE(server, NoRobots([this](FaultConnection& c) {
    if (c.path() == "/files/") {
      c.Send(FaultServer::Response(
          200, "text/html",
          Html("ไฟล์", "<a href=\"/files/plan.pdf\">แผนปฏิบัติราชการ 2568</a>")));
    } else {
      c.Send("HTTP/1.1 302 Found\r\nLocation: file://" + dir_ +
             "/passwd\r\nContent-Length: 0\r\n\r\n");
    }
  }));
  RunOutput run = Run({{"files", server.url("/files/")}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(run.process.out.find(canary), std::string::npos);
  EXPECT_EQ(run.process.err.find(canary), std::string::npos);
  for (const std::string& file : {db_, db_ + "-wal"}) {
    EXPECT_EQ(ReadFile(file).find(canary), std::string::npos) << file;
  }
  const std::string rows = Join(PageRows("files"));
  EXPECT_NE(rows.find("plan.pdf | unsupported_scheme"), std::string::npos)
      << rows;
}

TEST_F(HostileRunTest, A25_RetryAfterSecondsIsHonouredThenSucceeds) {
  TestServer server;
  std::mutex mu;
  std::vector<std::chrono::steady_clock::time_point> times;
  server.Route("/busy/", [&](const TestRequest&) {
    std::lock_guard<std::mutex> lock(mu);
    times.push_back(std::chrono::steady_clock::now());
    if (times.size() <= 2) {
      return TestResponse{429, "text/plain", "slow down",
                          {{"Retry-After", "1"}}};
    }
    return TestResponse{200, "text/html", Html("เขต", "<p>ok</p>"), {}};
  });
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"busy", server.url("/busy/")}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(Site(run.report, "busy").value("state", ""), "checked");
  ASSERT_EQ(times.size(), 3u) << "two 429s, then the page";
  EXPECT_GE(Seconds(times[1] - times[0]).count(), 0.95);
  EXPECT_GE(Seconds(times[2] - times[1]).count(), 0.95);
}

TEST_F(HostileRunTest, A25_RetryAfterHttpDateIsHonoured) {
  TestServer server;
  std::mutex mu;
  std::vector<std::chrono::steady_clock::time_point> times;
  server.Route("/busy/", [&](const TestRequest&) {
    std::lock_guard<std::mutex> lock(mu);
    times.push_back(std::chrono::steady_clock::now());
    if (times.size() == 1) {
      std::time_t at = std::time(nullptr) + 3;
      std::tm tm{};
      gmtime_r(&at, &tm);
      char date[64];
      std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
      return TestResponse{503, "text/plain", "later", {{"Retry-After", date}}};
    }
    return TestResponse{200, "text/html", Html("เขต", "<p>ok</p>"), {}};
  });
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"busy", server.url("/busy/")}});
  ExpectGoodSitePasses(run);
  ASSERT_EQ(times.size(), 2u);
  // The date is 3 s ahead at 1 s resolution: at least 2 s of waiting, far
  // more than the 0.5 s backoff used when Retry-After is unreadable.
  EXPECT_GE(Seconds(times[1] - times[0]).count(), 1.9);
}

TEST_F(HostileRunTest, A25_AbsurdRetryAfterGivesUpAtOnce) {
  TestServer server;
  server.Route("/busy/", TestResponse{429, "text/plain", "go away",
                                      {{"Retry-After", "999999999"}}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"busy", server.url("/busy/")}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "busy", "rate_limited");
  EXPECT_EQ(server.hits("/busy/"), 1) << "no retry after an absurd wait";
  EXPECT_LT(run.seconds, 20) << "the run is not extended";
}

// The storm is one site's: its own budget (CrawlConfig::site_error_budget,
// 8) runs out first, before the host's (12), which the other sites on the
// host still need (tests/site_error_budget_test.cc).
TEST_F(HostileRunTest, A26_ServerErrorStormSpendsTheSiteBudget) {
  TestServer server;
  std::string links;
  for (int i = 0; i < 40; ++i) {
    links += "<a href=\"/storm/p" + std::to_string(i) + "\">หน้า " +
             std::to_string(i) + "</a> ";
  }
  server.Route("/storm/", TestResponse{200, "text/html", Html("เขต", links), {}});
  std::atomic<int> failures{0};
  for (int i = 0; i < 40; ++i) {
    server.Route("/storm/p" + std::to_string(i), [&failures](const TestRequest&) {
      ++failures;
      return TestResponse{500, "text/html", "boom", {}};
    });
  }
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"storm", server.url("/storm/")}});
  ExpectGoodSitePasses(run);
  const json& storm = Site(run.report, "storm");
  EXPECT_NE(storm.value("reason", "").find(
                "site dropped after 8 consecutive failed fetches"),
            std::string::npos)
      << storm.dump().substr(0, 500);
  ExpectNeverMissingOrPass(storm);
  // The budget is 8 consecutive failures; one more may be in flight on the
  // second connection.
  EXPECT_LE(failures.load(), 10);
  EXPECT_GE(failures.load(), 8);
}

TEST_F(HostileRunTest, A27_ExpiredCertificateSiteIsUncheckedTlsError) {
  const std::string pki_dir = MakeTempDir();
  TestPki pki;
  std::string err;
  ASSERT_TRUE(MakeTestPki(pki_dir, "tls.test", &pki, &err)) << err;
  TlsServer tls;
  ASSERT_TRUE(tls.Start(pki.expired_cert, pki.key, &err)) << err;
  const std::string port = std::to_string(tls.port());
  RunOutput run = Run({{"expired", "https://tls.test:" + port + "/x/"}},
                      {"--resolve", "tls.test:" + port + ":127.0.0.1"});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "expired", "tls_error");
}

TEST_F(HostileRunTest, A28_DnsFailureSiteIsUncheckedDnsFailure) {
  RunOutput run = Run({{"nowhere", "http://nosuch.invalid/nowhere/"}});
  EXPECT_EQ(run.process.exit_code, 4);
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "nowhere", "DNS");
}

TEST_F(HostileRunTest, A29_Robots5xxDisallowsWithReason) {
  TestServer server;
  server.Route("/robots.txt", TestResponse{500, "text/plain", "oops", {}});
  server.Route("/r5/", TestResponse{200, "text/html", Html("เขต", "x"), {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"r5", server.url("/r5/")}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "r5", "robots.txt");
  EXPECT_NE(Site(run.report, "r5").value("reason", "").find("500"),
            std::string::npos);
  EXPECT_EQ(server.hits("/r5/"), 0) << "complete disallow (RFC 9309 2.3.1.4)";
}

TEST_F(HostileRunTest, A29_Robots4xxAllowsCrawling) {
  for (int status : {404, 403, 410}) {
    SCOPED_TRACE(status);
    TestServer server;
    server.Route("/robots.txt", TestResponse{status, "text/html", "no", {}});
    server.Route("/r4/", TestResponse{200, "text/html", Html("เขต", "x"), {}});
    ASSERT_TRUE(server.Start());
    RunOutput run = Run({{"r4", server.url("/r4/")}});
    ExpectGoodSitePasses(run);
    EXPECT_EQ(Site(run.report, "r4").value("state", ""), "checked")
        << Site(run.report, "r4").value("reason", "");
    EXPECT_EQ(server.hits("/r4/"), 1);
  }
}

TEST_F(HostileRunTest, A29_HugeRobotsIsReadUpToItsCap) {
  std::string robots = "User-agent: *\nDisallow: /big/secret\n";
  while (robots.size() < (1u << 20)) robots += "# filler filler filler\n";
  robots += "Disallow: /\n";  // beyond 512 KiB: ignored
  TestServer server;
  server.Route("/robots.txt", TestResponse{200, "text/plain", robots, {}});
  server.Route("/big/", TestResponse{200, "text/html",
      Html("เขต", "<a href=\"/big/secret\">ลับ</a> <a href=\"/big/open\">เปิด</a>"),
      {}});
  server.Route("/big/open", TestResponse{200, "text/html", Html("เปิด", "x"), {}});
  server.Route("/big/secret", TestResponse{200, "text/html", Html("ลับ", "x"), {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"big", server.url("/big/")}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(Site(run.report, "big").value("state", ""), "checked");
  EXPECT_EQ(server.hits("/big/open"), 1);
  EXPECT_EQ(server.hits("/big/secret"), 0) << "rules before the cap hold";
}

TEST_F(HostileRunTest, A29_CrawlDelayAboveCapSkipsHostWithFinding) {
  TestServer server;
  server.Route("/robots.txt", TestResponse{200, "text/plain",
      "User-agent: *\nCrawl-delay: 86400\nDisallow:\n", {}});
  server.Route("/slow/", TestResponse{200, "text/html", Html("เขต", "x"), {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"slow", server.url("/slow/")}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "slow", "Crawl-delay");
  EXPECT_EQ(server.hits("/slow/"), 0);
  EXPECT_LT(run.seconds, 20);
}

// ------------------------------------------------ B: content, whole run

// The O3 link that makes a district pass when its page is parsed correctly.
const char kSchoolsLink[] =
    "<a href=\"schools\">รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร</a>";

// True if `s` is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF).
bool IsUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2
                                                 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || i + n >= s.size() + (n == 0 ? 1 : 0)) {
      if (n != 0) return false;
    }
    if (n > 0 && i + n > s.size() - 1 + 1) return false;
    uint32_t cp = n == 0 ? c : c & (0x3F >> n);
    for (int k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const unsigned char d = s[i + k];
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
        (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

// A hostile district on its own TestServer whose start page is `seed` (a
// full HTML document); /NAME/schools is a real O3 page.
class PathologicalSite {
 public:
  PathologicalSite(const std::string& name, std::string seed,
                   std::string content_type = "text/html; charset=utf-8")
      : name_(name) {
    server_.Route("/" + name + "/",
                  TestResponse{200, std::move(content_type), std::move(seed), {}});
    server_.Route("/" + name + "/schools",
                  TestResponse{200, "text/html; charset=utf-8",
                               Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
                                    "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร</h1>"
                                    "<p>โรงเรียนวัดทดสอบ</p>"),
                               {}});
  }
  bool Start() { return server_.Start(); }
  std::string url() const { return server_.url("/" + name_ + "/"); }
  TestServer& server() { return server_; }

 private:
  std::string name_;
  TestServer server_;
};

TEST_F(HostileRunTest, A24_RedirectsToAnOddPortAreRefusedAndRecorded) {
  FaultServer victim;  // 127.0.0.1 (allowed) on a port no site names
  ASSERT_TRUE(victim.Start(FaultServer::Reply(
      FaultServer::Response(200, "text/html", "<title>secret</title>"))));
  FaultServer jump;
  SERVE(jump, NoRobots(FaultServer::Reply(
                  "HTTP/1.1 302 Found\r\nLocation: " + victim.url("/jump/") +
                  "\r\nContent-Length: 0\r\n\r\n")));
  // A document link on the site itself that redirects to the odd port.
  PathologicalSite link(
      "oddlink",
      Html("เขต",
           kSchoolsLink + std::string("<a href=\"plan2568.pdf\">แผนปฏิบัติราชการ"
                                      "ประจำปี 2568</a>")));
  link.server().Route(
      "/oddlink/plan2568.pdf",
      TestResponse{
          302, "text/html", "", {{"Location", victim.url("/plan.pdf")}}});
  ASSERT_TRUE(link.Start());
  RunOutput run = Run({{"jump", jump.url("/jump/")}, {"oddlink", link.url()}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "jump", "refused port " + std::to_string(victim.port()));
  EXPECT_EQ(Status(Site(run.report, "oddlink"), "O3"), "pass");
  const std::string rows = Join(PageRows("oddlink"));
  EXPECT_NE(rows.find("/plan2568.pdf | forbidden_address | refused port"),
            std::string::npos)
      << rows;
  EXPECT_EQ(victim.connections(), 0) << "zero bytes reach the odd port";
}

// Direct children of this process whose command name is `name`.
std::vector<int> ChildPids(const std::string& name) {
  std::vector<int> pids;
  std::unique_ptr<DIR, int (*)(DIR*)> proc(opendir("/proc"), &closedir);
  if (!proc) return pids;
  while (dirent* entry = readdir(proc.get())) {
    const int pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    // "pid (comm) state ppid ...": comm may hold spaces, so cut at ") ".
    const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
    const size_t open = stat.find('('), close = stat.rfind(") ");
    if (open == std::string::npos || close == std::string::npos) continue;
    const int ppid = std::atoi(stat.c_str() + close + 4);
    if (ppid == ::getpid() && stat.substr(open + 1, close - open - 1) == name)
      pids.push_back(pid);
  }
  return pids;
}

struct FdCount {
  int total = 0;
  int sockets = 0;  // not counting those shared with `inherited`
};

// What the entries of /proc/PID/fd point to ("socket:[123]", "/x.db"...).
std::vector<std::string> FdTargets(const std::string& pid) {
  std::vector<std::string> targets;
  const std::string dir = "/proc/" + pid + "/fd";
  std::unique_ptr<DIR, int (*)(DIR*)> fds(opendir(dir.c_str()), &closedir);
  if (!fds) return targets;
  while (dirent* entry = readdir(fds.get())) {
    if (entry->d_name[0] == '.') continue;
    char target[256] = {};
    const std::string link = dir + "/" + entry->d_name;
    if (readlink(link.c_str(), target, sizeof(target) - 1) > 0)
      targets.push_back(target);
  }
  return targets;
}

// The child's fds; its sockets leave out those it shares with this process
// (the test servers' listening sockets, inherited across fork).
FdCount CountFds(int pid) {
  std::set<std::string> inherited;
  for (const std::string& t : FdTargets("self")) inherited.insert(t);
  FdCount count;
  for (const std::string& t : FdTargets(std::to_string(pid))) {
    ++count.total;
    if (t.rfind("socket:", 0) == 0 && inherited.count(t) == 0)
      ++count.sockets;
  }
  return count;
}

TEST_F(HostileRunTest, A30_PageLinkingTenThousandHostsKeepsFdsBounded) {
  // Every hN.localhost (curl resolves *.localhost to loopback itself) lands
  // on this server, which answers slowly and keeps the connection open: a
  // crawler without connection caps would hold one socket per host.
  FaultServer hosts;
  SERVE(hosts, [](FaultConnection& c) {
    c.Hold(300);
    c.Send(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        "Content-Length: 2\r\n\r\nok");
    c.Hold(3000);
  });
  std::string links;
  for (int n = 0; n < 10000; ++n) {
    links += "<a href=\"http://h" + std::to_string(n) +
             ".localhost:" + std::to_string(hosts.port()) +
             "/plan2568.pdf\">แผนปฏิบัติราชการประจำปี 2568</a>\n";
  }
  // Our own bytes, not the test server: cpp-httplib would brotli-compress
  // the 1.3 MB page for seconds before sending a byte.
  const std::string seed = Html("เขต", kSchoolsLink + links);
  FaultServer site;
  SERVE(site, NoRobots([&seed](FaultConnection& c) {
          c.Send(FaultServer::Response(
              200, "text/html; charset=utf-8",
              c.path() == "/many/schools"
                  ? Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
                         "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร</h1>"
                         "<p>โรงเรียนวัดทดสอบ</p>")
                  : seed));
        }));
  RunOutput run;
  std::atomic<bool> done{false};
  std::thread runner([&] {
    run = Run({{"many", site.url("/many/")}});
    done = true;
  });
  FdCount most;
  int samples = 0;
  while (!done) {
    for (int pid : ChildPids("oitwatch")) {
      const FdCount now = CountFds(pid);
      most.total = std::max(most.total, now.total);
      most.sockets = std::max(most.sockets, now.sockets);
      ++samples;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  runner.join();
  std::fprintf(stderr,
               "A30: %d samples, at most %d fds, %d sockets; %d "
               "connections, %.1f s\n",
               samples, most.total, most.sockets, hosts.connections(),
               run.seconds);
  ExpectGoodSitePasses(run);
  EXPECT_EQ(Status(Site(run.report, "many"), "O3"), "pass");
  EXPECT_GT(samples, 10) << "the run was watched while it crawled";
  EXPECT_GT(hosts.connections(), 16) << "more hosts than connections";
  EXPECT_LE(hosts.connections(), 60) << "checks per site (FrontierLimits)";
  // 16 connections (the fetcher's cap) and curl's wake-up socket pair.
  EXPECT_LE(most.sockets, 16 + 2);
  EXPECT_LE(most.total, 48) << "the above, stdio, SQLite files, the lock, "
                               "the test servers' inherited sockets";
  EXPECT_LT(run.seconds, 30);
}

TEST_F(HostileRunTest, B01_TagSoupOfStrayEndTagsStillParses) {
  std::string soup;
  for (int i = 0; i < 20000; ++i) soup += "</body></html></table></div>";
  PathologicalSite site("soup", Html("เขต", kSchoolsLink + soup));
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"soup", site.url()}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(Status(Site(run.report, "soup"), "O3"), "pass");
}

TEST_F(HostileRunTest, B02_DeepNestingStillParses) {
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "<div>";
  PathologicalSite site("deep", Html("เขต", kSchoolsLink + deep + "ลึก"));
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"deep", site.url()}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(Status(Site(run.report, "deep"), "O3"), "pass");
}

TEST_F(HostileRunTest, B03_ManyUnclosedTagsAtEofStillParse) {
  std::string open;
  for (int i = 0; i < 100000; ++i) open += "<span><b>";
  PathologicalSite site("open", "<html><head><meta charset=utf-8></head><body>" +
                                    std::string(kSchoolsLink) + open);
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"open", site.url()}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(Status(Site(run.report, "open"), "O3"), "pass");
}

TEST_F(HostileRunTest, B04_HugeAttributesAndHrefsAreBounded) {
  std::string attrs = "<p";
  // 20k, not the catalogue's 75k: Gumbo is quadratic in attributes per
  // element (nokogumbo #143) and 75k take ~20 s here (see the report).
  for (int i = 0; i < 20000; ++i) attrs += " a" + std::to_string(i) + "=x";
  attrs += ">many</p>";
  const std::string huge_href =
      "<a href=\"/huge/" + std::string(3 << 20, 'h') + "\">ยาว</a>";
  PathologicalSite site("huge",
                        Html("เขต", kSchoolsLink + attrs + huge_href));
  size_t longest = 0;
  std::mutex mu;
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"huge", site.url()}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(Status(Site(run.report, "huge"), "O3"), "pass");
  for (const TestRequest& r : site.server().requests()) {
    std::lock_guard<std::mutex> lock(mu);
    longest = std::max(longest, r.path.size() + r.query.size());
  }
  EXPECT_LE(longest, 2048u) << "no URL over 2 KiB is ever requested";
}

TEST_F(HostileRunTest, B05_InvalidUtf8StaysOutOfReportAndDb) {
  const std::string bad = "\xff\xfe \xc0\xaf \xed\xa0\x80 \xe0\xb8 ok";
  PathologicalSite site(
      "utf", Html("หัวเรื่อง " + bad, "<h1>" + bad + "</h1>" + kSchoolsLink));
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"utf", site.url()}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(Status(Site(run.report, "utf"), "O3"), "pass");
  EXPECT_TRUE(IsUtf8(run.process.out)) << "report bytes are valid UTF-8";
  SQLite::Database db(db_);
  SQLite::Statement q(db, "SELECT title FROM pages WHERE site_id = 'utf'");
  int rows = 0;
  while (q.executeStep()) {
    ++rows;
    EXPECT_TRUE(IsUtf8(q.getColumn(0).getString()));
  }
  EXPECT_GT(rows, 0);
}

TEST_F(HostileRunTest, B06_UndeclaredTis620IsDecodedAsWindows874) {
  // "สวัสดี" + U+2013 (0x96, which glibc's TIS-620 rejects), and the O3 link
  // text, all in windows-874 bytes with no charset anywhere.
  const std::string title = "\xCA\xC7\xD1\xCA\xB4\xD5\x96";
  const std::string link =
      "<a href=\"schools\">\xC3\xD2\xC2\xAA\xD7\xE8\xCD\xE2\xC3\xA7\xC3\xD5\xC2"
      "\xB9\xCA\xD1\xA7\xA1\xD1\xB4\xA1\xC3\xD8\xA7\xE0\xB7\xBE\xC1\xCB\xD2\xB9"
      "\xA4\xC3</a>";  // รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร
  PathologicalSite site("tis",
                        "<html><head><title>" + title +
                            "</title></head><body>" + link + "</body></html>",
                        "text/html");
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"tis", site.url()}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(Status(Site(run.report, "tis"), "O3"), "pass");
  SQLite::Database db(db_);
  SQLite::Statement q(db, "SELECT title, charset FROM pages WHERE site_id = "
                          "'tis' AND url LIKE '%/tis/'");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "สวัสดี\u2013");
  EXPECT_EQ(q.getColumn(1).getString(), "windows-874");
}

TEST_F(HostileRunTest, B09_NulInTitleDoesNotTruncate) {
  PathologicalSite site(
      "nul", Html(std::string("ก่อน\0หลัง", strlen("ก่อน") + 1 + strlen("หลัง")),
                  kSchoolsLink));
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"nul", site.url()}});
  ExpectGoodSitePasses(run);
  SQLite::Database db(db_);
  SQLite::Statement q(
      db, "SELECT title FROM pages WHERE site_id = 'nul' AND url LIKE '%/nul/'");
  ASSERT_TRUE(q.executeStep());
  const std::string stored = q.getColumn(0).getString();
  EXPECT_NE(stored.find("ก่อน"), std::string::npos) << stored;
  EXPECT_NE(stored.find("หลัง"), std::string::npos) << "no cut at NUL";
  EXPECT_EQ(run.process.out.find('\0'), std::string::npos);
}

TEST_F(HostileRunTest, B10_JavaScriptOnlyStartPageIsUncheckedNotMissing) {
  PathologicalSite site(
      "spa",
      "<!doctype html><html><head><meta charset=utf-8><title>เขต</title>"
      "<script src=\"/static/app.3f9a.js\"></script></head><body>"
      "<div id=\"root\"></div><noscript>You need to enable JavaScript to run "
      "this app.</noscript><script>window.__INITIAL_STATE__={}</script>"
      "</body></html>");
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"spa", site.url()}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "spa", "JavaScript");
}

TEST_F(HostileRunTest, B11_InfiniteCalendarStopsAtThePageCap) {
  TestServer server;
  server.Route("/cal/", [](const TestRequest& r) {
    const size_t at = r.query.find("m=");
    const long m = at == std::string::npos ? 0 : std::atol(r.query.c_str() + at + 2);
    std::string body;
    for (long d : {m - 1, m + 1, m + 12}) {
      body += "<a href=\"/cal/?m=" + std::to_string(d) + "\">เดือน " +
              std::to_string(d) + "</a> ";
      body += "<a href=\"/cal/?m=" + std::to_string(d) +
              "&view=week&sort=asc\">สัปดาห์</a> ";
    }
    return TestResponse{200, "text/html", Html("ปฏิทิน", body), {}};
  });
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"cal", server.url("/cal/")}},
                      {"--max-pages-per-site", "15"});
  ExpectGoodSitePasses(run);
  EXPECT_LE(server.hits("/cal/"), 15) << "the page cap holds";
  EXPECT_GE(server.hits("/cal/"), 10) << "the crawl did go on until the cap";
  const json& cal = Site(run.report, "cal");
  EXPECT_EQ(cal.value("state", ""), "checked");
  EXPECT_GT(cal.value("skipped", 0), 0) << "the links over the cap are counted";
}

// B11: an infinite calendar (each month links the next 12, forever) and
// facet links (the same keys in every order, new values on every page).
TestResponse CalendarTrapPage(const TestRequest& r) {
  const size_t at = r.query.find("month=");
  const long m =
      at == std::string::npos ? 0 : std::atol(r.query.c_str() + at + 6);
  std::string body = kSchoolsLink;
  for (long d = 1; d <= 12; ++d) {
    body += "<a href=\"/trap/?month=" + std::to_string(m + d) + "\">เดือน</a> ";
  }
  const std::string v = std::to_string(m);
  for (const char* order : {"a=V&b=V&c=V", "b=V&c=V&a=V", "c=V&a=V&b=V"}) {
    std::string query = order;
    for (size_t p = query.find('V'); p != std::string::npos;
         p = query.find('V', p + v.size()))
      query.replace(p, 1, v);
    body += "<a href=\"/trap/?" + query + "\">กรอง</a> ";
  }
  return TestResponse{200, "text/html; charset=utf-8", Html("ปฏิทิน", body), {}};
}

TEST_F(HostileRunTest, B11_CalendarAndFacetTrapsAreReportedAsSuspected) {
  TestServer server;
  server.Route("/trap/", &CalendarTrapPage);
  server.Route("/trap/schools",
               TestResponse{200,
                            "text/html; charset=utf-8",
                            Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
                                 "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร</h1>"
                                 "<p>โรงเรียนวัดทดสอบ</p>"),
                            {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"trap", server.url("/trap/")}});
  ExpectGoodSitePasses(run);
  // The seed, then at most 50 URLs per shape (months; facets) are fetched,
  // far below the page cap (300) the calendar alone would otherwise spend.
  EXPECT_LE(server.hits("/trap/"), 1 + 50 + 50) << "the template budget holds";
  EXPECT_GE(server.hits("/trap/"), 60) << "both shapes were crawled";
  const json& trap = Site(run.report, "trap");
  EXPECT_EQ(trap.value("state", ""), "checked") << trap.dump();
  EXPECT_EQ(Status(trap, "O3"), "pass");
  EXPECT_GT(trap.value("skipped", 0), 0);
  const std::string reason = trap.value("reason", "");
  EXPECT_NE(reason.find("สงสัยกับดักโปรแกรมรวบรวม (crawler trap suspected: "),
            std::string::npos)
      << reason;
  EXPECT_NE(reason.find(" URLs like " + server.url("/trap/?")),
            std::string::npos)
      << reason;
  SQLite::Database db(db_);
  SQLite::Statement q(db,
                      "SELECT reason FROM run_sites WHERE site_id = 'trap'");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), reason) << "stored as reported";
  EXPECT_EQ(Site(run.report, "good").value("reason", ""), "")
      << "an ordinary site gets no trap note";
}

// B11, red-team probe: facet links baited with evidence words (so they rank
// as likely evidence) in ever new key sets (?n=5&a=1&c=1, ?n=6&b=1 ...),
// never more than 8 parameters. The query shapes per path are capped for
// likely links too: the crawl notes a suspected trap instead of spending
// the site's page budget on the facets without a word.
TestResponse BaitedFacetPage(const TestRequest& r) {
  const size_t at = r.query.find("n=");
  const long n = at == std::string::npos ? 0 : std::atol(r.query.c_str() + at + 2);
  std::string body;
  for (long d = 1; d <= 6; ++d) {
    const long next = n * 6 + d;
    std::string query = "n=" + std::to_string(next);
    for (int bit = 0; bit < 6; ++bit) {
      if ((next * 37 + d) >> bit & 1) query += "&" + std::string(1, 'a' + bit) + "=1";
    }
    body += "<a href=\"/facet/?" + query +
            "\">แผนปฏิบัติราชการ ประจำปี พ.ศ. 2568</a> ";
  }
  return TestResponse{200, "text/html; charset=utf-8", Html("ค้นหา", body), {}};
}

TEST_F(HostileRunTest, B11_BaitedFacetTrapIsReportedAsSuspected) {
  TestServer server;
  server.Route("/facet/", &BaitedFacetPage);
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"facet", server.url("/facet/")}});
  ExpectGoodSitePasses(run);
  EXPECT_LE(server.hits("/facet/"), 300) << "the page cap holds";
  const json& facet = Site(run.report, "facet");
  EXPECT_EQ(facet.value("state", ""), "checked") << facet.dump();
  const std::string reason = facet.value("reason", "");
  EXPECT_NE(reason.find("สงสัยกับดักโปรแกรมรวบรวม (crawler trap suspected: "),
            std::string::npos)
      << reason;
}

TEST_F(HostileRunTest, B12_PathRepetitionLoopIsCut) {
  std::mutex mu;
  std::vector<std::string> paths;
  FaultServer server;
  SERVE(server, NoRobots([&](FaultConnection& c) {
    {
      std::lock_guard<std::mutex> lock(mu);
      paths.push_back(c.path());
    }
    c.Send(FaultServer::Response(200, "text/html",
                                 Html("วน", "<a href=\"a/\">ต่อไป</a> "
                                            "<a href=\"b/a/\">อีก</a>")));
  }));
  RunOutput run = Run({{"rep", server.url("/rep/")}});
  ExpectGoodSitePasses(run);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_LT(paths.size(), 40u);
  for (const std::string& path : paths) {
    size_t repeats = 0;
    for (size_t at = path.find("/a/"); at != std::string::npos;
         at = path.find("/a/", at + 1))
      ++repeats;
    EXPECT_LE(repeats, 2u) << path;
  }
}

TEST_F(HostileRunTest, B13_SessionIdsDoNotMultiplyPages) {
  std::mutex mu;
  std::map<std::string, int> fetched;  // path without query -> count
  std::atomic<int> sid{0};
  FaultServer server;
  SERVE(server, NoRobots([&](FaultConnection& c) {
    const std::string path = c.path();
    {
      std::lock_guard<std::mutex> lock(mu);
      ++fetched[path.substr(0, path.find('?'))];
    }
    std::string links;
    for (int i = 0; i < 5; ++i) {
      const std::string id = std::to_string(1000 + sid++);
      links += "<a href=\"/sess/p" + std::to_string(i) + "?PHPSESSID=" + id +
               "\">หน้า" + std::to_string(i) + "</a> <a href=\"/sess/q" +
               std::to_string(i) + ";jsessionid=" + id + "\">อื่น</a> ";
    }
    c.Send(FaultServer::Response(200, "text/html", Html("เซสชัน", links)));
  }));
  RunOutput run = Run({{"sess", server.url("/sess/")}});
  ExpectGoodSitePasses(run);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(fetched.size(), 11u) << "the seed + p0..p4 + q0..q4";
  for (const auto& [path, count] : fetched) EXPECT_EQ(count, 1) << path;
}

TEST_F(HostileRunTest, B16_HostileLinkSchemesAreNeverFetched) {
  FaultServer victim("127.0.0.2");
  ASSERT_TRUE(victim.Start(FaultServer::Reply(
      FaultServer::Response(200, "text/html", "<title>secret</title>"))));
  const std::string base = "http://127.0.0.2:" + std::to_string(victim.port());
  PathologicalSite site(
      "links",
      "<html><head><meta charset=utf-8><base href=\"" + base + "/\">"
      "<meta http-equiv=\"refresh\" content=\"0;url=file:///etc/passwd\">"
      "</head><body>"
      "<a href=\"javascript:alert(1)\">แผนปฏิบัติราชการ 2568</a>"
      "<a href=\"data:text/html,<script>alert(1)</script>\">แผนปฏิบัติราชการ</a>"
      "<a href=\"vbscript:msgbox\">แผนปฏิบัติราชการ</a>"
      "<a href=\"file:///etc/passwd\">แผนปฏิบัติราชการ 2568</a>"
      "<a href=\"ftp://127.0.0.1/plan.pdf\">แผนปฏิบัติราชการ 2568</a>"
      "<a href=\"plan2568.pdf\">แผนปฏิบัติราชการประจำปี 2568</a>"
      "</body></html>");
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"links", site.url()}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(victim.connections(), 0) << "<base> to a private address";
  for (const std::string& row : PageRows("links")) {
    for (const char* scheme : {"javascript:", "data:", "vbscript:", "file:",
                               "ftp:"}) {
      EXPECT_NE(row.rfind(scheme, 0), 0u) << row;
    }
  }
}

TEST_F(HostileRunTest, B17_BinaryBodySentAsHtmlIsNotParsed) {
  std::mt19937 random(17);
  std::string noise(64 << 10, '\0');
  for (size_t i = 0; i < noise.size(); i += 3) noise[i] = static_cast<char>(random());
  PathologicalSite site("bin", Html("เขต", std::string(kSchoolsLink) +
                                           " <a href=\"blob\">ไฟล์</a>"));
  site.server().Route("/bin/blob", TestResponse{200, "text/html", noise, {}});
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"bin", site.url()}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(Status(Site(run.report, "bin"), "O3"), "pass");
  const std::string rows = Join(PageRows("bin"));
  EXPECT_NE(rows.find("/bin/blob | ok | binary"), std::string::npos) << rows;
}

// ------------------------------------------------------ D: output, whole run

TEST_F(HostileRunTest, D03_JsonReportStaysValidWithHostileText) {
  const std::string nasty =
      "\"quote\" \\back\\ </script><script>alert(1)</script> \u2028 \x01\x1b[2J";
  PathologicalSite site("json", Html(nasty, "<h1>" + nasty + "</h1>" +
                                                kSchoolsLink));
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"json", site.url()}});
  ExpectGoodSitePasses(run);  // also: the report parsed strictly
  EXPECT_EQ(run.process.out.find("</script>"), std::string::npos);
  EXPECT_EQ(run.process.out.find('\x1b'), std::string::npos);
}

TEST_F(HostileRunTest, D08_LogLinesCarryNoRawControlsFromTheWeb) {
  FaultServer server;
  SERVE(server, NoRobots([](FaultConnection& c) {
    c.Send(FaultServer::Response(
        200, "text/html",
        Html("\x1b[2J\x1b[31mFAKE\r\nevent=site_done site=forged",
             "<a href=\"/inj/%0d%0aERROR%20fake%1b[2J\">\x1b[2Jแผน\r\nERROR"
             "</a>")));
  }));
  RunOutput run = Run({{"inj", server.url("/inj/")}}, {}, /*quiet=*/false,
                      "text");
  EXPECT_EQ(run.process.err.find('\x1b'), std::string::npos) << run.process.err;
  EXPECT_EQ(run.process.err.find('\r'), std::string::npos);
  EXPECT_EQ(run.process.err.find("forged"), std::string::npos);
  int lines = 0;
  size_t start = 0;
  while (start < run.process.err.size()) {
    size_t end = run.process.err.find('\n', start);
    if (end == std::string::npos) end = run.process.err.size();
    const std::string line = run.process.err.substr(start, end - start);
    EXPECT_TRUE(line.rfind("event=", 0) == 0 || line.rfind("oitwatch", 0) == 0)
        << "unexpected stderr line: " << line;
    ++lines;
    start = end + 1;
  }
  size_t site_lines = 0;
  for (size_t at = run.process.err.find("event=site_done");
       at != std::string::npos;
       at = run.process.err.find("event=site_done", at + 1))
    ++site_lines;
  EXPECT_EQ(site_lines, 2u) << "one line per site, none forged\n"
                            << run.process.err;
  EXPECT_GE(lines, 2);
  EXPECT_EQ(run.process.out.find('\x1b'), std::string::npos)
      << "text report escapes ESC";
  EXPECT_EQ(run.process.out.find('\r'), std::string::npos);
}


// ------------------------------------- documents the assessors cannot open

// B (red-team probe): a .pdf link that answers 200 with something that is no
// PDF, or a PDF that does not open, is evidence the assessors cannot open:
// `broken` with the reason, never `pass`.
TEST_F(HostileRunTest, B_UnopenableDocumentIsBrokenNotPass) {
  struct Case {
    std::string name;
    TestResponse plan;
    std::string why;
  };
  const std::string soft404 =
      "<html><body><h1>404 ไม่พบหน้าที่คุณต้องการ</h1></body></html>";
  for (const Case& c : std::vector<Case>{
           {"soft 404", {200, "text/html; charset=utf-8", soft404, {}},
            "HTML page came back instead of the PDF"},
           {"empty", {200, "application/pdf", "", {}}, "empty file"},
           {"html typed pdf", {200, "application/pdf", soft404, {}},
            "PDF unreadable"},
           {"corrupt", {200, "application/pdf", "%PDF-1.4\n1 0 obj <<", {}},
            "PDF unreadable"}}) {
    SCOPED_TRACE(c.name);
    TestServer server;
    RunOutput run = RunWithPlan(&server, c.plan);
    const json& site = Site(run.report, "d");
    EXPECT_EQ(site.value("state", ""), "checked") << site.dump();
    EXPECT_EQ(Status(site, "O5"), "broken") << site.dump();
    bool shown = false;
    for (const json& item : site["items"]) {
      if (item["id"] != "O5") continue;
      const std::string reason = item.value("reason", "");
      EXPECT_NE(reason.find("เปิดไม่ได้"), std::string::npos) << reason;
      EXPECT_NE(reason.find(c.why), std::string::npos) << reason;
      for (const json& e : item["evidence"]) {
        if (e.value("url", "").find("Action_Plan") == std::string::npos)
          continue;
        EXPECT_EQ(e.value("state", ""), "broken") << e.dump();
        shown = true;
      }
    }
    EXPECT_TRUE(shown) << "the broken plan is the O5 evidence shown";
  }
}

TEST_F(HostileRunTest, B_ReadablePlanPassesBesideTheBrokenCases) {
  TestServer server;
  RunOutput run = RunWithPlan(
      &server,
      {200, "application/pdf", MakeSimplePdf("Action plan FY 2568"), {}});
  EXPECT_EQ(Status(Site(run.report, "d"), "O5"), "pass")
      << Site(run.report, "d").dump();
}

// Red-team probe F04: the plan link leads to a page that answers 200 with
// a Thai "sorry, the data you want was not found" message. It is a
// placeholder, never the plan.
TEST_F(HostileRunTest, B_SoftNotFoundPageIsAPlaceholderNotThePlan) {
  TestServer server;
  server.Route("/sn/", TestResponse{200, "text/html; charset=utf-8",
      Html("สำนักงานเขตทดสอบ",
           std::string(kSchoolsLink) +
           " <a href=\"/sn/doc/plan\">แผนปฏิบัติราชการประจำปี พ.ศ. 2568</a>"),
      {}});
  server.Route("/sn/doc/plan", TestResponse{200, "text/html; charset=utf-8",
      Html("สำนักงานเขตทดสอบ",
           "<p>ขออภัย ไม่พบข้อมูลที่ท่านต้องการ</p>"), {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"sn", server.url("/sn/")}});
  const json& site = Site(run.report, "sn");
  EXPECT_NE(Status(site, "O5"), "pass") << site.dump().substr(0, 800);
  for (const json& item : site["items"]) {
    if (item["id"] != "O5") continue;
    EXPECT_NE(item.value("reason", "").find("placeholder page " +
                                            server.url("/sn/doc/plan")),
              std::string::npos)
        << item.dump();
  }
}

// Last year's plan uploaded again under this year's link text ("... พ.ศ.
// 2568" -> a PDF that says "FY 2567" of itself): the assessor opens the file
// and scores 0, so the verdict is stale with the reason, never a pass.
TEST_F(HostileRunTest, B_LastYearsFileUnderThisYearsLinkIsStaleNotPass) {
  TestServer server;
  RunOutput run = RunWithPlan(
      &server,
      {200, "application/pdf", MakeSimplePdf("Action plan FY 2567"), {}});
  const json& site = Site(run.report, "d");
  EXPECT_EQ(Status(site, "O5"), "stale") << site.dump();
  for (const json& item : site["items"]) {
    if (item["id"] != "O5") continue;
    EXPECT_NE(item.value("reason", "").find(
                  "the link says FY2568, the document itself FY2567"),
              std::string::npos)
        << item.dump();
  }
}

// A 206 answers a request that asked for no Range: a part of the file, not
// kept as the document (the item cannot be confirmed tonight).
TEST_F(HostileRunTest, A3_PartialContentIsNotACompleteDocument) {
  TestServer server;
  const std::string pdf = MakeSimplePdf("Action plan FY 2568");
  RunOutput run = RunWithPlan(
      &server, {206, "application/pdf", pdf.substr(0, pdf.size() / 2),
                      {{"Content-Range",
                        "bytes 0-" + std::to_string(pdf.size() / 2 - 1) + "/" +
                            std::to_string(pdf.size())}}});
  const json& site = Site(run.report, "d");
  EXPECT_NE(Status(site, "O5"), "pass") << site.dump();
  EXPECT_NE(Status(site, "O5"), "missing") << site.dump();
  EXPECT_NE(Join(PageRows("d")).find("bad_content | HTTP 206 partial content"),
            std::string::npos)
      << Join(PageRows("d"));
}

// A 304 to a request that carried no validator confirms nothing: the start
// page is not an empty page with nothing on it (all items `missing`).
TEST_F(HostileRunTest, A19_NotModifiedWithoutValidatorsIsBadContent) {
  TestServer server;
  server.Route("/nm/", TestResponse{304, "", "", {{"ETag", "\"x\""}}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"nm", server.url("/nm/")}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "nm", "304");
}

// RFC 9309 2.3.1.2: at most five redirects for robots.txt; more means
// "unavailable", which allows crawling (like a 4xx).
TEST_F(HostileRunTest, A29_RobotsRedirectsStopAtFive) {
  TestServer server;
  server.Route("/robots.txt",
               TestResponse{301, "text/plain", "", {{"Location", "/r1"}}});
  for (int i = 1; i <= 7; ++i) {
    server.Route("/r" + std::to_string(i),
                 TestResponse{301, "text/plain", "",
                              {{"Location", "/r" + std::to_string(i + 1)}}});
  }
  server.Route("/r8", TestResponse{200, "text/plain",
                                   "User-agent: *\nDisallow: /\n", {}});
  server.Route("/rr/", TestResponse{200, "text/html", Html("เขต", "x"), {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"rr", server.url("/rr/")}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(server.hits("/robots.txt") + server.hits("/r1") +
                server.hits("/r2") + server.hits("/r3") + server.hits("/r4") +
                server.hits("/r5") + server.hits("/r6"),
            6)
      << "robots.txt and five redirects";
  EXPECT_EQ(server.hits("/r6"), 0);
  EXPECT_EQ(Site(run.report, "rr").value("state", ""), "checked")
      << Site(run.report, "rr").dump();
  EXPECT_EQ(server.hits("/rr/"), 1);
}

// rt6night BUG-3: robots.txt is never asked for conditionally, so a 304 to
// it holds no rules at all. It is not "allow everything": like a 5xx
// (RFC 9309 2.3.1.4, unreachable) it disallows the host, and the site is
// unchecked with the reason, its pages never fetched.
TEST_F(HostileRunTest, A29_RobotsAnswered304DisallowsWithReason) {
  TestServer server;
  server.Route("/robots.txt", TestResponse{304, "", "", {}});
  server.Route("/r3/", TestResponse{200, "text/html", Html("เขต", "x"), {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"r3", server.url("/r3/")}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "r3", "robots.txt");
  EXPECT_NE(Site(run.report, "r3").value("reason", "").find("304"),
            std::string::npos);
  EXPECT_EQ(server.hits("/r3/"), 0) << "a 304 is no permission to crawl";
}

// B8 (red-team probe): UTF-16 declared in the header, no BOM: decoded as
// declared, not dropped as a binary body.
TEST_F(HostileRunTest, B8_Utf16DeclaredWithoutBomIsRead) {
  const std::string page =
      Html("สำนักงานเขตยูทีเอฟ",
           "<a href=\"/u16/schools\">รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร</a>");
  std::string utf16;  // UTF-8 -> UTF-16LE, BMP only (Thai and ASCII)
  for (size_t i = 0; i < page.size();) {
    const unsigned char c = page[i];
    uint32_t cp = c;
    int n = 1;
    if (c >= 0xE0) {
      cp = ((c & 0x0F) << 12) | ((page[i + 1] & 0x3F) << 6) |
           (page[i + 2] & 0x3F);
      n = 3;
    } else if (c >= 0xC0) {
      cp = ((c & 0x1F) << 6) | (page[i + 1] & 0x3F);
      n = 2;
    }
    utf16 += static_cast<char>(cp & 0xFF);
    utf16 += static_cast<char>(cp >> 8);
    i += n;
  }
  TestServer server;
  server.Route("/u16/", TestResponse{200, "text/html; charset=utf-16", utf16,
                                     {}});
  server.Route("/u16/schools", TestResponse{200, "text/html; charset=utf-8",
      Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
           "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต</h1>"
           "<p>โรงเรียนวัดทดสอบ</p>"), {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"u16", server.url("/u16/")}});
  const json& site = Site(run.report, "u16");
  EXPECT_EQ(Status(site, "O3"), "pass") << site.dump() << Join(PageRows("u16"));
  EXPECT_EQ(Join(PageRows("u16")).find("binary"), std::string::npos)
      << Join(PageRows("u16"));
}

// -------------------------- start pages and pages that could not be read
// README: never `missing` where the site, or the page that would hold the
// evidence, could not be read (red-team probes S12-S20, R16-R17, T13-T14).

TEST_F(HostileRunTest, S13_BinaryNoiseStartPageIsUncheckedNotMissing) {
  std::string noise(4000, '\0');
  for (size_t i = 0; i < noise.size(); ++i) {
    noise[i] = static_cast<char>((i * 7919 + 13) % 256);
  }
  TestServer server;
  server.Route("/bn/", TestResponse{200, "text/html", noise, {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"bn", server.url("/bn/")}});
  EXPECT_EQ(run.process.exit_code, 4) << run.process.err;
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "bn", "start page unreadable: binary body");
  EXPECT_NE(Site(run.report, "bn").value("reason", "").find(
                "หน้าแรกของเว็บไซต์อ่านไม่ได้"),
            std::string::npos);
}

TEST_F(HostileRunTest, S20_BrotliBombStartPageIsUncheckedNotMissing) {
  FaultServer server;
  SERVE(server, NoRobots(FaultServer::Reply(
                    Head("Content-Encoding: br\r\nContent-Length: 14\r\n") +
                    kBrotliBomb)));
  RunOutput run = Run({{"br", server.url("/br/")}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "br", "start page unreadable");
}

TEST_F(HostileRunTest, S12_EmptyStartPageIsUncheckedNotMissing) {
  TestServer server;
  server.Route("/empty/", TestResponse{200, "text/html", "", {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"empty", server.url("/empty/")}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "empty", "start page unreadable: empty body, HTTP 200");
  EXPECT_NE(Join(PageRows("empty")).find("start page unreadable: empty body"),
            std::string::npos)
      << "the page row says why too: " << Join(PageRows("empty"));
}

TEST_F(HostileRunTest, S14_NoContentStartPageIsUncheckedNotMissing) {
  FaultServer server;
  SERVE(server, NoRobots(FaultServer::Reply("HTTP/1.1 204 No Content\r\n\r\n")));
  RunOutput run = Run({{"nc", server.url("/nc/")}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "nc", "start page unreadable: empty body, HTTP 204");
}

TEST_F(HostileRunTest, S15_StartPageTypedAsImageIsUncheckedNotMissing) {
  PathologicalSite site("png", Html("เขต", kSchoolsLink), "image/png");
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"png", site.url()}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "png", "start page unreadable: not HTML, Content-Type "
                              "image/png");
}

// A district whose start page sends the crawler to `target` (the site moved).
TEST_F(HostileRunTest, R16_StartPageRedirectedToAnotherHostIsAMove) {
  PathologicalSite moved("mv", Html("เขต", kSchoolsLink));
  ASSERT_TRUE(moved.Start());
  TestServer old_home;
  old_home.Route("/mv/", TestResponse{302, "text/html", "",
                                      {{"Location", moved.url()}}});
  ASSERT_TRUE(old_home.Start());
  RunOutput run = Run({{"mv", old_home.url("/mv/")}},
                      {"--allow-port", std::to_string(moved.server().port())});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "mv", "start page moved to " + moved.url() +
                                 ": update the site list");
  EXPECT_NE(Site(run.report, "mv").value("reason", "").find(
                "เว็บไซต์ย้ายไปที่ " + moved.url()),
            std::string::npos);
}

// Guard for the above: a redirect that stays on the host is no move.
TEST_F(HostileRunTest, R16_RedirectOnTheSameHostIsNoMove) {
  PathologicalSite site("go", "");
  site.server().Route("/go/", TestResponse{302, "text/html", "",
                                           {{"Location", "/go/home"}}});
  site.server().Route("/go/home", TestResponse{200, "text/html; charset=utf-8",
                                               Html("เขต", kSchoolsLink), {}});
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"go", site.url()}});
  const json& go = Site(run.report, "go");
  EXPECT_EQ(go.value("state", ""), "checked") << go.dump().substr(0, 600);
  EXPECT_EQ(Status(go, "O3"), "pass") << go.dump().substr(0, 600);
}

TEST_F(HostileRunTest, R17_MetaRefreshToAnotherHostIsAMove) {
  PathologicalSite moved("mr", Html("เขต", kSchoolsLink));
  ASSERT_TRUE(moved.Start());
  TestServer old_home;
  old_home.Route("/mr/", TestResponse{200, "text/html",
      "<html><head><meta http-equiv=\"refresh\" content=\"0;URL='" +
          moved.url() + "'\"></head><body></body></html>", {}});
  ASSERT_TRUE(old_home.Start());
  RunOutput run = Run({{"mr", old_home.url("/mr/")}});
  ExpectGoodSitePasses(run);
  ExpectUnchecked(run, "mr", "start page moved to " + moved.url());
}

// Guard: a start page with its own content that also refreshes elsewhere
// (a banner rotating to a campaign site) is read as a page.
TEST_F(HostileRunTest, R17_MetaRefreshBesideOwnLinksIsNoMove) {
  TestServer other;
  ASSERT_TRUE(other.Start());
  PathologicalSite site(
      "mo", "<html><head><meta http-equiv=\"refresh\" content=\"30;url=" +
                other.url("/campaign/") + "\"></head><body>" +
                kSchoolsLink + "</body></html>");
  ASSERT_TRUE(site.Start());
  RunOutput run = Run({{"mo", site.url()}});
  const json& mo = Site(run.report, "mo");
  EXPECT_EQ(mo.value("state", ""), "checked") << mo.dump().substr(0, 600);
  EXPECT_EQ(Status(mo, "O3"), "pass");
}

// A small district: its start page links the schools page (O3) and the ITA
// index page, which links the O5 plan and report.
void RouteIndexedSite(TestServer* server, const std::string& name) {
  const std::string p = "/" + name + "/";
  server->Route(p, TestResponse{200, "text/html; charset=utf-8",
      Html("สำนักงานเขตทดสอบ",
           "<a href=\"" + p + "schools\">รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร</a> "
           "<a href=\"" + p + "ita\">ITA การเปิดเผยข้อมูลสาธารณะ</a>"), {}});
  server->Route(p + "schools", TestResponse{200, "text/html; charset=utf-8",
      Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
           "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต</h1>"
           "<p>โรงเรียนวัดทดสอบ</p>"), {}});
  server->Route(p + "ita", TestResponse{200, "text/html; charset=utf-8",
      Html("ITA", "<h1>การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. 2568</h1>"
                  "<a href=\"files/Action_Plan_2568.pdf\">O5 แผนปฏิบัติราชการ"
                  "ประจำปี พ.ศ. 2568</a> <a href=\"files/Report_2567.pdf\">O5 "
                  "รายงานผลการปฏิบัติราชการประจำปี พ.ศ. 2567</a>"), {}});
  server->Route(p + "files/Action_Plan_2568.pdf",
                TestResponse{200, "application/pdf",
                             MakeSimplePdf("Action plan FY 2568"), {}});
  server->Route(p + "files/Report_2567.pdf",
                TestResponse{200, "application/pdf",
                             MakeSimplePdf("Performance report FY 2567"), {}});
}

// The site was checked, O3 passes, and no item is `missing`: O5 (behind
// the index page that failed) is unchecked and says which page failed.
void ExpectCrawlIncomplete(const json& site, const std::string& failed_url) {
  EXPECT_EQ(site.value("state", ""), "checked") << site.dump().substr(0, 600);
  for (const json& item : site["items"]) {
    EXPECT_NE(item["status"], "missing") << item.dump();
    if (item["id"] == "O3") {
      EXPECT_EQ(item["status"], "pass") << item.dump();
    }
    if (item["id"] != "O5") continue;
    EXPECT_EQ(item["status"], "unchecked") << item.dump();
    const std::string reason = item.value("reason", "");
    EXPECT_NE(reason.find("crawl incomplete: 1 page could not be fetched, "
                          "e.g. " + failed_url),
              std::string::npos)
        << reason;
    EXPECT_NE(reason.find("ตรวจไม่ครบ"), std::string::npos) << reason;
  }
  EXPECT_NE(site.value("reason", "").find(failed_url), std::string::npos)
      << site.value("reason", "");
}

TEST_F(HostileRunTest, T14_TimedOutIndexPageLeavesItsItemsUnchecked) {
  TestServer server;
  RouteIndexedSite(&server, "to");
  server.Route("/to/ita", [](const TestRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    return TestResponse{200, "text/html", Html("ITA", "late"), {}};
  });
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"to", server.url("/to/")}});
  ExpectGoodSitePasses(run);
  ExpectCrawlIncomplete(Site(run.report, "to"), server.url("/to/ita") +
                                                    ": timeout");
}

TEST_F(HostileRunTest, T13_ServerErrorOnIndexPageLeavesItsItemsUnchecked) {
  TestServer server;
  RouteIndexedSite(&server, "se");
  server.Route("/se/ita", TestResponse{500, "text/html", "boom", {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"se", server.url("/se/")}});
  ExpectGoodSitePasses(run);
  ExpectCrawlIncomplete(Site(run.report, "se"),
                        server.url("/se/ita") + ": http_error HTTP 500");
}

// Red-team probes C1/N6b: the start page links the O5 plan itself, and the
// ITA index page that would lead to the report fails. O5 was `partial` (the
// report "missing") and, after a pass, alerted; it is unchecked, and says
// which component was not found yet.
TEST_F(HostileRunTest, T13_PartialItemBehindAFailedIndexPageIsUnchecked) {
  TestServer server;
  RouteIndexedSite(&server, "pa");
  server.Route("/pa/", TestResponse{200, "text/html; charset=utf-8",
      Html("สำนักงานเขตทดสอบ",
           std::string(kSchoolsLink) +
           " <a href=\"/pa/files/Action_Plan_2568.pdf\">แผนปฏิบัติราชการ"
           "ประจำปี พ.ศ. 2568</a> <a href=\"/pa/ita\">ITA</a>"), {}});
  server.Route("/pa/ita", TestResponse{503, "text/html", "busy", {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"pa", server.url("/pa/")}});
  ExpectGoodSitePasses(run);
  const json& site = Site(run.report, "pa");
  for (const json& item : site["items"]) {
    if (item["id"] != "O5") continue;
    EXPECT_EQ(item["status"], "unchecked") << item.dump();
    const std::string reason = item.value("reason", "");
    EXPECT_NE(reason.find("crawl incomplete: 1 page could not be fetched, "
                          "e.g. " + server.url("/pa/ita")),
              std::string::npos)
        << reason;
    EXPECT_NE(reason.find("not found yet): "), std::string::npos) << reason;
    EXPECT_TRUE(item["missing_components"].empty()) << "not findings";
  }
}

// Red-team probe H2: robots.txt disallows the ITA index page. Its items are
// unchecked ("robots.txt disallows it"), never `missing`; a disallowed page
// that is not likely evidence (/admin/) changes nothing, even on a small
// site.
TEST_F(HostileRunTest, A29_RobotsDisallowedIndexPageLeavesItsItemsUnchecked) {
  TestServer server;
  RouteIndexedSite(&server, "rb");
  server.Route("/robots.txt", TestResponse{200, "text/plain",
                                           "User-agent: *\nDisallow: /rb/ita\n",
                                           {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"rb", server.url("/rb/")}});
  EXPECT_EQ(server.hits("/rb/ita"), 0);
  ExpectCrawlIncomplete(Site(run.report, "rb"),
                        server.url("/rb/ita") + ": robots.txt disallows it");

  TestServer admin;
  RouteIndexedSite(&admin, "ad");
  admin.Route("/ad/", TestResponse{200, "text/html; charset=utf-8",
      Html("สำนักงานเขตทดสอบ", std::string(kSchoolsLink) +
                                   " <a href=\"/ad/admin/\">Admin</a>"), {}});
  admin.Route("/robots.txt", TestResponse{200, "text/plain",
                                          "User-agent: *\nDisallow: /ad/admin/\n",
                                          {}});
  ASSERT_TRUE(admin.Start());
  RunOutput guard = Run({{"ad", admin.url("/ad/")}});
  const json& ad = Site(guard.report, "ad");
  EXPECT_EQ(Status(ad, "O5"), "missing") << ad.dump().substr(0, 600);
  EXPECT_EQ(ad.value("reason", "").find("crawl incomplete"), std::string::npos);
}

// Guard: a 404 is an answer (the page is gone), not a gap in the crawl.
TEST_F(HostileRunTest, T13_GoneIndexPageLeavesItsItemsMissing) {
  TestServer server;
  RouteIndexedSite(&server, "gone");
  server.Route("/gone/ita", TestResponse{404, "text/html", "gone", {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"gone", server.url("/gone/")}});
  const json& site = Site(run.report, "gone");
  EXPECT_EQ(Status(site, "O5"), "missing") << site.dump().substr(0, 600);
  EXPECT_EQ(site.value("reason", "").find("crawl incomplete"),
            std::string::npos);
}

// Guard: on a site of many pages, one plain page (no rule-matching link
// text, not under an ITA index: priority <= 0) that fails leaves the
// verdicts alone, so one flaky news page does not make a big site's
// missing items unchecked night after night.
TEST_F(HostileRunTest, T13_FailedPlainPageOnABigSiteLeavesMissingAlone) {
  TestServer server;
  std::string links = kSchoolsLink;
  for (int i = 0; i < 24; ++i) {
    const std::string n = std::to_string(i);
    links += " <a href=\"c" + n + "\">Community " + n + "</a>";
    server.Route("/big/c" + n, TestResponse{200, "text/html; charset=utf-8",
        Html("Community " + n, "<p>Community notes " + n + "</p>"), {}});
  }
  server.Route("/big/c7", TestResponse{500, "text/html", "boom", {}});
  server.Route("/big/", TestResponse{200, "text/html; charset=utf-8",
                                     Html("สำนักงานเขตใหญ่", links), {}});
  server.Route("/big/schools", TestResponse{200, "text/html; charset=utf-8",
      Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
           "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต</h1>"), {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"big", server.url("/big/")}});
  const json& site = Site(run.report, "big");
  EXPECT_EQ(server.hits("/big/c7"), 3) << "fetched and retried";
  EXPECT_EQ(Status(site, "O5"), "missing") << site.dump().substr(0, 600);
  EXPECT_EQ(site.value("reason", "").find("crawl incomplete"),
            std::string::npos);
}

// D3 (red-team probe): one 503 or timeout on robots.txt is retried like a
// page before the host - all its districts - is given up for the night.
TEST_F(HostileRunTest, A29_TransientRobotsFailureIsRetried) {
  TestServer server;
  std::atomic<int> robots{0};
  server.Route("/robots.txt", [&robots](const TestRequest&) {
    return ++robots == 1
               ? TestResponse{503, "text/plain", "busy", {}}
               : TestResponse{200, "text/plain", "User-agent: *\nDisallow:\n",
                              {}};
  });
  server.Route("/rt/", TestResponse{200, "text/html; charset=utf-8",
      Html("สำนักงานเขตอาร์ที",
           "<a href=\"/rt/schools\">รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร</a>"), {}});
  server.Route("/rt/schools", TestResponse{200, "text/html; charset=utf-8",
      Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
           "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต</h1>"
           "<p>โรงเรียนวัดทดสอบ</p>"), {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"rt", server.url("/rt/")}});
  ExpectGoodSitePasses(run);
  EXPECT_EQ(robots.load(), 2) << "the 503, then the retry";
  const json& site = Site(run.report, "rt");
  EXPECT_EQ(site.value("state", ""), "checked") << site.dump();
  EXPECT_EQ(Status(site, "O3"), "pass") << site.dump();
}

// A9 + red-team probe T17: a PDF sent with no length and cut on the way (no
// %%EOF at its end) is not the plan the assessors would get: broken.
TEST_F(HostileRunTest, A9_CloseDelimitedPdfCutShortIsBrokenNotPass) {
  const std::string plan = MakeSimplePdf("Action plan FY 2568");
  const std::string report = MakeSimplePdf("Performance report FY 2567");
  ASSERT_NE(plan.find("%%EOF", plan.size() - 16), std::string::npos);
  for (const bool cut : {true, false}) {
    SCOPED_TRACE(cut ? "cut in half" : "whole, close-delimited");
    const std::string sent = cut ? plan.substr(0, plan.size() / 2) : plan;
    FaultServer server;
    SERVE(server, [&](FaultConnection& c) {
      const std::string path = c.path();
      if (path == "/d/") {
        c.Send(FaultServer::Response(200, "text/html; charset=utf-8",
                                     PlanPage()));
      } else if (path == "/d/files/Action_Plan_2568.pdf") {  // no length
        c.Send("HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n" +
               sent);
      } else if (path == "/d/files/Report_2567.pdf") {
        c.Send(FaultServer::Response(200, "application/pdf", report));
      } else {
        c.Send(FaultServer::Response(404, "text/plain", "none"));
      }
    });
    RunOutput run = Run({{"d", server.url("/d/")}});
    const json& site = Site(run.report, "d");
    EXPECT_EQ(Status(site, "O5"), cut ? "broken" : "pass") << site.dump();
    if (cut) {
      EXPECT_NE(site.dump().find("PDF cut short"), std::string::npos)
          << site.dump();
    }
  }
}


// Red-team quirk 1 (probes C2, C2b, C4, C5b): a WAF that answers 200 with a
// challenge or captcha page. Cloudflare's "Just a moment..." and a Thai
// reCAPTCHA wall, as the red team captured their shape.
const char kCloudflare200[] =
    "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title>"
    "<script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1\">"
    "</script></head><body><div id=\"challenge-running\">Checking if the site "
    "connection is secure</div></body></html>";
const char kThaiCaptcha200[] =
    "<html><head><meta charset=\"utf-8\"><title>ตรวจสอบความปลอดภัย</title>"
    "</head><body><h1>กรุณายืนยันว่าคุณไม่ใช่โปรแกรมอัตโนมัติ</h1><div "
    "class=\"g-recaptcha\" data-sitekey=\"6Lc_x\"></div></body></html>";

// The ITA index page, the page that links every O-item's evidence, answers
// 200 with a challenge: blocked, so the items it would have shown are
// unchecked ("crawl incomplete"), never missing.
TEST_F(HostileRunTest, C2_IndexPageAnswering200ChallengeIsUncheckedNotMissing) {
  for (const char* wall : {kCloudflare200, kThaiCaptcha200}) {
    TestServer server;
    server.Route("/c/", TestResponse{200, "text/html; charset=utf-8",
        Html("สำนักงานเขตทดสอบ",
             "<a href=\"/c/ita\">ITA การเปิดเผยข้อมูลสาธารณะ (OIT)</a>"), {}});
    server.Route("/c/ita", TestResponse{200, "text/html", wall, {}});
    ASSERT_TRUE(server.Start());
    RunOutput run = Run({{"c", server.url("/c/")}});
    const json& site = Site(run.report, "c");
    // Nothing else on this one-page site could be judged either: the site is
    // reported unchecked as a whole (reports/report.h, red-team probe H01).
    EXPECT_EQ(site.value("state", ""), "unchecked") << site.dump();
    EXPECT_EQ(Status(site, "O5"), "unchecked") << site.dump().substr(0, 1500);
    for (const json& item : site["items"]) {
      EXPECT_NE(item["status"], "missing") << item.dump();
      if (item["id"] != "O5") continue;
      EXPECT_NE(item.value("reason", "").find(
                    server.url("/c/ita") + ": blocked HTTP 200"),
                std::string::npos)
          << item.dump();
    }
    ExpectGoodSitePasses(run);
  }
}

// Every PDF answers 200 with a challenge: the files could not be checked
// (unchecked), not "an HTML page came back instead of the PDF" (broken).
TEST_F(HostileRunTest, C4_PdfAnswering200ChallengeIsUncheckedNotBroken) {
  TestServer server;
  RunOutput run = RunWithPlan(
      &server, {200, "text/html; charset=UTF-8", kCloudflare200,
                {{"Server", "cloudflare"}, {"cf-mitigated", "challenge"}}});
  const json& site = Site(run.report, "d");
  EXPECT_EQ(Status(site, "O5"), "unchecked") << site.dump().substr(0, 1500);
}

// Narrow on purpose: a real page that embeds a reCAPTCHA contact form beside
// its menus and text is read as a page; its plan link still passes O5.
TEST_F(HostileRunTest, C2_RealPageEmbeddingACaptchaIsStillRead) {
  TestServer server;
  std::string menu;
  for (int i = 0; i < 10; ++i) {
    menu += "<a href=\"/d/menu" + std::to_string(i) + "\">เมนู " +
            std::to_string(i) + "</a> ";
  }
  server.Route("/d/", TestResponse{200, "text/html; charset=utf-8",
      Html("สำนักงานเขตดี",
           "<a href=\"/d/files/Action_Plan_2568.pdf\">O5 แผนปฏิบัติราชการ"
           "ประจำปี พ.ศ. 2568</a> <a href=\"/d/files/Report_2567.pdf\">O5 "
           "รายงานผลการปฏิบัติราชการประจำปี พ.ศ. 2567</a>" + menu +
           "<p>ติดต่อสำนักงานเขตดี เลขที่ 1 ถนนทดสอบ แขวงทดสอบ กรุงเทพมหานคร "
           "10210 โทรศัพท์ 0 2000 0000 ในวันและเวลาราชการ</p><form><div "
           "class=\"g-recaptcha\" data-sitekey=\"x\"></div></form>"), {}});
  server.Route("/d/files/Action_Plan_2568.pdf",
               TestResponse{200, "application/pdf",
                            MakeSimplePdf("Action plan FY 2568"), {}});
  server.Route("/d/files/Report_2567.pdf",
               TestResponse{200, "application/pdf",
                            MakeSimplePdf("Performance report FY 2567"), {}});
  ASSERT_TRUE(server.Start());
  RunOutput run = Run({{"d", server.url("/d/")}});
  EXPECT_EQ(Status(Site(run.report, "d"), "O5"), "pass")
      << Site(run.report, "d").dump().substr(0, 1500);
}

}  // namespace
}  // namespace oitwatch
