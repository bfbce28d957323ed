// The outbox tables (schema v2) through SQLiteCpp. Every SQLite::Exception
// (and JSON error) is caught (guard.h) and becomes false + a message that
// starts with the database path.
#include "storage/outbox.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <SQLiteCpp/VariadicBind.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "storage/guard.h"
#include "storage/rows.h"
#include "storage/schema.h"

namespace oitwatch {
namespace {

using Json = nlohmann::json;

constexpr char kColumns[] =
    "id, created_at, run_id, site_id, fingerprint, channel, recipient, "
    "subject, body, status, attempts, last_error, sent_at, digest_key, "
    "send_after, events_json";

OutboxMessage FromRow(SQLite::Statement& q) {
  OutboxMessage m;
  m.id = q.getColumn(0).getInt64();
  m.created_at = q.getColumn(1).getString();
  m.run_id = q.getColumn(2).getInt64();
  m.site_id = q.getColumn(3).getString();
  m.fingerprint = q.getColumn(4).getString();
  m.channel = q.getColumn(5).getString();
  m.recipient = q.getColumn(6).getString();
  m.subject = q.getColumn(7).getString();
  m.body = q.getColumn(8).getString();
  m.status = q.getColumn(9).getString();
  m.attempts = q.getColumn(10).getInt();
  m.last_error = q.getColumn(11).getString();
  m.sent_at = q.getColumn(12).getString();
  m.digest_key = q.getColumn(13).getString();
  m.send_after = q.getColumn(14).getInt64();
  m.events_json = q.getColumn(15).getString();
  return m;
}

// `into` with the elements of the JSON array `more` appended.
std::string AppendEvents(const std::string& into, const std::string& more) {
  Json a = Json::parse(into);
  Json b = Json::parse(more);
  if (!a.is_array() || !b.is_array()) {
    throw std::runtime_error("events_json is not a JSON array");
  }
  for (const Json& e : b) a.push_back(e);
  return a.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

struct Outbox::Impl {
  explicit Impl(const std::string& file)
      : path(file), db(file, SQLite::OPEN_READWRITE, 10000) {}

  // Runs `fn`, which returns false after setting *err itself.
  bool Guard(const std::string& what, std::string* err,
             const std::function<bool()>& fn) {
    return GuardedCall(path, what, err, fn);
  }

  // Runs `fn` inside BEGIN IMMEDIATE ... COMMIT; rolls back on any failure.
  bool Write(const std::string& what, std::string* err,
             const std::function<void()>& fn) {
    return GuardedWrite(db, path, what, err, fn);
  }

  bool FindDigest(const std::string& site_id, const OutboxMessage& m,
                  OutboxMessage* found);
  void Insert(const OutboxMessage& m);
  void Update(const OutboxMessage& m);
  void Upsert(const AlertStateRow& row);

  std::string path;
  SQLite::Database db;
};

bool Outbox::Impl::FindDigest(const std::string& site_id,
                              const OutboxMessage& m, OutboxMessage* found) {
  if (m.digest_key.empty()) return false;
  SQLite::Statement q(db, std::string("SELECT ") + kColumns +
                              " FROM outbox WHERE status = 'pending' AND "
                              "site_id = ? AND channel = ? AND recipient = ? "
                              "AND digest_key = ? ORDER BY id LIMIT 1");
  SQLite::bind(q, site_id, m.channel, m.recipient, m.digest_key);
  if (!q.executeStep()) return false;
  *found = FromRow(q);
  return true;
}

void Outbox::Impl::Insert(const OutboxMessage& m) {
  SQLite::Statement q(
      db,
      "INSERT INTO outbox (created_at, run_id, site_id, fingerprint, channel, "
      "recipient, subject, body, status, digest_key, send_after, events_json) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)");
  SQLite::bind(q, m.created_at.empty() ? NowUtc() : m.created_at, m.run_id,
               m.site_id, m.fingerprint, m.channel, m.recipient, m.subject,
               m.body, m.digest_key, m.send_after, m.events_json);
  q.exec();
}

void Outbox::Impl::Update(const OutboxMessage& m) {
  SQLite::Statement q(db,
                      "UPDATE outbox SET run_id = ?, fingerprint = ?, "
                      "subject = ?, body = ?, events_json = ? WHERE id = ?");
  SQLite::bind(q, m.run_id, m.fingerprint, m.subject, m.body, m.events_json,
               m.id);
  q.exec();
}

void Outbox::Impl::Upsert(const AlertStateRow& row) {
  SQLite::Statement q(
      db,
      "INSERT INTO alert_state (site_id, item_id, event, fingerprint, "
      "first_run, notified_at) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (site_id, item_id) DO UPDATE SET event = excluded.event, "
      "fingerprint = excluded.fingerprint, "
      "notified_at = excluded.notified_at");
  SQLite::bind(q, row.site_id, row.item_id, row.event, row.fingerprint,
               row.first_run, row.notified_at);
  q.exec();
}

Outbox::Outbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Outbox::~Outbox() = default;

std::unique_ptr<Outbox> Outbox::Open(const std::string& path,
                                     std::string* err) {
  try {
    auto impl = std::make_unique<Impl>(path);
    int64_t app_id = impl->db.execAndGet("PRAGMA application_id").getInt64();
    int64_t version = impl->db.execAndGet("PRAGMA user_version").getInt64();
    if (app_id != kStoreApplicationId || version < 2) {
      *err = path + ": not an oitwatch database with an outbox (schema " +
             std::to_string(version) + "); open it with `oitwatch run` first";
      return nullptr;
    }
    impl->db.exec("PRAGMA synchronous=FULL");
    return std::unique_ptr<Outbox>(new Outbox(std::move(impl)));
  } catch (const std::exception& e) {
    *err = DescribeFailure(path, "open outbox", e);
  }
  return nullptr;
}

bool Outbox::Record(const std::string& site_id, const AlertRecord& record,
                    const Composer& compose, std::string* err) {
  return impl_->Write("record alerts of " + site_id, err, [&] {
    for (const AlertStateRow& row : record.upserts) impl_->Upsert(row);
    for (const std::string& item : record.closed_items) {
      SQLite::Statement q(
          impl_->db,
          "DELETE FROM alert_state WHERE site_id = ? AND item_id = ?");
      SQLite::bind(q, site_id, item);
      q.exec();
    }
    for (OutboxMessage m : record.messages) {
      m.site_id = site_id;
      OutboxMessage existing;
      if (impl_->FindDigest(site_id, m, &existing)) {
        existing.events_json =
            AppendEvents(existing.events_json, m.events_json);
        existing.run_id = m.run_id;
        compose(&existing);
        impl_->Update(existing);
      } else {
        compose(&m);
        impl_->Insert(m);
      }
    }
  });
}

bool Outbox::OpenProblems(const std::string& site_id,
                          std::vector<AlertStateRow>* rows, std::string* err) {
  rows->clear();
  return impl_->Guard("read alert state", err, [&] {
    SQLite::Statement q(impl_->db,
                        "SELECT site_id, item_id, event, fingerprint, "
                        "first_run, notified_at FROM alert_state "
                        "WHERE site_id = ? ORDER BY item_id");
    q.bind(1, site_id);
    while (q.executeStep()) {
      rows->push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                       q.getColumn(2).getString(), q.getColumn(3).getString(),
                       q.getColumn(4).getInt64(), q.getColumn(5).getInt64()});
    }
    return true;
  });
}

bool Outbox::UncheckedStreak(const std::string& site_id, int64_t run_id,
                             int* nights, std::string* err) {
  *nights = 0;
  return impl_->Guard("unchecked streak", err, [&] {
    SQLite::Statement q(
        impl_->db,
        "SELECT s.state FROM runs r JOIN run_sites s ON s.run_id = r.id "
        "WHERE s.site_id = ? AND (r.id = ? OR (r.status = 'finished' AND "
        "r.id < ?)) ORDER BY r.id DESC");
    SQLite::bind(q, site_id, run_id, run_id);
    while (q.executeStep() && q.getColumn(0).getString() == "unchecked") {
      ++*nights;
    }
    return true;
  });
}

bool Outbox::Due(std::time_t now, std::vector<OutboxMessage>* rows,
                 std::string* err) {
  rows->clear();
  return impl_->Guard("read outbox", err, [&] {
    SQLite::Statement q(impl_->db,
                        std::string("SELECT ") + kColumns +
                            " FROM outbox WHERE status = 'pending' AND "
                            "send_after <= ? ORDER BY id");
    q.bind(1, static_cast<int64_t>(now));
    while (q.executeStep()) rows->push_back(FromRow(q));
    return true;
  });
}

bool Outbox::List(int limit, std::vector<OutboxMessage>* rows,
                  std::string* err) {
  rows->clear();
  return impl_->Guard("list outbox", err, [&] {
    SQLite::Statement q(impl_->db, std::string("SELECT ") + kColumns +
                                       " FROM outbox ORDER BY id DESC LIMIT ?");
    q.bind(1, limit);
    while (q.executeStep()) rows->push_back(FromRow(q));
    return true;
  });
}

bool Outbox::MarkSent(int64_t id, std::string* err) {
  return impl_->Write("mark sent", err, [&] {
    SQLite::Statement q(impl_->db,
                        "UPDATE outbox SET status = 'sent', sent_at = ?, "
                        "attempts = attempts + 1, last_error = '' "
                        "WHERE id = ?");
    SQLite::bind(q, NowUtc(), id);
    q.exec();
  });
}

bool Outbox::MarkAttemptFailed(int64_t id, const std::string& error,
                               int max_attempts, std::string* err) {
  return impl_->Write("mark attempt", err, [&] {
    SQLite::Statement q(
        impl_->db,
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, "
        "status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'pending' "
        "END WHERE id = ?");
    SQLite::bind(q, error.substr(0, 1000), max_attempts, id);
    q.exec();
  });
}

}  // namespace oitwatch
