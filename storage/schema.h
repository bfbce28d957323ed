// The evidence store's schema as data: the file's identity (application_id)
// and the ordered list of migrations. Migration N takes a database at
// user_version N-1 to N; a fresh file goes through all of them. Store::Open
// applies each pending one in a single BEGIN IMMEDIATE transaction together
// with the user_version bump, so a crash leaves either N-1 or N, never a mix.
//
// Rules for adding a migration: append, never edit a released one; keep the
// statements valid inside a transaction (no VACUUM, no journal_mode). What
// SQL alone cannot do (re-encoding rows) goes in the migration's `then`.
// Plain constants; thread-safe.
#ifndef OITWATCH_STORAGE_SCHEMA_H_
#define OITWATCH_STORAGE_SCHEMA_H_

#include <cstdint>
#include <vector>

namespace SQLite {
class Database;
}  // namespace SQLite

namespace oitwatch {

// PRAGMA application_id of every oitwatch database: "OITW" in ASCII.
inline constexpr int32_t kStoreApplicationId = 0x4F495457;

struct Migration {
  int version;      // user_version after this migration
  const char* sql;  // one or more statements, run with exec()
  // If set, run after `sql` in the same transaction; throws (e.g.
  // SQLite::Exception) on failure.
  void (*then)(SQLite::Database& db) = nullptr;
};

// Runs `migration` on `db` (sql, then `then`), outside any transaction
// handling of its own; throws on failure.
void ApplyMigration(const Migration& migration, SQLite::Database& db);

// All migrations, in ascending version order (1, 2, ...).
const std::vector<Migration>& StoreMigrations();

// The version this build writes: the last migration's version.
int StoreSchemaVersion();

}  // namespace oitwatch

#endif  // OITWATCH_STORAGE_SCHEMA_H_
