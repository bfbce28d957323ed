// Pipeline's end of a site: the site judged (or left unchecked, saying why),
// overrides applied, crawl-incomplete, trap and https->http downgrade notes,
// and the result saved.
#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/pipeline.h"
#include "app/pipeline_internal.h"
#include "crawler/url.h"
#include "rules/rule_set.h"
#include "rules/thai_text.h"

namespace oitwatch {

using pipeline_internal::IsOk;
using pipeline_internal::kMovedNote;
using pipeline_internal::kNeedsJsNote;
using pipeline_internal::LooksLikeIndex;
using pipeline_internal::StartPageUnreadable;

namespace {

// A site with fewer pages read than this is small: any page or document of
// it that failed may have held the evidence (IncompleteNote).
constexpr size_t kSmallSitePages = 20;

std::string MovedReason(const std::string& url) {
  return "เว็บไซต์ย้ายไปที่ " + url + " (start page moved to " + url +
         ": update the site list)";
}

std::string JoinList(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The site was not crawled to its end: a `missing` item, or the missing
// components (or months) of a `partial` one, may be there. Such an item is
// unchecked; what was not found yet is kept in the reason, not as findings.
void MarkItemIncomplete(const std::string& why, ItemVerdict* verdict) {
  ItemVerdict& v = *verdict;
  if (v.status != ItemStatus::kMissing && v.status != ItemStatus::kPartial) {
    return;
  }
  std::string not_yet = JoinList(v.missing_components);
  if (!v.missing_months.empty()) {
    not_yet += (not_yet.empty() ? "" : "; ") + JoinList(v.missing_months);
  }
  v.reason = "ตรวจไม่ครบ จึงยังสรุปว่าไม่พบไม่ได้ (crawl incomplete: " + why + ")";
  if (v.status == ItemStatus::kPartial && !not_yet.empty()) {
    v.reason += "; ยังไม่พบ (not found yet): " + not_yet;
  }
  v.status = ItemStatus::kUnchecked;
  v.missing_components.clear();
  v.missing_months.clear();
}

void MarkIncomplete(const std::string& why,
                    std::vector<ItemVerdict>* verdicts) {
  for (ItemVerdict& v : *verdicts) MarkItemIncomplete(why, &v);
}

int CountUnchecked(const std::vector<ItemVerdict>& verdicts) {
  return static_cast<int>(
      std::count_if(verdicts.begin(), verdicts.end(), [](const ItemVerdict& v) {
        return v.status == ItemStatus::kUnchecked;
      }));
}

void AddNote(const std::string& note, std::string* reason) {
  if (!reason->empty()) *reason += "; ";
  *reason += note;
}

// A24: the site took the crawler (and so its visitors) from https to plain
// http. Followed, so nothing is lost, but said in the site's notes.
std::string DowngradeNote(const SiteCrawlStats& stats) {
  const auto& [from, to] = *stats.downgrades.begin();
  return "เว็บไซต์พาจาก https ไปยัง http ที่ไม่เข้ารหัส (https->http "
         "downgrade: " + std::to_string(stats.downgrades.size()) +
         " URLs, e.g. " + (from == to ? to : from + " -> " + to) +
         "; evidence there is served over plain http)";
}

// A24: a verdict whose evidence was reached through a downgrade says so: the
// URL the assessors will open is served over plain http.
void MarkInsecureEvidence(const SiteCrawlStats& stats,
                          std::vector<ItemVerdict>* verdicts) {
  for (ItemVerdict& v : *verdicts) {
    for (const EvidenceRef& e : v.evidence) {
      auto it = stats.downgrades.find(e.url);
      if (it == stats.downgrades.end()) continue;
      if (!v.reason.empty()) v.reason += " ";
      v.reason += "[หลักฐานเปิดผ่าน http ที่ไม่เข้ารหัส (evidence served over "
                  "plain http: " + it->second + ")]";
      break;
    }
  }
}

// How a URL was left out, for an item's reason and the site's note.
std::string LeftOutPhrase(LeftOutWhy why, int max_depth) {
  switch (why) {
    case LeftOutWhy::kBudget:
      return "request budget exhausted";
    case LeftOutWhy::kDepth:
      return "past --max-depth " + std::to_string(max_depth);
    case LeftOutWhy::kTrap:
      break;
  }
  return "skipped as a suspected crawler trap";
}

// True if `hits` name `left_out` URL as evidence for what `v` lacks: a rule
// of `v`'s item matched it (its link text or file name) for a component
// `v` is missing, or for any of a monthly item with months missing.
bool HoldsWhatIsMissing(const ItemVerdict& v, const Item* item,
                        const Hit& hit) {
  if (hit.excluded || hit.item_id != v.item_id) return false;
  if (v.status == ItemStatus::kMissing || !v.missing_months.empty() ||
      item == nullptr) {
    return true;
  }
  for (const Component& c : item->components) {
    if (c.id == hit.component_id &&
        std::find(v.missing_components.begin(), v.missing_components.end(),
                  c.title) != v.missing_components.end()) {
      return true;
    }
  }
  return false;
}

// Why a URL left out of the crawl (SiteCrawlStats::left_out) may have held
// what `v` lacks, "" if none may: a rule hit names it (HoldsWhatIsMissing),
// or `any` (an ITA index page left out, or more left out than kept) says
// every item may be there.
std::string MayHoldWhatIsMissing(const ItemVerdict& v, const RuleSet& rules,
                                 const std::vector<Hit>& hits,
                                 const SiteCrawlStats& stats,
                                 const std::string& any) {
  if (v.status != ItemStatus::kMissing && v.status != ItemStatus::kPartial) {
    return "";
  }
  if (!any.empty()) return any;
  const Item* item = nullptr;
  for (const Item& i : rules.items) {
    if (i.id == v.item_id) item = &i;
  }
  for (const Hit& hit : hits) {
    auto it = stats.left_out.find(hit.url);
    if (it == stats.left_out.end() || !HoldsWhatIsMissing(v, item, hit)) {
      continue;
    }
    return LeftOutPhrase(it->second.why, stats.max_depth) + ": " + hit.url +
           " not fetched";
  }
  return "";
}

// Why every item may lack what a URL left out held, "" if none: an ITA
// index page (its link text names one), a link found on one or below it
// (LeftOutLink::under_index) that names nothing a rule knows ("ดาวน์โหลด",
// "คลิกที่นี่": one that does is judged by its hits, MayHoldWhatIsMissing),
// or more URLs left out than the crawl kept (the cap of
// SiteCrawlStats::left_out, or kMaxUrlsPerSite).
std::string AnyItemLeftOut(const SiteCrawlStats& stats, int links_over_cap,
                           const std::vector<Hit>& hits) {
  std::set<std::string_view> named;  // URLs a rule matched
  for (const Hit& hit : hits) {
    if (!hit.excluded) named.insert(hit.url);
  }
  for (const auto& [url, link] : stats.left_out) {
    if (LooksLikeIndex(NormalizeThai(link.text)) ||
        (link.under_index && !named.count(url))) {
      return LeftOutPhrase(link.why, stats.max_depth) + ": " + url +
             " not fetched (an ITA index page, or found under one)";
    }
  }
  if (stats.left_out_cut) {
    return "more than " + std::to_string(SiteCrawlStats::kMaxRankedLeftOut) +
           " likely URLs left out";
  }
  if (links_over_cap + stats.over_url_cap > 0) {
    return "more than " + std::to_string(kMaxUrlsPerSite) + " URLs found";
  }
  return "";
}

// `example` or, if it got another chance since, a URL still left out for
// `why`; "" if none is known.
std::string LeftOutExample(const SiteCrawlStats& stats, LeftOutWhy why,
                           const std::string& example) {
  if (!example.empty()) return example;
  for (const auto& [url, link] : stats.left_out) {
    if (link.why == why) return url;
  }
  return "";
}

std::string EG(const std::string& example) {
  return example.empty() ? "" : ", e.g. " + example;
}

// The site's note of each kind of URL left out.
std::vector<std::string> LeftOutNotes(const SiteCrawlStats& stats,
                                      int links_over_cap) {
  std::vector<std::string> notes;
  if (stats.over_budget > 0) {
    notes.push_back(
        "งบจำนวนคำขอของเว็บไซต์หมด (request budget exhausted: " +
        std::to_string(stats.over_budget) + " URLs not fetched" +
        EG(LeftOutExample(stats, LeftOutWhy::kBudget,
                          stats.over_budget_example)) + ")");
  }
  if (stats.past_depth > 0) {
    notes.push_back(
        "ลิงก์ลึกเกินกำหนด (" + std::to_string(stats.past_depth) +
        " URLs past --max-depth " + std::to_string(stats.max_depth) +
        " not fetched" +
        EG(LeftOutExample(stats, LeftOutWhy::kDepth,
                          stats.past_depth_example)) + ")");
  }
  if (stats.trap_suspected > 0) {  // B11: say why pages were left out
    const std::string example =
        LeftOutExample(stats, LeftOutWhy::kTrap, stats.trap_example);
    notes.push_back("สงสัยกับดักโปรแกรมรวบรวม (crawler trap suspected: " +
                    std::to_string(stats.trap_suspected) + " URLs" +
                    (example.empty() ? "" : " like " + example) + " skipped)");
  }
  if (const int n = links_over_cap + stats.over_url_cap; n > 0) {
    notes.push_back("ลิงก์มากเกินกำหนด (more than " +
                    std::to_string(kMaxUrlsPerSite) + " URLs found: " +
                    std::to_string(n) + " links to further URLs not followed)");
  }
  return notes;
}

// rt6net M04, rt7budget: a crawl limit (the request budget, pages,
// documents, --max-depth, trap suspicion, the URL cap) left URLs out of the
// crawl. Said in the site's reason, kind by kind, with the items it left
// unchecked. The frontier takes the URLs likely to hold evidence first, so
// a budget spent on a big site usually leaves out only menus and archives:
// an item is unchecked (MarkItemIncomplete) only when a URL left out may
// have held what it lacks (MayHoldWhatIsMissing), not because some link of
// positive priority was left out.
void NoteLeftOut(const SiteCrawlStats& stats, int links_over_cap,
                 const RuleSet& rules, const std::vector<Hit>& hits,
                 std::string* reason, std::vector<ItemVerdict>* verdicts) {
  const std::vector<std::string> notes = LeftOutNotes(stats, links_over_cap);
  if (notes.empty()) return;
  const std::string any = AnyItemLeftOut(stats, links_over_cap, hits);
  for (ItemVerdict& v : *verdicts) {
    const std::string why = MayHoldWhatIsMissing(v, rules, hits, stats, any);
    if (!why.empty()) MarkItemIncomplete(why, &v);
  }
  const int unchecked = CountUnchecked(*verdicts);
  for (const std::string& note : notes) AddNote(note, reason);
  AddNote("ตรวจไม่ได้ " + std::to_string(unchecked) + " รายการ (" +
              std::to_string(unchecked) + " items not checked)",
          reason);
}

// rt7budget BUG-1/2: a page was read only in part (too many links, too
// large, too much text: DocumentLimits, HtmlRead::cut). The links past the
// cut were never followed and the text past it never matched, so whatever
// the site still lacks may be there: every missing or partial item is
// unchecked, the cut said in the site's reason. Text alone counts too: the
// item may be named in the text not read, whether or not the part read
// matched anything of it.
void NoteCutPages(int pages, const std::string& example, std::string* reason,
                  std::vector<ItemVerdict>* verdicts) {
  const std::string what =
      std::to_string(pages) + (pages == 1 ? " page was" : " pages were") +
      " cut, e.g. " + example + ": what followed the cut was not read";
  MarkIncomplete(what, verdicts);
  AddNote("อ่านหน้าเว็บได้ไม่ครบ (page cut: " + what + "; " +
              std::to_string(CountUnchecked(*verdicts)) + " items not checked)",
          reason);
}

}  // namespace

std::string Pipeline::StoppedNote() const {
  std::string why = error_;
  if (why.empty() && writer_ && writer_->failed()) why = writer_->error();
  if (why.empty()) why = "stopped by a signal";
  return "การตรวจถูกหยุดกลางคัน (run stopped: " + why + ")";
}

std::string Pipeline::UncheckedReason(const SiteCrawlStats& stats) const {
  if (stats.robots_disallowed_seed) {
    return "robots.txt ไม่อนุญาตให้ตรวจ (robots.txt disallows the start URL" +
           (stats.robots_reason.empty() ? "" : ": " + stats.robots_reason) +
           ")";
  }
  const FetchResult& seed = stats.seed;
  std::string detail = FetchOutcomeName(seed.outcome);
  if (seed.http_status) detail += " HTTP " + std::to_string(seed.http_status);
  if (!seed.error.empty()) detail += ": " + seed.error;
  switch (seed.outcome) {
    case FetchOutcome::kBlocked:
      return "เว็บไซต์ปิดกั้นการตรวจ (blocked: " + detail + ")";
    case FetchOutcome::kDnsError:
      return "ไม่พบชื่อโดเมน (DNS failure: " + detail + ")";
    case FetchOutcome::kTimeout:
      return "เว็บไซต์ไม่ตอบสนองภายในเวลา (timeout: " + detail + ")";
    case FetchOutcome::kForbiddenAddress:
      return "ที่อยู่ IP ภายใน ถูกปิดกั้นเพื่อความปลอดภัย (blocked: the host resolves "
             "to a private/loopback address; pass --allow-address with that IP or "
             "CIDR to check an intranet or local server: " + detail + ")";
    case FetchOutcome::kSkipped:
      return "ไม่ได้ตรวจ (not fetched: " +
             (stats.host_note.empty() ? detail : stats.host_note) + ")";
    default:
      return "หน้าแรกของเว็บไซต์เปิดไม่ได้ (start page failed: " + detail + ")";
  }
}

std::string Pipeline::StartPageReason(const SiteState& s,
                                      const SiteCrawlStats& stats) {
  // A start page that lands on another host (the site moved, e.g. to www.
  // or a new domain) would be judged by none of its links (OnResponse makes
  // the landed page external): say where it went instead. http -> https on
  // the same host is no move.
  const FetchResult& seed = stats.seed;
  if (!seed.final_url.empty() &&
      !SameHostAnyScheme(seed.final_url, seed.request.url)) {
    return MovedReason(seed.final_url);
  }
  UrlFacts facts;
  if (!s.facts.Get(seed.request.url, &facts)) return "";
  if (facts.error == kNeedsJsNote) {
    return "หน้าแรกต้องใช้ JavaScript จึงตรวจไม่ได้ (start page needs "
           "JavaScript: not evaluable)";
  }
  if (facts.error.starts_with(kMovedNote)) {  // a meta refresh (page_read.h)
    return MovedReason(facts.error.substr(std::strlen(kMovedNote)));
  }
  const std::string why = StartPageUnreadable(facts);
  if (why.empty()) return "";
  return "หน้าแรกของเว็บไซต์อ่านไม่ได้ (start page unreadable: " + why + ")";
}

// The rule for "likely evidence could not be fetched": a failed fetch that
// may pass (MayPass: timeout, connection, 5xx, 429, 403 block, broken body),
// or that left the page unread (too large, a redirect loop, TLS, a refused
// redirect; NoteFailure), or an ITA index page read last time that now
// answers with the start page (OnResponse), of a request of positive priority
// (RankOutlinks: rule-matching link text, ITA index pages and the pages and
// documents they lead to), or of any page or document of a small site
// (kSmallSitePages), where one page is a large share of it. A news or menu
// page (priority <= 0) failing on a big site changes nothing; a 404/410 is
// an answer (broken or missing, as the judge says), not a gap.
std::string Pipeline::IncompleteNote(const SiteState& s) {
  const SiteState::Failures& f = s.failed;
  int n = f.likely;
  const std::string* example = &f.likely_example;
  if (n == 0 && s.facts.OkPages() < kSmallSitePages) {
    n = f.all;
    example = &f.all_example;
  }
  if (n == 0) return "";
  return std::to_string(n) + (n == 1 ? " page" : " pages") +
         " could not be fetched, e.g. " + *example;
}

// The facts the judge reads (JudgeSite, ApplyOverrides): those of the URLs
// the hits name and the committee pinned, by URL. The other URLs' facts are
// never unpacked.
std::vector<UrlFacts> Pipeline::JudgedFacts(
    const SiteState& s, const std::vector<Hit>& hits,
    const std::vector<Override>& overrides) {
  std::set<std::string_view> urls;
  for (const Hit& hit : hits) urls.insert(hit.url);
  for (const Override& o : overrides) urls.insert(o.url);
  std::vector<UrlFacts> facts;
  for (std::string_view url : urls) {
    UrlFacts f;
    if (s.facts.Get(url, &f)) facts.push_back(std::move(f));
  }
  return facts;
}

void Pipeline::OnSiteDone(const Site& site, const SiteCrawlStats& stats) {
  SiteState& s = sites_[site.id];
  SiteRunInfo info;
  info.site_id = site.id;
  info.pages = stats.pages;
  info.documents = stats.documents;
  info.errors = stats.errors;
  info.skipped = stats.skipped;
  info.parsed = s.progress.parsed;
  info.reused = s.progress.reused;
  const RuleSet& rules = matcher_.rules();
  std::vector<ItemVerdict> verdicts;
  const bool seed_ok = IsOk(stats.seed) && !stats.robots_disallowed_seed;
  s.facts.Seal();
  const std::string unchecked =
      seed_ok ? StartPageReason(s, stats) : UncheckedReason(stats);
  if (!unchecked.empty()) {
    info.state = "unchecked";
    info.reason = unchecked;
    verdicts = UncheckedVerdicts(rules, info.reason);
    ++sites_unchecked_;
  } else {
    info.state = "checked";
    std::vector<Override> mine;
    for (const Override& o : options_.overrides) {
      if (o.site == site.id) mine.push_back(o);
    }
    const std::vector<Hit> hits = s.hits.Unpack();
    const std::vector<UrlFacts> facts = JudgedFacts(s, hits, mine);
    const size_t site_pages = s.facts.OkPages();
    const std::string incomplete = IncompleteNote(s);
    const int links_over_cap = s.links_over_cap;
    const SiteState::CutPages cut = s.cut;
    sites_.erase(site.id);  // the judge needs no more of it (`s` is gone)
    verdicts = JudgeSite(rules, options_.judge, facts, hits, site_pages);
    ApplyOverrides(rules, options_.judge, mine, facts, hits, &verdicts);
    timed_out_ = timed_out_ || (stats.timed_out && !stats.stopped);
    if (stats.timed_out || stats.host_dropped) {
      info.reason = stats.stopped     ? StoppedNote()
                    : stats.timed_out ? "การตรวจถูกตัดเพราะหมดเวลา (run watchdog)"
                                      : stats.host_note;
      MarkIncomplete(info.reason, &verdicts);
    } else if (!incomplete.empty()) {  // a page that may hold evidence failed
      AddNote("ตรวจไม่ครบ เปิดหน้าที่อาจมีหลักฐานไม่ได้ (crawl incomplete: " +
                  incomplete + ")",
              &info.reason);
      MarkIncomplete(incomplete, &verdicts);
    }
    NoteLeftOut(stats, links_over_cap, rules, hits, &info.reason, &verdicts);
    if (cut.count > 0) {
      NoteCutPages(cut.count, cut.example, &info.reason, &verdicts);
    }
    MarkInsecureEvidence(stats, &verdicts);
    if (std::string none = NothingJudgedReason(verdicts, info.reason);
        !none.empty()) {
      info.state = "unchecked";
      info.reason = std::move(none);
      ++sites_unchecked_;
    } else {
      ++sites_checked_;
    }
  }
  if (!stats.downgrades.empty()) AddNote(DowngradeNote(stats), &info.reason);
  // The site's result follows its pages; on_site_done (alerts read the
  // store) follows the result, on the same thread as every other write.
  Write([this, info = std::move(info), verdicts = std::move(verdicts)](
            Store* store, std::string* err) {
    const bool ok =
        store->SaveSiteResult(options_.run_id, info, verdicts, err);
    if (options_.on_site_done) {
      std::lock_guard<std::mutex> lock(callback_mu_);
      options_.on_site_done(info, verdicts);
    }
    return ok;
  });
  sites_.erase(site.id);  // free the site's facts: memory stays flat
  // No job of the site's runs any more (the engine ended their reads).
  std::lock_guard<std::mutex> lock(lookups_mu_);
  lookups_.erase(site.id);
  auto held = held_links_.find(site.id);
  if (held != held_links_.end()) {
    held_links_bytes_ -= held->second.bytes;
    held_links_.erase(held);
  }
}

}  // namespace oitwatch
