// Guarded calls on an SQLite connection (see guard.h).
#include "storage/guard.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

namespace oitwatch {
namespace {

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

}  // namespace

std::string DescribeFailure(const std::string& path, const std::string& what,
                            const std::exception& e) {
  std::string message = path + ": " + what + ": " + e.what();
  if (auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e)) {
    message += Hint(sqlite->getErrorCode());
  }
  return message;
}

bool GuardedCall(const std::string& path, const std::string& what,
                 std::string* err, const std::function<bool()>& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    *err = DescribeFailure(path, what, e);
  }
  return false;
}

bool GuardedWrite(SQLite::Database& db, const std::string& path,
                  const std::string& what, std::string* err,
                  const std::function<void()>& fn) {
  return GuardedCall(path, what, err, [&] {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    fn();
    tx.commit();
    return true;
  });
}

}  // namespace oitwatch
