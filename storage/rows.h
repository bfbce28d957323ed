// Internal to storage/: how our structs map to and from SQLite rows. The
// column lists (k*Columns) and the *FromRow readers go together: a reader
// takes the columns in its list's order, starting at column 0 of `q`. A
// reader throws BadRow for a value we wrote but cannot read back (unknown
// enum name, bad JSON); the storage call that ran it turns that into false +
// a message. Plain functions; thread-safe.
#ifndef OITWATCH_STORAGE_ROWS_H_
#define OITWATCH_STORAGE_ROWS_H_

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "rules/evidence.h"
#include "storage/store.h"

namespace SQLite {
class Statement;
}  // namespace SQLite

namespace oitwatch {

// A row we wrote but cannot read back (bad enum name, bad JSON).
struct BadRow : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Now as stored in timestamp columns: ISO 8601 UTC, e.g. 2026-01-31T23:59:00Z.
std::string NowUtc();

// A list of strings as a JSON array (invalid UTF-8 replaced), and back.
// FromJsonList throws BadRow naming `column` if `text` is not such a list.
std::string ToJson(const std::vector<std::string>& list);
std::vector<std::string> FromJsonList(const std::string& text,
                                      const char* column);

extern const char kRunColumns[];
RunInfo RunFromRow(SQLite::Statement& q);

// A row as the readers below take it: an SQLiteCpp statement's current row
// (StatementRow) or a RawQuery's (raw_query.h), read with Text(i), Int(i),
// Int64(i).
class StatementRow {
 public:
  explicit StatementRow(SQLite::Statement& q) : q_(q) {}
  std::string Text(int column) const;
  int Int(int column) const;
  int64_t Int64(int column) const;

 private:
  SQLite::Statement& q_;
};

// A Field name we wrote, read back; throws BadRow if it is unknown.
Field ReadField(const std::string& name);

extern const char kPageColumns[];
// The page from kPageColumns starting at column `first`.
template <typename Row>
PageRecord PageFrom(const Row& row, int first) {
  PageRecord p;
  p.site_id = row.Text(first + 0);
  p.url = row.Text(first + 1);
  p.kind = row.Text(first + 2);
  p.outcome = row.Text(first + 3);
  p.http_status = row.Int(first + 4);
  p.content_type = row.Text(first + 5);
  p.content_hash = row.Text(first + 6);
  p.bytes = row.Int64(first + 7);
  p.fetched_at = row.Text(first + 8);
  p.last_modified = row.Text(first + 9);
  p.etag = row.Text(first + 10);
  p.title = row.Text(first + 11);
  p.error = row.Text(first + 12);
  p.found_on = row.Text(first + 13);
  p.depth = row.Int(first + 14);
  p.charset = row.Text(first + 15);
  p.captured_at = row.Text(first + 16);
  p.placeholder = row.Int(first + 17) != 0;
  p.needs_review = row.Int(first + 18) != 0;
  p.parse_error = row.Text(first + 19);
  p.text_sig = row.Text(first + 20);
  return p;
}
PageRecord PageFromRow(SQLite::Statement& q);
PageRecord PageFromColumns(SQLite::Statement& q, int first);

// r.site_id, name, name_en, url (joined from sites), state, reason, pages,
// documents, errors, skipped, started_at, finished_at, parsed, reused.
SiteRunInfo SiteRunFromRow(SQLite::Statement& q);

// component_id, url, found_on, text, field, date, fiscal_year, date_source,
// state.
EvidenceRef EvidenceFromRow(SQLite::Statement& q);

// item_id, title, status, reason, missing_components_json,
// missing_months_json. The verdict without its evidence.
ItemVerdict VerdictFromRow(SQLite::Statement& q);

extern const char kHitColumns[];
template <typename Row>
Hit HitFrom(const Row& row) {
  Hit h;
  h.item_id = row.Text(0);
  h.component_id = row.Text(1);
  h.url = row.Text(2);
  h.found_on = row.Text(3);
  h.field = ReadField(row.Text(4));
  h.matched = row.Text(5);
  h.pattern_line = row.Int(6);
  h.excluded = row.Int(7) != 0;
  return h;
}
Hit HitFromRow(SQLite::Statement& q);

extern const char kDateColumns[];
// kDateColumns of url_dates named `d` (in a join).
extern const char kDateColumnsOfD[];
template <typename Row>
DateFact DateFrom(const Row& row) {
  DateFact d;
  d.field = ReadField(row.Text(0));
  d.source = row.Text(1);
  d.fiscal_year = row.Int(2);
  d.year_be = row.Int(3);
  d.month = row.Int(4);
  d.day = row.Int(5);
  d.fiscal_marker = row.Int(6) != 0;
  d.text = row.Text(7);
  d.url = row.Text(8);
  return d;
}
DateFact DateFromRow(SQLite::Statement& q);
// SQL: url_dates row `d` is a body date (IsBodyDate; its url is checked
// apart).
extern const char kBodyDateWhereD[];

}  // namespace oitwatch

#endif  // OITWATCH_STORAGE_ROWS_H_
