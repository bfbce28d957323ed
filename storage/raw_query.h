// Internal to storage/: a prepared statement stepped through SQLite's C API,
// for the reads an incremental re-crawl makes for every page
// (Store::FindReusablePage, Store::LoadPageRows: ~100 values a page).
// SQLiteCpp's getColumn builds a Column holding a shared_ptr per value read,
// which cost about as much as reading the value itself. Errors throw
// SQLite::Exception, as SQLiteCpp does, so the storage guard (guard.h) turns
// them into false + a message.
//
//   RawStatement& s = impl.Raw("SELECT a, b FROM t WHERE c = ?");
//   RawQuery q(s);            // reset and unbound again when q goes
//   q.Bind(1, c);
//   while (q.Step()) Use(q.Text(0), q.Int(1));
//
// Thread-compatible, like the connection it was prepared on.
#ifndef OITWATCH_STORAGE_RAW_QUERY_H_
#define OITWATCH_STORAGE_RAW_QUERY_H_

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace oitwatch {

// A prepared statement, finalized on destruction. Not copyable: it owns the
// statement handle.
class RawStatement {
 public:
  // Throws SQLite::Exception if `sql` does not compile.
  RawStatement(sqlite3* db, const std::string& sql);
  ~RawStatement();
  RawStatement(const RawStatement&) = delete;
  RawStatement& operator=(const RawStatement&) = delete;

  sqlite3* db() const { return db_; }
  sqlite3_stmt* handle() const { return statement_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

// One use of a RawStatement. Not copyable: it resets the statement when it
// goes out of scope (even on exceptions), so no read snapshot stays open.
class RawQuery {
 public:
  explicit RawQuery(RawStatement& statement) : statement_(statement) {}
  ~RawQuery();
  RawQuery(const RawQuery&) = delete;
  RawQuery& operator=(const RawQuery&) = delete;

  // Parameters count from 1. Text is copied.
  void Bind(int index, int64_t value);
  void Bind(int index, const std::string& value);
  // True when a row is ready, false at the end; throws on an error.
  bool Step();
  // Columns count from 0. NULL reads as "" or 0.
  std::string Text(int column) const;
  // The column's bytes (a BLOB or TEXT) without a copy; valid until the
  // next Step or the end of this query.
  std::string_view Bytes(int column) const;
  int Int(int column) const;
  int64_t Int64(int column) const;

 private:
  RawStatement& statement_;
};

}  // namespace oitwatch

#endif  // OITWATCH_STORAGE_RAW_QUERY_H_
