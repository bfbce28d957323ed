#include "storage/schema.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

#include "storage/dates_blob.h"
#include "storage/links_blob.h"
#include "storage/rows.h"
#include "storage/store.h"

namespace oitwatch {
namespace {

// Version 1: runs, sites, the pages of each run with their links, hits and
// dates, and the verdict per site and item with its evidence. History is kept:
// every row carries its run. Rows saved with a page hang off pages.id and go
// with it when the same URL is saved again in the same run.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  ruleset_id TEXT NOT NULL DEFAULT '',
  ruleset_version TEXT NOT NULL DEFAULT '',
  ruleset_path TEXT NOT NULL DEFAULT '',
  fiscal_year INTEGER NOT NULL DEFAULT 0,
  as_of TEXT NOT NULL DEFAULT '',
  options_json TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX runs_by_status ON runs(status, id);

CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  name_en TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  contacts_json TEXT NOT NULL DEFAULT '[]',
  updated_at TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE run_sites (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  site_id TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  pages INTEGER NOT NULL DEFAULT 0,
  documents INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL DEFAULT '',
  finished_at TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, site_id)
) STRICT;

CREATE TABLE pages (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  site_id TEXT NOT NULL,
  url TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  http_status INTEGER NOT NULL DEFAULT 0,
  content_type TEXT NOT NULL DEFAULT '',
  content_hash TEXT NOT NULL DEFAULT '',
  bytes INTEGER NOT NULL DEFAULT 0,
  fetched_at TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  found_on TEXT NOT NULL DEFAULT '',
  depth INTEGER NOT NULL DEFAULT 0,
  charset TEXT NOT NULL DEFAULT '',
  UNIQUE (run_id, site_id, url)
) STRICT;
CREATE INDEX pages_by_site_url ON pages(site_id, url, run_id);

CREATE TABLE links (
  page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
  to_url TEXT NOT NULL,
  text TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX links_by_page ON links(page_id);

CREATE TABLE hits (
  id INTEGER PRIMARY KEY,
  page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
  run_id INTEGER NOT NULL,
  site_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  component_id TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  found_on TEXT NOT NULL DEFAULT '',
  field TEXT NOT NULL,
  matched TEXT NOT NULL DEFAULT '',
  pattern_line INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX hits_by_item ON hits(run_id, site_id, item_id);
CREATE INDEX hits_by_page ON hits(page_id);

CREATE TABLE url_dates (
  id INTEGER PRIMARY KEY,
  page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
  run_id INTEGER NOT NULL,
  site_id TEXT NOT NULL,
  url TEXT NOT NULL,
  field TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  fiscal_year INTEGER NOT NULL DEFAULT 0,
  year_be INTEGER NOT NULL DEFAULT 0,
  month INTEGER NOT NULL DEFAULT 0,
  day INTEGER NOT NULL DEFAULT 0,
  fiscal_marker INTEGER NOT NULL DEFAULT 0,
  text TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX url_dates_by_url ON url_dates(run_id, site_id, url);
CREATE INDEX url_dates_by_page ON url_dates(page_id);

CREATE TABLE item_states (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  site_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  missing_components_json TEXT NOT NULL DEFAULT '[]',
  missing_months_json TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (run_id, site_id, item_id)
) STRICT;

CREATE TABLE item_evidence (
  run_id INTEGER NOT NULL,
  site_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  rank INTEGER NOT NULL,
  component_id TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  found_on TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '',
  field TEXT NOT NULL DEFAULT '',
  date TEXT NOT NULL DEFAULT '',
  fiscal_year INTEGER NOT NULL DEFAULT 0,
  date_source TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, site_id, item_id, rank),
  FOREIGN KEY (run_id, site_id, item_id)
    REFERENCES item_states(run_id, site_id, item_id) ON DELETE CASCADE
) STRICT;
)sql";


// Version 2: alerts. The outbox holds each message to send (one row per
// channel and recipient; a digest row collects events until send_after) and
// is written in its own transaction right after the site's verdicts, before
// anything is sent; a sender marks a row sent only after the SMTP/webhook call
// succeeded (at-least-once). alert_state remembers the open problem per site
// and item ('' = the site itself) and when it was last notified, so a standing
// problem is not re-sent every night.
constexpr char kSchemaV2[] = R"sql(
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  run_id INTEGER NOT NULL DEFAULT 0,
  site_id TEXT NOT NULL DEFAULT '',
  fingerprint TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  sent_at TEXT NOT NULL DEFAULT '',
  digest_key TEXT NOT NULL DEFAULT '',
  send_after INTEGER NOT NULL DEFAULT 0,
  events_json TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX outbox_by_status ON outbox(status, send_after);
CREATE INDEX outbox_by_digest ON outbox(site_id, channel, recipient, digest_key);

CREATE TABLE alert_state (
  site_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  event TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  first_run INTEGER NOT NULL DEFAULT 0,
  notified_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site_id, item_id)
) STRICT;
)sql";

// Version 3: incremental re-crawls. A page re-used from an earlier run (304,
// or the same content hash) keeps the time its content was first captured;
// the facts the judge reads from a parsed body (placeholder, no text layer,
// parse error) are kept so a re-used page needs no re-parse. Per site, how
// many responses were parsed and how many re-used.
constexpr char kSchemaV3[] = R"sql(
ALTER TABLE pages ADD COLUMN captured_at TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN placeholder INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN parse_error TEXT NOT NULL DEFAULT '';
ALTER TABLE run_sites ADD COLUMN parsed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE run_sites ADD COLUMN reused INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 4: an unchanged page re-used by a later run keeps its links by
// reference instead of a copy: pages.links_from is the id of the page row
// that holds its links rows (NULL = the row's own links rows). A holder
// always holds its own links (references are one step deep). Deleting a
// holder first hands its links rows to the oldest row that refers to it, so
// a reference never dangles (the foreign key refuses any delete that would).
constexpr char kSchemaV4[] = R"sql(
ALTER TABLE pages ADD COLUMN links_from INTEGER REFERENCES pages(id);
CREATE INDEX pages_by_links_from ON pages(links_from)
  WHERE links_from IS NOT NULL;
CREATE TRIGGER pages_hand_over_links BEFORE DELETE ON pages
WHEN EXISTS (SELECT 1 FROM pages WHERE links_from = OLD.id)
BEGIN
  UPDATE links SET page_id =
      (SELECT min(id) FROM pages WHERE links_from = OLD.id)
    WHERE page_id = OLD.id;
  UPDATE pages SET links_from =
      (SELECT min(id) FROM pages WHERE links_from = OLD.id)
    WHERE links_from = OLD.id AND
          id != (SELECT min(id) FROM pages WHERE links_from = OLD.id);
  UPDATE pages SET links_from = NULL
    WHERE id = (SELECT min(id) FROM pages WHERE links_from = OLD.id);
END;
)sql";

// Version 5: the same for the dates an unchanged page's body yields (its
// title, headings, text or document text: ~340 k rows a night on 50 sites).
// pages.dates_from is the id of the page row that holds them (NULL = the
// row's own url_dates rows); the carried rows are the holder's rows about
// its own URL whose field is neither 'link_text' nor 'url' (those come from
// links and URLs, and are re-derived, so each row keeps its own). A holder
// always holds its own (one step deep). Deleting a holder first hands those
// rows to the oldest row that refers to it (with that row's run), as v4
// does for links.
constexpr char kSchemaV5[] = R"sql(
ALTER TABLE pages ADD COLUMN dates_from INTEGER REFERENCES pages(id);
CREATE INDEX pages_by_dates_from ON pages(dates_from)
  WHERE dates_from IS NOT NULL;
CREATE TRIGGER pages_hand_over_dates BEFORE DELETE ON pages
WHEN EXISTS (SELECT 1 FROM pages WHERE dates_from = OLD.id)
BEGIN
  UPDATE url_dates SET
      page_id = (SELECT min(id) FROM pages WHERE dates_from = OLD.id),
      run_id = (SELECT run_id FROM pages WHERE id =
                  (SELECT min(id) FROM pages WHERE dates_from = OLD.id))
    WHERE page_id = OLD.id AND url = OLD.url AND
          field NOT IN ('link_text', 'url');
  UPDATE pages SET dates_from =
      (SELECT min(id) FROM pages WHERE dates_from = OLD.id)
    WHERE dates_from = OLD.id AND
          id != (SELECT min(id) FROM pages WHERE dates_from = OLD.id);
  UPDATE pages SET dates_from = NULL
    WHERE id = (SELECT min(id) FROM pages WHERE dates_from = OLD.id);
END;
)sql";

// Version 6: a page's links are one page_links row (links_blob.h: the links
// in order, length-prefixed) instead of one links row each: ~80 links a
// page, ~870 k b-tree inserts (table and index) a night on 50 sites become
// ~10 k appends. A table of its own rather than a pages column, so pages
// rows stay small for the reads and scans that never want links. A page
// without links has no row. pages.links_from (v4) now names the row whose
// page_links row is this page's; the hand-over trigger moves that row
// instead (OR REPLACE: a referrer's own row, which SavePage never writes,
// would be unreadable anyway). CopyLinksToPageLinks then moves the links
// rows over, in rowid order, and drops them.
constexpr char kSchemaV6[] = R"sql(
CREATE TABLE page_links (
  page_id INTEGER PRIMARY KEY REFERENCES pages(id) ON DELETE CASCADE,
  data BLOB NOT NULL
) STRICT;
DROP TRIGGER pages_hand_over_links;
CREATE TRIGGER pages_hand_over_links BEFORE DELETE ON pages
WHEN EXISTS (SELECT 1 FROM pages WHERE links_from = OLD.id)
BEGIN
  UPDATE OR REPLACE page_links SET page_id =
      (SELECT min(id) FROM pages WHERE links_from = OLD.id)
    WHERE page_id = OLD.id;
  UPDATE pages SET links_from =
      (SELECT min(id) FROM pages WHERE links_from = OLD.id)
    WHERE links_from = OLD.id AND
          id != (SELECT min(id) FROM pages WHERE links_from = OLD.id);
  UPDATE pages SET links_from = NULL
    WHERE id = (SELECT min(id) FROM pages WHERE links_from = OLD.id);
END;
)sql";

// Version 7: a hit can be an exclusion (Hit::excluded): a link text, title
// or document text that names the URL as something a component excludes
// (the 6-month report, not the plan). The judge drops the URL from that
// component; a re-used page replays it with its other hits. Older rows are
// hits (0).
constexpr char kSchemaV7[] = R"sql(
ALTER TABLE hits ADD COLUMN excluded INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 8: a start page's signature (PageRecord::text_sig): on a night
// it answers 304 an evidence URL that shows the home page with another
// visitor count or token is still known for it. Older rows have none ('').
constexpr char kSchemaV8[] = R"sql(
ALTER TABLE pages ADD COLUMN text_sig TEXT NOT NULL DEFAULT '';
)sql";

// Version 9: a page's body dates (IsBodyDate: its title, headings, text or
// document text about its own URL; ~30 a page) are one page_dates row
// (dates_blob.h) instead of one url_dates row each: ~340 k rows and twice
// as many index entries a night on 50 sites become ~10 k appends. Dates
// from link texts and URLs, which are about other URLs, stay url_dates
// rows. pages.dates_from (v5) now names the row whose page_dates row is
// this page's; the hand-over trigger moves that row instead, as v6 does
// for links. CopyBodyDatesToPageDates then moves the body rows over, in
// rowid order, and deletes them.
constexpr char kSchemaV9[] = R"sql(
CREATE TABLE page_dates (
  page_id INTEGER PRIMARY KEY REFERENCES pages(id) ON DELETE CASCADE,
  data BLOB NOT NULL
) STRICT;
DROP TRIGGER pages_hand_over_dates;
CREATE TRIGGER pages_hand_over_dates BEFORE DELETE ON pages
WHEN EXISTS (SELECT 1 FROM pages WHERE dates_from = OLD.id)
BEGIN
  UPDATE OR REPLACE page_dates SET page_id =
      (SELECT min(id) FROM pages WHERE dates_from = OLD.id)
    WHERE page_id = OLD.id;
  UPDATE pages SET dates_from =
      (SELECT min(id) FROM pages WHERE dates_from = OLD.id)
    WHERE dates_from = OLD.id AND
          id != (SELECT min(id) FROM pages WHERE dates_from = OLD.id);
  UPDATE pages SET dates_from = NULL
    WHERE id = (SELECT min(id) FROM pages WHERE dates_from = OLD.id);
END;
)sql";

// Writes the rows of `rows` (ordered by page, the page id in column
// `id_column`), read one by one with `read`, as one `encode`d blob per page
// through `insert` (page_id, data): a migration from rows to blobs.
template <typename Row, typename Read, typename Encode>
void RowsToBlobs(SQLite::Statement& rows, int id_column,
                 SQLite::Statement& insert, Read read, Encode encode) {
  int64_t page_id = 0;
  std::vector<Row> page;
  const auto flush = [&] {
    const std::string blob = encode(page);
    insert.bind(1, page_id);
    insert.bind(2, blob.data(), static_cast<int>(blob.size()));
    insert.exec();
    insert.reset();
    page.clear();
  };
  while (rows.executeStep()) {
    const int64_t id = rows.getColumn(id_column).getInt64();
    if (id != page_id && !page.empty()) flush();
    page_id = id;
    page.push_back(read(rows));
  }
  if (!page.empty()) flush();
}

// The links rows of each page (that still exists: a row whose page is gone
// was never read) as its page_links row, then the links table goes.
void CopyLinksToPageLinks(SQLite::Database& db) {
  SQLite::Statement rows(db,
                         "SELECT l.page_id, l.to_url, l.text FROM links l "
                         "JOIN pages p ON p.id = l.page_id "
                         "ORDER BY l.page_id, l.rowid");
  SQLite::Statement insert(db, "INSERT INTO page_links VALUES (?, ?)");
  RowsToBlobs<LinkRecord>(
      rows, 0, insert,
      [](SQLite::Statement& q) {
        return LinkRecord{q.getColumn(1).getString(),
                          q.getColumn(2).getString()};
      },
      EncodeLinks);
  db.exec("DROP TABLE links");
}

// The body date rows of each page (about its own URL, of a field other
// than link_text and url) as its page_dates row, then those rows go.
void CopyBodyDatesToPageDates(SQLite::Database& db) {
  constexpr char kBody[] =
      "d.url = p.url AND d.field NOT IN ('link_text', 'url')";
  SQLite::Statement rows(
      db, std::string("SELECT ") + kDateColumnsOfD +
              ", d.page_id FROM url_dates d JOIN pages p ON p.id = "
              "d.page_id WHERE " +
              kBody + " ORDER BY d.page_id, d.id");
  SQLite::Statement insert(db, "INSERT INTO page_dates VALUES (?, ?)");
  RowsToBlobs<DateFact>(rows, 9, insert, DateFromRow, EncodeDates);
  db.exec(std::string("DELETE FROM url_dates WHERE rowid IN (SELECT d.rowid "
                      "FROM url_dates d JOIN pages p ON p.id = d.page_id "
                      "WHERE ") +
          kBody + ")");
}

}  // namespace

void ApplyMigration(const Migration& migration, SQLite::Database& db) {
  db.exec(migration.sql);
  if (migration.then != nullptr) migration.then(db);
}

const std::vector<Migration>& StoreMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, kSchemaV1},
      {2, kSchemaV2},
      {3, kSchemaV3},
      {4, kSchemaV4},
      {5, kSchemaV5},
      {6, kSchemaV6, CopyLinksToPageLinks},
      {7, kSchemaV7},
      {8, kSchemaV8},
      {9, kSchemaV9, CopyBodyDatesToPageDates},
  };
  return kMigrations;
}

int StoreSchemaVersion() { return StoreMigrations().back().version; }

}  // namespace oitwatch
