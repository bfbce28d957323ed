// oitwatch: checks Thai public agency websites for the ITA OIT disclosure
// items. A command table over the four libraries; every command returns a
// named exit code (app/commands.h) and main never calls exit() midway.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/commands.h"
#include "app/explain.h"
#include "app/verify.h"

namespace {

const char kExitCodes[] =
    "Exit codes: 0 ok | 1 error (database, disk) | 2 bad usage or invalid "
    "sites/rules file | 3 another run holds the lock | 4 run finished but "
    "some sites could not be checked | 5 run stopped by the watchdog";

void AddRunFlags(CLI::App* run, oitwatch::RunOptions* o) {
  run->add_option("--sites", o->sites,
                  "YAML list of sites (default: config/bma-districts.yaml)");
  run->add_option("--rules", o->rules,
                  "rule set YAML (default: config/rules/bma-district-<FY>.yaml)");
  run->add_option("--overrides", o->overrides,
                  "the committee's overrides YAML: pinned URLs per item (checked "
                  "every run) and items marked not applicable");
  run->add_option("--db", o->db, "SQLite database file")->capture_default_str();
  run->add_option("--fiscal-year", o->fiscal_year,
                  "assessed fiscal year, Buddhist era, e.g. 2568 (default: the "
                  "FY containing --as-of)");
  run->add_option("--as-of", o->as_of,
                  "judge as of this date, YYYY-MM-DD (default: today, Bangkok)");
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
  run->add_option("--allow-address", o->allow_addresses,
                  "let the crawler connect to this private/loopback IP or CIDR "
                  "(tests, intranets); repeatable");
  run->add_option("--resolve", o->resolve,
                  "HOST:PORT:ADDRESS, like curl --resolve; repeatable");
  run->add_option("--format", o->format,
                  "report printed at the end: text, json, csv or none")
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
                     "write to this file (atomically) instead of stdout");
}

void AddVerifyFlags(CLI::App* verify, oitwatch::VerifyOptions* o) {
  verify->add_option("--site", o->site, "site id, e.g. laksi")->required();
  verify->add_option("--submissions", o->submissions,
                     "CSV with header item,url: the URLs you plan to submit")
      ->required();
  verify->add_option("--sites", o->sites,
                     "YAML list of sites (default: config/bma-districts.yaml)");
  verify->add_option("--rules", o->rules,
                     "rule set YAML (default: config/rules/bma-district-<FY>.yaml)");
  verify->add_option("--as-of", o->as_of,
                     "judge as of this date, YYYY-MM-DD (default: today, Bangkok)");
  verify->add_option("--fiscal-year", o->fiscal_year,
                     "assessed fiscal year, Buddhist era (default: the FY "
                     "containing --as-of)");
  verify->add_option("--allow-address", o->allow_addresses,
                     "let the check connect to this private/loopback IP or "
                     "CIDR; repeatable");
  verify->add_option("--resolve", o->resolve,
                     "HOST:PORT:ADDRESS, like curl --resolve; repeatable");
  verify->add_option("--timeout-ms", o->timeout_ms,
                     "per-URL transfer timeout (documents get 5x)")
      ->capture_default_str()->check(CLI::Range(100L, 3600000L));
  verify->footer(
      "Exit codes: 0 every submitted item is fine | 2 bad usage, or an invalid "
      "CSV, sites or rules file | 4 some item has a problem");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "oitwatch - checks Thai public agency websites for the ITA OIT "
      "disclosure items (O1-O22 for Bangkok's 50 district offices) and "
      "reports which are missing, stale, partial or broken.\n\n"
      "  oitwatch run                      crawl the shipped 50 districts\n"
      "  oitwatch run --as-of 2025-04-10   judge as on that day (FY2568)\n"
      "  oitwatch report --format json     the newest run as JSON\n"
      "  oitwatch rules check config/rules/bma-district-2568.yaml",
      "oitwatch"};
  app.footer(kExitCodes);
  app.require_subcommand(1);
  // Defaults for every flag can come from a TOML/INI file, so that the
  // nightly timer's command line stays short: `[run]` db = "/var/lib/...".
  app.set_config("--config", "", "TOML/INI file with defaults for the flags "
                 "(sections [run], [report]); see deploy/oitwatch.toml");
  app.set_version_flag("--version", "oitwatch 0.1.0");

  oitwatch::RunOptions run_options;
  CLI::App* run = app.add_subcommand(
      "run", "crawl every site, judge O1-O22, store the evidence, print the report");
  AddRunFlags(run, &run_options);
  AddAlertFlags(run, &run_options.alerts, true);
  run->footer(kExitCodes);

  oitwatch::ReportOptions report_options;
  CLI::App* report =
      app.add_subcommand("report", "print the report of a stored run");
  AddReportFlags(report, &report_options);

  std::vector<std::string> rule_files;
  CLI::App* rules = app.add_subcommand("rules", "work with rule sets");
  rules->require_subcommand(1);
  CLI::App* check = rules->add_subcommand(
      "check", "validate rule files: patterns compile, ids unique, fields known");
  check->add_option("files", rule_files, "rule YAML files")->required();

  oitwatch::ExplainOptions explain_options;
  CLI::App* explain = app.add_subcommand(
      "explain", "show the chain a verdict rests on: page -> link -> document "
                 "-> matched text -> date -> verdict");
  explain->add_option("--db", explain_options.db, "SQLite database file")
      ->capture_default_str();
  explain->add_option("--run", explain_options.run,
                      "run id (default: newest finished run)");
  explain->add_option("--site", explain_options.site, "site id, e.g. laksi")
      ->required();
  explain->add_option("--item", explain_options.item, "item id, e.g. O15")
      ->required();

  oitwatch::VerifyOptions verify_options;
  CLI::App* verify = app.add_subcommand(
      "verify", "check the item,url pairs you plan to submit: reachable, on "
                "the office's site, matching the item, current (exit 4 if not)");
  AddVerifyFlags(verify, &verify_options);

  oitwatch::AlertOptions send_options;
  std::string alerts_db = "oitwatch.db";
  int alerts_limit = 50;
  CLI::App* alerts = app.add_subcommand("alerts", "the alert outbox");
  alerts->require_subcommand(1);
  CLI::App* alerts_send = alerts->add_subcommand(
      "send", "deliver the pending alerts of the outbox (exit 1 if any failed)");
  alerts_send->add_option("--db", alerts_db, "SQLite database file")
      ->capture_default_str();
  AddAlertFlags(alerts_send, &send_options, false);
  CLI::App* alerts_list =
      alerts->add_subcommand("list", "show the newest outbox rows");
  alerts_list->add_option("--db", alerts_db, "SQLite database file")
      ->capture_default_str();
  alerts_list->add_option("--limit", alerts_limit, "rows")->capture_default_str();

  std::string runs_db = "oitwatch.db";
  CLI::App* runs = app.add_subcommand("runs", "list the runs in a database");
  runs->add_option("--db", runs_db, "SQLite database file")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? oitwatch::kExitOk : oitwatch::kExitUsage;
  }
  if (*run) return oitwatch::RunCommand(run_options);
  if (*report) return oitwatch::ReportCommand(report_options);
  if (*check) return oitwatch::RulesCheckCommand(rule_files);
  if (*runs) return oitwatch::RunsCommand(runs_db);
  if (*alerts_send) return oitwatch::AlertsSendCommand(send_options, alerts_db);
  if (*alerts_list) return oitwatch::AlertsListCommand(alerts_db, alerts_limit);
  if (*verify) return oitwatch::VerifyCommand(verify_options);
  if (*explain) return oitwatch::ExplainCommand(explain_options);
  return oitwatch::kExitUsage;
}
