// Looking up sites and items in a JSON report (`oitwatch run --format
// json`), for the tests that run the real binary. Pure; thread-safe.
#ifndef OITWATCH_TESTS_TEST_REPORT_JSON_H_
#define OITWATCH_TESTS_TEST_REPORT_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace oitwatch {

// The element of report[list] whose "id" is `id`; an empty object, and a
// test failure, if there is none.
nlohmann::json FindById(const nlohmann::json& report, const char* list,
                        const std::string& id);

// FindById over the report's "sites" / a site's "items".
nlohmann::json ReportSite(const nlohmann::json& report, const std::string& id);
nlohmann::json ReportItem(const nlohmann::json& site, const std::string& id);

// The argv of `oitwatch run` on loopback sites: the shipped BMA 2568 rules,
// as of 2025-04-10, no host delay, 127.0.0.1 allowed, a JSON report on
// stdout, quiet; then `extra`.
std::vector<std::string> LoopbackRunArgs(const std::string& sites_yaml,
                                         const std::string& db,
                                         const std::vector<std::string>& extra);

// A sites list (the YAML of --sites) of one district, id "d" (สำนักงานเขตดี,
// D), at `url`.
std::string OneSiteYaml(const std::string& url);

// The JSON report on stdout of a run; a test failure (with the start of
// stdout and stderr) and an empty object if it does not parse.
nlohmann::json ParseReport(const std::string& out, const std::string& err);

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_REPORT_JSON_H_
