#include "tests/test_report_json.h"

#include <gtest/gtest.h>

namespace oitwatch {

nlohmann::json FindById(const nlohmann::json& report, const char* list,
                        const std::string& id) {
  if (report.contains(list)) {
    for (const nlohmann::json& e : report[list]) {
      if (e["id"] == id) return e;
    }
  }
  ADD_FAILURE() << "no " << list << " " << id;
  return nlohmann::json::object();
}

nlohmann::json ReportSite(const nlohmann::json& report, const std::string& id) {
  return FindById(report, "sites", id);
}

nlohmann::json ReportItem(const nlohmann::json& site, const std::string& id) {
  return FindById(site, "items", id);
}

std::string OneSiteYaml(const std::string& url) {
  return "sites:\n"
         "  - id: d\n    name: สำนักงานเขตดี\n    name_en: D\n"
         "    url: " +
         url + "\n";
}

std::vector<std::string> LoopbackRunArgs(
    const std::string& sites_yaml, const std::string& db,
    const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {
      OITWATCH_BINARY,
      "run",
      "--sites",
      sites_yaml,
      "--rules",
      std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
      "--db",
      db,
      "--as-of",
      "2025-04-10",
      "--host-delay-ms",
      "0",
      "--allow-address",
      "127.0.0.1",
      "--format",
      "json",
      "--quiet"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

nlohmann::json ParseReport(const std::string& out, const std::string& err) {
  nlohmann::json report = nlohmann::json::parse(out, nullptr, false);
  if (report.is_discarded()) {
    ADD_FAILURE() << "no JSON report:\n" << out.substr(0, 2000) << err;
    return nlohmann::json::object();
  }
  return report;
}

}  // namespace oitwatch
