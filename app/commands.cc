#include "app/commands.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/parse_pool.h"
#include "app/pipeline.h"
#include "app/progress.h"
#include "crawler/crawl.h"
#include "crawler/site.h"
#include "crawler/url.h"
#include "reports/alert_message.h"
#include "reports/html.h"
#include "reports/output_file.h"
#include "reports/render.h"
#include "reports/report.h"
#include "rules/evidence.h"
#include "rules/matcher.h"
#include "rules/overrides.h"
#include "rules/rule_set.h"
#include "rules/thai_date.h"
#include "storage/store.h"

namespace oitwatch {
namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop = true; }

// Today's date in Asia/Bangkok (UTC+7, no daylight saving).
void TodayInBangkok(int* y, int* m, int* d) {
  std::time_t t = std::time(nullptr) + 7 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  *y = tm.tm_year + 1900;
  *m = tm.tm_mon + 1;
  *d = tm.tm_mday;
}

std::string IsoDate(int y, int m, int d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

// Holds an exclusive flock on "<db>.lock" for the life of the object; the
// kernel drops it when the process dies, so a kill -9 leaves no stale lock.
class RunLock {
 public:
  // False with *err when another process holds the lock (*held = true) or
  // the lock file cannot be opened at all (*held = false: a read-only or
  // missing directory, ...), which is our own failure, not a busy database.
  bool Acquire(const std::string& path, bool* held, std::string* err) {
    *held = false;
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      *err = "cannot open lock file " + path + ": " + std::strerror(errno);
      return false;
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      *held = true;
      char pid[32] = {0};
      ssize_t n = ::pread(fd_, pid, sizeof pid - 1, 0);
      *err = "another oitwatch run is in progress on this database (lock " +
             path + (n > 0 ? ", pid " + std::string(pid, n) : "") + ")";
      return false;
    }
    std::string me = std::to_string(::getpid());
    if (::ftruncate(fd_, 0) == 0) {
      ssize_t w = ::pwrite(fd_, me.data(), me.size(), 0);
      (void)w;
    }
    return true;
  }
  ~RunLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_ = -1;
};

std::string OptionsJson(const RunOptions& o, const std::string& sites,
                        const std::string& rules) {
  nlohmann::json j = {{"sites", sites},
                      {"rules", rules},
                      {"host_delay_ms", o.host_delay_ms},
                      {"host_connections", o.host_connections},
                      {"max_requests_per_site", o.max_requests_per_site},
                      {"max_pages_per_site", o.max_pages_per_site},
                      {"max_depth", o.max_depth},
                      {"timeout_ms", o.timeout_ms},
                      {"max_run_minutes", o.max_run_minutes}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

CrawlConfig MakeCrawlConfig(const RunOptions& o) {
  CrawlConfig c;
  c.fetcher.page_timeout_ms = o.timeout_ms;
  c.fetcher.document_timeout_ms = std::max(o.timeout_ms, 5 * o.timeout_ms);
  c.fetcher.connect_timeout_ms = o.connect_timeout_ms;
  c.fetcher.allow_addresses = o.allow_addresses;
  c.allow_ports.insert(c.allow_ports.end(), o.allow_ports.begin(),
                       o.allow_ports.end());
  c.fetcher.resolve = o.resolve;
  c.fetcher.ca_file = o.ca_file;
  c.limits.host_delay = std::chrono::milliseconds(o.host_delay_ms);
  c.limits.host_connections = o.host_connections;
  c.limits.max_requests_per_site = o.max_requests_per_site;
  c.limits.max_pages_per_site = o.max_pages_per_site;
  c.limits.max_depth = o.max_depth;
  c.fetcher.max_total_connections = std::max(16, o.host_connections * 4);
  c.max_run_time = std::chrono::minutes(o.max_run_minutes);
  return c;
}

bool ResolveDates(const RunOptions& o, JudgeContext* ctx, std::string* err) {
  if (o.as_of.empty()) {
    TodayInBangkok(&ctx->as_of_year, &ctx->as_of_month, &ctx->as_of_day);
  } else if (!ParseIsoDate(o.as_of, &ctx->as_of_year, &ctx->as_of_month,
                           &ctx->as_of_day)) {
    *err = "--as-of: expected YYYY-MM-DD (Common Era), got '" + o.as_of + "'";
    return false;
  }
  ctx->fiscal_year = o.fiscal_year
                         ? o.fiscal_year
                         : FiscalYearOfCe(ctx->as_of_year, ctx->as_of_month);
  if (ctx->fiscal_year < 2500 || ctx->fiscal_year > 2700) {
    *err = "--fiscal-year: expected a Buddhist-era year such as 2568, got " +
           std::to_string(ctx->fiscal_year);
    return false;
  }
  return true;
}

// The shipped BMA rule set for `fy`, or the newest one older than it.
std::string DefaultRules(int fy) {
  for (int year = fy; year > fy - 5; --year) {
    std::string path = FindDataFile("config/rules/bma-district-" +
                                    std::to_string(year) + ".yaml");
    if (!path.empty()) {
      if (year != fy) {
        std::cerr << "oitwatch: no rule set for FY" << fy << "; using FY"
                  << year << " (" << path << ")\n";
      }
      return path;
    }
  }
  return "";
}

// "text, json, csv, sheet" (the renderers), for messages.
std::string FormatNames() {
  std::string names;
  for (const Renderer& r : Renderers()) {
    names += std::string(names.empty() ? "" : ", ") + r.name;
  }
  return names;
}

int RenderReport(Store& store, int64_t run_id, const std::string& format,
                 const std::string& site, std::string* text) {
  const Renderer* renderer = FindRenderer(format);
  if (!renderer) {
    std::cerr << "oitwatch: unknown --format '" << format << "' (expected "
              << FormatNames() << ")\n";
    return kExitUsage;
  }
  Report report;
  std::string err;
  if (!BuildReport(store, run_id, site, &report, &err)) {
    std::cerr << "oitwatch: " << err << "\n";
    return kExitError;
  }
  *text = renderer->render(report);
  return kExitOk;
}

// Prints `text` and flushes at once, so a full disk or a closed pipe (with
// SIGPIPE ignored) is an error, not a silent exit 0; errno is read right
// after the failing write, before anything else can change it.
int WriteToStdout(const char* who, const std::string& text) {
  errno = 0;
  std::cout << text;
  std::cout.flush();
  if (std::cout) return kExitOk;
  const int e = errno;
  std::cerr << who << ": cannot write the report to standard output: "
            << (e ? std::strerror(e) : "write error") << "\n";
  return kExitError;
}

int PrintReport(const char* who, Store& store, int64_t run_id,
                const std::string& format, const std::string& site) {
  std::string text;
  int rc = RenderReport(store, run_id, format, site, &text);
  return rc == kExitOk ? WriteToStdout(who, text) : rc;
}

// Loads the overrides and pins their URLs on the sites so they are fetched.
bool LoadSiteOverrides(const std::string& path, const RuleSet& rules,
                       std::vector<Site>* sites,
                       std::vector<Override>* overrides, std::string* err) {
  std::vector<std::string> ids;
  for (const Site& s : *sites) ids.push_back(s.id);
  if (!LoadOverrides(path, rules, ids, overrides, err)) return false;
  for (Override& o : *overrides) {
    if (o.url.empty()) continue;
    // Spelled as the crawl spells it ("%7E" is "~", crawler/url.h), so
    // the judge finds the pinned URL's facts.
    o.url = NormalizeUrl(o.url).value_or(o.url);
    for (Site& s : *sites) {
      if (s.id == o.site) s.pinned_urls.push_back(o.url);
    }
  }
  return true;
}

}  // namespace

bool DatabaseExists(const char* who, const std::string& db) {
  std::error_code ec;
  if (std::filesystem::exists(db, ec)) return true;
  std::cerr << who << ": no database at " << db
            << " (run `oitwatch run` first, or pass --db)\n";
  return false;
}

std::string FindDataFile(const std::string& relative) {
  namespace fs = std::filesystem;
  std::vector<fs::path> roots = {fs::current_path()};
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path bin = exe.parent_path();
    roots.push_back(bin.parent_path());                        // <prefix>
    roots.push_back(bin.parent_path() / "share" / "oitwatch");  // installed
    roots.push_back(bin.parent_path().parent_path());  // build/app/oitwatch
  }
  for (const fs::path& root : roots) {
    fs::path p = root / relative;
    if (fs::exists(p, ec)) return p.string();
  }
  return "";
}

int RunCommand(const RunOptions& o) {
  std::string err;
  JudgeContext ctx;
  if (!ResolveDates(o, &ctx, &err)) {
    std::cerr << "oitwatch run: " << err << "\n";
    return kExitUsage;
  }
  if (!ValidateAlertOptions(o.alerts, &err)) {
    std::cerr << "oitwatch run: " << err << "\n";
    return kExitUsage;
  }
  if (o.format != "none" && !FindRenderer(o.format)) {  // before any crawl
    std::cerr << "oitwatch run: --format: expected " << FormatNames()
              << " or none, got '" << o.format << "'\n";
    return kExitUsage;
  }
  // Opening the store checks the whole file (quick_check: ~30 ms for a
  // night's history, growing with it): made now, while the rules load.
  StoreCheckAhead checking(o.db);
  std::string sites_path = o.sites.empty()
                               ? FindDataFile("config/bma-districts.yaml")
                               : o.sites;
  std::string rules_path = o.rules.empty() ? DefaultRules(ctx.fiscal_year) : o.rules;
  std::vector<Site> sites;
  if (sites_path.empty() ||
      !LoadSites(sites_path, &sites, &err, &ValidateMailbox)) {
    std::cerr << "oitwatch run: "
              << (sites_path.empty() ? "no --sites file and no shipped "
                                       "config/bma-districts.yaml found"
                                     : err)
              << "\n";
    return kExitUsage;
  }
  // The rules' Matcher is compiled by the load, which checks the patterns
  // on it, while the store's file is checked (`checking`).
  RuleSet rules;
  std::unique_ptr<Matcher> matcher;
  if (rules_path.empty() ||
      !LoadRuleSet(rules_path, &rules, &err, &matcher)) {
    std::cerr << "oitwatch run: "
              << (rules_path.empty() ? "no --rules file found" : err) << "\n";
    return kExitUsage;
  }
  if (!matcher) {  // each pattern compiles, but not the whole set
    std::string matcher_err;
    Matcher::Create(rules, &matcher_err);
    std::cerr << "oitwatch run: " << matcher_err << "\n";
    return kExitUsage;
  }
  if (!o.rules.empty() && rules.fiscal_year != ctx.fiscal_year) {  // say so
    std::cerr << "oitwatch run: warning: " << rules_path << " was written for "
              << "FY" << rules.fiscal_year << "; judging FY" << ctx.fiscal_year
              << "\n";
  }
  std::vector<Override> overrides;
  if (!o.overrides.empty() && !LoadSiteOverrides(o.overrides, rules, &sites,
                                                 &overrides, &err)) {
    std::cerr << "oitwatch run: " << err << "\n";
    return kExitUsage;
  }
  RunLock lock;
  bool held = false;
  if (!lock.Acquire(o.db + ".lock", &held, &err)) {
    std::cerr << "oitwatch run: " << err << "\n";
    return held ? kExitLocked : kExitError;
  }
  checking.Wait();
  std::unique_ptr<Store> store = Store::Open(o.db, &err);
  if (!store) {
    std::cerr << "oitwatch run: " << err << "\n";
    return kExitError;
  }
  // Earlier runs' rows are read on a second connection, so the pipeline's
  // writes (a commit and fsync per page) run on a writer thread.
  std::string reader_err;
  std::unique_ptr<Store> reader = Store::Open(o.db, &reader_err);
  // And one for each thread that runs the parse pool's jobs (unchanged
  // pages' rows): its helpers and the engine's thread.
  const int helpers = ParsePool::Helpers(o.parse_threads);
  std::vector<std::unique_ptr<Store>> pool_readers;
  for (int i = 0; reader && helpers > 0 && i <= helpers; ++i) {
    std::unique_ptr<Store> pool_reader = Store::Open(o.db, &reader_err);
    if (!pool_reader) break;  // the pool reads on the connections it has
    pool_readers.push_back(std::move(pool_reader));
  }
  RunInfo info;
  info.status = "running";
  info.ruleset_id = rules.id;
  info.ruleset_version = rules.version;
  info.ruleset_path = rules_path;
  info.fiscal_year = ctx.fiscal_year;
  info.as_of = IsoDate(ctx.as_of_year, ctx.as_of_month, ctx.as_of_day);
  info.options_json = OptionsJson(o, sites_path, rules_path);
  int64_t run_id = 0;
  if (!store->BeginRun(info, &run_id, &err)) {
    std::cerr << "oitwatch run: " << err << "\n";
    return kExitError;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  PipelineOptions popt;
  popt.run_id = run_id;
  popt.judge = ctx;
  for (const Site& site : sites) {
    popt.site_prefixes.push_back(ScopePrefix(site.url));
  }
  popt.should_stop = [] { return g_stop.load(); };
  popt.pdf = o.pdf;
  popt.overrides = overrides;
  popt.read_store = reader.get();  // null (all on this thread) if it failed
  for (const std::unique_ptr<Store>& r : pool_readers) {
    popt.pool_read_stores.push_back(r.get());
  }
  popt.parse_threads = o.parse_threads;
  ProgressPrinter progress(stderr, ::isatty(STDERR_FILENO) == 1, sites.size(),
                           rules.items.size());
  if (!o.quiet) {
    progress.RunStart(run_id);
    popt.on_progress = [&progress](const SiteProgress& p) {
      progress.Progress(p);
    };
  }
  // Items that could not be checked, of any site (a checked site's too: a
  // page that may hold their evidence failed): exit 4, not 0, for cron.
  // Counted on the writer thread; read after Crawl has waited for it.
  std::atomic<int> unchecked_items{0};
  popt.on_site_done = [&progress, &unchecked_items, quiet = o.quiet](
                          const SiteRunInfo& s,
                          const std::vector<ItemVerdict>& v) {
    for (const ItemVerdict& verdict : v) {
      if (verdict.status == ItemStatus::kUnchecked) ++unchecked_items;
    }
    if (!quiet) progress.SiteDone(s, v);
  };
  AlertSession alerts(o.alerts, o.db, store.get(), run_id, info.as_of, sites);
  alerts.Attach(&popt);  // after each site: detect -> outbox
  Pipeline pipeline(store.get(), *matcher, popt);
  if (!Crawl(sites, MakeCrawlConfig(o), &pipeline, &err)) {
    store->FinishRun(run_id, "failed", &err);
    std::cerr << "oitwatch run: " << err << "\n";
    return kExitUsage;
  }
  std::string status = !pipeline.error().empty() ? "failed"
                        : g_stop                 ? "interrupted"
                                                 : "finished";
  if (!o.quiet) {
    progress.RunDone(run_id, status, pipeline.sites_checked(),
                     pipeline.sites_unchecked());
  }
  if (!store->FinishRun(run_id, status, &err) || status == "failed") {
    std::cerr << "oitwatch run: run " << run_id << " " << status << ": "
              << (pipeline.error().empty() ? err : pipeline.error()) << "\n";
    return kExitError;
  }
  if (status == "finished") alerts.Deliver();  // never changes the exit code
  if (o.format != "none") {
    // A lost report is exit 1 even if the run itself would be 4 or 5: the
    // run is stored (`oitwatch report` prints it again), the output is not.
    int rc = PrintReport("oitwatch run", *store, run_id, o.format, "");
    if (rc != kExitOk) return rc;
  }
  if (status == "interrupted") return kExitError;
  if (pipeline.timed_out()) return kExitTimedOut;
  return pipeline.sites_unchecked() > 0 || unchecked_items > 0
             ? kExitSitesUnchecked
             : kExitOk;
}

int ReportCommand(const ReportOptions& o) {
  std::string err;
  if (o.format == "html" && o.out.empty()) {
    std::cerr << "oitwatch report: --format html writes a directory of pages: "
                 "pass --out DIR\n";
    return kExitUsage;
  }
  if (!DatabaseExists("oitwatch report", o.db)) return kExitUsage;
  std::unique_ptr<Store> store = Store::Open(o.db, &err);
  if (!store) {
    std::cerr << "oitwatch report: " << err << "\n";
    return kExitError;
  }
  int64_t run_id = o.run;
  if (run_id == 0 && !store->LatestRun(true, &run_id, &err)) {
    std::cerr << "oitwatch report: " << err << "\n";
    return kExitError;
  }
  if (o.format == "html") {  // --out is a directory (reports/html.h)
    Report report;
    if (!BuildReport(*store, run_id, o.site, &report, &err) ||
        !WriteHtmlReport(*store, report, o.out, &err)) {
      std::cerr << "oitwatch report: " << err << "\n";
      return kExitError;
    }
    return kExitOk;
  }
  if (o.out.empty()) {
    return PrintReport("oitwatch report", *store, run_id, o.format, o.site);
  }
  std::string text;
  int rc = RenderReport(*store, run_id, o.format, o.site, &text);
  if (rc != kExitOk) return rc;
  if (!WriteOutputFile(o.out, text, &err)) {
    std::cerr << "oitwatch report: " << err << "\n";
    return kExitError;
  }
  return kExitOk;
}

int RulesCheckCommand(const std::vector<std::string>& files) {
  int rc = kExitOk;
  for (const std::string& file : files) {
    RuleSet rules;
    std::string err;
    std::unique_ptr<Matcher> matcher;
    if (!LoadRuleSet(file, &rules, &err, &matcher) ||
        (!matcher && !Matcher::Create(rules, &err))) {
      std::cerr << err << "\n";
      rc = kExitUsage;
      continue;
    }
    size_t components = 0;
    for (const Item& item : rules.items) components += item.components.size();
    std::cout << file << ": ok: " << rules.id << " " << rules.version << ", "
              << rules.items.size() << " items, " << components
              << " components" << (rules.provisional ? " (provisional)" : "")
              << "\n";
  }
  return rc;
}

int RunsCommand(const std::string& db) {
  std::string err;
  if (!DatabaseExists("oitwatch runs", db)) return kExitUsage;
  std::unique_ptr<Store> store = Store::Open(db, &err);
  std::vector<RunInfo> runs;
  if (!store || !store->ListRuns(&runs, &err)) {
    std::cerr << "oitwatch runs: " << err << "\n";
    return kExitError;
  }
  for (const RunInfo& r : runs) {
    std::cout << r.id << "\t" << r.status << "\t" << r.started_at << "\t"
              << r.finished_at << "\tFY" << r.fiscal_year << "\tas-of "
              << r.as_of << "\t" << r.ruleset_id << " " << r.ruleset_version
              << "\n";
  }
  return kExitOk;
}

}  // namespace oitwatch
