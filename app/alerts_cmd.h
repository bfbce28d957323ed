// The alert side of `oitwatch run` (detect -> outbox -> send) and the
// `oitwatch alerts send|list` commands. Alert failures never fail the crawl:
// they are counted and printed in one summary line on stderr, and the rows
// stay pending in the outbox for the next `oitwatch alerts send`.
// Not thread-safe: used on the run's thread.
#ifndef OITWATCH_APP_ALERTS_CMD_H_
#define OITWATCH_APP_ALERTS_CMD_H_

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "crawler/site.h"
#include "reports/alert.h"
#include "storage/outbox.h"
#include "storage/store.h"

namespace oitwatch {

struct PipelineOptions;

struct AlertOptions {
  std::string smtp_url;            // smtp://host:587 or smtps://host:465; "" = no e-mail
  std::string smtp_user;           // "" = no SMTP AUTH
  std::string smtp_password_file;  // first line is the password
  std::string smtp_tls = "starttls";  // smtp://: starttls (required) | try | none
  std::string mail_from;           // sender address, required with smtp_url
  std::vector<std::string> webhooks;         // http(s) URLs
  std::vector<std::string> webhook_formats;  // one for all, or one per URL
  std::vector<std::string> webhook_allow;    // non-public IPs/CIDRs allowed
  std::string digest = "none";     // none | daily | weekly
  bool no_alerts = false;          // record and send nothing
  int renotify_days = 7;           // re-send a standing problem after this
  int unreachable_nights = 3;      // unchecked runs in a row -> one alert
  int max_attempts = 10;           // then the row is marked failed
  long connect_timeout_ms = 10000;
  long timeout_ms = 60000;
};

// Checks the flags (digest, formats, URLs, addresses, password file). False
// with a message naming the flag.
bool ValidateAlertOptions(const AlertOptions& options, std::string* err);

// One run's alerts. Start, Attach to the pipeline, then Deliver after the run
// is finished.
class AlertSession {
 public:
  // REQUIRES: ValidateAlertOptions passed; store and sites outlive this.
  AlertSession(const AlertOptions& options, const std::string& db,
               Store* store, int64_t run_id, const std::string& as_of,
               const std::vector<Site>& sites);
  ~AlertSession();
  AlertSession(const AlertSession&) = delete;
  AlertSession& operator=(const AlertSession&) = delete;

  // Chains popt->on_site_done: after each site's verdicts are saved, its
  // events are written to the outbox in one transaction.
  void Attach(PipelineOptions* popt);
  // Sends what is due and prints the summary line (if anything happened).
  void Deliver();

 private:
  void RecordSite(const SiteRunInfo& info,
                  const std::vector<ItemVerdict>& verdicts);
  std::vector<OutboxMessage> Messages(const Site& site,
                                      const std::vector<AlertEvent>& events);

  AlertOptions options_;
  std::string db_;
  Store* store_;
  int64_t run_id_;
  std::string as_of_;
  const std::vector<Site>& sites_;
  std::unique_ptr<Outbox> outbox_;
  int queued_ = 0;
  std::vector<std::string> errors_;
};

int AlertsSendCommand(const AlertOptions& options, const std::string& db);
int AlertsListCommand(const std::string& db, int limit);

}  // namespace oitwatch

#endif  // OITWATCH_APP_ALERTS_CMD_H_
