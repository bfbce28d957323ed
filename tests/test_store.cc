#include "tests/test_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/schema.h"
#include "tests/test_process.h"

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

void StoreFileTest::SetUp() {
  dir_ = MakeTempDir();
  path_ = dir_ + "/oit.db";
}

void StoreFileTest::TearDown() {
  store_.reset();
  std::filesystem::remove_all(dir_);
}

void StoreFileTest::Open() {
  std::string err;
  store_ = Store::Open(path_, &err);
  ASSERT_NE(store_, nullptr) << err;
}

int64_t StoreFileTest::BeginRun(const RunInfo& info) {
  int64_t run_id = 0;
  std::string err;
  EXPECT_TRUE(store_->BeginRun(info, &run_id, &err)) << err;
  return run_id;
}

PageRecord StoreFileTest::OkPage(const std::string& url) {
  PageRecord page;
  page.site_id = "laksi";
  page.url = url;
  page.kind = "page";
  page.outcome = "ok";
  page.http_status = 200;
  page.content_hash = "abc";
  return page;
}

}  // namespace oitwatch
