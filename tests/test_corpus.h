// The labelled corpus of tests/corpus/ (README.md there): realistic district
// sites written as files, loaded and served on real loopback servers, with the
// expected state of every item. Used by tests/corpus_test.cc. Not thread-safe
// while loading; the servers it fills are thread-safe.
//
// A corpus is a directory. Each sub-directory not starting with '_' is one
// site: `site.yaml` (id, name, name_en, url path, routes) and `expected.yaml`
// (`O1: pass  # why`, one line per item). Directories starting with '_' hold
// host-wide routes only (robots.txt, central BMA pages, the "external" host).
// Every site also gets generated filler (a news archive, a gallery, history,
// places, communities: README.md "Filler") in its home page's chrome, as
// its optional `filler:` key says: current (default), old, no_news or none.
#ifndef OITWATCH_TESTS_TEST_CORPUS_H_
#define OITWATCH_TESTS_TEST_CORPUS_H_

#include <map>
#include <string>
#include <vector>

#include "tests/test_pdf.h"
#include "tests/test_server.h"

namespace oitwatch {

struct CorpusSite {
  std::string id, name, name_en;
  std::string url_path;                       // "/laksi/" on the portal host
  std::map<std::string, std::string> expected;  // "O1" -> "pass"
  std::map<std::string, std::string> why;       // "O1" -> the YAML comment
};

struct Corpus {
  std::vector<CorpusSite> sites;  // in directory-name order
  size_t routes = 0;              // routes served on both hosts
  size_t source_bytes = 0;        // bytes of the corpus files on disk
};

// Reads every site of `dir` and routes its files on `portal` (the one host of
// all district sites) or `external` (routes with `host: external`, standing
// for other hosts such as BMA OSS). In HTML files and route bodies,
// {{PORTAL}} and {{EXTERNAL}} become the servers' base URLs (so start the
// servers first). Filler routes count in corpus->routes. Returns false
// with "FILE: what is wrong" for a malformed corpus (unknown key, missing
// file, item without an expected state).
bool LoadCorpus(const std::string& dir, TestServer* portal,
                TestServer* external, Corpus* corpus, std::string* err);

// The `--sites` YAML for all corpus sites on `portal`.
std::string CorpusSitesYaml(const Corpus& corpus, const TestServer& portal);

// A PDF whose text layer holds `pages` (UTF-8, Thai included; '\n' starts a
// line) through a Type0 font with a ToUnicode map, so poppler extracts the
// Thai text back. Characters outside the BMP are dropped.
std::string MakeThaiPdf(const std::vector<std::string>& pages,
                        const SimplePdfInfo& info = {});

// `utf8` with the Thai block encoded as windows-874 (other characters kept).
std::string EncodeWindows874(const std::string& utf8);

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_CORPUS_H_
