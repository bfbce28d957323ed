// Internal to storage/: how every call on one of our SQLite connections
// (Store, Outbox) runs, so that no exception leaves storage/. An exception
// from SQLiteCpp, JSON or a row reader becomes false + a message
// "<database path>: <what the call did>: <cause>", plus a hint for SQLite
// result codes a user can act on (locked, disk full, corrupt, ...).
// Plain functions; thread-compatible like the connection they use.
#ifndef OITWATCH_STORAGE_GUARD_H_
#define OITWATCH_STORAGE_GUARD_H_

#include <exception>
#include <functional>
#include <string>

namespace SQLite {
class Database;
}  // namespace SQLite

namespace oitwatch {

// "<path>: <what>: <e.what()>", with the hint for an SQLite::Exception.
std::string DescribeFailure(const std::string& path, const std::string& what,
                            const std::exception& e);

// Runs `fn`, which returns false after setting *err itself. Returns false
// with DescribeFailure(...) in *err if it throws.
bool GuardedCall(const std::string& path, const std::string& what,
                 std::string* err, const std::function<bool()>& fn);

// Runs `fn` inside BEGIN IMMEDIATE ... COMMIT on `db`; rolls back and returns
// false with DescribeFailure(...) in *err if anything throws.
bool GuardedWrite(SQLite::Database& db, const std::string& path,
                  const std::string& what, std::string* err,
                  const std::function<void()>& fn);

}  // namespace oitwatch

#endif  // OITWATCH_STORAGE_GUARD_H_
