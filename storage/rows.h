// Internal to storage/: how our structs map to and from SQLite rows. The
// column lists (k*Columns) and the *FromRow readers go together: a reader
// takes the columns in its list's order, starting at column 0 of `q`. A
// reader throws BadRow for a value we wrote but cannot read back (unknown
// enum name, bad JSON); the storage call that ran it turns that into false +
// a message. Plain functions; thread-safe.
#ifndef OITWATCH_STORAGE_ROWS_H_
#define OITWATCH_STORAGE_ROWS_H_

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

extern const char kPageColumns[];
PageRecord PageFromRow(SQLite::Statement& q);
// The same from kPageColumns starting at column `first`.
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
Hit HitFromRow(SQLite::Statement& q);

extern const char kDateColumns[];
DateFact DateFromRow(SQLite::Statement& q);

}  // namespace oitwatch

#endif  // OITWATCH_STORAGE_ROWS_H_
