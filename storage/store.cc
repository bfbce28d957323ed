// Opening and writing the evidence store; reading is store_read.cc, row
// mapping rows.cc. Every exception is caught (guard.h) and becomes false + a
// message that starts with the database path.
#include "storage/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <SQLiteCpp/VariadicBind.h>

#include <sqlite3.h>

#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "storage/rows.h"
#include "storage/schema.h"
#include "storage/store_impl.h"

namespace oitwatch {
namespace {

int64_t PragmaInt(SQLite::Database& db, const char* pragma) {
  return db.execAndGet(std::string("PRAGMA ") + pragma).getInt64();
}

// Non-empty list of findings, or "" when quick/integrity check says "ok".
std::string CheckFindings(SQLite::Database& db, const char* pragma) {
  SQLite::Statement q(db, std::string("PRAGMA ") + pragma + "(20)");
  std::string findings;
  while (q.executeStep()) {
    std::string line = q.getColumn(0).getString();
    if (line == "ok") continue;
    findings += (findings.empty() ? "" : "; ") + line;
  }
  return findings;
}

}  // namespace

Store::Impl::Impl(const std::string& file, const StoreOptions& options)
    : path(file),
      // NOMUTEX: a Store is thread-compatible (one thread at a time), so
      // SQLite need not lock the connection on every bind, step and column
      // read (~9 % of the engine thread's samples on a re-crawl).
      connection(std::make_unique<SQLite::Database>(
          file,
          SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
          options.busy_timeout_ms)),
      db(*connection) {}

Store::Impl::~Impl() = default;

SQLite::Statement& Store::Impl::Cached(const std::string& sql) {
  std::unique_ptr<SQLite::Statement>& statement = statements[sql];
  if (!statement) {
    statement = std::make_unique<SQLite::Statement>(db, sql);
  } else {
    statement->reset();
  }
  return *statement;
}

Store::Impl::Lease::~Lease() { statement_.tryReset(); }

// Refuses a file that another program owns or a newer oitwatch wrote. An
// empty file (no schema objects, ids 0) is a fresh oitwatch database.
bool Store::Impl::CheckIdentity(std::string* err) {
  int64_t app_id = PragmaInt(db, "application_id");
  int64_t user_version = PragmaInt(db, "user_version");
  int64_t objects =
      db.execAndGet("SELECT count(*) FROM sqlite_master").getInt64();
  bool fresh = app_id == 0 && user_version == 0 && objects == 0;
  if (app_id != kStoreApplicationId && !fresh) {
    char id[16];
    std::snprintf(id, sizeof(id), "0x%08llX",
                  static_cast<unsigned long long>(app_id & 0xffffffff));
    *err = path + ": not an oitwatch database (application_id " + id +
           ", expected 0x4F495457); refusing to touch it";
    return false;
  }
  if (user_version > StoreSchemaVersion()) {
    *err = path + ": written by a newer oitwatch (schema version " +
           std::to_string(user_version) + ", this build knows up to " +
           std::to_string(StoreSchemaVersion()) + "); upgrade oitwatch";
    return false;
  }
  std::string findings = CheckFindings(db, "quick_check");
  if (!findings.empty()) {
    *err = path + ": database is corrupt (quick_check: " + findings +
           "); restore it from a backup";
    return false;
  }
  return true;
}

void Store::Impl::Configure(const StoreOptions& options) {
  std::string mode = db.execAndGet("PRAGMA journal_mode=WAL").getString();
  if (mode != "wal") {
    throw std::runtime_error("cannot switch to WAL (journal_mode is " + mode +
                             "; WAL needs a local file system)");
  }
  db.exec("PRAGMA synchronous=FULL");
  db.exec("PRAGMA foreign_keys=ON");
  if (options.max_page_count > 0) {
    db.exec("PRAGMA max_page_count=" + std::to_string(options.max_page_count));
  }
}

// Each pending migration and its user_version bump commit together. The
// version is re-read under the write lock, so two processes opening a fresh
// file at once do not both migrate it.
void Store::Impl::Migrate() {
  for (const Migration& migration : StoreMigrations()) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    if (PragmaInt(db, "user_version") >= migration.version) continue;
    db.exec(migration.sql);
    db.exec("PRAGMA application_id=" + std::to_string(kStoreApplicationId));
    db.exec("PRAGMA user_version=" + std::to_string(migration.version));
    tx.commit();
  }
  version = static_cast<int>(PragmaInt(db, "user_version"));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

std::unique_ptr<Store> Store::Open(const std::string& path, std::string* err) {
  return Open(path, StoreOptions{}, err);
}

// SQLite keeps global memory statistics behind one mutex that every
// connection takes on each allocation; the crawl's reader and writer
// connections then contend for it. We never read the statistics. The call
// only works before SQLite initialises (later it is a harmless no-op).
static void DisableSqliteMemoryStatistics() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

std::unique_ptr<Store> Store::Open(const std::string& path,
                                   const StoreOptions& options,
                                   std::string* err) {
  DisableSqliteMemoryStatistics();
  try {
    auto impl = std::make_unique<Impl>(path, options);
    if (!impl->CheckIdentity(err)) return nullptr;
    impl->Configure(options);
    impl->Migrate();
    return std::unique_ptr<Store>(new Store(std::move(impl)));
  } catch (const std::exception& e) {
    *err = DescribeFailure(path, "open", e);
  }
  return nullptr;
}

int Store::schema_version() const { return impl_->version; }

bool Store::ReadSettings(StoreSettings* settings, std::string* err) {
  return impl_->Read("read settings", err, [&] {
    SQLite::Database& db = impl_->db;
    settings->journal_mode = db.execAndGet("PRAGMA journal_mode").getString();
    settings->synchronous = static_cast<int>(PragmaInt(db, "synchronous"));
    settings->foreign_keys = PragmaInt(db, "foreign_keys") != 0;
    settings->busy_timeout_ms = static_cast<int>(PragmaInt(db, "busy_timeout"));
    settings->application_id = PragmaInt(db, "application_id");
    settings->user_version = static_cast<int>(PragmaInt(db, "user_version"));
    return true;
  });
}

bool Store::CheckIntegrity(std::string* err) {
  return impl_->Read("integrity check", err, [&] {
    std::string findings = CheckFindings(impl_->db, "integrity_check");
    if (findings.empty()) return true;
    *err = impl_->path + ": database is corrupt (integrity_check: " + findings +
           ")";
    return false;
  });
}

bool Store::BeginSnapshot(std::string* err) {
  return impl_->Read("begin snapshot", err, [&] {
    impl_->db.exec("BEGIN DEFERRED");
    // A deferred BEGIN takes its snapshot at the first read.
    impl_->db.execAndGet("SELECT count(*) FROM runs");
    return true;
  });
}

void Store::EndSnapshot() {
  try {
    impl_->db.exec("COMMIT");
  } catch (const SQLite::Exception&) {
    // No transaction was open: nothing to end.
  }
}

bool Store::BeginRun(const RunInfo& info, int64_t* run_id, std::string* err) {
  return impl_->Write("begin run", err, [&] {
    impl_->db.exec(
        "UPDATE runs SET status = 'interrupted' WHERE status = 'running'");
    SQLite::Statement q(
        impl_->db,
        "INSERT INTO runs (started_at, status, ruleset_id, "
        "ruleset_version, ruleset_path, fiscal_year, as_of, "
        "options_json) VALUES (?, 'running', ?, ?, ?, ?, ?, ?)");
    SQLite::bind(q, info.started_at.empty() ? NowUtc() : info.started_at,
                 info.ruleset_id, info.ruleset_version, info.ruleset_path,
                 info.fiscal_year, info.as_of,
                 info.options_json.empty() ? "{}" : info.options_json);
    q.exec();
    *run_id = impl_->db.getLastInsertRowid();
  });
}

bool Store::UpsertSite(const SiteRow& site, std::string* err) {
  if (site.id.empty()) {
    *err = impl_->path + ": upsert site: empty site id";
    return false;
  }
  return impl_->Write("upsert site " + site.id, err, [&] {
    SQLite::Statement q(
        impl_->db,
        "INSERT INTO sites (id, name, name_en, url, contacts_json, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "name = excluded.name, name_en = excluded.name_en, url = excluded.url, "
        "contacts_json = excluded.contacts_json, "
        "updated_at = excluded.updated_at");
    SQLite::bind(q, site.id, site.name, site.name_en, site.url,
                 ToJson(site.contacts), NowUtc());
    q.exec();
  });
}

// The row that holds the links rows page.links_from refers to (references
// are one step deep); throws if there is no such row (e.g. it was the row
// this save replaces).
int64_t Store::Impl::LinksHolder(const PageRecord& page) {
  Lease lease(*this, "SELECT coalesce(links_from, id) FROM pages WHERE id = ?");
  SQLite::Statement& q = *lease;
  q.bind(1, page.links_from);
  if (!q.executeStep()) {
    throw std::runtime_error("links of page row " +
                             std::to_string(page.links_from) +
                             " to carry over: no such row");
  }
  return q.getColumn(0).getInt64();
}

void Store::Impl::InsertPageRows(int64_t run_id, const PageRecord& page,
                                 int64_t page_id,
                                 const std::vector<LinkRecord>& links,
                                 const std::vector<Hit>& hits,
                                 const std::vector<DateFact>& dates) {
  Lease link_lease(*this, "INSERT INTO links VALUES (?, ?, ?)");
  SQLite::Statement& link = *link_lease;
  for (const LinkRecord& l : links) {
    SQLite::bind(link, page_id, l.to_url, l.text);
    link.exec();
    link.reset();
  }
  Lease hit_lease(
      *this,
      "INSERT INTO hits (page_id, run_id, site_id, item_id, component_id, "
      "url, found_on, field, matched, pattern_line) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::Statement& hit = *hit_lease;
  for (const Hit& h : hits) {
    SQLite::bind(hit, page_id, run_id, page.site_id, h.item_id, h.component_id,
                 h.url, h.found_on, std::string(FieldName(h.field)), h.matched,
                 h.pattern_line);
    hit.exec();
    hit.reset();
  }
  Lease date_lease(
      *this,
      "INSERT INTO url_dates (page_id, run_id, site_id, url, field, source, "
      "fiscal_year, year_be, month, day, fiscal_marker, text) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::Statement& date = *date_lease;
  for (const DateFact& d : dates) {
    SQLite::bind(date, page_id, run_id, page.site_id,
                 d.url.empty() ? page.url : d.url,
                 std::string(FieldName(d.field)), d.source, d.fiscal_year,
                 d.year_be, d.month, d.day, d.fiscal_marker ? 1 : 0, d.text);
    date.exec();
    date.reset();
  }
}

bool Store::SavePage(int64_t run_id, const PageRecord& page,
                     const std::vector<LinkRecord>& links,
                     const std::vector<Hit>& hits,
                     const std::vector<DateFact>& dates, std::string* err) {
  if (page.site_id.empty() || page.url.empty()) {
    *err = impl_->path + ": save page: empty site id or URL";
    return false;
  }
  if (page.links_from != 0 && !links.empty()) {
    *err = impl_->path + ": save page " + page.url +
           ": links given both by reference and as rows";
    return false;
  }
  return impl_->Write("save page " + page.url, err, [&] {
    Impl::Lease gone_lease(*impl_,
                           "DELETE FROM pages WHERE run_id = ? AND "
                           "site_id = ? AND url = ?");
    SQLite::Statement& gone = *gone_lease;
    SQLite::bind(gone, run_id, page.site_id, page.url);
    gone.exec();
    int64_t links_from = page.links_from ? impl_->LinksHolder(page) : 0;
    Impl::Lease insert_lease(
        *impl_, std::string("INSERT INTO pages (run_id, links_from, ") +
                    kPageColumns +
                    ") VALUES (?, nullif(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SQLite::Statement& q = *insert_lease;
    SQLite::bind(q, run_id, links_from, page.site_id, page.url, page.kind,
                 page.outcome,
                 page.http_status, page.content_type, page.content_hash,
                 page.bytes, page.fetched_at, page.last_modified, page.etag,
                 page.title, page.error, page.found_on, page.depth,
                 page.charset,
                 page.captured_at.empty() ? page.fetched_at : page.captured_at,
                 page.placeholder ? 1 : 0, page.needs_review ? 1 : 0,
                 page.parse_error);
    q.exec();
    impl_->InsertPageRows(run_id, page, impl_->db.getLastInsertRowid(), links,
                          hits, dates);
  });
}

void Store::Impl::InsertVerdict(int64_t run_id, const std::string& site_id,
                                int position, const ItemVerdict& verdict) {
  SQLite::Statement state(db,
                          "INSERT INTO item_states VALUES "
                          "(?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::bind(state, run_id, site_id, verdict.item_id, position, verdict.title,
               std::string(ItemStatusName(verdict.status)), verdict.reason,
               ToJson(verdict.missing_components),
               ToJson(verdict.missing_months));
  state.exec();
  SQLite::Statement ev(db,
                       "INSERT INTO item_evidence VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  int rank = 0;
  for (const EvidenceRef& e : verdict.evidence) {
    SQLite::bind(ev, run_id, site_id, verdict.item_id, rank++, e.component_id,
                 e.url, e.found_on, e.text, e.field, e.date, e.fiscal_year,
                 e.date_source, e.state);
    ev.exec();
    ev.reset();
  }
}

bool Store::SaveSiteResult(int64_t run_id, const SiteRunInfo& site,
                           const std::vector<ItemVerdict>& verdicts,
                           std::string* err) {
  if (site.site_id.empty()) {
    *err = impl_->path + ": save site result: empty site id";
    return false;
  }
  return impl_->Write("save result of " + site.site_id, err, [&] {
    SQLite::Statement rs(impl_->db,
                         "INSERT OR REPLACE INTO run_sites (run_id, site_id, "
                         "state, reason, pages, documents, errors, skipped, "
                         "started_at, finished_at, parsed, reused) VALUES "
                         "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SQLite::bind(rs, run_id, site.site_id, site.state, site.reason, site.pages,
                 site.documents, site.errors, site.skipped, site.started_at,
                 site.finished_at, site.parsed, site.reused);
    rs.exec();
    SQLite::Statement gone(impl_->db,
                           "DELETE FROM item_states WHERE run_id = ? AND "
                           "site_id = ?");
    SQLite::bind(gone, run_id, site.site_id);
    gone.exec();
    for (size_t i = 0; i < verdicts.size(); ++i) {
      impl_->InsertVerdict(run_id, site.site_id, static_cast<int>(i),
                           verdicts[i]);
    }
  });
}

bool Store::FinishRun(int64_t run_id, const std::string& status,
                      std::string* err) {
  if (status != "finished" && status != "failed" && status != "interrupted") {
    *err = impl_->path + ": finish run " + std::to_string(run_id) +
           ": bad status '" + status + "' (finished, failed or interrupted)";
    return false;
  }
  return impl_->Write("finish run " + std::to_string(run_id), err, [&] {
    SQLite::Statement q(impl_->db,
                        "UPDATE runs SET status = ?, finished_at = ? "
                        "WHERE id = ?");
    SQLite::bind(q, status, NowUtc(), run_id);
    if (q.exec() == 0) throw BadRow("no such run");
  });
}

}  // namespace oitwatch
