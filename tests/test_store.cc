#include "tests/test_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "storage/schema.h"

namespace oitwatch {

void CreateStoreAtVersion(const std::string& path, int version,
                          const std::string& rows_sql) {
  try {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const Migration& m : StoreMigrations()) {
      if (m.version > version) break;
      ApplyMigration(m, db);
    }
    db.exec("PRAGMA application_id=" + std::to_string(kStoreApplicationId));
    db.exec("PRAGMA user_version=" + std::to_string(version));
    db.exec(rows_sql);
  } catch (const SQLite::Exception& e) {
    ADD_FAILURE() << path << ": " << e.what();
  }
}

}  // namespace oitwatch
