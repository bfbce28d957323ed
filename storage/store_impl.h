// Internal to storage/: Store's private state, shared by store.cc (opening,
// writing) and store_read.cc (reading). Not part of the Store API.
// Thread-compatible, like Store.
#ifndef OITWATCH_STORAGE_STORE_IMPL_H_
#define OITWATCH_STORAGE_STORE_IMPL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/guard.h"
#include "storage/raw_query.h"
#include "storage/store.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace oitwatch {

struct Store::Impl {
  // Opens (or creates) `file`; throws SQLite::Exception on failure.
  Impl(const std::string& file, const StoreOptions& options);
  ~Impl();

  // Runs `fn` inside BEGIN IMMEDIATE ... COMMIT, or as a savepoint of the
  // open group's transaction; rolls back (its own part) on any failure.
  bool Write(const std::string& what, std::string* err,
             const std::function<void()>& fn);

  // Runs `fn`, which returns false after setting *err itself.
  bool Read(const std::string& what, std::string* err,
            const std::function<bool()>& fn) {
    return GuardedCall(path, what, err, fn);
  }

  bool CheckIdentity(std::string* err);
  void Configure(const StoreOptions& options);
  void Migrate();
  int64_t LinksHolder(const PageRecord& page);
  int64_t DatesHolder(const PageRecord& page);
  // LoadPageRows' three parts, inside its snapshot.
  void LoadLinks(StoredPage* stored, bool keep = true);
  void LoadHits(StoredPage* stored);
  void LoadDates(StoredPage* stored);
  void InsertPageRows(int64_t run_id, const PageRecord& page, int64_t page_id,
                      const std::vector<LinkRecord>& links,
                      const std::vector<Hit>& hits,
                      const std::vector<DateFact>& dates);
  void InsertVerdict(int64_t run_id, const std::string& site_id, int position,
                     const ItemVerdict& verdict);

  // The statement for `sql`, prepared on its first use and kept for the
  // connection's lifetime, reset (bindings are rebound by the caller).
  // Hold it through a Lease so it is reset again after use: a
  // statement left mid-result would keep its read snapshot open.
  SQLite::Statement& Cached(const std::string& sql);

  // The same through SQLite's C API (raw_query.h), for the per-page reads
  // of a re-crawl.
  RawStatement& Raw(const std::string& sql);

  // Resets a cached statement when it goes out of scope (even on
  // exceptions).
  class Lease {
   public:
    Lease(Impl& impl, const std::string& sql) : statement_(impl.Cached(sql)) {}
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    SQLite::Statement& operator*() { return statement_; }

   private:
    SQLite::Statement& statement_;
  };

  // One read snapshot over several statements: SAVEPOINT ... RELEASE,
  // prepared once (SQLiteCpp's Savepoint prepares a statement per use).
  // Nests inside a transaction already open. Release() throws on failure;
  // the destructor releases quietly if Release() was not reached.
  class Snapshot {
   public:
    explicit Snapshot(Impl& impl);
    ~Snapshot();
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;
    void Release();

   private:
    Impl& impl_;
    bool released_ = false;
  };

  std::string path;
  // The file's key among the files this process has open and checked
  // (store.cc); "" if not registered.
  std::string checked_key;
  std::unique_ptr<SQLite::Database> connection;
  SQLite::Database& db;  // *connection
  int version = 0;
  // Group commit (Store::BeginGroup): a group's transaction is open, and
  // what waits for its commit.
  bool in_group = false;
  std::vector<std::function<void()>> after_commit;
  // Declared after `connection`: finalized before the connection closes.
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>>
      statements;
  std::unordered_map<std::string, std::unique_ptr<RawStatement>> raw;
};

}  // namespace oitwatch

#endif  // OITWATCH_STORAGE_STORE_IMPL_H_
