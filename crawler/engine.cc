// The engine's loop and its handling of each response (see engine.h), with
// the policy it applies to fetch results: which failures are transient
// (retried), which count against a host's error budget, and how long a
// Retry-After asks to wait.
#include "crawler/engine.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <utility>

#include "crawler/url.h"

namespace oitwatch {
namespace {

using std::chrono::milliseconds;

constexpr int kSeedPriority = 1 << 20;

bool IsTransient(const FetchResult& r) {
  switch (r.outcome) {
    case FetchOutcome::kRateLimited:
    case FetchOutcome::kTimeout:
    case FetchOutcome::kConnectError:
      return true;
    case FetchOutcome::kHttpError:
      return r.http_status == 500 || r.http_status == 502 ||
             r.http_status == 503 || r.http_status == 504;
    default:
      return false;
  }
}

bool IsHostFailure(const FetchResult& r) {
  return IsTransient(r) || r.outcome == FetchOutcome::kDnsError ||
         r.outcome == FetchOutcome::kTlsError ||
         r.outcome == FetchOutcome::kBlocked;
}

bool IsOk(const FetchResult& r) {
  return r.outcome == FetchOutcome::kOk ||
         r.outcome == FetchOutcome::kNotModified;
}

// Retry-After (RFC 9110 10.2.3) in whole seconds from now: delay-seconds or
// an IMF-fixdate (a date in the past gives 0); -1 when absent or malformed
// (then the exponential backoff applies).
long RetryAfterSeconds(const std::string& value) {
  if (value.empty()) return -1;
  char* end = nullptr;
  long s = std::strtol(value.c_str(), &end, 10);
  if (end != value.c_str() && *end == '\0') return s < 0 ? -1 : s;
  std::tm tm{};
  const char* rest = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (rest == nullptr || *rest != '\0') return -1;
  const std::time_t at = timegm(&tm);
  const std::time_t now = std::time(nullptr);
  return at <= now ? 0 : static_cast<long>(std::min<std::time_t>(
                             at - now, std::numeric_limits<long>::max()));
}

}  // namespace

Engine::Engine(const std::vector<Site>& sites, const CrawlConfig& config,
               CrawlSink* sink, Fetcher* fetcher)
    : config_(config), sink_(sink), fetcher_(fetcher),
      frontier_(config.limits) {
  std::vector<std::pair<std::string, std::string>> prefixes;  // id, scope
  for (const Site& site : sites) {
    prefixes.emplace_back(site.id, ScopePrefix(site.url));
  }
  for (const Site& site : sites) {
    SiteState& s = sites_[site.id];
    s.site = &site;
    order_.push_back(site.id);
    s.stats.scope_prefix = ScopePrefix(site.url);
    s.index_scopes = IndexScopes(site.id, s.stats.scope_prefix, prefixes);
    s.stats.seed.request.url = site.url;
    s.templates = TemplateBudget(config.max_urls_per_template);
    s.stats.max_depth = config.limits.max_depth;
  }
}

void Engine::Run() {
  TimePoint start = Clock::now();
  for (const std::string& id : order_) sink_->OnSiteStart(*sites_[id].site);
  for (const std::string& id : order_) Seed(sites_[id]);
  // Polled, being read ahead, not yet handled; a deque keeps each one in
  // place while others come and go.
  std::deque<FetchResult> polled;
  // However Run ends (an exception too), the sink's threads let go of the
  // responses before they go.
  struct EndReads {
    CrawlSink* sink;
    std::deque<FetchResult>* polled;
    ~EndReads() {
      for (const FetchResult& r : *polled) sink->EndReadAhead(r);
    }
  } end_reads{sink_, &polled};
  while (!AllDone()) {
    TimePoint now = Clock::now();
    if (!timed_out_ && sink_->Aborted()) {
      TimeOut(/*stopped=*/true);
    } else if (!timed_out_ && now - start > config_.max_run_time) {
      TimeOut(/*stopped=*/false);
    }
    // SIGTERM or a storage failure: stop now, abandoning transfers in flight
    // (they could take a whole timeout) and responses polled but not
    // handled; the sites left are closed below.
    if (sink_->Aborted()) break;
    StartReady(now, polled.size());
    if (fetcher_->active() == 0 && frontier_.queued() == 0 && polled.empty()) {
      break;
    }
    long wait = 200;
    if (std::optional<TimePoint> ready = frontier_.NextReadyTime()) {
      auto until = std::chrono::duration_cast<milliseconds>(*ready - now);
      wait = std::clamp<long>(until.count(), 0, 200);
    }
    if (!polled.empty()) wait = 0;  // responses wait to be handled
    for (FetchResult& r : fetcher_->Poll(static_cast<int>(wait))) {
      polled.push_back(std::move(r));
      sink_->StartReadAhead(polled.back());
    }
    // The oldest response is handled now (read on this thread if no helper
    // has begun it), and after it those whose reads are done: parsing on
    // the sink's threads overlaps this thread's serial part. A response
    // holds its host connection until handled.
    bool first = true;
    while (!polled.empty() &&
           (first || sink_->ReadAheadReady(polled.front()))) {
      first = false;
      Handle(polled.front(), Clock::now());
      sink_->EndReadAhead(polled.front());
      polled.pop_front();
    }
  }
  // Responses a stop left unhandled: their reads end (dropped, or waited
  // for if running) before any site closes below, as a read may use its
  // site's state, which closing frees (rt8pipe BUG-1).
  for (const FetchResult& r : polled) sink_->EndReadAhead(r);
  polled.clear();
  for (auto& [id, s] : sites_) {
    if (!s.done) {
      EndWaiting(s);
      s.done = true;
      sink_->OnSiteDone(*s.site, s.stats);
    }
  }
  sink_->OnCrawlDone();
}

void Engine::Seed(SiteState& s) {
  Request r;
  r.url = NormalizeUrl(s.site->url).value_or(s.site->url);
  r.site_id = s.site->id;
  r.kind = RequestKind::kPage;
  r.priority = kSeedPriority;
  sink_->PrepareRequest(*s.site, &r);
  s.stats.seed.request = r;
  s.considered.Take(r.url, r.priority);
  Enqueue(r);
  std::vector<Outlink> pinned;
  for (const std::string& url : s.site->pinned_urls) {
    pinned.push_back(Outlink{NormalizeUrl(url).value_or(url), "",
                             kSeedPriority - 1, true});
  }
  Consider(s, r, pinned, /*from_https=*/false);
  CheckDone(s);
}

void Engine::Enqueue(const Request& r) {
  std::string key = HostKey(r.url);
  HostState& host = hosts_[key];
  if (host.dropped || SiteDropped(r)) {
    return NotFetched(r, FetchOutcome::kSkipped);
  }
  // A link check is one request, as a person following the link would
  // make; robots.txt governs crawling, so checks do not wait for it.
  if (r.kind == RequestKind::kCheck || host.known) return Admit(host, r);
  host.held.push_back(r);
  ++sites_[r.site_id].held;
  if (!host.requested) {
    host.requested = true;
    Request robots;
    robots.url = key + "/robots.txt";
    robots.kind = RequestKind::kRobots;
    frontier_.Add(robots);
  }
}

void Engine::Admit(HostState& host, const Request& r) {
  if (r.kind != RequestKind::kCheck && !host.robots.Allowed(PathOf(r.url))) {
    SiteState& s = sites_[r.site_id];
    if (r.url == s.stats.seed.request.url) {
      if (host.robots_failed) {
        // The host itself is unreachable: say why, not "robots.txt".
        s.stats.seed = host.robots_failure;
        s.stats.seed.request = r;
        return NotFetched(r, host.robots_failure.outcome);
      }
      s.stats.robots_disallowed_seed = true;
      s.stats.robots_reason = host.robots.reason();
    }
    return NotFetched(r, FetchOutcome::kRobotsDisallowed);
  }
  std::vector<Request> evicted;  // less promising requests it displaced
  const bool seen = frontier_.Seen(r.site_id, r.url);
  if (!frontier_.Add(r, &evicted)) {
    if (seen || r.depth > config_.limits.max_depth) {
      NotFetched(r, FetchOutcome::kSkipped);
    } else {
      OverBudget(r);
    }
  }
  for (const Request& e : evicted) OverBudget(e);
}

void Engine::OverBudget(const Request& r) {
  LeaveOut(sites_[r.site_id], r, LeftOutWhy::kBudget);
}

void Engine::LeaveOut(SiteState& s, const Request& r, LeftOutWhy why) {
  s.considered.LeaveOut(r, why, &s.stats);
  NotFetched(r, FetchOutcome::kSkipped);
}

void Engine::NotFetched(const Request& r, FetchOutcome why) {
  SiteState& s = sites_[r.site_id];
  ++s.stats.skipped;
  FetchResult& seed = s.stats.seed;
  if (r.url == seed.request.url && r.depth == 0 && seed.fetched_at_unix == 0) {
    // The start page was never fetched (host dropped, budget, watchdog): the
    // site must not look checked because the default outcome is kOk.
    seed.request = r;
    seed.outcome = why;
  }
  sink_->OnNotFetched(*s.site, r, why);
}

bool Engine::SuspectTrap(SiteState& s, const Request& r) {
  if (r.kind == RequestKind::kPage && !LooksLikeTrap(r.url)) {
    std::vector<Request> displaced;
    using Admission = TemplateBudget::Admission;
    const Admission a = s.templates.Offer(r, &displaced);
    for (const Request& d : displaced) LeaveOut(s, d, LeftOutWhy::kTrap);
    if (a == Admission::kTrap) LeaveOut(s, r, LeftOutWhy::kTrap);
    return a != Admission::kQueue;  // kWait: let in by LetInWaiting
  }
  const bool trap = r.kind == RequestKind::kPage ||
                    (r.kind == RequestKind::kDocument &&
                     !s.document_variants.Admit(r.url));
  if (trap) LeaveOut(s, r, LeftOutWhy::kTrap);
  return trap;
}

void Engine::LetInWaiting(SiteState& s, const FetchResult& r) {
  if (r.request.kind != RequestKind::kPage || !IsOk(r)) return;
  // A 304 answers for a page fetched on an earlier night: its URL stands
  // for the text it had then. A body's fingerprint is the sink's when it
  // read the body on its threads (3.8 % of a crawl's CPU on this serial
  // thread otherwise).
  uint64_t text = 0;
  if (r.outcome == FetchOutcome::kNotModified) {
    text = std::hash<std::string>{}(r.request.url);
  } else if (std::optional<uint64_t> read = sink_->TextFingerprint(r)) {
    text = *read;
  } else {
    text = PageTextFingerprint(r.body);
  }
  for (Request& w : s.templates.Fetched(r.request.url, text)) {
    sink_->PrepareRequest(*s.site, &w);
    Enqueue(w);
  }
}

void Engine::EndWaiting(SiteState& s) {
  for (const Request& w : s.templates.TakeWaiting()) {
    if (timed_out_ || s.dropped) {
      NotFetched(w, FetchOutcome::kSkipped);
    } else {
      LeaveOut(s, w, LeftOutWhy::kTrap);
    }
  }
}

void Engine::StartReady(TimePoint now, size_t waiting) {
  // A response waiting to be handled still holds its connection's place:
  // otherwise transfers to other hosts would start meanwhile and make
  // libcurl close connections it could have kept.
  while (fetcher_->active() + waiting <
         static_cast<size_t>(config_.fetcher.max_total_connections)) {
    std::optional<Request> r = frontier_.Next(now);
    if (!r) return;
    if (!r->site_id.empty()) ++sites_[r->site_id].in_flight;
    fetcher_->Start(*r);
  }
}

void Engine::Handle(const FetchResult& r, TimePoint now) {
  if (r.request.kind == RequestKind::kRobots) {
    // One 503 or timeout on robots.txt would disallow the host - all 50
    // districts - for the night: retried like a page first.
    if (MaybeRetry(r, now)) return;
    frontier_.Done(r.request, now);
    return HandleRobots(r);
  }
  SiteState& s = sites_[r.request.site_id];
  --s.in_flight;
  CountHostHealth(r);
  CountSiteHealth(s, r);
  if (!MaybeRetry(r, now)) {
    frontier_.Done(r.request, now);
    Record(s, r);
    std::vector<Outlink> links = sink_->OnResponse(*s.site, r);
    if (!timed_out_) {
      Consider(s, r.request, links, r.final_url.starts_with("https:"));
      LetInWaiting(s, r);
    }
  }
  CheckDone(s);
}

void Engine::HandleRobots(const FetchResult& r) {
  HostState& host = hosts_[HostKey(r.request.url)];
  host.known = true;
  // Only a 2xx holds rules: robots.txt is never asked for conditionally, so
  // a 304 (the fetcher's bad_content) is a robots.txt that could not be
  // read, unreachable like a 5xx (rt6night BUG-3). No earlier night's copy
  // is kept to fall back on.
  if (r.outcome == FetchOutcome::kOk) {
    host.robots = RobotsTxt::Parse(r.body, config_.robots_token);
  } else if (((r.outcome == FetchOutcome::kHttpError ||
               r.outcome == FetchOutcome::kBlocked) &&
              r.http_status >= 400 && r.http_status < 500 &&
              r.http_status != 429) ||
             r.outcome == FetchOutcome::kTooManyRedirects) {
    // RFC 9309 2.3.1.3: any 4xx (401/403 included) means "unavailable":
    // crawl as if there were no robots.txt. A 403 WAF on the pages
    // themselves is then reported as blocked, with its own reason. Over
    // five redirects may be taken as unavailable too (2.3.1.2).
    host.robots = RobotsTxt::AllowAll();
  } else {
    host.robots_failed = r.http_status == 0;
    host.robots_failure = r;
    host.robots = RobotsTxt::DisallowAll(
        "robots.txt unreachable (" + std::string(FetchOutcomeName(r.outcome)) +
        (r.http_status ? " HTTP " + std::to_string(r.http_status) : "") + ")");
  }
  if (std::optional<double> delay = host.robots.crawl_delay_seconds()) {
    if (*delay > static_cast<double>(config_.max_crawl_delay.count())) {
      std::string key = HostKey(r.request.url);
      DropHost(key, host, "robots.txt Crawl-delay " +
                              std::to_string(static_cast<long>(*delay)) +
                              " s is above the cap");
    } else {
      frontier_.SetHostDelay(HostKey(r.request.url),
                             milliseconds(static_cast<long>(*delay * 1000)));
    }
  }
  ReleaseHeld(host);
}

void Engine::ReleaseHeld(HostState& host) {
  std::vector<Request> held;
  held.swap(host.held);
  for (const Request& r : held) {
    SiteState& s = sites_[r.site_id];
    --s.held;
    if (host.dropped || s.dropped) {
      NotFetched(r, FetchOutcome::kSkipped);
    } else {
      Admit(host, r);
    }
    CheckDone(s);
  }
}

bool Engine::MaybeRetry(const FetchResult& r, TimePoint now) {
  if (timed_out_ || !IsTransient(r) || r.request.attempt >= config_.max_retries) {
    return false;
  }
  long after = RetryAfterSeconds(r.retry_after);
  if (after > config_.max_retry_after.count()) return false;
  milliseconds backoff = std::max(config_.limits.host_delay, milliseconds(500)) *
                         (1 << r.request.attempt);
  if (after >= 0) backoff = std::max(backoff, milliseconds(after * 1000));
  frontier_.Done(r.request, now, backoff);
  Request again = r.request;
  ++again.attempt;
  if (hosts_[HostKey(again.url)].dropped || SiteDropped(again) ||
      !frontier_.Retry(again)) {
    return false;  // budget spent: record the failure as it stands
  }
  return true;
}

void Engine::CountHostHealth(const FetchResult& r) {
  std::string key = HostKey(r.request.url);
  HostState& host = hosts_[key];
  if (!IsHostFailure(r)) {
    host.consecutive_errors = 0;
    return;
  }
  if (++host.consecutive_errors >= config_.host_error_budget && !host.dropped) {
    DropHost(key, host,
             "host dropped after " + std::to_string(host.consecutive_errors) +
                 " consecutive failed fetches");
  }
}

bool Engine::SiteDropped(const Request& r) const {
  auto it = sites_.find(r.site_id);
  return it != sites_.end() && it->second.dropped;
}

void Engine::CountSiteHealth(SiteState& s, const FetchResult& r) {
  // Only the site's own host speaks for its health: a check of a link to
  // another host (an e-service behind a WAF that 403s bots) fails there,
  // and that host has its own budget (rt8pipe BUG-3); nor does its success
  // hide a run of the site's own failures.
  if (!SameHostAnyScheme(r.request.url, s.stats.scope_prefix)) return;
  if (!IsHostFailure(r)) {
    s.consecutive_errors = 0;
    return;
  }
  if (++s.consecutive_errors < config_.site_error_budget || s.dropped) return;
  s.dropped = true;
  s.stats.skipped += frontier_.DropSite(s.site->id);
  // Said like a dropped host (the pipeline leaves what the site lacks
  // unchecked), unless its host went first.
  if (!s.stats.host_dropped) {
    s.stats.host_dropped = true;
    s.stats.host_note = "site dropped after " +
                        std::to_string(s.consecutive_errors) +
                        " consecutive failed fetches (" +
                        FetchOutcomeName(r.outcome) + ", e.g. " +
                        r.request.url + ")";
  }
}

void Engine::DropHost(const std::string& key, HostState& host,
                      const std::string& note) {
  host.dropped = true;
  frontier_.DropHost(key);
  for (auto& [id, s] : sites_) {
    if (HostKey(s.stats.scope_prefix) != key) continue;
    s.stats.host_dropped = true;
    s.stats.host_note = note;
  }
}

void Engine::Record(SiteState& s, const FetchResult& r) {
  if (r.request.url == s.stats.seed.request.url && r.request.depth == 0) {
    s.stats.seed = r;
  }
  if (!r.downgraded_to.empty()) {
    s.stats.downgrades.emplace(r.request.url, r.downgraded_to);
  }
  if (!IsOk(r)) {
    ++s.stats.errors;
    return;
  }
  switch (r.request.kind) {
    case RequestKind::kPage: ++s.stats.pages; break;
    case RequestKind::kDocument: ++s.stats.documents; break;
    case RequestKind::kCheck: ++s.stats.checks; break;
    case RequestKind::kRobots: break;
  }
}

// Each link's URL is considered once, or again when a later link ranks it
// better than the link it was left out under (ConsideredUrls). A link
// whose text names an ITA index, and a ranked link found on a page under
// one, are under that index (LeftOutLink::under_index).
void Engine::Consider(SiteState& s, const Request& from,
                      const std::vector<Outlink>& links, bool from_https) {
  if (from.kind != RequestKind::kPage) return;
  const bool from_index = s.considered.UnderIndex(from.url);
  for (const Outlink& link : links) {
    if (s.considered.Taken(link.url)) continue;  // a menu on every page
    LinkScope scope = ClassifyLink(s.stats.scope_prefix, link.url);
    // An ITA index of the site's outside its prefix, or a page under one
    // (crawler/index_scope.h): crawled as the site's page, within bounds.
    IndexScopes::Admission index_page = IndexScopes::Admission::kNone;
    if (scope == LinkScope::kOtherSitePage) {
      IndexScope opened;
      index_page =
          s.index_scopes.Admit(from.url, link.url, link.index, &opened);
      if (!opened.prefix.empty()) sink_->OnIndexScope(*s.site, opened);
      if (index_page != IndexScopes::Admission::kNone) {
        scope = LinkScope::kPage;
      }
    }
    // Another district, a central page or another host is checked when the
    // link may be evidence, never crawled.
    const bool page = scope == LinkScope::kPage;
    if (!page && scope != LinkScope::kDocument && !link.check_external) continue;
    Request r;
    r.url = link.url;
    r.site_id = s.site->id;
    r.kind = page ? RequestKind::kPage
             : scope == LinkScope::kDocument ? RequestKind::kDocument
                                             : RequestKind::kCheck;
    r.depth = from.depth + 1;
    r.priority = link.priority;
    r.found_on = from.url;
    r.from_https = from_https;
    r.link_text = link.text;
    const bool within_depth = r.depth <= config_.limits.max_depth;
    // Past the bounds of an ITA index outside the prefix: in that index,
    // where any item may be (ranked, so its items are unchecked).
    const bool beyond = index_page == IndexScopes::Admission::kBeyond;
    if (beyond) r.priority = std::max(r.priority, 1);
    if (!s.considered.Consider(
            link.url, link.priority,
            link.index || (from_index && link.priority > 0) || beyond,
            within_depth, &s.stats)) {
      continue;
    }
    if (!within_depth) {
      LeaveOut(s, r, LeftOutWhy::kDepth);
    } else if (beyond) {
      LeaveOut(s, r, LeftOutWhy::kTrap);  // a bound, as against a trap
    } else if (!SuspectTrap(s, r)) {
      sink_->PrepareRequest(*s.site, &r);
      Enqueue(r);
    }
  }
}

void Engine::CheckDone(SiteState& s) {
  if (s.done || s.in_flight > 0 || s.held > 0) return;
  if (frontier_.queued_for_site(s.site->id) > 0) return;
  EndWaiting(s);  // no page of their templates is left to let them in
  s.done = true;
  s.stats.timed_out = timed_out_;
  sink_->OnSiteDone(*s.site, s.stats);
}

void Engine::TimeOut(bool stopped) {
  timed_out_ = true;
  for (auto& [id, s] : sites_) {
    s.stats.skipped += frontier_.DropSite(id);
    s.stats.timed_out = !s.done;
    s.stats.stopped = !s.done && stopped;
  }
  for (auto& [key, host] : hosts_) {
    host.dropped = true;
    ReleaseHeld(host);
  }
  for (auto& [id, s] : sites_) CheckDone(s);
}

bool Engine::AllDone() const {
  for (const auto& [id, s] : sites_) {
    if (!s.done) return false;
  }
  return true;
}

}  // namespace oitwatch
