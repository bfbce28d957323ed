// Pipeline's engine hooks and its way through one response: a site's
// start, the requests not fetched, and OnResponse, which classifies the
// response, hands it to a reader (pipeline_read.cc) or to a re-use
// (pipeline_reuse.cc), saves it (pipeline_save.cc) and ranks its outlinks.
// A site's end is pipeline_site.cc.
#include "app/pipeline.h"

#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "app/pipeline_internal.h"
#include "crawler/url.h"
#include "rules/dating.h"
#include "rules/thai_text.h"

namespace oitwatch {

using pipeline_internal::IsHtml;
using pipeline_internal::IsOk;
using pipeline_internal::IsOwnDate;
using pipeline_internal::IsPdf;
using pipeline_internal::IsUnopenableNote;
using pipeline_internal::kBinaryNote;
using pipeline_internal::LooksLikeIndex;
using pipeline_internal::LooksBinary;
using pipeline_internal::MarkUnopenable;
using pipeline_internal::MayPass;
using pipeline_internal::RankOutlinks;
using pipeline_internal::UnderOtherSite;
using pipeline_internal::UnreadableStartNote;

namespace {

// The host name of an absolute URL, without scheme or port; "" if none.
std::string HostName(const std::string& url) {
  const std::string key = HostKey(url);  // "scheme://host:port"
  const size_t start = key.find("://");
  const size_t colon = key.rfind(':');
  if (start == std::string::npos || colon <= start + 3) return "";
  return key.substr(start + 3, colon - start - 3);
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

// Of the dates a response added about its own URL (from `from` on), keeps
// only those the judge can rest on (DecidingDates): a page's text names
// dozens of dates, and a site's thousands of pages would otherwise hold them
// all until the site is judged. The page's rows still store every one;
// link-text and URL dates (which rank outlinks) stay as they are.
void KeepDecidingDates(std::vector<DateFact>* dates, size_t from,
                       const std::string& url, int fiscal_year) {
  if (from >= dates->size()) return;  // nothing new
  std::vector<DateFact> own, others;
  for (size_t i = from; i < dates->size(); ++i) {
    DateFact& d = (*dates)[i];
    (IsOwnDate(d, url) ? own : others).push_back(std::move(d));
  }
  own = DecidingDates(own, fiscal_year);
  std::vector<DateFact> kept;  // exact capacity: the rest is freed
  kept.reserve(from + others.size() + own.size());
  for (size_t i = 0; i < from; ++i) kept.push_back(std::move((*dates)[i]));
  for (DateFact& d : others) kept.push_back(std::move(d));
  for (DateFact& d : own) kept.push_back(std::move(d));
  *dates = std::move(kept);
}

}  // namespace

Pipeline::Pipeline(Store* store, const Matcher& matcher,
                   const PipelineOptions& options)
    : store_(store),
      reader_(options.read_store ? options.read_store : store),
      matcher_(matcher),
      options_(options),
      site_segments_(
          pipeline_internal::SegmentPrefixes(options.site_prefixes)),
      pdf_reader_(options.pdf) {
  const int helpers = ParsePool::Helpers(options_.parse_threads);
  if (helpers > 0) pool_ = std::make_unique<ParsePool>(helpers);
  for (Store* reader : options_.pool_read_stores) {
    if (reader == nullptr) continue;
    pool_readers_.push_back(std::make_unique<PoolReader>());
    pool_readers_.back()->store = reader;
  }
  if (options_.read_store) writer_ = std::make_unique<StoreWriter>(store_);
}

void Pipeline::CallOnProgress(const SiteProgress& p) {
  if (!options_.on_progress) return;
  std::lock_guard<std::mutex> lock(callback_mu_);
  options_.on_progress(p);
}

void Pipeline::OnSiteStart(const Site& site) {
  SiteState& s = sites_[site.id];
  s.prefix = ScopePrefix(site.url);
  SiteRow row{site.id, site.name, site.name_en, site.url, site.contacts};
  Write([row](Store* store, std::string* err) {
    return store->UpsertSite(row, err);
  });
}

void Pipeline::OnIndexScope(const Site& site, const IndexScope& scope) {
  sites_[site.id].index_scopes.push_back(scope);
}

UrlKind Pipeline::KindOf(const SiteState& s, const std::string& url) const {
  UrlKind kind = ToUrlKind(ClassifyLink(s.prefix, url));
  if (kind == UrlKind::kOtherSite) {
    for (const IndexScope& scope : s.index_scopes) {
      if (scope.Contains(url)) return UrlKind::kPage;  // the site's ITA index
    }
  }
  if (kind == UrlKind::kOtherSite && !options_.site_prefixes.empty() &&
      !UnderOtherSite(options_.site_prefixes, site_segments_, s.prefix,
                      url)) {
    kind = UrlKind::kExternal;  // a central BMA page (/pipd/): no district
  }
  return kind;
}

void Pipeline::ReportProgress(SiteState& s, const Site& site,
                              const FetchResult& r, bool parsed, bool reused) {
  SiteProgress& p = s.progress;
  p.site_id = site.id;
  if (IsOk(r) && r.request.kind == RequestKind::kPage) ++p.pages;
  if (IsOk(r) && r.request.kind == RequestKind::kDocument) ++p.documents;
  p.parsed += parsed ? 1 : 0;
  p.reused += reused ? 1 : 0;
  for (; s.hits_counted < s.hits.size(); ++s.hits_counted) {
    if (s.hits.excluded(s.hits_counted)) continue;  // not a find
    s.items_found.emplace(s.hits.item_id(s.hits_counted));
  }
  p.items_found = static_cast<int>(s.items_found.size());
  CallOnProgress(p);
}

std::vector<Outlink> Pipeline::OnResponse(const Site& site,
                                          const FetchResult& r) {
  SiteState& s = sites_[site.id];
  Extract out;
  UrlFacts& facts = Facts(s, r.request.url, r.request.found_on, &out);
  // A page of an ITA index outside the prefix may have been linked before
  // the engine followed that index (OnIndexScope): the site's own now.
  if (r.request.kind == RequestKind::kPage && facts.kind != UrlKind::kPage) {
    facts.kind = KindOf(s, r.request.url);
  }
  facts.fetched = true;
  facts.ok = IsOk(r);
  facts.http_status = r.http_status;
  facts.outcome = FetchOutcomeName(r.outcome);
  facts.error = r.error;
  facts.last_modified = r.last_modified;
  LandedKind(s, r, &facts);
  bool parsed = false;
  const size_t dates_before = facts.dates.size();
  const StoredPage* prior = Reusable(s, r);
  // Stored rows that do not read: a body that came is read afresh (with none,
  // a 304, Reuse stops the run with the error).
  if (prior && !Reuse(s, r, *prior, facts, &out) && !r.body.empty()) {
    prior = nullptr;
  }
  if (r.request.depth == 0 && IsOk(r))
    NoteHomePage(r, prior ? prior->page.content_hash : "",
                 prior ? prior->page.bytes : -1,
                 prior ? prior->page.text_sig : "", &s.home);
  const std::string unopenable =
      prior ? "" : UnusableAnswer(r, s.home, LoginPageReadAhead(r));
  if (prior) {
    // re-used
  } else if (!unopenable.empty()) {
    MarkUnopenable(unopenable, &facts);
    // An ITA index page read last time that answers with the start page
    // now (a redirect home, its bytes, a login wall): what it led to then
    // is not known tonight, a gap, not "missing" (rt8pipe). Tonight's copy
    // is no page either, so a night later it is gone, and what only it led
    // to is missing. (Any other page gone so is broken if it was evidence,
    // and leaves the rest as judged.)
    auto before = s.prior.find(r.request.url);
    if (IsStandInWhy(unopenable) && r.request.kind == RequestKind::kPage &&
        LooksLikeIndex(NormalizeThai(r.request.link_text)) &&
        before != s.prior.end() &&
        !IsUnopenableNote(before->second.page.parse_error)) {
      NoteGap(s, r.request, unopenable + " tonight, a page when last read");
    }
    // No evidence, but its links are followed: a copy of the home page
    // links nothing new (the engine considers a URL once), and a page only
    // taken for it leads on (a calendar month: the home page's words and
    // links with other numbers, B11).
    if (IsStandInWhy(unopenable) && WillReadHtml(r)) FollowLinks(s, r, &out);
  } else if (facts.ok && IsPdf(r)) {
    ProcessPdf(s, r, facts, &out);
    parsed = true;
  } else if (facts.ok && r.request.kind == RequestKind::kPage && IsHtml(r) &&
             LooksBinary(r.body, r.content_type)) {
    facts.error = kBinaryNote;
  } else if (facts.ok && r.request.kind == RequestKind::kPage && IsHtml(r)) {
    ProcessHtml(s, r, facts, &out);
    parsed = true;
  }
  // A start page with nothing to read (an empty body, a 204, an image type)
  // leaves the site unchecked (OnSiteDone), not every item missing.
  if (!prior && facts.ok && facts.error.empty() &&
      r.request.kind == RequestKind::kPage && r.request.depth == 0) {
    facts.error = UnreadableStartNote(r, parsed);
  }
  if (!facts.ok && r.request.depth > 0) NoteFailure(s, r);
  KeepDecidingDates(&facts.dates, dates_before, r.request.url,
                    options_.judge.fiscal_year);
  out.facts = &facts;
  next_write_bytes_ = RowBytes(out);
  Save(site, r.request, &r, out);
  s.facts.Seal();  // out.facts is not read again
  // The engine hands a URL over once (a retry comes back here only when it
  // is over): its earlier fetch is not needed again.
  const bool reused = prior != nullptr;
  s.prior.erase(r.request.url);
  ReportProgress(s, site, r, parsed, reused);
  RankOutlinks(r.request, &out.outlinks);
  return out.outlinks;
}

// A redirect out of the site's scope makes the URL someone else's page:
// judge it by where it landed, another district, another host or a central
// page of the portal host (/pipd/: kExternal, which only external_ok items
// accept; a district page that 302s there is no more the district's own
// than a direct link). A landing inside the prefix (http -> https is no
// move) or on a document (the site's own files may sit outside its prefix)
// keeps the kind. Only a fetch that succeeded landed anywhere: a redirect
// the fetcher refused (another port, a non-public address: rt6net M01/M02)
// was never followed, so the link stays the site's own, unchecked tonight
// (NoteFailure), as the assessors' browser would follow it. A landing on
// the same host name on another port (only followed when the operator
// allowed that port, --allow-port: rt6net M01b) is the same server: its
// path is judged as on the site's own origin.
void Pipeline::LandedKind(const SiteState& s, const FetchResult& r,
                          UrlFacts* facts) const {
  if (!IsOk(r) || r.final_url.empty() || r.final_url == r.request.url ||
      facts->kind == UrlKind::kExternal) {
    return;
  }
  std::string landing = r.final_url;
  if (!SameHostAnyScheme(landing, s.prefix) &&
      HostName(landing) == HostName(s.prefix)) {
    landing = HostKey(s.prefix) + PathOf(landing);
  }
  const UrlKind landed = KindOf(s, landing);
  if (landed == UrlKind::kOtherSite || landed == UrlKind::kExternal) {
    facts->kind = landed;
  }
}

// The site's pages and documents whose fetch failed for a reason that may
// pass (MayPass): the evidence they hold or lead to is not known, so
// OnSiteDone does not call items missing on their account (IncompleteNote).
// A page likely to hold evidence that robots.txt disallows is a gap too
// (the assessors open it; we may not): counted as likely only, never by the
// small-site rule (a site's /admin/ or /intranet/ is not evidence).
void Pipeline::NoteFailure(SiteState& s, const FetchResult& r) {
  const RequestKind kind = r.request.kind;
  if (kind != RequestKind::kPage && kind != RequestKind::kDocument) return;
  if (r.outcome == FetchOutcome::kRobotsDisallowed) {
    if (r.request.priority > 0 && s.failed.likely++ == 0) {
      s.failed.likely_example = r.request.url + ": robots.txt disallows it";
    }
    return;
  }
  // A redirect refused (another port, a non-public address) left the target
  // unknown: a gap with the refusal as its reason, never a "missing". So
  // did a page that could not be read at all (rt8pipe BUG-2): over the size
  // cap, a redirect loop, a TLS failure, a redirect to a scheme not
  // fetched. Only an answer that the URL is gone (404, 410, other 4xx) is
  // no gap.
  const bool refused = r.outcome == FetchOutcome::kForbiddenAddress;
  const bool unread = r.outcome == FetchOutcome::kTooLarge ||
                      r.outcome == FetchOutcome::kTooManyRedirects ||
                      r.outcome == FetchOutcome::kTlsError ||
                      r.outcome == FetchOutcome::kUnsupportedScheme;
  if (!MayPass(r) && !refused && !unread) return;
  std::string what = FetchOutcomeName(r.outcome);
  if (r.http_status) what += " HTTP " + std::to_string(r.http_status);
  if ((refused || unread) && !r.error.empty()) what += ": " + r.error;
  NoteGap(s, r.request, what);
}

void Pipeline::NoteGap(SiteState& s, const Request& r,
                       const std::string& what) {
  const std::string example = r.url + ": " + what;
  if (s.failed.all++ == 0) s.failed.all_example = example;
  if (r.priority > 0 && s.failed.likely++ == 0) {
    s.failed.likely_example = example;
  }
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
  if (why == FetchOutcome::kRobotsDisallowed) NoteFailure(s, r);
  Save(site, request, &r, out);
  s.facts.Seal();
  s.prior.erase(request.url);  // never fetched now
}

}  // namespace oitwatch
