// Row mapping for the evidence store (see rows.h).
#include "storage/rows.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

namespace oitwatch {
namespace {

using Json = nlohmann::json;

}  // namespace

std::string NowUtc() {
  std::time_t now =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

std::string ToJson(const std::vector<std::string>& list) {
  return Json(list).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::vector<std::string> FromJsonList(const std::string& text,
                                      const char* column) {
  Json json = Json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_array()) {
    throw BadRow(std::string(column) + " is not a JSON list: " + text);
  }
  std::vector<std::string> list;
  for (const Json& entry : json) {
    if (!entry.is_string()) throw BadRow(std::string(column) + ": not text");
    list.push_back(entry.get<std::string>());
  }
  return list;
}

namespace {

ItemStatus ReadStatus(const std::string& name) {
  ItemStatus status;
  if (!ParseItemStatus(name, &status)) {
    throw BadRow("unknown item status '" + name + "'");
  }
  return status;
}

}  // namespace

std::string StatementRow::Text(int column) const {
  return q_.getColumn(column).getString();
}

int StatementRow::Int(int column) const {
  return q_.getColumn(column).getInt();
}

int64_t StatementRow::Int64(int column) const {
  return q_.getColumn(column).getInt64();
}

Field ReadField(const std::string& name) {
  Field field;
  if (!ParseField(name, &field)) throw BadRow("unknown field '" + name + "'");
  return field;
}

extern const char kRunColumns[] =
    "id, started_at, finished_at, status, ruleset_id, ruleset_version, "
    "ruleset_path, fiscal_year, as_of, options_json";

RunInfo RunFromRow(SQLite::Statement& q) {
  RunInfo run;
  run.id = q.getColumn(0).getInt64();
  run.started_at = q.getColumn(1).getString();
  run.finished_at = q.getColumn(2).getString();
  run.status = q.getColumn(3).getString();
  run.ruleset_id = q.getColumn(4).getString();
  run.ruleset_version = q.getColumn(5).getString();
  run.ruleset_path = q.getColumn(6).getString();
  run.fiscal_year = q.getColumn(7).getInt();
  run.as_of = q.getColumn(8).getString();
  run.options_json = q.getColumn(9).getString();
  return run;
}

extern const char kPageColumns[] =
    "site_id, url, kind, outcome, http_status, content_type, content_hash, "
    "bytes, fetched_at, last_modified, etag, title, error, found_on, depth, "
    "charset, captured_at, placeholder, needs_review, parse_error, text_sig";

PageRecord PageFromColumns(SQLite::Statement& q, int first) {
  return PageFrom(StatementRow(q), first);
}

PageRecord PageFromRow(SQLite::Statement& q) { return PageFromColumns(q, 0); }

SiteRunInfo SiteRunFromRow(SQLite::Statement& q) {
  SiteRunInfo s;
  s.site_id = q.getColumn(0).getString();
  s.name = q.getColumn(1).getString();
  s.name_en = q.getColumn(2).getString();
  s.url = q.getColumn(3).getString();
  s.state = q.getColumn(4).getString();
  s.reason = q.getColumn(5).getString();
  s.pages = q.getColumn(6).getInt();
  s.documents = q.getColumn(7).getInt();
  s.errors = q.getColumn(8).getInt();
  s.skipped = q.getColumn(9).getInt();
  s.started_at = q.getColumn(10).getString();
  s.finished_at = q.getColumn(11).getString();
  s.parsed = q.getColumn(12).getInt();
  s.reused = q.getColumn(13).getInt();
  return s;
}

EvidenceRef EvidenceFromRow(SQLite::Statement& q) {
  EvidenceRef e;
  e.component_id = q.getColumn(0).getString();
  e.url = q.getColumn(1).getString();
  e.found_on = q.getColumn(2).getString();
  e.text = q.getColumn(3).getString();
  e.field = q.getColumn(4).getString();
  e.date = q.getColumn(5).getString();
  e.fiscal_year = q.getColumn(6).getInt();
  e.date_source = q.getColumn(7).getString();
  e.state = q.getColumn(8).getString();
  return e;
}

ItemVerdict VerdictFromRow(SQLite::Statement& q) {
  ItemVerdict v;
  v.item_id = q.getColumn(0).getString();
  v.title = q.getColumn(1).getString();
  v.status = ReadStatus(q.getColumn(2).getString());
  v.reason = q.getColumn(3).getString();
  v.missing_components =
      FromJsonList(q.getColumn(4).getString(), "missing_components_json");
  v.missing_months =
      FromJsonList(q.getColumn(5).getString(), "missing_months_json");
  return v;
}

extern const char kHitColumns[] =
    "item_id, component_id, url, found_on, field, matched, pattern_line, "
    "excluded";

Hit HitFromRow(SQLite::Statement& q) { return HitFrom(StatementRow(q)); }

extern const char kDateColumns[] =
    "field, source, fiscal_year, year_be, month, day, fiscal_marker, text, "
    "url";

extern const char kDateColumnsOfD[] =
    "d.field, d.source, d.fiscal_year, d.year_be, d.month, d.day, "
    "d.fiscal_marker, d.text, d.url";

extern const char kBodyDateWhereD[] = "d.field NOT IN ('link_text', 'url')";

DateFact DateFromRow(SQLite::Statement& q) { return DateFrom(StatementRow(q)); }

}  // namespace oitwatch
