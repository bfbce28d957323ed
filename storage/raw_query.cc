// Statements stepped through SQLite's C API (see raw_query.h).
#include "storage/raw_query.h"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

namespace oitwatch {
namespace {

void Check(sqlite3* db, int rc) {
  if (rc != SQLITE_OK) throw SQLite::Exception(db, rc);
}

}  // namespace

RawStatement::RawStatement(sqlite3* db, const std::string& sql) : db_(db) {
  Check(db_,
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &statement_, nullptr));
}

RawStatement::~RawStatement() { sqlite3_finalize(statement_); }

RawQuery::~RawQuery() {
  sqlite3_reset(statement_.handle());
  sqlite3_clear_bindings(statement_.handle());
}

void RawQuery::Bind(int index, int64_t value) {
  Check(statement_.db(), sqlite3_bind_int64(statement_.handle(), index, value));
}

void RawQuery::Bind(int index, const std::string& value) {
  Check(statement_.db(),
        sqlite3_bind_text(statement_.handle(), index, value.data(),
                          static_cast<int>(value.size()), SQLITE_TRANSIENT));
}

bool RawQuery::Step() {
  const int rc = sqlite3_step(statement_.handle());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw SQLite::Exception(statement_.db(), rc);
}

std::string RawQuery::Text(int column) const {
  return std::string(Bytes(column));
}

std::string_view RawQuery::Bytes(int column) const {
  // Blob first, then its size (SQLite's documented order for a valid size).
  const void* bytes = sqlite3_column_blob(statement_.handle(), column);
  const int size = sqlite3_column_bytes(statement_.handle(), column);
  if (bytes == nullptr) return std::string_view();
  return std::string_view(static_cast<const char*>(bytes),
                          static_cast<size_t>(size));
}

int RawQuery::Int(int column) const {
  return sqlite3_column_int(statement_.handle(), column);
}

int64_t RawQuery::Int64(int column) const {
  return sqlite3_column_int64(statement_.handle(), column);
}

}  // namespace oitwatch
