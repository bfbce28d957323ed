// Pipeline's writes: each page's row with its links, hits and dates (through
// the StoreWriter when there is one, group-committed), and the crash-test
// hooks that follow a page commit.
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <utility>

#include "app/pipeline.h"
#include "app/pipeline_internal.h"
#include "rules/thai_text.h"

namespace oitwatch {

using pipeline_internal::ContentHash;
using pipeline_internal::KindName;

namespace {

// Crash-test hooks (tests/crash_test.cc), inert unless the variables are set:
// OITWATCH_ACK_FD=<fd> receives "COMMITTED page <run> <url>\n" after each
// page commit has returned; OITWATCH_FAULT=after_commit:N raises SIGKILL
// right after the Nth page commit of this process.
void AfterPageCommit(int64_t run_id, const std::string& url) {
  static const int ack_fd = [] {
    const char* v = std::getenv("OITWATCH_ACK_FD");
    return v != nullptr ? std::atoi(v) : -1;
  }();
  static const long kill_after = [] {
    const char* v = std::getenv("OITWATCH_FAULT");
    const char kPrefix[] = "after_commit:";
    if (v == nullptr || std::strncmp(v, kPrefix, sizeof kPrefix - 1) != 0)
      return 0L;
    return std::atol(v + sizeof kPrefix - 1);
  }();
  static long commits = 0;
  ++commits;
  if (ack_fd >= 0) {
    const std::string line =
        "COMMITTED page " + std::to_string(run_id) + " " + url + "\n";
    for (size_t done = 0; done < line.size();) {
      const ssize_t n = ::write(ack_fd, line.data() + done, line.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
  }
  if (kill_after > 0 && commits == kill_after) std::raise(SIGKILL);
}

// A fault point counts page commits, so while one is armed every page is
// its own commit (no group commit).
bool FaultPointArmed() {
  static const bool armed = std::getenv("OITWATCH_FAULT") != nullptr;
  return armed;
}

std::string IsoTime(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// What the judge read from the body, kept so a re-use needs no re-parse:
// the notes reading added to the fetch's own error (`fetch_error`), even when
// the page's error shows them already (a re-use restores them from here).
void AddParsedFacts(const UrlFacts& facts, const std::string& fetch_error,
                    PageRecord* page) {
  page->placeholder = facts.placeholder;
  page->needs_review = facts.needs_review;
  if (facts.error != fetch_error) page->parse_error = facts.error;
}

// A page re-used from an earlier fetch keeps that fetch's content identity
// and its capture time (a 304 has no body of its own).
void CarryContent(const PageRecord& prior, PageRecord* page) {
  page->content_hash = prior.content_hash;
  page->bytes = prior.bytes;
  page->captured_at =
      prior.captured_at.empty() ? prior.fetched_at : prior.captured_at;
  if (page->content_type.empty()) page->content_type = prior.content_type;
  if (page->etag.empty()) page->etag = prior.etag;
  if (page->last_modified.empty()) page->last_modified = prior.last_modified;
  page->placeholder = prior.placeholder;
  page->needs_review = prior.needs_review;
  page->parse_error = prior.parse_error;
}

}  // namespace

void Pipeline::Write(StoreWriter::Job job, bool group) {
  const size_t bytes = std::exchange(next_write_bytes_, 0);
  if (writer_) return writer_->Post(std::move(job), bytes, group);
  std::string err;
  if (!job(store_, &err) && error_.empty()) error_ = err;
}

// Roughly what a page's rows hold while they wait for the writer.
size_t Pipeline::RowBytes(const Extract& e) {
  size_t n = 0;
  for (const LinkRecord& l : e.links) {
    n += sizeof l + l.to_url.size() + l.text.size();
  }
  for (const Hit& h : e.hits) {
    n += sizeof h + h.url.size() + h.found_on.size() + h.matched.size();
  }
  for (const DateFact& d : e.dates) n += sizeof d + d.text.size() + d.url.size();
  return n;
}

void Pipeline::OnCrawlDone() {
  if (!writer_) return;
  writer_->Drain();
  if (error_.empty()) error_ = writer_->error();
}

void Pipeline::Save(const Site& site, const Request& request,
                    const FetchResult* r, Extract& extract) {
  PageRecord page;
  page.site_id = site.id;
  page.url = request.url;
  page.kind = KindName(request.kind);
  page.outcome = FetchOutcomeName(r->outcome);
  // A PDF not read safely is no good copy to re-use (FindReusablePage).
  if (extract.facts && extract.facts->outcome == kOutcomePdfTooComplex)
    page.outcome = kOutcomePdfTooComplex;
  page.http_status = r->http_status;
  page.content_type = r->content_type;
  page.content_hash = r->body.empty() ? "" : ContentHash(r->body);
  page.bytes = static_cast<int64_t>(r->body.size());
  page.fetched_at = IsoTime(r->fetched_at_unix);
  page.last_modified = r->last_modified;
  page.etag = r->etag;
  if (extract.cut) {  // not re-used next time: its cut is to be seen again
    page.content_hash.clear();
    page.last_modified.clear();
    page.etag.clear();
  }
  page.title = SanitizeUtf8(extract.title);
  // The fetch's own error, else what parsing found (binary, needs JS, ...).
  page.error = r->error.empty() && extract.facts ? extract.facts->error
                                                  : r->error;
  page.found_on = request.found_on;
  page.depth = request.depth;
  page.charset = extract.charset;
  if (extract.facts) AddParsedFacts(*extract.facts, r->error, &page);
  if (extract.reused) CarryContent(extract.reused->page, &page);
  page.links_from = extract.links_from;
  page.dates_from = extract.dates_from;
  // The start page's signature, for a night it answers 304 (StandInPage).
  if (request.depth == 0 && request.kind == RequestKind::kPage)
    page.text_sig = StoredSig(sites_[site.id].home);
  StoreWriter::Job save = [run_id = options_.run_id, page = std::move(page),
                           links = std::move(extract.links),
                           hits = std::move(extract.hits),
                           dates = std::move(extract.dates)](
                              Store* store, std::string* err) {
    if (!store->SavePage(run_id, page, links, hits, dates, err)) return false;
    store->AfterCommit([run_id, url = page.url] {
      AfterPageCommit(run_id, url);  // acknowledged once committed
    });
    return true;
  };
  // Page saves waiting together share one commit (StoreWriter).
  Write(std::move(save), /*group=*/!FaultPointArmed());
}

}  // namespace oitwatch
