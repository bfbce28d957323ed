#include "app/pipeline.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "crawler/charset.h"
#include "crawler/url.h"
#include "rules/document.h"
#include "rules/pdf_text.h"
#include "rules/thai_date.h"
#include "rules/thai_text.h"

namespace oitwatch {
namespace {

constexpr int kHitPriority = 100;
constexpr int kIndexPriority = 200;
constexpr int kCurrentYearBonus = 50;
constexpr size_t kPageTextForDates = 64u << 10;

bool IsOk(const FetchResult& r) {
  return r.outcome == FetchOutcome::kOk ||
         r.outcome == FetchOutcome::kNotModified;
}

bool IsPdf(const FetchResult& r) {
  return r.content_type.find("pdf") != std::string::npos ||
         r.body.compare(0, 5, "%PDF-") == 0;
}

bool IsHtml(const FetchResult& r) {
  const std::string& ct = r.content_type;
  if (ct.find("html") != std::string::npos) return true;
  if (!ct.empty() && ct.find("text/plain") == std::string::npos) return false;
  size_t i = r.body.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  return i != std::string::npos && r.body[i] == '<';
}

std::string KindName(RequestKind kind) {
  switch (kind) {
    case RequestKind::kRobots: return "robots";
    case RequestKind::kPage: return "page";
    case RequestKind::kDocument: return "document";
    case RequestKind::kCheck: return "check";
  }
  return "page";
}

UrlKind ToUrlKind(LinkScope scope) {
  switch (scope) {
    case LinkScope::kPage: return UrlKind::kPage;
    case LinkScope::kDocument: return UrlKind::kDocument;
    case LinkScope::kOtherSitePage: return UrlKind::kOtherSite;
    case LinkScope::kOtherHost: return UrlKind::kExternal;
  }
  return UrlKind::kPage;
}

std::string IsoTime(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// FNV-1a 64: detects changed content between runs (not a security hash).
std::string ContentHash(const std::string& body) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

bool LooksLikeIndex(const std::string& normalized_text) {
  static const char* const kMarkers[] = {
      "ITA", "OIT", "คุณธรรมและความโปร่งใส", "การเปิดเผยข้อมูลสาธารณะ"};
  for (const char* m : kMarkers) {
    if (normalized_text.find(m) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

Pipeline::Pipeline(Store* store, const Matcher& matcher,
                   const PipelineOptions& options)
    : store_(store), matcher_(matcher), options_(options) {}

void Pipeline::OnSiteStart(const Site& site) {
  SiteState& s = sites_[site.id];
  s.prefix = ScopePrefix(site.url);
  SiteRow row{site.id, site.name, site.name_en, site.url, site.contacts};
  std::string err;
  if (!store_->UpsertSite(row, &err) && error_.empty()) error_ = err;
}

UrlFacts& Pipeline::Facts(SiteState& s, const std::string& url,
                          const std::string& found_on, Extract* out) {
  auto [it, inserted] = s.facts.try_emplace(url);
  UrlFacts& f = it->second;
  if (!inserted) return f;
  f.url = url;
  f.kind = ToUrlKind(ClassifyLink(s.prefix, url));
  f.found_on = found_on;
  std::string path = NormalizeThai(PercentDecode(PathOf(url)));
  AddHits(s, Field::kUrl, path, url, found_on, out);
  AddDates(s, Field::kUrl, "url", path, url, out);
  return f;
}

void Pipeline::AddHits(SiteState& s, Field field, const std::string& text,
                       const std::string& url, const std::string& found_on,
                       Extract* out) {
  if (text.empty()) return;
  for (const FieldMatch& m : matcher_.Match(field, text)) {
    std::string key = url + "\n" + m.item_id + "\n" + m.component_id + "\n" +
                      FieldName(field);
    if (!s.hit_keys.insert(key).second) continue;
    Hit hit{m.item_id, m.component_id, url, found_on, field, m.matched,
            m.pattern_line};
    s.hits.push_back(hit);
    s.hit_urls.insert(url);
    out->hits.push_back(hit);
  }
}

void Pipeline::AddDates(SiteState& s, Field field, const std::string& source,
                        const std::string& text, const std::string& url,
                        Extract* out) {
  size_t kept = 0;
  UrlFacts& f = s.facts[url];
  for (const DateMention& d : FindDates(text)) {
    if (kept >= options_.max_dates_per_field) break;
    std::string key = url + "\n" + source + "\n" + d.text + "\n" +
                      std::to_string(d.offset);
    if (!s.date_keys.insert(key).second) continue;
    DateFact fact{field, source, d.fiscal_year, d.year_be, d.month, d.day,
                  d.fiscal_marker, TruncateUtf8(d.text, 120), url};
    f.dates.push_back(fact);
    out->dates.push_back(fact);
    ++kept;
  }
}

void Pipeline::ProcessLink(SiteState& s, const std::string& page_url,
                           const std::string& url, const std::string& text,
                           Extract* out) {
  std::string norm = NormalizeThai(text);
  Facts(s, url, page_url, out);
  AddHits(s, Field::kLinkText, norm, url, page_url, out);
  AddDates(s, Field::kLinkText, "link_text", norm, url, out);
  Outlink link{url, text, 0, false};
  if (s.hit_urls.count(url)) {
    link.priority = kHitPriority;
    link.check_external = true;
  }
  if (LooksLikeIndex(norm)) link.priority = std::max(link.priority, kIndexPriority);
  for (const DateFact& d : s.facts[url].dates) {
    if (d.fiscal_year == options_.judge.fiscal_year) {
      link.priority += kCurrentYearBonus;
      break;
    }
  }
  out->outlinks.push_back(link);
}

void Pipeline::ProcessHtml(SiteState& s, const FetchResult& r, UrlFacts& facts,
                           Extract* out) {
  DecodedText decoded = DecodeToUtf8(r.body, r.content_type);
  out->charset = decoded.encoding;
  Document doc;
  std::string err;
  if (!ParseHtml(decoded.utf8, r.final_url.empty() ? r.request.url : r.final_url,
                 DocumentLimits(), &doc, &err)) {
    facts.error = "HTML parse failed: " + err;
    return;
  }
  out->title = doc.title;
  const std::string& url = r.request.url;
  std::string title = NormalizeThai(doc.title);
  std::string headings = NormalizeThai(doc.headings);
  std::string text = NormalizeThai(doc.text);
  facts.placeholder = matcher_.IsPlaceholder(text);
  AddHits(s, Field::kTitle, title, url, url, out);
  AddHits(s, Field::kHeadings, headings, url, url, out);
  AddHits(s, Field::kPageText, text, url, url, out);
  AddDates(s, Field::kTitle, "title", title, url, out);
  AddDates(s, Field::kHeadings, "headings", headings, url, out);
  AddDates(s, Field::kPageText, "page_text",
           TruncateUtf8(text, kPageTextForDates), url, out);
  for (const Link& link : doc.links) {
    std::optional<std::string> target = NormalizeUrl(link.url);
    if (!target || *target == url) continue;
    out->links.push_back(LinkRecord{*target, link.text});
    ProcessLink(s, url, *target, link.text, out);
  }
  if (!doc.meta_refresh.empty()) {
    if (std::optional<std::string> target = NormalizeUrl(doc.meta_refresh)) {
      ProcessLink(s, url, *target, "", out);
    }
  }
}

void Pipeline::ProcessPdf(SiteState& s, const FetchResult& r, UrlFacts& facts,
                          Extract* out) {
  PdfText pdf;
  std::string err;
  if (!ExtractPdfText(r.body, options_.max_pdf_pages, options_.max_pdf_text,
                      &pdf, &err)) {
    facts.error = "PDF unreadable: " + err;
    facts.needs_review = true;
    return;
  }
  out->title = pdf.title;
  facts.needs_review = !pdf.has_text;
  const std::string& url = r.request.url;
  std::string text = NormalizeThai(pdf.text);
  AddHits(s, Field::kDocText, text, url, r.request.found_on, out);
  AddDates(s, Field::kDocText, "doc_text", text, url, out);
  std::string title = NormalizeThai(pdf.title);
  AddHits(s, Field::kDocText, title, url, r.request.found_on, out);
  AddDates(s, Field::kDocText, "pdf_meta", title, url, out);
  for (const std::string& iso : {pdf.creation_date, pdf.mod_date}) {
    int y = 0, m = 0, d = 0;
    if (!ParseIsoDate(iso, &y, &m, &d)) continue;
    DateFact fact{Field::kDocText, "pdf_meta", FiscalYearOfCe(y, m), y + 543,
                  m, d, false, iso, url};
    facts.dates.push_back(fact);
    out->dates.push_back(fact);
  }
}

std::vector<Outlink> Pipeline::OnResponse(const Site& site,
                                          const FetchResult& r) {
  SiteState& s = sites_[site.id];
  Extract out;
  UrlFacts& facts = Facts(s, r.request.url, r.request.found_on, &out);
  facts.fetched = true;
  facts.ok = IsOk(r);
  facts.http_status = r.http_status;
  facts.outcome = FetchOutcomeName(r.outcome);
  facts.error = r.error;
  facts.last_modified = r.last_modified;
  if (facts.ok && IsPdf(r)) {
    ProcessPdf(s, r, facts, &out);
  } else if (facts.ok && r.request.kind == RequestKind::kPage && IsHtml(r)) {
    ProcessHtml(s, r, facts, &out);
  }
  Save(site, r.request, &r, out);
  return out.outlinks;
}

void Pipeline::OnNotFetched(const Site& site, const Request& request,
                            FetchOutcome why) {
  SiteState& s = sites_[site.id];
  Extract out;
  UrlFacts& facts = Facts(s, request.url, request.found_on, &out);
  facts.outcome = FetchOutcomeName(why);
  FetchResult r;
  r.request = request;
  r.outcome = why;
  r.fetched_at_unix = static_cast<int64_t>(std::time(nullptr));
  Save(site, request, &r, out);
}

void Pipeline::Save(const Site& site, const Request& request,
                    const FetchResult* r, const Extract& extract) {
  PageRecord page;
  page.site_id = site.id;
  page.url = request.url;
  page.kind = KindName(request.kind);
  page.outcome = FetchOutcomeName(r->outcome);
  page.http_status = r->http_status;
  page.content_type = r->content_type;
  page.content_hash = r->body.empty() ? "" : ContentHash(r->body);
  page.bytes = static_cast<int64_t>(r->body.size());
  page.fetched_at = IsoTime(r->fetched_at_unix);
  page.last_modified = r->last_modified;
  page.etag = r->etag;
  page.title = SanitizeUtf8(extract.title);
  page.error = r->error;
  page.found_on = request.found_on;
  page.depth = request.depth;
  page.charset = extract.charset;
  std::string err;
  if (!store_->SavePage(options_.run_id, page, extract.links, extract.hits,
                        extract.dates, &err) &&
      error_.empty()) {
    error_ = err;
  }
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
    case FetchOutcome::kSkipped:
      return "ไม่ได้ตรวจ (not fetched: " +
             (stats.host_note.empty() ? detail : stats.host_note) + ")";
    default:
      return "หน้าแรกของเว็บไซต์เปิดไม่ได้ (start page failed: " + detail + ")";
  }
}

void Pipeline::OnSiteDone(const Site& site, const SiteCrawlStats& stats) {
  SiteState& s = sites_[site.id];
  SiteRunInfo info;
  info.site_id = site.id;
  info.pages = stats.pages;
  info.documents = stats.documents;
  info.errors = stats.errors;
  info.skipped = stats.skipped;
  const RuleSet& rules = matcher_.rules();
  std::vector<ItemVerdict> verdicts;
  bool seed_ok = IsOk(stats.seed) && !stats.robots_disallowed_seed;
  if (!seed_ok) {
    info.state = "unchecked";
    info.reason = UncheckedReason(stats);
    verdicts = UncheckedVerdicts(rules, info.reason);
    ++sites_unchecked_;
  } else {
    info.state = "checked";
    std::vector<UrlFacts> facts;
    facts.reserve(s.facts.size());
    for (auto& [url, f] : s.facts) facts.push_back(f);
    verdicts = JudgeSite(rules, options_.judge, facts, s.hits);
    timed_out_ = timed_out_ || stats.timed_out;
    if (stats.timed_out || stats.host_dropped) {
      info.reason = stats.timed_out ? "การตรวจถูกตัดเพราะหมดเวลา (run watchdog)"
                                    : stats.host_note;
      for (ItemVerdict& v : verdicts) {
        if (v.status != ItemStatus::kMissing) continue;
        v.status = ItemStatus::kUnchecked;
        v.reason = "ตรวจไม่ครบ จึงยังสรุปว่าไม่พบไม่ได้ (crawl incomplete: " +
                   info.reason + ")";
      }
    }
    ++sites_checked_;
  }
  std::string err;
  if (!store_->SaveSiteResult(options_.run_id, info, verdicts, &err) &&
      error_.empty()) {
    error_ = err;
  }
  if (options_.on_site_done) options_.on_site_done(info, verdicts);
  sites_.erase(site.id);  // free the site's facts: memory stays flat
}

}  // namespace oitwatch
