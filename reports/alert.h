// Alerts: which verdict changes a site's contacts must hear about, the
// messages that tell them (e-mail, Slack, Teams, Google Chat, generic JSON;
// built in alert_message.h), and their delivery through libcurl (SMTP and HTTPS; libcurl stays inside
// alert.cc). Decisions are pure functions of the verdicts, the open problems
// (storage/outbox.h) and `now`; the outbox makes delivery at-least-once.
//
// Safety: web-derived text (reasons, URLs, titles) only goes into message
// bodies, made one-line and control-free; the only header carrying text is the
// Subject, CR/LF-free, capped and RFC 2047 encoded. Addresses are validated
// here because libcurl 7.88 does not reject CR/LF in envelope addresses.
// Webhooks: no redirects, timeouts, a response cap and the crawler's SSRF
// address guard. Pure functions are thread-safe; senders are thread-compatible.
#ifndef OITWATCH_REPORTS_ALERT_H_
#define OITWATCH_REPORTS_ALERT_H_

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "reports/alert_message.h"  // ComposeMessage, BuildEmail, ...
#include "rules/evidence.h"
#include "storage/outbox.h"

namespace oitwatch {

enum class AlertKind {
  kLost,         // pass -> partial/stale/missing
  kBroken,       // the evidence link now fails
  kRecovered,    // an open problem is back to pass (info)
  kUnreachable,  // the site was unchecked N runs in a row
  kReachable,    // an unreachable site could be checked again (info)
};
const char* AlertKindName(AlertKind kind);  // "lost", "broken", ...

struct AlertEvent {
  AlertKind kind = AlertKind::kLost;
  std::string site_id, site_name, site_url;
  std::string item_id, item_title;  // "" for site events
  std::string before, after;        // ItemStatusName()s; "" if unknown
  std::string evidence_url;
  std::string reason;               // the verdict's reason (may quote the web)
  int64_t run_id = 0;
  std::string as_of;
  std::string fingerprint;          // site|item|event|evidence URL|status
};

struct AlertPolicy {
  int renotify_days = 7;       // re-send a standing problem after this long
  int unreachable_nights = 3;  // unchecked runs in a row before an alert
  bool recovered = true;       // also tell when a problem ended
};

// What is known about one site at the end of its crawl.
struct SiteAlertInput {
  std::string site_id, site_name, site_url;
  int64_t run_id = 0;
  std::string as_of;
  bool checked = true;           // false: unreachable tonight
  int unchecked_nights = 0;      // runs in a row unchecked, tonight included
  // previous: each item as it stood the last time it was judged (not
  // unchecked) in an earlier run that checked the site; items never judged
  // before are absent. current: tonight's verdicts.
  std::vector<ItemVerdict> previous, current;
  std::vector<AlertStateRow> open;  // the site's open problems
};

struct AlertDecision {
  std::vector<AlertEvent> events;
  std::vector<AlertStateRow> upserts;
  std::vector<std::string> closed_items;
};

// The events to send tonight and the alert_state changes. An item that is
// unchecked tonight is never an event; a problem already notified with the
// same fingerprint is repeated only after policy.renotify_days.
AlertDecision DecideAlerts(const SiteAlertInput& in, const AlertPolicy& policy,
                           std::time_t now);

enum class DigestPeriod { kNone, kDaily, kWeekly };
bool ParseDigestPeriod(const std::string& name, DigestPeriod* period);
// The outbox digest key and the earliest send time for events queued at
// `now`: none = "" and now; daily/weekly = the Bangkok day/ISO week and its
// end (UTC+7).
void DigestWindow(DigestPeriod period, std::time_t now, std::string* key,
                  int64_t* send_after);

std::string EventsToJson(const std::vector<AlertEvent>& events);
bool EventsFromJson(const std::string& json, std::vector<AlertEvent>* events,
                    std::string* err);

struct SmtpOptions {
  std::string url;       // smtp://host:587 or smtps://host:465
  std::string user;      // "" = no AUTH
  std::string password;  // read from a file, never from the command line
  std::string from;      // envelope and From: address
  std::string tls = "starttls";  // smtp://: "starttls" (required), "try", "none"
  long connect_timeout_ms = 10000;
  long timeout_ms = 60000;
};

// Sends one message to one recipient. False with a message (server reply
// or curl error, never the password) on any failure.
bool SendEmail(const SmtpOptions& options, const std::string& to,
               const std::string& message, std::string* err);

struct WebhookOptions {
  std::vector<std::string> allow_addresses;  // IPs or IPv4 CIDRs let through
  long connect_timeout_ms = 10000;
  long timeout_ms = 60000;
  size_t max_response_bytes = 64u << 10;
};

// POSTs `json` to an http(s) URL; success = a 2xx answer. Redirects are not
// followed (a 3xx is a failure), non-public addresses are refused unless
// allow-listed.
bool PostWebhook(const WebhookOptions& options, const std::string& url,
                 const std::string& json, std::string* err);

}  // namespace oitwatch

#endif  // OITWATCH_REPORTS_ALERT_H_
