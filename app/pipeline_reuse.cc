// Pipeline's incremental re-use: conditional headers from an earlier fetch
// of the URL, and for a page that did not change (a 304, or the same bytes)
// its stored hits, dates and links instead of a parse.
#include <string>
#include <utility>

#include "app/pipeline.h"
#include "app/pipeline_internal.h"

namespace oitwatch {

using pipeline_internal::IsOwnDate;
using pipeline_internal::IsOwnHit;
using pipeline_internal::IsUnopenableNote;
using pipeline_internal::KindName;
using pipeline_internal::SameContent;

void Pipeline::PrepareRequest(const Site& site, Request* request) {
  if (!options_.incremental || request->kind == RequestKind::kCheck) return;
  StoredPage prior;
  bool found = false;
  std::string err;
  if (!reader_->FindReusablePage(site.id, request->url, &prior, &found, &err)) {
    if (error_.empty()) error_ = err;
    return;
  }
  if (!found || prior.page.kind != KindName(request->kind)) return;
  // A copy read under another rule set or version is read again: its hits,
  // dates and placeholder flag are what those rules saw (a page that a new
  // `notices` pattern makes a placeholder must not stay evidence only
  // because it did not change). Unknown: read again too.
  // One look-up per earlier run, not per URL (a night re-uses thousands).
  auto same = same_rules_.find(prior.run_id);
  if (same == same_rules_.end()) {
    RunInfo run;
    const RuleSet& rules = matcher_.rules();
    const bool ok = reader_->GetRun(prior.run_id, &run, &err) &&
                    run.ruleset_id == rules.id &&
                    run.ruleset_version == rules.version;
    same = same_rules_.emplace(prior.run_id, ok).first;
  }
  if (!same->second) return;
  // A stored copy whose links do not read (a corrupt page_links row) is not
  // re-used: no validators, so the page comes in full and is read afresh.
  if (request->kind == RequestKind::kPage &&
      !reader_->CheckPageLinks(prior, &err)) {
    return;
  }
  // A Last-Modified in the future, stored before the fetcher refused one
  // (crawler/fetcher.h UsableLastModified), is neither sent nor carried on
  // by a re-use (pipeline_save.cc CarryContent).
  if (!UsableLastModified(prior.page.last_modified, std::time(nullptr))) {
    prior.page.last_modified.clear();
  }
  request->etag = prior.page.etag;
  request->last_modified = prior.page.last_modified;
  sites_[site.id].prior[request->url] = std::move(prior);
}

// The earlier fetch to re-use for `r`: on a 304, or when the server ignored
// the conditional headers but sent the same bytes again. Never for an
// answer that came from elsewhere (a redirect): a stored row does not keep
// its own final URL, so only an answer from the URL itself is known to be
// about what was stored, and a URL that now redirects (to the start page,
// a login form) is judged afresh (rt6night BUG-1).
const StoredPage* Pipeline::Reusable(const SiteState& s,
                                    const FetchResult& r) const {
  auto it = s.prior.find(r.request.url);
  if (it == s.prior.end()) return nullptr;
  if (!r.final_url.empty() && r.final_url != r.request.url) return nullptr;
  if (r.outcome == FetchOutcome::kNotModified) return &it->second;
  bool same = r.outcome == FetchOutcome::kOk && !r.body.empty() &&
              SameContent(r.body, it->second.page.content_hash);
  return same ? &it->second : nullptr;
}

StoredPage Pipeline::RowQuery(const StoredPage& prior) {
  StoredPage rows;  // what LoadPageRows reads by; the page row is prior's
  rows.page_id = prior.page_id;
  rows.links_page_id = prior.links_page_id;
  rows.dates_page_id = prior.dates_page_id;
  rows.page.url = prior.page.url;
  return rows;
}

void Pipeline::AddStoredHit(SiteState& s, Hit hit, Extract* out) {
  std::string key = hit.url + "\n" + hit.item_id + "\n" + hit.component_id +
                    "\n" + FieldName(hit.field) +
                    (hit.excluded ? "/excluded" : "");  // as AddMatches
  if (!s.hit_keys.insert(key).second) return;
  if (!hit.excluded) s.hit_urls.insert(hit.url);
  s.hits.push_back(hit);
  out->hits.push_back(std::move(hit));
}

// Re-uses an unchanged page or document: its own hits and dates as stored,
// its links replayed (so they are followed and credited as in a parse),
// nothing parsed.
bool Pipeline::Reuse(SiteState& s, const FetchResult& r,
                     const StoredPage& prior, UrlFacts& facts, Extract* out) {
  StoredPage rows;
  std::string err;
  if (!TakeRows(r, prior, &rows, &err)) {
    if (r.body.empty() && error_.empty()) error_ = err;
    return false;
  }
  const std::string& url = r.request.url;
  const PageRecord& page = prior.page;
  out->reused = &prior;
  out->title = page.title;
  out->charset = page.charset;
  facts.placeholder = page.placeholder;
  facts.needs_review = page.needs_review;
  if (!page.parse_error.empty()) facts.error = page.parse_error;
  facts.unreadable = IsUnopenableNote(page.parse_error);
  if (facts.last_modified.empty()) facts.last_modified = page.last_modified;
  for (Hit& hit : rows.hits) {
    if (!IsOwnHit(hit, url)) continue;
    if (hit.field == Field::kDocText) hit.found_on = r.request.found_on;
    AddStoredHit(s, std::move(hit), out);
  }
  // An earlier run's links and body dates are stored by reference to the
  // rows holding them (no copy); a row of this same run (a resumed save) is
  // replaced by this save, so its rows are copied.
  const bool by_reference = prior.run_id != options_.run_id;
  for (DateFact& d : rows.dates) {
    if (!IsOwnDate(d, url)) continue;
    if (by_reference) {
      out->dates_from = rows.dates_page_id;
      facts.dates.push_back(std::move(d));
    } else {
      facts.dates.push_back(d);
      out->dates.push_back(std::move(d));
    }
  }
  if (by_reference && rows.links_page_id != 0) {
    out->links_from = rows.links_page_id;
  }
  for (const LinkRecord& link : rows.links) {
    if (!out->links_from) out->links.push_back(link);
    ProcessLink(s, r.request.depth, url, link.to_url, link.text, out);
  }
  return true;
}

}  // namespace oitwatch
