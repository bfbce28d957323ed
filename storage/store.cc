// The only file that talks to SQLite. Every SQLite::Exception (and any other
// exception, e.g. from JSON) is caught here and becomes false + a message
// that starts with the database path.
#include "storage/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <SQLiteCpp/Savepoint.h>
#include <SQLiteCpp/VariadicBind.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "storage/schema.h"

namespace oitwatch {
namespace {

using Json = nlohmann::json;

// A row we wrote but cannot read back (bad enum name, bad JSON).
struct BadRow : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string NowUtc() {
  std::time_t now =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

const char* Hint(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return " (another connection holds the write lock; gave up after the "
             "busy timeout, nothing of this write was saved)";
    case SQLITE_FULL:
      return " (disk or database size limit reached; nothing of this write "
             "was saved, earlier data is intact)";
    case SQLITE_CORRUPT:
      return " (the database file is corrupt; restore it from a backup)";
    case SQLITE_NOTADB:
      return " (not an SQLite database)";
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return " (cannot open or write the database file)";
  }
  return "";
}

std::string Describe(const std::string& path, const std::string& what,
                     const SQLite::Exception& e) {
  return path + ": " + what + ": " + e.what() + Hint(e.getErrorCode());
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

Field ReadField(const std::string& name) {
  Field field;
  if (!ParseField(name, &field)) throw BadRow("unknown field '" + name + "'");
  return field;
}

ItemStatus ReadStatus(const std::string& name) {
  ItemStatus status;
  if (!ParseItemStatus(name, &status)) {
    throw BadRow("unknown item status '" + name + "'");
  }
  return status;
}

constexpr char kRunColumns[] =
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

constexpr char kPageColumns[] =
    "site_id, url, kind, outcome, http_status, content_type, content_hash, "
    "bytes, fetched_at, last_modified, etag, title, error, found_on, depth, "
    "charset, captured_at, placeholder, needs_review, parse_error";

PageRecord PageFromRow(SQLite::Statement& q) {
  PageRecord p;
  p.site_id = q.getColumn(0).getString();
  p.url = q.getColumn(1).getString();
  p.kind = q.getColumn(2).getString();
  p.outcome = q.getColumn(3).getString();
  p.http_status = q.getColumn(4).getInt();
  p.content_type = q.getColumn(5).getString();
  p.content_hash = q.getColumn(6).getString();
  p.bytes = q.getColumn(7).getInt64();
  p.fetched_at = q.getColumn(8).getString();
  p.last_modified = q.getColumn(9).getString();
  p.etag = q.getColumn(10).getString();
  p.title = q.getColumn(11).getString();
  p.error = q.getColumn(12).getString();
  p.found_on = q.getColumn(13).getString();
  p.depth = q.getColumn(14).getInt();
  p.charset = q.getColumn(15).getString();
  p.captured_at = q.getColumn(16).getString();
  p.placeholder = q.getColumn(17).getInt() != 0;
  p.needs_review = q.getColumn(18).getInt() != 0;
  p.parse_error = q.getColumn(19).getString();
  return p;
}

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

// The verdict without its evidence.
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

// item_id, component_id, url, found_on, field, matched, pattern_line.
Hit HitFromRow(SQLite::Statement& q) {
  Hit h;
  h.item_id = q.getColumn(0).getString();
  h.component_id = q.getColumn(1).getString();
  h.url = q.getColumn(2).getString();
  h.found_on = q.getColumn(3).getString();
  h.field = ReadField(q.getColumn(4).getString());
  h.matched = q.getColumn(5).getString();
  h.pattern_line = q.getColumn(6).getInt();
  return h;
}

// field, source, fiscal_year, year_be, month, day, fiscal_marker, text, url.
DateFact DateFromRow(SQLite::Statement& q) {
  DateFact d;
  d.field = ReadField(q.getColumn(0).getString());
  d.source = q.getColumn(1).getString();
  d.fiscal_year = q.getColumn(2).getInt();
  d.year_be = q.getColumn(3).getInt();
  d.month = q.getColumn(4).getInt();
  d.day = q.getColumn(5).getInt();
  d.fiscal_marker = q.getColumn(6).getInt() != 0;
  d.text = q.getColumn(7).getString();
  d.url = q.getColumn(8).getString();
  return d;
}

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

struct Store::Impl {
  Impl(const std::string& file, const StoreOptions& options)
      : path(file),
        db(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
           options.busy_timeout_ms) {}

  // Runs `fn` inside BEGIN IMMEDIATE ... COMMIT; rolls back on any failure.
  template <typename Fn>
  bool Write(const std::string& what, std::string* err, Fn&& fn) {
    try {
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      fn();
      tx.commit();
      return true;
    } catch (const SQLite::Exception& e) {
      *err = Describe(path, what, e);
    } catch (const std::exception& e) {
      *err = path + ": " + what + ": " + e.what();
    }
    return false;
  }

  // Runs `fn`, which returns false after setting *err itself.
  template <typename Fn>
  bool Read(const std::string& what, std::string* err, Fn&& fn) {
    try {
      return fn();
    } catch (const SQLite::Exception& e) {
      *err = Describe(path, what, e);
    } catch (const std::exception& e) {
      *err = path + ": " + what + ": " + e.what();
    }
    return false;
  }

  bool CheckIdentity(std::string* err);
  void Configure(const StoreOptions& options);
  void Migrate();
  void InsertPageRows(int64_t run_id, const PageRecord& page, int64_t page_id,
                      const std::vector<LinkRecord>& links,
                      const std::vector<Hit>& hits,
                      const std::vector<DateFact>& dates);
  void InsertVerdict(int64_t run_id, const std::string& site_id, int position,
                     const ItemVerdict& verdict);

  std::string path;
  SQLite::Database db;
  int version = 0;
};

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

std::unique_ptr<Store> Store::Open(const std::string& path,
                                   const StoreOptions& options,
                                   std::string* err) {
  try {
    auto impl = std::make_unique<Impl>(path, options);
    if (!impl->CheckIdentity(err)) return nullptr;
    impl->Configure(options);
    impl->Migrate();
    return std::unique_ptr<Store>(new Store(std::move(impl)));
  } catch (const SQLite::Exception& e) {
    *err = Describe(path, "open", e);
  } catch (const std::exception& e) {
    *err = path + ": open: " + e.what();
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

void Store::Impl::InsertPageRows(int64_t run_id, const PageRecord& page,
                                 int64_t page_id,
                                 const std::vector<LinkRecord>& links,
                                 const std::vector<Hit>& hits,
                                 const std::vector<DateFact>& dates) {
  SQLite::Statement link(db, "INSERT INTO links VALUES (?, ?, ?)");
  for (const LinkRecord& l : links) {
    SQLite::bind(link, page_id, l.to_url, l.text);
    link.exec();
    link.reset();
  }
  SQLite::Statement hit(db,
                        "INSERT INTO hits (page_id, run_id, site_id, item_id, "
                        "component_id, url, found_on, field, matched, "
                        "pattern_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const Hit& h : hits) {
    SQLite::bind(hit, page_id, run_id, page.site_id, h.item_id, h.component_id,
                 h.url, h.found_on, std::string(FieldName(h.field)), h.matched,
                 h.pattern_line);
    hit.exec();
    hit.reset();
  }
  SQLite::Statement date(
      db,
      "INSERT INTO url_dates (page_id, run_id, site_id, url, field, source, "
      "fiscal_year, year_be, month, day, fiscal_marker, text) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
  return impl_->Write("save page " + page.url, err, [&] {
    SQLite::Statement gone(impl_->db,
                           "DELETE FROM pages WHERE run_id = ? AND "
                           "site_id = ? AND url = ?");
    SQLite::bind(gone, run_id, page.site_id, page.url);
    gone.exec();
    SQLite::Statement q(
        impl_->db, std::string("INSERT INTO pages (run_id, ") + kPageColumns +
                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "?, ?, ?, ?, ?, ?, ?, ?)");
    SQLite::bind(q, run_id, page.site_id, page.url, page.kind, page.outcome,
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

bool Store::LatestRun(bool finished_only, int64_t* run_id, std::string* err) {
  return impl_->Read("latest run", err, [&] {
    SQLite::Statement q(impl_->db, finished_only
                                       ? "SELECT id FROM runs WHERE status = "
                                         "'finished' ORDER BY id DESC LIMIT 1"
                                       : "SELECT max(id) FROM runs");
    if (q.executeStep() && !q.getColumn(0).isNull()) {
      *run_id = q.getColumn(0).getInt64();
      return true;
    }
    *err = impl_->path +
           (finished_only ? ": no finished run yet" : ": no run yet");
    return false;
  });
}

bool Store::GetRun(int64_t run_id, RunInfo* info, std::string* err) {
  return impl_->Read("get run", err, [&] {
    SQLite::Statement q(impl_->db, std::string("SELECT ") + kRunColumns +
                                       " FROM runs WHERE id = ?");
    q.bind(1, run_id);
    if (q.executeStep()) {
      *info = RunFromRow(q);
      return true;
    }
    *err = impl_->path + ": no run " + std::to_string(run_id);
    return false;
  });
}

bool Store::ListRuns(std::vector<RunInfo>* runs, std::string* err) {
  return impl_->Read("list runs", err, [&] {
    SQLite::Statement q(impl_->db, std::string("SELECT ") + kRunColumns +
                                       " FROM runs ORDER BY id");
    runs->clear();
    while (q.executeStep()) runs->push_back(RunFromRow(q));
    return true;
  });
}

bool Store::ListSiteRuns(int64_t run_id, std::vector<SiteRunInfo>* sites,
                         std::string* err) {
  return impl_->Read("list sites of run", err, [&] {
    SQLite::Statement q(
        impl_->db,
        "SELECT r.site_id, coalesce(s.name, ''), coalesce(s.name_en, ''), "
        "coalesce(s.url, ''), r.state, r.reason, r.pages, r.documents, "
        "r.errors, r.skipped, r.started_at, r.finished_at, r.parsed, "
        "r.reused FROM run_sites r "
        "LEFT JOIN sites s ON s.id = r.site_id WHERE r.run_id = ? "
        // Sites in the order they were first listed (the site list's order,
        // e.g. the official district order), not alphabetically.
        "ORDER BY s.rowid, r.site_id");
    q.bind(1, run_id);
    sites->clear();
    while (q.executeStep()) sites->push_back(SiteRunFromRow(q));
    return true;
  });
}

bool Store::GetSite(const std::string& site_id, SiteRow* site,
                    std::string* err) {
  return impl_->Read("get site", err, [&] {
    SQLite::Statement q(impl_->db,
                        "SELECT id, name, name_en, url, contacts_json "
                        "FROM sites WHERE id = ?");
    q.bind(1, site_id);
    if (!q.executeStep()) {
      *err = impl_->path + ": no site '" + site_id + "'";
      return false;
    }
    site->id = q.getColumn(0).getString();
    site->name = q.getColumn(1).getString();
    site->name_en = q.getColumn(2).getString();
    site->url = q.getColumn(3).getString();
    site->contacts = FromJsonList(q.getColumn(4).getString(), "contacts_json");
    return true;
  });
}

bool Store::ListVerdicts(int64_t run_id, const std::string& site_id,
                         std::vector<ItemVerdict>* verdicts, std::string* err) {
  return impl_->Read("list verdicts of " + site_id, err, [&] {
    SQLite::Savepoint snapshot(impl_->db, "list_verdicts");
    SQLite::Statement q(impl_->db,
                        "SELECT item_id, title, status, reason, "
                        "missing_components_json, missing_months_json FROM "
                        "item_states WHERE run_id = ? AND site_id = ? "
                        "ORDER BY position");
    SQLite::Statement ev(impl_->db,
                         "SELECT component_id, url, found_on, text, field, "
                         "date, fiscal_year, date_source, state FROM "
                         "item_evidence WHERE run_id = ? AND site_id = ? AND "
                         "item_id = ? ORDER BY rank");
    SQLite::bind(q, run_id, site_id);
    verdicts->clear();
    while (q.executeStep()) {
      ItemVerdict v = VerdictFromRow(q);
      SQLite::bind(ev, run_id, site_id, v.item_id);
      while (ev.executeStep()) v.evidence.push_back(EvidenceFromRow(ev));
      ev.reset();
      verdicts->push_back(std::move(v));
    }
    snapshot.release();
    return true;
  });
}

bool Store::ListPages(int64_t run_id, const std::string& site_id,
                      std::vector<PageRecord>* pages, std::string* err) {
  return impl_->Read("list pages of " + site_id, err, [&] {
    SQLite::Statement q(impl_->db, std::string("SELECT ") + kPageColumns +
                                       " FROM pages WHERE run_id = ? AND "
                                       "site_id = ? ORDER BY id");
    SQLite::bind(q, run_id, site_id);
    pages->clear();
    while (q.executeStep()) pages->push_back(PageFromRow(q));
    return true;
  });
}

bool Store::ListHits(int64_t run_id, const std::string& site_id,
                     const std::string& item_id, std::vector<Hit>* hits,
                     std::string* err) {
  return impl_->Read("list hits of " + site_id, err, [&] {
    SQLite::Statement q(impl_->db,
                        "SELECT item_id, component_id, url, found_on, field, "
                        "matched, pattern_line FROM hits WHERE run_id = ? AND "
                        "site_id = ? AND item_id = ? ORDER BY id");
    SQLite::bind(q, run_id, site_id, item_id);
    hits->clear();
    while (q.executeStep()) hits->push_back(HitFromRow(q));
    return true;
  });
}

bool Store::ListDates(int64_t run_id, const std::string& site_id,
                      const std::string& url, std::vector<DateFact>* dates,
                      std::string* err) {
  return impl_->Read("list dates of " + url, err, [&] {
    SQLite::Statement q(impl_->db,
                        "SELECT field, source, fiscal_year, year_be, month, "
                        "day, fiscal_marker, text, url FROM url_dates WHERE "
                        "run_id = ? AND site_id = ? AND url = ? ORDER BY id");
    SQLite::bind(q, run_id, site_id, url);
    dates->clear();
    while (q.executeStep()) dates->push_back(DateFromRow(q));
    return true;
  });
}

bool Store::LastGoodPage(const std::string& site_id, const std::string& url,
                         PageRecord* page, std::string* err) {
  return impl_->Read("last good fetch of " + url, err, [&] {
    SQLite::Statement q(impl_->db,
                        std::string("SELECT ") + kPageColumns +
                            " FROM pages WHERE site_id = ? AND url = ? AND "
                            "outcome = 'ok' AND http_status BETWEEN 200 AND "
                            "299 ORDER BY run_id DESC, id DESC LIMIT 1");
    SQLite::bind(q, site_id, url);
    if (q.executeStep()) {
      *page = PageFromRow(q);
      return true;
    }
    *err = impl_->path + ": no good earlier fetch of " + url;
    return false;
  });
}

bool Store::FindReusablePage(const std::string& site_id, const std::string& url,
                             StoredPage* stored, bool* found,
                             std::string* err) {
  return impl_->Read("reusable fetch of " + url, err, [&] {
    SQLite::Statement q(
        impl_->db,
        std::string("SELECT id, run_id, ") + kPageColumns +
            " FROM pages WHERE site_id = ? AND url = ? AND ((outcome = 'ok' "
            "AND http_status BETWEEN 200 AND 299) OR (outcome = "
            "'not_modified' AND content_hash != '')) ORDER BY run_id DESC, "
            "id DESC LIMIT 1");
    SQLite::bind(q, site_id, url);
    *found = q.executeStep();
    if (!*found) return true;
    stored->page_id = q.getColumn(0).getInt64();
    stored->run_id = q.getColumn(1).getInt64();
    SQLite::Statement page(impl_->db, std::string("SELECT ") + kPageColumns +
                                          " FROM pages WHERE id = ?");
    page.bind(1, stored->page_id);
    if (page.executeStep()) stored->page = PageFromRow(page);
    return true;
  });
}

bool Store::LoadPageRows(StoredPage* stored, std::string* err) {
  return impl_->Read("rows of page " + stored->page.url, err, [&] {
    SQLite::Database& db = impl_->db;
    SQLite::Statement links(db,
                            "SELECT to_url, text FROM links WHERE page_id = ? "
                            "ORDER BY rowid");
    links.bind(1, stored->page_id);
    stored->links.clear();
    while (links.executeStep()) {
      stored->links.push_back(
          {links.getColumn(0).getString(), links.getColumn(1).getString()});
    }
    SQLite::Statement hits(db,
                           "SELECT item_id, component_id, url, found_on, "
                           "field, matched, pattern_line FROM hits WHERE "
                           "page_id = ? ORDER BY id");
    hits.bind(1, stored->page_id);
    stored->hits.clear();
    while (hits.executeStep()) stored->hits.push_back(HitFromRow(hits));
    SQLite::Statement dates(db,
                            "SELECT field, source, fiscal_year, year_be, "
                            "month, day, fiscal_marker, text, url FROM "
                            "url_dates WHERE page_id = ? ORDER BY id");
    dates.bind(1, stored->page_id);
    stored->dates.clear();
    while (dates.executeStep()) stored->dates.push_back(DateFromRow(dates));
    return true;
  });
}

}  // namespace oitwatch
