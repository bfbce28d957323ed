// rt8pipe BUG-4, end to end: the parse pool must not read several large
// pages at once. One 9.5 MiB TIS-620 page takes ~180 MB to read (decoded
// to UTF-8, parsed, its lines and fields), and with 16 connections and 3
// helpers four such reads ran at once: ~950 MB. RELIABILITY.md's target is
// 512 MiB for the whole run; a large body is read on the engine's thread,
// one at a time, as with no helpers.
//
// 16 districts on 16 host names (the default 16 connections), each linking
// one such page; the run's peak RSS is that of the largest child this test
// has waited for (getrusage RUSAGE_CHILDREN), i.e. the oitwatch process
// (it reads no PDF, so no worker of its own comes near).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/test_html.h"
#include "tests/test_process.h"
#include "tests/test_report_json.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

// `utf8` with its Thai letters as TIS-620 bytes (U+0E01..U+0E5B ->
// 0xA1..0xFB) and ASCII as it is.
std::string ToTis620(const std::string& utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    // Thai is E0 B8 80..BF / E0 B9 80..9B: three bytes.
    const uint32_t cp =
        ((c & 0x0Fu) << 12) |
        ((static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu) << 6) |
        (static_cast<unsigned char>(utf8[i + 2]) & 0x3Fu);
    out += static_cast<char>(cp - 0x0E00 + 0xA0);
    i += 3;
  }
  return out;
}

// A TIS-620 page of about `bytes`: one line of Thai news text repeated.
std::string BigTisPage(size_t bytes) {
  std::string page = ToTis620(
      "<!DOCTYPE html><html><head><meta charset=\"tis-620\">"
      "<title>ข่าว</title></head><body>");
  const std::string line =
      ToTis620("<p>ข้อความประชาสัมพันธ์ของสำนักงานเขตทดสอบภาษาไทย 1</p>\n");
  while (page.size() + line.size() < bytes) page += line;
  return page + "</body></html>";
}

TEST(ReadAheadMemoryTest, LargePagesAreNotReadManyAtOnce) {
  constexpr int kSites = 16;
  TestServer server;
  const std::string big = BigTisPage(static_cast<size_t>(9.5 * (1 << 20)));
  std::string yaml = "sites:\n";
  std::vector<std::string> resolve;
  for (int i = 0; i < kSites; ++i) {
    const std::string pre = "/s" + std::to_string(i);
    server.Route(
        pre + "/",
        TestResponse{
            200,
            "text/html; charset=utf-8",
            Html("สำนักงานเขต", "<a href=\"" + pre + "/big\">ข่าวประชาสัมพันธ์</a>"),
            {}});
    server.Route(pre + "/big",
                 TestResponse{200, "text/html; charset=tis-620", big, {}});
  }
  ASSERT_TRUE(server.Start());
  const std::string port = std::to_string(server.port());
  for (int i = 0; i < kSites; ++i) {
    const std::string host = "s" + std::to_string(i) + ".test";
    yaml += "  - id: s" + std::to_string(i) + "\n    name: เขต" +
            std::to_string(i) + "\n    name_en: S" + std::to_string(i) +
            "\n    url: http://" + host + ":" + port + "/s" +
            std::to_string(i) + "/\n";
    resolve.push_back("--resolve");
    resolve.push_back(host + ":" + port + ":127.0.0.1");
  }
  const std::string dir = MakeTempDir();
  ASSERT_TRUE(WriteFile(dir + "/sites.yaml", yaml));
  std::vector<std::string> flags = {"--timeout-ms", "60000", "--parse-threads",
                                    "3"};
  flags.insert(flags.end(), resolve.begin(), resolve.end());
  const ProcessResult r = RunProcess(
      LoopbackRunArgs(dir + "/sites.yaml", dir + "/o.db", flags), 280);
  ASSERT_FALSE(r.timed_out);
  const json report = ParseReport(r.out, r.err);
  // Every page was read (the runs below count only if they did the work).
  for (int i = 0; i < kSites; ++i) {
    const json s = ReportSite(report, "s" + std::to_string(i));
    EXPECT_EQ(s.value("state", ""), "checked") << s.dump().substr(0, 500);
    EXPECT_EQ(s.value("pages", 0), 2) << s.dump().substr(0, 500);
  }
  rusage usage{};
  ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &usage), 0);
  const long peak_mib = usage.ru_maxrss / 1024;  // ru_maxrss is in KiB
  EXPECT_LE(peak_mib, 512) << "peak RSS of the run";
  std::printf("peak RSS of the run: %ld MiB\n", peak_mib);
}

}  // namespace
}  // namespace oitwatch
