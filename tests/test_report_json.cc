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

}  // namespace oitwatch
