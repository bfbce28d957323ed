// oitwatch: checks Thai public agency websites for the ITA OIT disclosure
// items. A command table over the four libraries; every command returns a
// named exit code (app/commands.h) and main never calls exit() midway.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstring>
#include <sstream>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/explain.h"
#include "app/verify.h"
#include "crawler/address_guard.h"
#include "rules/pdf_worker.h"

namespace {

const char kExitCodes[] =
    "Exit codes: 0 ok | 1 error (database, disk) | 2 bad usage or invalid "
    "sites/rules file | 3 another run holds the lock | 4 run finished but "
    "some sites or items could not be checked | 5 run stopped by the "
    "watchdog";

// --as-of: given, it is a day (an empty value used to mean today), and of
// the Common Era: 2568-04-10 parsed as the year 2568 CE and judged every
// document 543 years old.
CLI::Validator CommonEraDate() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (value.empty()) return "expected YYYY-MM-DD (Common Era), got ''";
        int year = 0;
        const auto [stop, ec] =
            std::from_chars(value.data(), value.data() + value.size(), year);
        if (ec == std::errc() && stop - value.data() == 4 && year > 2400) {
          return "'" + value + "' looks like a Buddhist-era year: give the " +
                 "Common Era date (" + std::to_string(year - 543) +
                 value.substr(4) + ")";
        }
        return "";
      },
      "YYYY-MM-DD");
}

// Flags `run` and `verify` share: the sites and rules files, and the fiscal
// year and day judged. `Options` is RunOptions or VerifyOptions.
template <typename Options>
void AddJudgeFlags(CLI::App* cmd, Options* o) {
  cmd->add_option("--sites", o->sites,
                  "YAML list of sites (default: config/bma-districts.yaml)");
  cmd->add_option("--rules", o->rules,
                  "rule set YAML (default: config/rules/bma-district-<FY>.yaml)");
  cmd->add_option("--fiscal-year", o->fiscal_year,
                  "assessed fiscal year, Buddhist era, e.g. 2568 (default: the "
                  "FY containing --as-of)");
  cmd->add_option("--as-of", o->as_of,
                  "judge as of this date, YYYY-MM-DD (default: today, Bangkok)")
      ->check(CommonEraDate());
}

bool IsPort(const std::string& text) {
  int port = 0;
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, port);
  return ec == std::errc() && stop == end && port >= 1 && port <= 65535;
}

// A TCP port, 1-65535, named as such in the error (CLI11's Range would call
// "abc" out of range).
CLI::Validator PortNumber() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (!IsPort(value))
          return "expected a port number 1-65535, got '" + value + "'";
        return "";
      },
      "PORT");
}

// An IPv4 or IPv6 address, the latter with or without [brackets].
bool IsIpAddress(std::string text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

// --resolve HOST:PORT:ADDRESS[,ADDRESS...] (curl's form, '+' prefix too),
// checked at parse time: a bad entry used to fail only in the fetcher,
// after the run was recorded, or (a port > 65535) pass and leave every
// site unchecked.
CLI::Validator ResolveEntry() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const std::string bad =
            "expected HOST:PORT:ADDRESS (port 1-65535, IP addresses), got '" +
            value + "'";
        const size_t a = value.find(':');
        const size_t b = a == std::string::npos ? a : value.find(':', a + 1);
        if (b == std::string::npos) return bad;
        std::string host = value.substr(0, a);
        if (!host.empty() && host[0] == '+') host.erase(0, 1);
        if (host.empty() || host.find_first_of(" \t\r\n") != std::string::npos ||
            !IsPort(value.substr(a + 1, b - a - 1))) {
          return bad;
        }
        std::stringstream addresses(value.substr(b + 1));
        std::string address;
        int count = 0;
        while (std::getline(addresses, address, ',')) {
          if (!IsIpAddress(address)) return bad;
          ++count;
        }
        return count > 0 ? "" : bad;
      },
      "HOST:PORT:ADDRESS");
}

// --allow-address: what the fetcher's AddressGuard accepts.
CLI::Validator AddressOrCidr() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        oitwatch::AddressGuard guard;
        std::string err;
        return guard.Allow(value, &err) ? "" : err;
      },
      "IP|CIDR");
}

// How `run` and `verify` reach the sites: the SSRF guard's address and
// redirect-port allow-lists, fixed DNS answers and the CAs trusted. `who` names what connects ("crawler", "check").
template <typename Options>
void AddReachFlags(CLI::App* cmd, Options* o, const std::string& who) {
  cmd->add_option("--allow-address", o->allow_addresses,
                  "let the " + who + " connect to this private/loopback IP or "
                  "CIDR (tests, intranets); repeatable")
      ->check(AddressOrCidr());
  cmd->add_option("--resolve", o->resolve,
                  "HOST:PORT:ADDRESS, like curl --resolve; repeatable")
      ->check(ResolveEntry());
  cmd->add_option("--allow-port", o->allow_ports,
                  "let a redirect lead to this port too, e.g. 8080 for an "
                  "intranet site whose pages send visitors to :8080. Without "
                  "it only 80, 443 and the ports of the sites' own URLs are "
                  "followed; a redirect to any other port (:25 mail, :6379 "
                  "Redis) is refused and recorded. Repeatable")
      ->check(PortNumber());
  cmd->add_option("--ca-file", o->ca_file,
                  "PEM bundle of the CAs to trust instead of the system's "
                  "(an intranet's own CA, tests); certificates are always "
                  "verified")
      ->check(CLI::ExistingFile);
}

// How `run` and `verify` read PDFs: in a worker process under a deadline
// and a memory limit (rules/pdf_sandbox.h).
void AddPdfFlags(CLI::App* cmd, oitwatch::PdfSandboxOptions* o) {
  cmd->add_option("--pdf-timeout-ms", o->timeout_ms,
                  "time to read one PDF; a slower one is unchecked")
      ->capture_default_str()->check(CLI::Range(100, 3600000));
  cmd->add_option("--pdf-memory-mb", o->memory_mb,
                  "memory to read one PDF in; a PDF that needs more is "
                  "unchecked")
      ->capture_default_str()->check(CLI::Range(128, 1 << 20));
}

void AddRunFlags(CLI::App* run, oitwatch::RunOptions* o) {
  AddJudgeFlags(run, o);
  run->add_option("--overrides", o->overrides,
                  "the committee's overrides YAML: pinned URLs per item (checked "
                  "every run) and items marked not applicable");
  run->add_option("--db", o->db, "SQLite database file")->capture_default_str();
  run->add_option("--host-delay-ms", o->host_delay_ms,
                  "minimum gap between two requests to one host")
      ->capture_default_str()->check(CLI::Range(0L, 600000L));
  run->add_option("--host-connections", o->host_connections,
                  "concurrent connections per host (all 50 districts share one)")
      ->capture_default_str()->check(CLI::Range(1, 16));
  run->add_option("--max-requests-per-site", o->max_requests_per_site,
                  "request budget per site (432 = 50 sites in 6 h at 1 req/s)")
      ->capture_default_str()->check(CLI::Range(1, 1000000));
  run->add_option("--max-pages-per-site", o->max_pages_per_site,
                  "HTML pages per site")->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  run->add_option("--max-depth", o->max_depth, "link hops from the start URL")
      ->capture_default_str()->check(CLI::Range(0, 50));
  run->add_option("--timeout-ms", o->timeout_ms,
                  "per-page transfer timeout (documents get 5x)")
      ->capture_default_str()->check(CLI::Range(100L, 3600000L));
  run->add_option("--connect-timeout-ms", o->connect_timeout_ms,
                  "TCP+TLS connect timeout")->capture_default_str()
      ->check(CLI::Range(100L, 600000L));
  run->add_option("--max-run-minutes", o->max_run_minutes,
                  "watchdog: stop the whole run after this long")
      ->capture_default_str()->check(CLI::Range(1, 10080));
  run->add_option("--parse-threads", o->parse_threads,
                  "threads that help read (parse, match, date) each batch of "
                  "pages; -1 = one per core beyond the first, at most 3; 0 = "
                  "none (results are the same either way)")
      ->capture_default_str()->check(CLI::Range(-1, 16));
  AddReachFlags(run, o, "crawler");
  AddPdfFlags(run, &o->pdf);
  run->add_option("--format", o->format,
                  "report printed at the end: text, json, csv, sheet or none "
                  "(checked before the crawl)")
      ->capture_default_str();
  run->add_flag("--quiet", o->quiet, "no per-site progress lines on stderr");
}

// Alert flags of `run` (all of them) and `alerts send` (delivery only).
void AddAlertFlags(CLI::App* cmd, oitwatch::AlertOptions* o, bool run) {
  cmd->add_option("--smtp-url", o->smtp_url,
                  "send e-mail alerts via smtp://HOST:587 (STARTTLS) or "
                  "smtps://HOST:465");
  cmd->add_option("--smtp-user", o->smtp_user, "SMTP AUTH user name");
  cmd->add_option("--smtp-password-file", o->smtp_password_file,
                  "file whose first line is the SMTP password (never pass the "
                  "password itself on the command line)");
  cmd->add_option("--smtp-tls", o->smtp_tls,
                  "for smtp://: starttls (required), try, or none (loopback "
                  "relays only)")->capture_default_str();
  cmd->add_option("--mail-from", o->mail_from, "sender address of alert e-mails");
  cmd->add_option("--webhook-allow-address", o->webhook_allow,
                  "let webhooks connect to this private/loopback IP or IPv4 "
                  "CIDR; repeatable");
  cmd->add_option("--alert-timeout-ms", o->timeout_ms,
                  "give up on one alert's delivery after this long; after 2 "
                  "failures in a row on one SMTP server or webhook, its other "
                  "alerts wait for the next send")
      ->capture_default_str()->check(CLI::Range(1000, 600000));
  if (!run) return;
  cmd->add_option("--webhook", o->webhooks,
                  "POST alerts to this http(s) URL; repeatable");
  cmd->add_option("--webhook-format", o->webhook_formats,
                  "slack, teams, gchat or json: one for all --webhook URLs, or "
                  "one per URL (default json)");
  cmd->add_option("--alert-digest", o->digest,
                  "none (one message per site per run), daily or weekly "
                  "(one message per site per Bangkok day/week)")
      ->capture_default_str();
  cmd->add_option("--alert-renotify-days", o->renotify_days,
                  "repeat a standing problem after this many days")
      ->capture_default_str()->check(CLI::Range(1, 3650));
  cmd->add_option("--alert-unreachable-runs", o->unreachable_nights,
                  "runs in a row a site must be unchecked before one alert")
      ->capture_default_str()->check(CLI::Range(1, 365));
  cmd->add_flag("--no-alerts", o->no_alerts, "record and send no alerts");
}

void AddReportFlags(CLI::App* report, oitwatch::ReportOptions* o) {
  report->add_option("--db", o->db, "SQLite database file")->capture_default_str();
  report->add_option("--run", o->run, "run id (default: newest finished run)");
  report->add_option("--format", o->format,
                     "text, json, csv, sheet (OIT submission sheet, CSV) or "
                     "html (a directory: needs --out DIR)")
      ->capture_default_str();
  report->add_option("--site", o->site, "only this site id, e.g. laksi");
  report->add_option("--out", o->out,
                     "write to this file (atomically) instead of stdout; a "
                     "device, FIFO, directory or symlink already there is "
                     "refused, not replaced");
}

void AddVerifyFlags(CLI::App* verify, oitwatch::VerifyOptions* o) {
  verify->add_option("--site", o->site, "site id, e.g. laksi")->required();
  verify->add_option("--submissions", o->submissions,
                     "CSV with header item,url: the URLs you plan to submit")
      ->required();
  AddJudgeFlags(verify, o);
  AddReachFlags(verify, o, "check");
  AddPdfFlags(verify, &o->pdf);
  verify->add_option("--timeout-ms", o->timeout_ms,
                     "per-URL transfer timeout (documents get 5x)")
      ->capture_default_str()->check(CLI::Range(100L, 3600000L));
  verify->footer(
      "Exit codes: 0 every submitted item is fine | 2 bad usage, or an invalid "
      "CSV, sites or rules file | 4 some item has a problem");
}

// Each command's options and its CLI11 subcommand (which one ran is known
// after parsing).
struct Cli {
  oitwatch::RunOptions run_options;
  CLI::App* run = nullptr;
  oitwatch::ReportOptions report_options;
  CLI::App* report = nullptr;
  std::vector<std::string> rule_files;
  CLI::App* check = nullptr;
  oitwatch::ExplainOptions explain_options;
  CLI::App* explain = nullptr;
  oitwatch::VerifyOptions verify_options;
  CLI::App* verify = nullptr;
  oitwatch::AlertOptions send_options;
  std::string alerts_db = "oitwatch.db";
  int alerts_limit = 50;
  CLI::App* alerts_send = nullptr;
  CLI::App* alerts_list = nullptr;
  std::string runs_db = "oitwatch.db";
  CLI::App* runs = nullptr;
};

const char kDescription[] =
    "oitwatch - checks Thai public agency websites for the ITA OIT "
    "disclosure items (O1-O22 for Bangkok's 50 district offices) and "
    "reports which are missing, stale, partial or broken.\n\n"
    "  oitwatch run                      crawl the shipped 50 districts\n"
    "  oitwatch run --as-of 2025-04-10   judge as on that day (FY2568)\n"
    "  oitwatch report --format json     the newest run as JSON\n"
    "  oitwatch rules check config/rules/bma-district-2568.yaml";

void SetUpTop(CLI::App* app) {
  app->footer(kExitCodes);
  app->require_subcommand(1);
  // Defaults for every flag can come from a TOML/INI file, so that the
  // nightly timer's command line stays short: `[run]` db = "/var/lib/...".
  app->set_config("--config", "", "TOML/INI file with defaults for the flags "
                  "(sections [run], [report]); see deploy/oitwatch.toml");
  // A key that names no flag (a typo, a broken [section line) is an error,
  // not a silently ignored default. Set before the subcommands are added:
  // they copy it when created.
  app->allow_config_extras(CLI::config_extras_mode::error);
  app->set_version_flag("--version", "oitwatch 0.1.0");
}

void AddRunAndReport(CLI::App* app, Cli* cli) {
  cli->run = app->add_subcommand(
      "run", "crawl every site, judge O1-O22, store the evidence, print the report");
  AddRunFlags(cli->run, &cli->run_options);
  AddAlertFlags(cli->run, &cli->run_options.alerts, true);
  cli->run->footer(kExitCodes);
  cli->report =
      app->add_subcommand("report", "print the report of a stored run");
  AddReportFlags(cli->report, &cli->report_options);
}

void AddRulesAndExplain(CLI::App* app, Cli* cli) {
  CLI::App* rules = app->add_subcommand("rules", "work with rule sets");
  rules->require_subcommand(1);
  cli->check = rules->add_subcommand(
      "check", "validate rule files: patterns compile, ids unique, fields known");
  cli->check->add_option("files", cli->rule_files, "rule YAML files")
      ->required();
  oitwatch::ExplainOptions& o = cli->explain_options;
  CLI::App* explain = cli->explain = app->add_subcommand(
      "explain", "show the chain a verdict rests on: page -> link -> document "
                 "-> matched text -> date -> verdict");
  explain->add_option("--db", o.db, "SQLite database file")
      ->capture_default_str();
  explain->add_option("--run", o.run, "run id (default: newest finished run)");
  explain->add_option("--site", o.site, "site id, e.g. laksi")->required();
  explain->add_option("--item", o.item, "item id, e.g. O15")->required();
}

void AddVerify(CLI::App* app, Cli* cli) {
  cli->verify = app->add_subcommand(
      "verify", "check the item,url pairs you plan to submit: reachable, on "
                "the office's site, matching the item, current (exit 4 if not)");
  AddVerifyFlags(cli->verify, &cli->verify_options);
}

void AddAlertsAndRuns(CLI::App* app, Cli* cli) {
  CLI::App* alerts = app->add_subcommand("alerts", "the alert outbox");
  alerts->require_subcommand(1);
  cli->alerts_send = alerts->add_subcommand(
      "send", "deliver the pending alerts of the outbox (exit 1 if any failed)");
  cli->alerts_send->add_option("--db", cli->alerts_db, "SQLite database file")
      ->capture_default_str();
  AddAlertFlags(cli->alerts_send, &cli->send_options, false);
  cli->alerts_list =
      alerts->add_subcommand("list", "show the newest outbox rows");
  cli->alerts_list->add_option("--db", cli->alerts_db, "SQLite database file")
      ->capture_default_str();
  cli->alerts_list->add_option("--limit", cli->alerts_limit, "rows")
      ->capture_default_str();
  cli->runs = app->add_subcommand("runs", "list the runs in a database");
  cli->runs->add_option("--db", cli->runs_db, "SQLite database file")
      ->capture_default_str();
}

// Runs the command that was parsed; returns its exit code.
int Dispatch(const Cli& cli) {
  if (*cli.run) return oitwatch::RunCommand(cli.run_options);
  if (*cli.report) return oitwatch::ReportCommand(cli.report_options);
  if (*cli.check) return oitwatch::RulesCheckCommand(cli.rule_files);
  if (*cli.runs) return oitwatch::RunsCommand(cli.runs_db);
  if (*cli.alerts_send) {
    return oitwatch::AlertsSendCommand(cli.send_options, cli.alerts_db);
  }
  if (*cli.alerts_list) {
    return oitwatch::AlertsListCommand(cli.alerts_db, cli.alerts_limit);
  }
  if (*cli.verify) return oitwatch::VerifyCommand(cli.verify_options);
  if (*cli.explain) return oitwatch::ExplainCommand(cli.explain_options);
  return oitwatch::kExitUsage;
}

// `run` and `report` check their own report (app/commands.cc); this catches
// every other command whose output was lost (full disk, closed pipe with
// SIGPIPE ignored) so that it does not exit 0.
int CheckStdout(const CLI::App& app, int rc) {
  std::cout.flush();
  if (std::cout || rc != oitwatch::kExitOk) return rc;
  std::string name = "oitwatch";
  for (const CLI::App* cmd = &app; !cmd->get_subcommands().empty();) {
    cmd = cmd->get_subcommands().front();
    name += " " + cmd->get_name();
  }
  std::cerr << name << ": cannot write to standard output\n";
  return oitwatch::kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  // The PDF worker (rules/pdf_worker.h) is no command of the CLI.
  if (argc > 1 && std::strcmp(argv[1], oitwatch::kPdfWorkerCommand) == 0)
    return oitwatch::PdfWorkerMain(argc, argv);
  CLI::App app{kDescription, "oitwatch"};
  SetUpTop(&app);
  Cli cli;
  AddRunAndReport(&app, &cli);
  AddRulesAndExplain(&app, &cli);
  AddVerify(&app, &cli);
  AddAlertsAndRuns(&app, &cli);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? oitwatch::kExitOk : oitwatch::kExitUsage;
  }
  return CheckStdout(app, Dispatch(cli));
}
