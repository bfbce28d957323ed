// Verdict accuracy on the labelled corpus (tests/corpus/README.md): the real
// `oitwatch run` crawls every corpus site at once (one host, sites under
// prefixes, like the real portal) and every (site, item) state is compared
// with the site's expected.yaml. Fails on accuracy < 95 %, on any false pass,
// and on any item of an unchecked site reported missing.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rules/pdf_text.h"
#include "rules/thai_text.h"
#include "tests/test_corpus.h"
#include "tests/test_process.h"

namespace oitwatch {
namespace {

using nlohmann::json;

const char* const kStates[] = {"pass",   "partial", "stale",
                               "missing", "broken",  "unchecked"};

std::string CorpusDir() {
  return std::string(OITWATCH_SOURCE_DIR) + "/tests/corpus";
}

TEST(CorpusPdfTest, ThaiTextLayerRoundTrips) {
  PdfText pdf;
  std::string err;
  ASSERT_TRUE(ExtractPdfText(
      MakeThaiPdf({"แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. ๒๕๖๘\nสำนักงานเขตหลักสี่",
                   "หน้า 2"},
                  {"ชื่อเรื่อง", "D:20250115000000+07'00'", ""}),
      40, 1 << 20, &pdf, &err))
      << err;
  EXPECT_EQ(pdf.pages, 2);
  EXPECT_TRUE(pdf.has_text);
  const std::string text = NormalizeThai(pdf.text);
  EXPECT_NE(text.find("แผนปฏิบัติราชการประจำปีงบประมาณพ.ศ. 2568"), std::string::npos)
      << text;
  EXPECT_NE(text.find("สำนักงานเขตหลักสี่"), std::string::npos) << text;
  EXPECT_EQ(pdf.title, "ชื่อเรื่อง");
}

TEST(CorpusLoadTest, MalformedCorpusNamesFileAndProblem) {
  const std::string dir = MakeTempDir();
  std::filesystem::create_directories(dir + "/a");
  ASSERT_TRUE(WriteFile(dir + "/a/site.yaml",
                        "id: a\nname: x\nname_en: x\nurl: /a/\nroutes:\n"
                        "  - {path: /a/, file: nosuch.html}\n"));
  TestServer portal, external;
  Corpus corpus;
  std::string err;
  EXPECT_FALSE(LoadCorpus(dir, &portal, &external, &corpus, &err));
  EXPECT_NE(err.find("site.yaml route 1: cannot read"), std::string::npos) << err;

  ASSERT_TRUE(WriteFile(dir + "/a/site.yaml",
                        "id: a\nname: x\nname_en: x\nurl: /a/\nroutes:\n"
                        "  - {path: /a/, body: hi, colour: red}\n"));
  err.clear();
  EXPECT_FALSE(LoadCorpus(dir, &portal, &external, &corpus, &err));
  EXPECT_NE(err.find("unknown key 'colour'"), std::string::npos) << err;

  ASSERT_TRUE(WriteFile(dir + "/a/site.yaml",
                        "id: a\nname: x\nname_en: x\nurl: /a/\nroutes: []\n"));
  ASSERT_TRUE(WriteFile(dir + "/a/expected.yaml", "O1: pass  # ok\nO2: great\n"));
  err.clear();
  EXPECT_FALSE(LoadCorpus(dir, &portal, &external, &corpus, &err));
  EXPECT_NE(err.find("expected.yaml:2: unknown state 'great'"), std::string::npos)
      << err;

  ASSERT_TRUE(WriteFile(dir + "/a/expected.yaml", "O1: pass  # ok\n"));
  err.clear();
  EXPECT_FALSE(LoadCorpus(dir, &portal, &external, &corpus, &err));
  EXPECT_NE(err.find("no expected state for O2"), std::string::npos) << err;
}

TEST(CorpusLoadTest, CorpusIsSmallAndComplete) {
  TestServer portal, external;
  Corpus corpus;
  std::string err;
  ASSERT_TRUE(LoadCorpus(CorpusDir(), &portal, &external, &corpus, &err)) << err;
  EXPECT_GE(corpus.sites.size(), 14u);
  EXPECT_LT(corpus.source_bytes, 1u << 20) << "keep the corpus under 1 MB";
  std::map<std::string, int> states;
  for (const CorpusSite& site : corpus.sites) {
    for (const auto& [item, state] : site.expected) ++states[state];
  }
  for (const char* state : kStates) {
    EXPECT_GT(states[state], 0) << "the corpus has no item labelled " << state;
  }
}

struct Figures {
  int total = 0, exact = 0, false_pass = 0, unchecked_as_missing = 0;
  std::map<std::string, std::map<std::string, int>> confusion;  // want->got
};

std::string ConfusionTable(const Figures& f) {
  std::ostringstream out;
  out << "expected \\ got";
  for (const char* got : kStates) out << "\t" << got;
  out << "\n";
  for (const char* want : kStates) {
    out << want;
    for (const char* got : kStates) {
      auto row = f.confusion.find(want);
      int n = 0;
      if (row != f.confusion.end()) {
        auto cell = row->second.find(got);
        if (cell != row->second.end()) n = cell->second;
      }
      out << "\t" << n;
    }
    out << "\n";
  }
  return out.str();
}

TEST(CorpusAccuracyTest, VerdictsMatchTheLabels) {
  TestServer portal, external;
  Corpus corpus;
  std::string err;
  ASSERT_TRUE(portal.Start());
  ASSERT_TRUE(external.Start());  // before loading: bodies name its URL
  ASSERT_TRUE(LoadCorpus(CorpusDir(), &portal, &external, &corpus, &err)) << err;
  const std::string dir = MakeTempDir();
  ASSERT_TRUE(WriteFile(dir + "/sites.yaml", CorpusSitesYaml(corpus, portal)));
  ProcessResult r = RunProcess(
      {OITWATCH_BINARY, "run", "--sites", dir + "/sites.yaml", "--rules",
       std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
       "--db", dir + "/corpus.db", "--as-of", "2025-04-10", "--allow-address",
       "127.0.0.1", "--host-delay-ms", "0", "--host-connections", "4",
       "--timeout-ms", "10000", "--connect-timeout-ms", "2000", "--format",
       "json", "--quiet"},
      240);
  ASSERT_FALSE(r.timed_out) << r.err;
  ASSERT_EQ(r.exit_code, 4) << "the blocked site makes exit code 4\n" << r.err;
  json report = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << r.out.substr(0, 2000);

  Figures f;
  std::string mismatches;
  for (const CorpusSite& site : corpus.sites) {
    const json* got_site = nullptr;
    for (const json& s : report["sites"]) {
      if (s["id"] == site.id) got_site = &s;
    }
    ASSERT_NE(got_site, nullptr) << "no site " << site.id << " in the report";
    const bool site_unchecked = (*got_site)["state"] == "unchecked";
    for (const json& item : (*got_site)["items"]) {
      const std::string id = item["id"];
      const std::string got = item["status"];
      auto want_it = site.expected.find(id);
      ASSERT_NE(want_it, site.expected.end()) << site.id << " " << id;
      const std::string& want = want_it->second;
      ++f.total;
      ++f.confusion[want][got];
      if (got == want) {
        ++f.exact;
        continue;
      }
      if (got == "pass") ++f.false_pass;
      if (got == "missing" && (want == "unchecked" || site_unchecked)) {
        ++f.unchecked_as_missing;
      }
      mismatches += site.id + " " + id + ": expected " + want + " (" +
                    site.why.at(id) + "), got " + got + " — " +
                    item.value("reason", "") + "\n  evidence: " +
                    item.value("evidence", json::array()).dump() + "\n";
    }
  }
  const double accuracy = f.total ? 100.0 * f.exact / f.total : 0;
  char figures[256];
  std::snprintf(figures, sizeof figures,
                "corpus: %zu sites, %d items, %zu routes, %zu bytes\n"
                "exact-state accuracy: %.1f %% (%d/%d)\nfalse passes: %d\n"
                "unchecked reported as missing: %d\n",
                corpus.sites.size(), f.total, corpus.routes,
                corpus.source_bytes, accuracy, f.exact, f.total, f.false_pass,
                f.unchecked_as_missing);
  std::printf("%s%s", figures, ConfusionTable(f).c_str());
  if (!mismatches.empty()) std::printf("mismatches:\n%s", mismatches.c_str());
  EXPECT_EQ(f.total, static_cast<int>(corpus.sites.size()) * 22);
  EXPECT_GE(accuracy, 95.0) << figures << mismatches;
  EXPECT_EQ(f.false_pass, 0) << "a false pass is the worst error\n" << mismatches;
  EXPECT_EQ(f.unchecked_as_missing, 0) << mismatches;
}

}  // namespace
}  // namespace oitwatch
