// Pipeline's incremental re-use: conditional headers from an earlier fetch
// of the URL, and for a page that did not change (a 304, or the same bytes)
// its stored hits, dates and links instead of a parse.
#include <cstddef>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/pipeline.h"
#include "app/pipeline_internal.h"
#include "crawler/fetcher.h"
#include "crawler/url.h"

namespace oitwatch {

using pipeline_internal::IsOwnDate;
using pipeline_internal::IsOwnHit;
using pipeline_internal::IsUnopenableNote;
using pipeline_internal::KindName;
using pipeline_internal::SameContent;

// The earlier spellings of the site's URLs by which a version before this
// one may have stored them (escaped unreserved characters, "%69ndex"), by
// their spelling now; read once per site and run, when a URL is not found
// as spelled now. Null on a store error (error_ is set).
const std::multimap<std::string, std::string>* Pipeline::OldSpellings(
    const Site& site) {
  SiteState& s = sites_[site.id];
  if (s.old_spellings) return &*s.old_spellings;
  std::vector<std::string> urls;
  std::string err;
  if (!reader_->ListEscapedUnreservedUrls(site.id, kMaxUrlsPerSite, &urls,
                                          &err)) {
    if (error_.empty()) error_ = err;
    return nullptr;
  }
  s.old_spellings.emplace();
  for (std::string& old : urls) {
    std::optional<std::string> now = NormalizeUrl(old);
    if (now && *now != old) s.old_spellings->emplace(*now, std::move(old));
  }
  return &*s.old_spellings;
}

// FindReusablePage for `url`, or else for its newest old spelling.
bool Pipeline::FindPrior(const Site& site, const std::string& url,
                         StoredPage* prior, bool* found) {
  std::string err;
  if (!reader_->FindReusablePage(site.id, url, prior, found, &err)) {
    if (error_.empty()) error_ = err;
    return false;
  }
  if (*found) return true;
  return FindOldPrior(site, url, prior, found);
}

bool Pipeline::FindOldPrior(const Site& site, const std::string& url,
                            StoredPage* prior, bool* found) {
  std::string err;
  const std::multimap<std::string, std::string>* old = OldSpellings(site);
  if (old == nullptr) return false;
  auto [begin, end] = old->equal_range(url);
  for (auto it = begin; it != end; ++it) {
    StoredPage candidate;
    bool hit = false;
    if (!reader_->FindReusablePage(site.id, it->second, &candidate, &hit,
                                   &err)) {
      if (error_.empty()) error_ = err;
      return false;
    }
    if (hit && (!*found || candidate.run_id > prior->run_id ||
                (candidate.run_id == prior->run_id &&
                 candidate.page_id > prior->page_id))) {
      *prior = std::move(candidate);
      *found = true;
    }
  }
  return true;
}

namespace {

// Look-ups made ahead per site at most (LoadRowsAhead): each holds a page
// row until the engine asks for its URL, which it may never do.
constexpr size_t kMaxLookupsPerSite = 4096;

// Link texts whose matches are kept at most (LinkTextMatches); then the cache
// starts again.
constexpr size_t kMaxCachedLinkTexts = 1 << 16;

// Decoded links held between a look-up ahead and the row read of the same
// page (Pipeline::held_links_), all sites together: ~500 pages' worth.
constexpr size_t kMaxHeldLinkBytes = 8 << 20;

size_t HeldBytes(const LinkList& links) {
  return links.bytes.capacity() + links.spans.capacity() * sizeof(LinkList::Span);
}

int64_t LinksHolder(const StoredPage& page) {
  return page.links_page_id ? page.links_page_id : page.page_id;
}

}  // namespace

std::pair<Store*, std::unique_lock<std::mutex>> Pipeline::TakePoolReader() {
  for (const std::unique_ptr<PoolReader>& reader : pool_readers_) {
    std::unique_lock<std::mutex> lock(reader->mu, std::try_to_lock);
    if (lock.owns_lock()) return {reader->store, std::move(lock)};
  }
  PoolReader& first = *pool_readers_.front();
  return {first.store, std::unique_lock<std::mutex>(first.mu)};
}

// The rows of an unchanged page, read on the pool; then, while on the pool,
// what PrepareRequest will ask for each URL the page links to that no page
// led to before: the URL's stored copy, and whether its links decode. The
// engine enqueues such a URL (PrepareRequest) as soon as the page is handled
// (ReplayLinks sends its outlinks); the same look-ups made there took a
// tenth of its thread a night. Only an earlier run's rows are looked up
// (no write of this run touches them: the engine asks for a URL once).
void Pipeline::TakeHeldLinks(const std::string& site_id, StoredPage* rows) {
  std::lock_guard<std::mutex> lock(lookups_mu_);
  auto site = held_links_.find(site_id);
  if (site == held_links_.end()) return;
  auto it = site->second.lists.find(LinksHolder(*rows));
  if (it == site->second.lists.end()) return;
  const size_t bytes = HeldBytes(it->second);
  site->second.bytes -= bytes;
  held_links_bytes_ -= bytes;
  rows->link_list = std::move(it->second);
  rows->links_read = true;
  site->second.lists.erase(it);
}

bool Pipeline::LoadRowsAhead(Store& store, const std::string& site_id,
                             StoredPage* rows, std::string* err) {
  if (rows->compact_links) TakeHeldLinks(site_id, rows);
  if (!store.LoadPageRows(rows, err)) return false;
  LinkList& list = rows->link_list;
  list.hashes.reserve(2 * list.size());  // for ReplayLinks' memo look-ups
  for (size_t i = 0; i < list.size(); ++i) {
    list.hashes.push_back(StringPool::Hash(list.url(i)));
    list.hashes.push_back(StringPool::Hash(list.text(i)));
  }
  // The URLs this job looks up, claimed under one lock (another job that
  // meets them too leaves them), and then published under one: two jobs on
  // two connections would otherwise take turns at the lock for every link.
  std::vector<std::string> claimed;
  {
    std::lock_guard<std::mutex> lock(lookups_mu_);
    auto& site = lookups_[site_id];
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string_view url = list.url(i);
      if (HasEscapedUnreserved(url)) continue;  // enqueued as spelled now
      if (site.size() >= kMaxLookupsPerSite) break;
      auto [it, claimed_now] = site.try_emplace(std::string(url));
      if (claimed_now) claimed.push_back(it->first);  // else looked up already
    }
  }
  std::vector<PriorLookup> found(claimed.size());
  std::vector<LinkList> decoded(claimed.size());  // kept for its row read
  for (size_t i = 0; i < claimed.size(); ++i) {
    PriorLookup& f = found[i];
    std::string ignored;
    if (!store.FindReusablePage(site_id, claimed[i], &f.prior, &f.found,
                                &ignored)) {
      continue;  // left undone: PrepareRequest asks again (and says why)
    }
    f.links_ok = f.found && f.prior.page.kind == "page" &&
                 store.CheckPageLinks(f.prior, &ignored, &decoded[i]);
    f.done = true;
  }
  std::lock_guard<std::mutex> lock(lookups_mu_);
  auto& site = lookups_[site_id];
  HeldLinks* held = nullptr;
  for (size_t i = 0; i < claimed.size(); ++i) {
    if (!found[i].done) continue;
    if (found[i].links_ok) {
      const size_t bytes = HeldBytes(decoded[i]);
      if (held_links_bytes_ + bytes <= kMaxHeldLinkBytes) {
        if (held == nullptr) held = &held_links_[site_id];
        auto [it, added] = held->lists.try_emplace(LinksHolder(found[i].prior),
                                                   std::move(decoded[i]));
        if (added) {
          held->bytes += bytes;
          held_links_bytes_ += bytes;
        }
      }
    }
    site[claimed[i]] = std::move(found[i]);
  }
  return true;
}

// Matcher::Match* of a link text, once per distinct text and run: a result
// depends only on the text (and the rules), so every site shares the cache.
const std::vector<FieldMatch>& Pipeline::LinkTextMatches(
    const std::string& text) {
  auto it = link_matches_.find(text);
  if (it != link_matches_.end()) return it->second;
  if (link_matches_.size() >= kMaxCachedLinkTexts) link_matches_.clear();
  const Field field = Field::kLinkText;
  return link_matches_
      .emplace(text, ExclusionNamesUrl(field)
                         ? matcher_.MatchWithExclusions(field, text)
                         : matcher_.Match(field, text))
      .first->second;
}

bool Pipeline::TakeLookup(const std::string& site_id, const std::string& url,
                          PriorLookup* out) {
  std::lock_guard<std::mutex> lock(lookups_mu_);
  auto site = lookups_.find(site_id);
  if (site == lookups_.end()) return false;
  auto it = site->second.find(url);
  if (it == site->second.end() || !it->second.done) return false;
  *out = std::move(it->second);
  it->second = PriorLookup();  // kept, not done: not looked up again
  return true;
}

void Pipeline::PrepareRequest(const Site& site, Request* request) {
  if (!options_.incremental || request->kind == RequestKind::kCheck) return;
  StoredPage prior;
  bool found = false;
  std::string err;
  // Looked up on the pool already (LoadRowsAhead), or now.
  PriorLookup ahead;
  const bool took = TakeLookup(site.id, request->url, &ahead);
  if (took && ahead.found) {
    prior = std::move(ahead.prior);
    found = true;
  } else if (took ? !FindOldPrior(site, request->url, &prior, &found)
                  : !FindPrior(site, request->url, &prior, &found)) {
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
      !(took && ahead.found ? ahead.links_ok
                            : reader_->CheckPageLinks(prior, &err))) {
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
  rows.compact_links = true;  // Reuse reads them in place (ReplayLinks)
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
  // The stored row may spell `url` as an earlier version did ("%69ndex",
  // OldSpellings): its own rows are about that spelling.
  const std::string& stored_url = page.url;
  for (Hit& hit : rows.hits) {
    if (!IsOwnHit(hit, stored_url)) continue;
    hit.url = url;
    if (hit.found_on == stored_url) hit.found_on = url;
    if (hit.field == Field::kDocText) hit.found_on = r.request.found_on;
    AddStoredHit(s, std::move(hit), out);
  }
  // An earlier run's links and body dates are stored by reference to the
  // rows holding them (no copy); a row of this same run (a resumed save) is
  // replaced by this save, so its rows are copied; so are rows about an old
  // spelling of the URL or of its links, which are saved as spelled now.
  const bool earlier_run = prior.run_id != options_.run_id;
  const bool by_reference = earlier_run && stored_url == url;
  for (DateFact& d : rows.dates) {
    if (!IsOwnDate(d, stored_url)) continue;
    d.url = url;
    if (by_reference) {
      out->dates_from = rows.dates_page_id;
      facts.dates.push_back(std::move(d));
    } else {
      facts.dates.push_back(d);
      out->dates.push_back(std::move(d));
    }
  }
  ReplayLinks(s, r, rows, earlier_run, out);
  return true;
}

// A re-used page's links, as a parse would have read them (ProcessLink),
// from `rows`' compact list. Most of a night's links are repeats (the menus
// on every page) that ProcessLink would skip: they are skipped here, before
// any string is made of them.
void Pipeline::ReplayLinks(SiteState& s, const FetchResult& r,
                           const StoredPage& rows, bool earlier_run,
                           Extract* out) {
  const LinkList& list = rows.link_list;
  const std::string& url = r.request.url;
  const int depth = r.request.depth;
  bool respelled = false;  // a link stored as an earlier version spelled it
  for (size_t i = 0; i < list.size() && !respelled; ++i) {
    respelled = HasEscapedUnreserved(list.url(i));
  }
  if (earlier_run && !respelled && rows.links_page_id != 0) {
    out->links_from = rows.links_page_id;
  }
  const bool hashed = list.hashes.size() == 2 * list.size();  // on the pool
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string_view to_url = list.url(i), text = list.text(i);
    if (respelled && HasEscapedUnreserved(to_url)) {
      LinkRecord link{NormalizeUrl(to_url).value_or(std::string(to_url)),
                      std::string(text)};
      out->links.push_back(link);
      ProcessLink(s, depth, url, link.to_url, link.text, out);
      continue;
    }
    if (!out->links_from) {
      out->links.push_back(LinkRecord{std::string(to_url), std::string(text)});
    }
    // ProcessLink does nothing with a link read before from a page no
    // deeper (its memo, SiteState::links_read).
    const SiteState::LinkMemo* read =
        hashed ? s.links_read.find(to_url, list.hashes[2 * i], text,
                                   list.hashes[2 * i + 1])
               : s.links_read.find(to_url, text);
    if (read && depth >= read->sent_depth) continue;
    ProcessLink(s, depth, url, std::string(to_url), std::string(text), out);
  }
}

}  // namespace oitwatch
