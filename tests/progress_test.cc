// Progress output of `oitwatch run` when stderr is not a terminal: quiet and
// structured, one line per event, key=value, values escaped so that nothing
// from the web (or a hostile config) can add a line, a control sequence or a
// fake key. RunProcess captures stderr through a pipe, i.e. not a tty.
#include "app/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// key -> value of one line; values unquoted (\" and \\ undone). Fails the
// test if the line is not a sequence of key=value pairs.
std::map<std::string, std::string> ParseLine(const std::string& line) {
  std::map<std::string, std::string> kv;
  size_t i = 0;
  while (i < line.size()) {
    size_t eq = line.find('=', i);
    EXPECT_NE(eq, std::string::npos) << line;
    if (eq == std::string::npos) break;
    std::string key = line.substr(i, eq - i);
    EXPECT_EQ(key.find_first_of(" \""), std::string::npos) << line;
    std::string value;
    i = eq + 1;
    if (i < line.size() && line[i] == '"') {
      for (++i; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) ++i;
        value.push_back(line[i]);
      }
      ++i;  // closing quote
    } else {
      size_t end = line.find(' ', i);
      if (end == std::string::npos) end = line.size();
      value = line.substr(i, end - i);
      i = end;
    }
    EXPECT_TRUE(i >= line.size() || line[i] == ' ') << line;
    ++i;
    EXPECT_EQ(kv.count(key), 0u) << "duplicate key " << key << ": " << line;
    kv[key] = value;
  }
  return kv;
}

void ExpectNoRawControls(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') continue;
    EXPECT_FALSE(c < 0x20 || c == 0x7f)
        << "raw control 0x" << std::hex << int(c) << " at " << std::dec << i
        << " in: " << text;
  }
}

TEST(LogValueTest, EscapesEverythingThatCouldForgeALineOrAKey) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"laksi", "laksi"},
      {"checked", "checked"},
      {"", "\"\""},
      {"two words", "\"two words\""},
      {"a=b", "\"a=b\""},
      {"say \"hi\" \\", "\"say \\\"hi\\\" \\\\\""},
      {"x\r\nevent=site_done site=evil", "\"x  event=site_done site=evil\""},
      {"\x1b[31mred", "\"\\x1B[31mred\""},
      {"สำนักงานเขตหลักสี่", "สำนักงานเขตหลักสี่"},
      {"ไม่พบชื่อโดเมน (DNS failure)", "\"ไม่พบชื่อโดเมน (DNS failure)\""},
  };
  for (const Case& c : cases) {
    std::string got = LogValue(c.in);
    ExpectNoRawControls(got);
    EXPECT_EQ(ParseLine("k=" + got).at("k").size() > 0 || c.in.empty(), true)
        << c.in;
    if (c.out.find("\\x1") != std::string::npos) {
      EXPECT_EQ(got.find('\x1b'), std::string::npos) << c.in;
      EXPECT_NE(got.find("red"), std::string::npos) << got;
      continue;
    }
    EXPECT_EQ(got, c.out) << "input: " << c.in;
  }
  std::string invalid = LogValue("bad\xff\xfe utf8");
  EXPECT_EQ(invalid.find('\xff'), std::string::npos) << invalid;
}

// Runs `fn` against a printer writing to a temp file; returns what it wrote.
template <typename Fn>
std::string Capture(Fn fn) {
  std::FILE* f = std::tmpfile();
  ProgressPrinter printer(f, /*terminal=*/false, 2, 22, /*progress_every=*/5);
  fn(printer);
  std::fflush(f);
  std::rewind(f);
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  return text;
}

TEST(ProgressPrinterTest, NotATerminalPrintsOneKeyValueLinePerEvent) {
  std::string text = Capture([](ProgressPrinter& p) {
    p.RunStart(7);
    SiteProgress s;
    s.site_id = "laksi";
    for (int i = 1; i <= 12; ++i) {
      s.pages = i;
      s.items_found = i / 2;
      p.Progress(s);  // a line at 5 and 10 fetched, not at every response
    }
    SiteRunInfo info;
    info.site_id = "laksi";
    info.state = "unchecked";
    info.reason = "blocked: <title>\r\n\x1b]0;pwned\x07 event=site_done\r</title>";
    p.SiteDone(info, std::vector<ItemVerdict>(22));
    p.RunDone(7, "finished", 1, 1);
  });
  ExpectNoRawControls(text);
  std::vector<std::string> lines = Lines(text);
  ASSERT_EQ(lines.size(), 5u) << text;
  EXPECT_EQ(ParseLine(lines[0]).at("event"), "run_start");
  EXPECT_EQ(ParseLine(lines[0]).at("sites"), "2");
  EXPECT_EQ(ParseLine(lines[1]).at("event"), "site_progress");
  EXPECT_EQ(ParseLine(lines[1]).at("pages"), "5");
  EXPECT_EQ(ParseLine(lines[2]).at("pages"), "10");
  EXPECT_EQ(ParseLine(lines[2]).at("items_found"), "5");
  std::map<std::string, std::string> done = ParseLine(lines[3]);
  EXPECT_EQ(done.at("event"), "site_done") << lines[3];
  EXPECT_EQ(done.at("state"), "unchecked");
  EXPECT_EQ(done.at("items"), "22");
  EXPECT_NE(done.at("reason").find("pwned"), std::string::npos) << lines[3];
  EXPECT_EQ(ParseLine(lines[4]).at("event"), "run_done");
  EXPECT_EQ(ParseLine(lines[4]).at("status"), "finished");
}

TEST(ProgressEndToEndTest, RunWithoutTerminalLogsStructuredEvents) {
  TestServer server;
  server.Route("/robots.txt", TestResponse{200, "text/plain", "", {}});
  server.Route("/laksi/", TestResponse{200, "text/html; charset=utf-8",
      "<html><head><title>\x1b[2J\r\nevent=fake</title></head><body>"
      "<a href=\"/laksi/a%0d%0aevent=x\">\x1b]0;t\x07ข่าว\r\n</a></body></html>",
      {}});
  server.Route("/bangrak/", TestResponse{403, "text/html",
      "<html><head><title>Just a moment...</title></head>cf-chl</html>", {}});
  ASSERT_TRUE(server.Start());
  std::string dir = MakeTempDir();
  ASSERT_TRUE(WriteFile(dir + "/sites.yaml",
      "sites:\n  - id: laksi\n    name: สำนักงานเขตหลักสี่\n    name_en: Lak Si\n    url: " +
      server.url("/laksi/") + "\n  - id: bangrak\n    name: สำนักงานเขตบางรัก\n    name_en: Bang Rak\n"
      "    url: " + server.url("/bangrak/") + "\n"));
  ProcessResult r = RunProcess(
      {OITWATCH_BINARY, "run", "--sites", dir + "/sites.yaml", "--rules",
       std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
       "--db", dir + "/o.db", "--as-of", "2025-04-10", "--host-delay-ms", "0",
       "--allow-address", "127.0.0.1", "--format", "none"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  ExpectNoRawControls(r.err);
  std::vector<std::string> lines = Lines(r.err);
  ASSERT_GE(lines.size(), 4u) << r.err;
  int site_done = 0;
  for (const std::string& line : lines) {
    std::map<std::string, std::string> kv = ParseLine(line);
    ASSERT_TRUE(kv.count("event")) << line;
    site_done += kv["event"] == "site_done";
    if (kv["site"] == "bangrak") {
      EXPECT_EQ(kv["state"], "unchecked") << line;
      EXPECT_NE(kv["reason"].find("403"), std::string::npos) << line;
    }
  }
  EXPECT_EQ(ParseLine(lines.front()).at("event"), "run_start") << r.err;
  EXPECT_EQ(ParseLine(lines.back()).at("event"), "run_done") << r.err;
  EXPECT_EQ(site_done, 2) << r.err;
  EXPECT_EQ(r.err.find("event=fake"), std::string::npos) << r.err;
}

TEST(ProgressEndToEndTest, QuietPrintsNothing) {
  TestServer server;
  server.Route("/laksi/", TestResponse{200, "text/html", "<title>x</title>", {}});
  ASSERT_TRUE(server.Start());
  std::string dir = MakeTempDir();
  ASSERT_TRUE(WriteFile(dir + "/sites.yaml",
      "sites:\n  - id: laksi\n    name: x\n    name_en: x\n    url: " + server.url("/laksi/") +
      "\n"));
  ProcessResult r = RunProcess(
      {OITWATCH_BINARY, "run", "--sites", dir + "/sites.yaml", "--rules",
       std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
       "--db", dir + "/o.db", "--as-of", "2025-04-10", "--host-delay-ms", "0",
       "--allow-address", "127.0.0.1", "--format", "none", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace oitwatch
