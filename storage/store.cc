// Opening the evidence store (identity, settings, migrations) and what
// holds its connection; writing is store_write.cc, reading store_read.cc,
// row mapping rows.cc. Every exception is caught (guard.h) and becomes false
// + a message that starts with the database path.
#include "storage/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <condition_variable>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

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

// The database files this process has open and has checked, with how many
// connections hold each. quick_check reads the whole file (a second on a
// large history); a second connection to a file that a checked one still
// holds (the crawl's reader) learns nothing new from it.
class CheckedFiles {
 public:
  static CheckedFiles& Get() {
    static CheckedFiles* files = new CheckedFiles;  // never destroyed
    return *files;
  }
  bool Contains(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    return open_.count(key) != 0;
  }
  void Add(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    ++open_[key];
  }
  void Remove(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = open_.find(key);
    if (it != open_.end() && --it->second == 0) open_.erase(it);
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> open_;
};

// The file's identity as a key: its canonical path (same file, same key
// however it was named); "" if it cannot be resolved.
std::string FileKey(const std::string& path) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::canonical(path, ec);
  return ec ? "" : canonical.string();
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

Store::Impl::~Impl() {
  if (!checked_key.empty()) CheckedFiles::Get().Remove(checked_key);
}

SQLite::Statement& Store::Impl::Cached(const std::string& sql) {
  std::unique_ptr<SQLite::Statement>& statement = statements[sql];
  if (!statement) {
    statement = std::make_unique<SQLite::Statement>(db, sql);
  } else {
    statement->reset();
  }
  return *statement;
}

RawStatement& Store::Impl::Raw(const std::string& sql) {
  std::unique_ptr<RawStatement>& statement = raw[sql];
  if (!statement)
    statement = std::make_unique<RawStatement>(db.getHandle(), sql);
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
  std::string key = FileKey(path);
  if (key.empty() || !CheckedFiles::Get().Contains(key)) {
    std::string findings = CheckFindings(db, "quick_check");
    if (!findings.empty()) {
      *err = path + ": database is corrupt (quick_check: " + findings +
             "); restore it from a backup";
      return false;
    }
  }
  if (!key.empty()) {
    CheckedFiles::Get().Add(key);
    checked_key = key;
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
    ApplyMigration(migration, db);
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

struct StoreCheckAhead::State {
  std::string path;
  std::mutex mu;
  std::condition_variable finished;
  bool done = false;            // guarded by mu
  sqlite3* checking = nullptr;  // the connection while it checks; mu
  std::string key;              // registered in CheckedFiles: it passed; mu
  std::thread thread;

  void Run();
};

// Process-wide SQLite settings, made before SQLite initialises (later the
// calls are harmless no-ops):
// - SQLite keeps global memory statistics behind one mutex that every
//   connection takes on each allocation; the crawl's reader and writer
//   connections then contend for it. We never read the statistics.
// - Each write of a group is a savepoint (Store::Impl::Write), and every
//   INSERT a statement transaction: both copy each page they change into a
//   sub-journal first. SQLite keeps it in memory only up to 64 KiB, and once
//   past that it stays a temporary file until the group commits: an
//   unchanged night then wrote ~100,000 pages to such files. In memory up to
//   8 MiB, it is emptied at each write's RELEASE (a page's write changes a
//   few dozen pages).
constexpr int kSubJournalInMemoryBytes = 8 << 20;

static void ConfigureSqlite() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kSubJournalInMemoryBytes);
  });
}

void StoreCheckAhead::State::Run() {
  bool passed = false;
  try {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {
      SQLite::Database db(path, SQLite::OPEN_READONLY);
      {
        std::lock_guard<std::mutex> lock(mu);
        checking = db.getHandle();
      }
      // Declared after `db`: the handle is forgotten before it closes.
      struct Forget {
        State* state;
        ~Forget() {
          std::lock_guard<std::mutex> lock(state->mu);
          state->checking = nullptr;
        }
      } forget{this};
      passed = PragmaInt(db, "application_id") == kStoreApplicationId &&
               PragmaInt(db, "user_version") <= StoreSchemaVersion() &&
               CheckFindings(db, "quick_check").empty();
    }
  } catch (const std::exception&) {
    // Not checked here: Open checks, and says what is wrong.
  }
  std::string file = passed ? FileKey(path) : "";
  if (!file.empty()) CheckedFiles::Get().Add(file);
  std::lock_guard<std::mutex> lock(mu);
  key = std::move(file);
  done = true;
  finished.notify_all();
}

StoreCheckAhead::StoreCheckAhead(const std::string& path)
    : state_(std::make_unique<State>()) {
  ConfigureSqlite();
  state_->path = path;
  state_->thread = std::thread([state = state_.get()] { state->Run(); });
}

StoreCheckAhead::~StoreCheckAhead() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->checking != nullptr) sqlite3_interrupt(state_->checking);
  }
  state_->thread.join();
  if (!state_->key.empty()) CheckedFiles::Get().Remove(state_->key);
}

void StoreCheckAhead::Wait() {
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->finished.wait(lock, [this] { return state_->done; });
}

bool StoreCheckAhead::passed() {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->done && !state_->key.empty();
}

std::unique_ptr<Store> Store::Open(const std::string& path,
                                   const StoreOptions& options,
                                   std::string* err) {
  ConfigureSqlite();
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

}  // namespace oitwatch
