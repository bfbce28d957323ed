#include "app/alerts_cmd.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "app/commands.h"
#include "app/pipeline.h"
#include "reports/escape.h"
#include "reports/report.h"

namespace oitwatch {
namespace {

// Named crash points for the crash harness (RELIABILITY.md C1/D6):
// OITWATCH_FAULT=<name> kills the process there, like a power cut.
void FaultPoint(const char* name) {
  const char* fault = std::getenv("OITWATCH_FAULT");
  if (fault && std::string(fault) == name) std::raise(SIGKILL);
}

// An exclusive flock on "<db>.alerts.lock" so two senders never drain the
// same rows at once; the kernel drops it when the process dies.
class SendLock {
 public:
  // False when another sender holds the lock, or with *err set when the
  // lock file cannot be opened (our own failure, not a busy outbox).
  bool Acquire(const std::string& db, std::string* err) {
    const std::string path = db + ".alerts.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      *err = "cannot open lock file " + path + ": " + std::strerror(errno);
      return false;
    }
    return ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
  }
  ~SendLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_ = -1;
};

bool ReadPassword(const std::string& path, std::string* password,
                  std::string* err) {
  password->clear();
  if (path.empty()) return true;
  std::ifstream file(path);
  if (!file || !std::getline(file, *password)) {
    *err = "--smtp-password-file: cannot read " + path;
    return false;
  }
  if (!password->empty() && password->back() == '\r') password->pop_back();
  return true;
}

std::string FormatFor(const AlertOptions& o, size_t i) {
  if (o.webhook_formats.empty()) return "json";
  return o.webhook_formats.size() == 1 ? o.webhook_formats[0]
                                       : o.webhook_formats[i];
}

// scheme://host/… : a webhook URL's path often is its secret token.
std::string RedactUrl(const std::string& url) {
  size_t host = url.find("://");
  if (host == std::string::npos) return "…";
  size_t path = url.find('/', host + 3);
  std::string shown = url.substr(0, path);
  size_t at = shown.find('@');
  if (at != std::string::npos) shown = url.substr(0, host + 3) + shown.substr(at + 1);
  return shown + (path == std::string::npos ? "" : "/…");
}

struct SendStats {
  int sent = 0, failed = 0, skipped = 0;
  int deferred = 0;  // left pending: their endpoint kept failing
  std::vector<std::string> errors;
};

// After this many failures in a row on one endpoint (the SMTP server, a
// webhook URL), its other messages wait for the next send: a dead or
// black-holed endpoint costs this many timeouts per send, not one per site
// (50 districts x the timeout, after the crawl, outside its watchdog).
constexpr int kEndpointFailures = 2;

std::string Endpoint(const OutboxMessage& m, const AlertOptions& o) {
  return m.channel == "email" ? "smtp " + o.smtp_url : m.recipient;
}

bool Deliver(const OutboxMessage& m, const AlertOptions& o,
             const SmtpOptions& smtp, std::time_t now, std::string* err) {
  if (m.channel == "email") {
    return SendEmail(smtp, m.recipient, BuildEmail(m, smtp.from, now), err);
  }
  WebhookOptions web;
  web.allow_addresses = o.webhook_allow;
  web.connect_timeout_ms = o.connect_timeout_ms;
  web.timeout_ms = o.timeout_ms;
  return PostWebhook(web, m.recipient, m.body, err);
}

// Sends every due row: mark sent only after the delivery call succeeded.
SendStats Drain(Outbox& outbox, const AlertOptions& o, std::time_t now) {
  SendStats stats;
  SmtpOptions smtp{o.smtp_url, o.smtp_user, "", o.mail_from, o.smtp_tls,
                   o.connect_timeout_ms, o.timeout_ms};
  std::string err;
  std::vector<OutboxMessage> due;
  if (!ReadPassword(o.smtp_password_file, &smtp.password, &err) ||
      !outbox.Due(now, &due, &err)) {
    stats.errors.push_back(err);
    return stats;
  }
  std::map<std::string, int> failures;  // endpoint -> failures in a row
  for (const OutboxMessage& m : due) {
    if (m.channel == "email" && o.smtp_url.empty()) {
      ++stats.skipped;  // no SMTP server configured for this sender
      continue;
    }
    int& failed = failures[Endpoint(m, o)];
    if (failed >= kEndpointFailures) {
      ++stats.deferred;  // still pending, not an attempt
      continue;
    }
    if (Deliver(m, o, smtp, now, &err)) {
      failed = 0;
      FaultPoint("after_send_before_mark");
      if (outbox.MarkSent(m.id, &err)) {
        ++stats.sent;
        continue;
      }
    } else {
      ++failed;
      outbox.MarkAttemptFailed(m.id, err, o.max_attempts, &err);
    }
    ++stats.failed;
    stats.errors.push_back("outbox " + std::to_string(m.id) + ": " + err);
  }
  return stats;
}

void PrintSummary(const char* who, int queued, const SendStats& s,
                  const std::vector<std::string>& errors) {
  if (queued == 0 && s.sent == 0 && s.failed == 0 && s.skipped == 0 &&
      s.deferred == 0 && errors.empty() && s.errors.empty()) {
    return;
  }
  std::cerr << who << ": alerts: " << queued << " queued, " << s.sent
            << " sent, " << s.failed << " failed, " << s.skipped
            << " waiting for an SMTP server";
  if (s.deferred) {
    std::cerr << ", " << s.deferred << " deferred (their endpoint failed "
              << kEndpointFailures << " times in a row)";
  }
  if (s.failed || s.skipped || s.deferred) {
    std::cerr << " (pending: `oitwatch alerts send`)";
  }
  std::cerr << "\n";
  for (const std::string& e : errors) std::cerr << who << ": alerts: " << TerminalSafe(e) << "\n";
  for (const std::string& e : s.errors) std::cerr << who << ": alerts: " << TerminalSafe(e) << "\n";
}

// What reports/alert.cc AllowedIp can match: an IPv4 or IPv6 address, or
// an IPv4 CIDR a.b.c.d/0-32. Anything else would be ignored there.
bool IsWebhookAllowEntry(const std::string& entry) {
  unsigned char buf[sizeof(in6_addr)];
  const size_t slash = entry.find('/');
  if (slash == std::string::npos) {
    return inet_pton(AF_INET, entry.c_str(), buf) == 1 ||
           inet_pton(AF_INET6, entry.c_str(), buf) == 1;
  }
  const std::string bits = entry.substr(slash + 1);
  return inet_pton(AF_INET, entry.substr(0, slash).c_str(), buf) == 1 &&
         !bits.empty() && bits.size() <= 2 &&
         bits.find_first_not_of("0123456789") == std::string::npos &&
         std::stoi(bits) <= 32;
}

// Fills in->previous: each item judged tonight as it stood the last time it
// was judged (the reports' last_known), so a night on which its evidence
// could not be checked is skipped: pass -> unchecked -> broken is "lost".
bool AddPrevious(Store& store, int64_t run_id, SiteAlertInput* in,
                 std::string* err) {
  std::set<std::string> items;
  for (const ItemVerdict& v : in->current) {
    if (v.status != ItemStatus::kUnchecked) items.insert(v.item_id);
  }
  std::map<std::string, LastKnown> known;
  if (!LastKnownVerdicts(store, run_id, in->site_id, items, &known, err)) {
    return false;
  }
  for (auto& [item, last] : known) {
    ItemVerdict v;
    v.item_id = item;
    if (!ParseItemStatus(last.status, &v.status)) continue;
    v.evidence = std::move(last.evidence);
    in->previous.push_back(std::move(v));
  }
  return true;
}

bool Enabled(const AlertOptions& o) {
  return !o.no_alerts && (!o.smtp_url.empty() || !o.webhooks.empty());
}

}  // namespace

bool ValidateAlertOptions(const AlertOptions& o, std::string* err) {
  DigestPeriod period;
  if (!ParseDigestPeriod(o.digest, &period)) {
    *err = "--alert-digest: expected none, daily or weekly, got '" + o.digest + "'";
    return false;
  }
  if (!o.webhook_formats.empty() && o.webhook_formats.size() != 1 &&
      o.webhook_formats.size() != o.webhooks.size()) {
    *err = "--webhook-format: give one format for all webhooks or one per --webhook";
    return false;
  }
  for (const std::string& f : o.webhook_formats) {
    if (f != "slack" && f != "teams" && f != "gchat" && f != "json") {
      *err = "--webhook-format: expected slack, teams, gchat or json, got '" + f + "'";
      return false;
    }
  }
  for (const std::string& url : o.webhooks) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      *err = "--webhook: expected an http:// or https:// URL";
      return false;
    }
  }
  for (const std::string& entry : o.webhook_allow) {
    if (!IsWebhookAllowEntry(entry)) {
      *err = "--webhook-allow-address: '" + entry +
             "' is not an IP address or IPv4 CIDR";
      return false;
    }
  }
  if (o.smtp_tls != "starttls" && o.smtp_tls != "try" && o.smtp_tls != "none") {
    *err = "--smtp-tls: expected starttls, try or none";
    return false;
  }
  if (o.smtp_url.empty()) return true;
  if (o.smtp_url.rfind("smtp://", 0) != 0 && o.smtp_url.rfind("smtps://", 0) != 0) {
    *err = "--smtp-url: expected smtp://HOST[:PORT] or smtps://HOST[:PORT]";
    return false;
  }
  std::string password;
  if (o.mail_from.empty()) {
    *err = "--mail-from: required with --smtp-url";
    return false;
  }
  return ValidateMailbox(o.mail_from, err) &&
         ReadPassword(o.smtp_password_file, &password, err);
}

AlertSession::AlertSession(const AlertOptions& options, const std::string& db,
                           Store* store, int64_t run_id,
                           const std::string& as_of,
                           const std::vector<Site>& sites)
    : options_(options), db_(db), store_(store), run_id_(run_id),
      as_of_(as_of), sites_(sites) {
  if (!Enabled(options_)) return;
  std::string err;
  outbox_ = Outbox::Open(db_, &err);
  if (!outbox_) errors_.push_back(err);
}

AlertSession::~AlertSession() = default;

void AlertSession::Attach(PipelineOptions* popt) {
  if (!outbox_) return;
  auto previous = popt->on_site_done;
  popt->on_site_done = [this, previous](const SiteRunInfo& info,
                                        const std::vector<ItemVerdict>& v) {
    RecordSite(info, v);
    if (previous) previous(info, v);
  };
}

std::vector<OutboxMessage> AlertSession::Messages(
    const Site& site, const std::vector<AlertEvent>& events) {
  DigestPeriod period = DigestPeriod::kNone;
  ParseDigestPeriod(options_.digest, &period);
  OutboxMessage base;
  base.run_id = run_id_;
  base.events_json = EventsToJson(events);
  DigestWindow(period, std::time(nullptr), &base.digest_key, &base.send_after);
  std::vector<OutboxMessage> out;
  std::string err;
  for (const std::string& to : options_.smtp_url.empty() ? std::vector<std::string>{}
                                                         : site.contacts) {
    if (!ValidateMailbox(to, &err)) {
      errors_.push_back("site " + site.id + ": contact " + err);
      continue;
    }
    out.push_back(base);
    out.back().channel = "email";
    out.back().recipient = to;
  }
  for (size_t i = 0; i < options_.webhooks.size(); ++i) {
    out.push_back(base);
    out.back().channel = FormatFor(options_, i);
    out.back().recipient = options_.webhooks[i];
  }
  return out;
}

void AlertSession::RecordSite(const SiteRunInfo& info,
                              const std::vector<ItemVerdict>& verdicts) {
  const Site* site = nullptr;
  for (const Site& s : sites_) site = s.id == info.site_id ? &s : site;
  if (!site) return;
  SiteAlertInput in{site->id, site->name, site->url, run_id_, as_of_,
                    info.state == "checked"};
  in.current = verdicts;
  std::string err;
  bool ok = outbox_->OpenProblems(site->id, &in.open, &err) &&
            outbox_->UncheckedStreak(site->id, run_id_, &in.unchecked_nights, &err);
  if (ok && in.checked) ok = AddPrevious(*store_, run_id_, &in, &err);
  AlertPolicy policy{options_.renotify_days, options_.unreachable_nights, true};
  // Reminders are spaced by the wall clock, not --as-of: renotify_days is
  // about when a person was last told (notified_at is a real time), and a
  // run judged "as of" another day is still sent today.
  AlertDecision d = DecideAlerts(in, policy, std::time(nullptr));
  AlertRecord record{d.upserts, d.closed_items, {}};
  if (!d.events.empty()) record.messages = Messages(*site, d.events);
  const bool changes =
      !d.events.empty() || !d.upserts.empty() || !d.closed_items.empty();
  if (!ok || (changes &&
              !outbox_->Record(site->id, record, &ComposeMessage, &err))) {
    errors_.push_back(err);
    return;
  }
  queued_ += static_cast<int>(record.messages.size());
}

void AlertSession::Deliver() {
  SendStats stats;
  SendLock lock;
  std::string err;
  if (outbox_ && lock.Acquire(db_, &err)) {
    stats = Drain(*outbox_, options_, std::time(nullptr));
  } else if (outbox_) {
    errors_.push_back(err.empty()
                          ? "another oitwatch is sending alerts; rows stay pending"
                          : err + "; rows stay pending");
  }
  PrintSummary("oitwatch run", queued_, stats, errors_);
}

int AlertsSendCommand(const AlertOptions& options, const std::string& db) {
  std::string err;
  if (!ValidateAlertOptions(options, &err)) {
    std::cerr << "oitwatch alerts send: " << err << "\n";
    return kExitUsage;
  }
  if (!DatabaseExists("oitwatch alerts send", db)) return kExitUsage;
  std::unique_ptr<Store> store = Store::Open(db, &err);
  std::unique_ptr<Outbox> outbox = store ? Outbox::Open(db, &err) : nullptr;
  if (!outbox) {
    std::cerr << "oitwatch alerts send: " << err << "\n";
    return kExitError;
  }
  SendLock lock;
  std::string lock_err;
  if (!lock.Acquire(db, &lock_err)) {
    if (!lock_err.empty()) {
      std::cerr << "oitwatch alerts send: " << lock_err << "\n";
      return kExitError;
    }
    std::cerr << "oitwatch alerts send: another oitwatch is sending alerts "
                 "from this database\n";
    return kExitLocked;
  }
  SendStats stats = Drain(*outbox, options, std::time(nullptr));
  std::cout << stats.sent << " sent, " << stats.failed << " failed, "
            << stats.skipped << " waiting for an SMTP server\n";
  PrintSummary("oitwatch alerts send", 0, stats, {});
  return stats.failed || stats.deferred || !stats.errors.empty() ? kExitError
                                                                 : kExitOk;
}

int AlertsListCommand(const std::string& db, int limit) {
  std::string err;
  if (!DatabaseExists("oitwatch alerts list", db)) return kExitUsage;
  std::unique_ptr<Store> store = Store::Open(db, &err);
  std::unique_ptr<Outbox> outbox = store ? Outbox::Open(db, &err) : nullptr;
  std::vector<OutboxMessage> rows;
  if (!outbox || !outbox->List(limit, &rows, &err)) {
    std::cerr << "oitwatch alerts list: " << err << "\n";
    return kExitError;
  }
  for (const OutboxMessage& m : rows) {
    std::string to = m.channel == "email" ? m.recipient : RedactUrl(m.recipient);
    std::cout << m.id << "\t" << m.status << "\t" << m.created_at << "\t"
              << m.site_id << "\t" << m.channel << "\t" << TerminalSafe(to)
              << "\tattempts " << m.attempts << "\t" << TerminalSafe(m.subject)
              << (m.last_error.empty() ? "" : "\t" + TerminalSafe(m.last_error))
              << "\n";
  }
  return kExitOk;
}

}  // namespace oitwatch
