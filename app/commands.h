// The subcommands of the `oitwatch` tool, as plain functions over plain option
// structs (main.cc parses flags into them). Each returns a named exit code.
#ifndef OITWATCH_APP_COMMANDS_H_
#define OITWATCH_APP_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "app/alerts_cmd.h"
#include "rules/pdf_sandbox.h"

namespace oitwatch {

// Exit codes, documented in --help and the README (a monitor reads them).
enum ExitCode {
  kExitOk = 0,             // done; every site and item could be checked
  kExitError = 1,          // our own failure: database, disk, I/O
  kExitUsage = 2,          // bad flags, or a sites/rules file that is invalid
  kExitLocked = 3,         // another run holds the lock on this database
  kExitSitesUnchecked = 4, // run finished, but some sites or items could not
                           // be checked
  kExitTimedOut = 5,       // the run watchdog stopped the crawl (partial run)
};

struct RunOptions {
  std::string sites;         // "" = config/bma-districts.yaml
  std::string rules;         // "" = config/rules/bma-district-<FY>.yaml
  std::string overrides;     // "" = none; the committee's overrides YAML
  std::string db = "oitwatch.db";
  int fiscal_year = 0;       // 0 = the FY containing as_of
  std::string as_of;         // "" = today (Asia/Bangkok)
  long host_delay_ms = 1000;
  int host_connections = 1;
  int max_requests_per_site = 432;
  int max_pages_per_site = 300;
  int max_depth = 8;
  long timeout_ms = 60000;
  long connect_timeout_ms = 10000;
  int max_run_minutes = 420;
  int parse_threads = -1;    // helpers reading bodies; -1 = cores - 1, <= 3
  std::vector<std::string> allow_addresses;  // SSRF guard allow-list
  std::vector<int> allow_ports;  // redirect ports beyond 80/443 (A24)
  std::string ca_file;           // CA bundle instead of the system's; "" = it
  std::vector<std::string> resolve;          // host:port:address
  std::string format = "text";  // report printed at the end: text|json|csv|none
  bool quiet = false;           // no progress lines
  AlertOptions alerts;          // e-mail/webhook alerts (app/alerts_cmd.h)
  PdfSandboxOptions pdf;        // --pdf-timeout-ms, --pdf-memory-mb
};

struct ReportOptions {
  std::string db = "oitwatch.db";
  int64_t run = 0;              // 0 = the newest finished run
  std::string format = "text";
  std::string site;             // "" = all sites
  std::string out;              // "" = stdout
};

int RunCommand(const RunOptions& options);
int ReportCommand(const ReportOptions& options);
int RulesCheckCommand(const std::vector<std::string>& files);
int RunsCommand(const std::string& db);

// True if `db` exists; else prints "WHO: no database at DB (...)" on stderr
// and returns false, so that a reading command never creates an empty one.
bool DatabaseExists(const char* who, const std::string& db);

// Finds a shipped data file (e.g. "config/bma-districts.yaml") in the
// current directory, then beside the executable (../ and ../share/oitwatch/).
// Returns "" if not found.
std::string FindDataFile(const std::string& relative);

}  // namespace oitwatch

#endif  // OITWATCH_APP_COMMANDS_H_
