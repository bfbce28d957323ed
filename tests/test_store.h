// Test support for storage tests: a real database file in a temporary
// directory, and a database file as an older oitwatch left it, to check that
// Store::Open migrates it without losing rows.
#ifndef OITWATCH_TESTS_TEST_STORE_H_
#define OITWATCH_TESTS_TEST_STORE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "storage/store.h"

namespace oitwatch {

// Creates `path` at schema `version` (the migrations up to it, the
// application id and user_version a store of that version wrote), then runs
// `rows_sql` in it. Fails the current test on a SQLite error.
void CreateStoreAtVersion(const std::string& path, int version,
                          const std::string& rows_sql);

// A store file `path_` in its own temporary directory `dir_` (removed after
// the test). SetUp does not open it: a test may first create it at an older
// version.
class StoreFileTest : public testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // (Re)opens store_ at path_; fails the test if it cannot.
  void Open();
  // Begins a run in store_ and returns its id.
  int64_t BeginRun(const RunInfo& info = RunInfo{});
  // A page of site "laksi" fetched fine: kind page, outcome ok, HTTP 200,
  // content hash "abc" (so FindReusablePage finds it).
  static PageRecord OkPage(const std::string& url);

  std::string dir_, path_;
  std::unique_ptr<Store> store_;
};

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_STORE_H_
