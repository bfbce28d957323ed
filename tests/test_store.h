// Test support for storage tests: a database file as an older oitwatch
// left it, to check that Store::Open migrates it without losing rows.
#ifndef OITWATCH_TESTS_TEST_STORE_H_
#define OITWATCH_TESTS_TEST_STORE_H_

#include <string>

namespace oitwatch {

// Creates `path` at schema `version` (the migrations up to it, the
// application id and user_version a store of that version wrote), then runs
// `rows_sql` in it. Fails the current test on a SQLite error.
void CreateStoreAtVersion(const std::string& path, int version,
                          const std::string& rows_sql);

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_STORE_H_
