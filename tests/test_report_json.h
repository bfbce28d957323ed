// Looking up sites and items in a JSON report (`oitwatch run --format
// json`), for the tests that run the real binary. Pure; thread-safe.
#ifndef OITWATCH_TESTS_TEST_REPORT_JSON_H_
#define OITWATCH_TESTS_TEST_REPORT_JSON_H_

#include <nlohmann/json.hpp>

#include <string>

namespace oitwatch {

// The element of report[list] whose "id" is `id`; an empty object, and a
// test failure, if there is none.
nlohmann::json FindById(const nlohmann::json& report, const char* list,
                        const std::string& id);

// FindById over the report's "sites" / a site's "items".
nlohmann::json ReportSite(const nlohmann::json& report, const std::string& id);
nlohmann::json ReportItem(const nlohmann::json& site, const std::string& id);

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_REPORT_JSON_H_
