// The alert outbox and the memory of what was notified (schema v2): a second
// SQLite connection to the evidence database, opened after Store::Open has
// migrated it. SQLiteCpp stays inside outbox.cc; no exception leaves it.
//
// Delivery contract (transactional outbox): Record() commits the site's new
// messages together with the alert_state changes in one transaction, before
// anything is sent. A sender reads Due() rows, calls SMTP/webhook, and only
// then MarkSent(): a crash between the two re-sends the row once (at-least-
// once, at most one duplicate per crash, never zero).
//
// Thread-compatible: one Outbox per thread.
#ifndef OITWATCH_STORAGE_OUTBOX_H_
#define OITWATCH_STORAGE_OUTBOX_H_

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace oitwatch {

// One message to one recipient over one channel.
struct OutboxMessage {
  int64_t id = 0;
  std::string created_at;   // ISO 8601 UTC
  int64_t run_id = 0;       // the run that queued (or last added to) it
  std::string site_id;
  std::string fingerprint;  // of the events it carries (set by the composer)
  std::string channel;      // "email", "slack", "teams", "gchat", "json"
  std::string recipient;    // e-mail address or webhook URL
  std::string subject;      // UTF-8, one line (encoded at send time)
  std::string body;         // e-mail text, or the webhook's JSON payload
  std::string status = "pending";  // "pending", "sent", "failed"
  int attempts = 0;
  std::string last_error;
  std::string sent_at;
  std::string digest_key;   // rows with the same key collect events
  int64_t send_after = 0;   // unix seconds; not Due() before
  std::string events_json = "[]";  // JSON array of the events it carries
};

// An open problem of a site ("" item = the site itself is unreachable).
struct AlertStateRow {
  std::string site_id;
  std::string item_id;
  std::string event;        // "lost", "broken", "unreachable"
  std::string fingerprint;  // what was last notified
  int64_t first_run = 0;
  int64_t notified_at = 0;  // unix seconds of the last notification
};

// Everything one site's alert decision changes, committed together.
struct AlertRecord {
  std::vector<AlertStateRow> upserts;      // opened or re-notified problems
  std::vector<std::string> closed_items;   // problems that ended
  std::vector<OutboxMessage> messages;     // new events per channel/recipient
};

class Outbox {
 public:
  // Opens `path` (an oitwatch database at schema version >= 2). Returns
  // nullptr with a message that starts with `path` otherwise.
  static std::unique_ptr<Outbox> Open(const std::string& path,
                                      std::string* err);
  ~Outbox();
  Outbox(const Outbox&) = delete;  // owns the SQLite connection
  Outbox& operator=(const Outbox&) = delete;

  // Fills `compose` output for a row whose events changed: it gets the row
  // with its merged events_json and sets subject, body and fingerprint.
  using Composer = std::function<void(OutboxMessage*)>;

  // One transaction: applies the alert_state changes and queues each
  // message. A message whose digest_key matches a still-pending row of the
  // same site, channel and recipient is merged into it (events appended,
  // re-composed); otherwise it becomes a new row.
  bool Record(const std::string& site_id, const AlertRecord& record,
              const Composer& compose, std::string* err);

  // The open problems of a site.
  bool OpenProblems(const std::string& site_id,
                    std::vector<AlertStateRow>* rows, std::string* err);

  // How many runs in a row, ending with `run_id` (finished ones before it),
  // left the site "unchecked".
  bool UncheckedStreak(const std::string& site_id, int64_t run_id, int* nights,
                       std::string* err);

  // Pending rows with send_after <= now, oldest first.
  bool Due(std::time_t now, std::vector<OutboxMessage>* rows,
           std::string* err);
  // All rows, newest first (at most `limit`).
  bool List(int limit, std::vector<OutboxMessage>* rows, std::string* err);
  bool MarkSent(int64_t id, std::string* err);
  // Counts an attempt and keeps the row pending, or "failed" once
  // `max_attempts` is reached.
  bool MarkAttemptFailed(int64_t id, const std::string& error,
                         int max_attempts, std::string* err);

 private:
  struct Impl;
  explicit Outbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace oitwatch

#endif  // OITWATCH_STORAGE_OUTBOX_H_
