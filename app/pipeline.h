// The pipeline behind the crawl engine: for every response of a site it
// decodes (charset), parses (HTML or PDF), matches the rules on each field,
// reads dates, stores the page with its links, hits and dates, and returns
// the links worth crawling, likely evidence first. When a site is done it
// judges every item and stores the verdicts.
//
//   fetch -> decode -> parse -> match -> evidence -> storage -> (judge)
//
// Not thread-safe: called on the engine's thread. With
// PipelineOptions::read_store set, the writes (pages, site results) and
// on_site_done run on a StoreWriter thread instead, in the order they were
// made (see read_store).
#ifndef OITWATCH_APP_PIPELINE_H_
#define OITWATCH_APP_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "app/facts_table.h"
#include "app/page_read.h"
#include "app/parse_pool.h"
#include "app/stand_in_page.h"
#include "app/store_writer.h"
#include "crawler/crawl.h"
#include "rules/evidence.h"
#include "rules/judge.h"
#include "rules/matcher.h"
#include "rules/overrides.h"
#include "rules/pdf_sandbox.h"
#include "rules/placeholder_page.h"
#include "rules/site_chrome.h"
#include "storage/store.h"

namespace oitwatch {

// A site's crawl so far, for live progress output.
struct SiteProgress {
  std::string site_id;
  int pages = 0, documents = 0;  // fetched with content (2xx or 304)
  int parsed = 0;                // HTML/PDF bodies parsed
  int reused = 0;                // unchanged since an earlier run: not parsed
  int items_found = 0;           // items with at least one hit so far
};

// How the reason of a PDF left unread by PipelineOptions'
// pdf_give_ups_per_site / pdf_ms_per_site begins.
inline constexpr char kPdfBudgetSpent[] = "PDF reading budget spent: not read";

struct PipelineOptions {
  int64_t run_id = 0;
  JudgeContext judge;
  int max_pdf_pages = 40;               // pages of a PDF read for text
  size_t max_pdf_text = 1u << 20;       // bytes of PDF text kept
  // PDFs are read in a worker process under this deadline and memory limit;
  // one that exceeds them is `unchecked`, not the run's end.
  PdfSandboxOptions pdf;
  // A site's PDFs are read until this many of them gave up (too complex),
  // or until they took pdf_ms_per_site in all (0: 15 x pdf.timeout_ms); its
  // other PDFs are then not read, unchecked with kPdfBudgetSpent: one site's
  // hostile PDFs cannot take the other sites' night. <= 0: no limit.
  int pdf_give_ups_per_site = 3;
  int64_t pdf_ms_per_site = 0;
  size_t max_dates_per_field = 40;      // date facts kept per field and URL
  // Scope prefixes (ScopePrefix of each site URL) of every site in the run:
  // a URL under another site's prefix, or its first path segment, is that
  // district's and never evidence for this one. Empty: no such check.
  std::vector<std::string> site_prefixes;
  // Called after each site is judged (progress output); may be empty.
  std::function<void(const SiteRunInfo&, const std::vector<ItemVerdict>&)>
      on_site_done;
  // The committee's overrides (all sites); applied to each site's verdicts.
  std::vector<Override> overrides;
  // Called after each response of a site (live progress); may be empty.
  std::function<void(const SiteProgress&)> on_progress;
  // Incremental re-crawl: conditional requests for URLs fetched in earlier
  // runs; a 304 (or a body with the same content hash) re-uses the earlier
  // fetch's links, hits and dates with their original capture time instead
  // of parsing again.
  bool incremental = true;
  // Polled by the engine; true stops the crawl (SIGTERM). May be empty.
  std::function<bool()> should_stop;
  // A second connection to the same database, for the reads of the
  // incremental re-crawl (FindReusablePage, LoadPageRows: earlier runs'
  // rows, which the crawl never changes). With it, the pipeline's store is
  // written by a StoreWriter thread: a page is committed (with the other
  // page saves waiting then: one transaction) and then acknowledged on that
  // thread while the engine goes on crawling; site results and
  // on_site_done follow their site's pages in the same queue, and
  // on_site_done may use the store. OnCrawlDone waits for all of it. Null:
  // everything runs on the engine's thread.
  Store* read_store = nullptr;
  // More connections, for the pool's jobs: an unchanged page's stored rows
  // (LoadPageRows) are read there while the engine's thread handles earlier
  // responses. A job takes a connection no other job is using, so with one
  // per thread that runs jobs (the helpers and the engine's, which runs a
  // job itself rather than wait for a busy helper: ParsePool::Finish) no job
  // waits for another's. Empty: read on the engine's thread.
  std::vector<Store*> pool_read_stores;
  // Threads that help the engine's thread read the HTML bodies of each batch
  // of responses (decode, parse, normalise, dates, matching: PageRead); the
  // results are applied in the engine's order, so they do not depend on
  // timing. -1: ParsePool::DefaultHelpers(); 0: the engine's thread alone.
  int parse_threads = -1;
};

class Pipeline : public CrawlSink {
 public:
  // REQUIRES: store and matcher outlive the pipeline.
  Pipeline(Store* store, const Matcher& matcher, const PipelineOptions& options);

  void OnSiteStart(const Site& site) override;
  void OnIndexScope(const Site& site, const IndexScope& scope) override;
  void PrepareRequest(const Site& site, Request* request) override;
  std::vector<Outlink> OnResponse(const Site& site,
                                  const FetchResult& result) override;
  void OnNotFetched(const Site& site, const Request& request,
                    FetchOutcome why) override;
  void OnSiteDone(const Site& site, const SiteCrawlStats& stats) override;
  // Reads the batch's HTML bodies in parallel (ParsePool); OnResponse then
  // applies each read in turn.
  void StartReadAhead(const FetchResult& r) override;
  bool ReadAheadReady(const FetchResult& r) override;
  void EndReadAhead(const FetchResult& r) override;
  // The fingerprint its read ahead computed, if that read has run.
  std::optional<uint64_t> TextFingerprint(const FetchResult& r) override;
  // Waits until every write is committed (read_store mode); error() then
  // holds the writer's first failure too. Called by the engine at its end.
  void OnCrawlDone() override;
  bool Aborted() const override {
    return !error_.empty() || (writer_ && writer_->failed()) ||
           (options_.should_stop && options_.should_stop());
  }

  // The first storage error, "" if none (complete after OnCrawlDone).
  const std::string& error() const { return error_; }
  int sites_checked() const { return sites_checked_; }
  int sites_unchecked() const { return sites_unchecked_; }
  bool timed_out() const { return timed_out_; }

 private:
  // What a site's crawl keeps until the site is judged, compact
  // (facts_table.h): strings stored once in `pools`, the containers hold ids.
  // Not copyable or movable: the containers point at `pools`.
  struct SiteState {
    std::string prefix;
    // ITA indexes outside the prefix the engine follows (OnIndexScope):
    // their pages are the site's own (KindOf).
    std::vector<IndexScope> index_scopes;
    SitePools pools;  // before the containers that point at it
    // Every URL seen; of a fetched URL's own dates (title, text, ...) only
    // those the judge can rest on (DecidingDates), so memory grows with the
    // URLs of a site, not with the dates their pages name. The facts a
    // response touches stay open while it is read (sealed after it).
    FactsTable facts{&pools};
    HitList hits{&pools};
    HitKeySet hit_keys{&pools};
    UrlSet hit_urls{&pools};  // URLs with at least one hit
    std::unordered_set<std::string> date_keys;  // of link-text and URL dates
    // URL -> re-usable earlier fetch, until the URL's response (OnResponse).
    std::map<std::string, StoredPage> prior;
    // URL as spelled now -> as an earlier version stored it (OldSpellings).
    std::optional<std::multimap<std::string, std::string>> old_spellings;
    SiteProgress progress;
    std::set<std::string> items_found;
    size_t hits_counted = 0;  // s.hits already counted in items_found
    // Text lines of the site's first page (menus, sidebars): a later page
    // with almost nothing else, or a notice alone, is a placeholder
    // (rules/placeholder_page.h).
    std::unordered_set<std::string> chrome_lines;
    bool chrome_known = false;
    // Dated text lines of the start page and of the pages read so far: a
    // date in the site's chrome dates no page (AddPageMentions).
    SiteChrome date_chrome;
    // Links already read on this site, by URL + "\n" + anchor text (a menu
    // repeats the same links on every page): their hits and dates are in
    // already and their URL went to the engine, so a repeat is skipped
    // (ProcessLink).
    using LinkMemo = oitwatch::LinkMemo;
    LinkMemoMap links_read{&pools};
    // Links to new URLs not read: the site had kMaxUrlsPerSite
    // URLs already (ProcessLink).
    int links_over_cap = 0;
    // Pages and documents that failed for a reason that may pass (NoteFailure
    // in pipeline.cc): all of them, and those of positive priority (likely
    // evidence: rule-matching link text, ITA index pages, their children),
    // each with the first one ("URL: outcome").
    struct Failures {
      int all = 0, likely = 0;
      std::string all_example, likely_example;
    } failed;
    HomePage home;  // the start page, once fetched (StandInPage)
    // Pages read only in part (HtmlRead::cut): what the site lacks may be
    // in what was cut (NoteCutPages in pipeline_site.cc).
    struct CutPages {
      int count = 0;
      std::string example;  // "URL (what was not read)"
    } cut;
    struct PdfReading {  // the site's PDF reading so far (PdfBudgetSpent)
      int gave_up = 0;
      int64_t spent_ms = 0;
      std::string first_gave_up;  // URL
    } pdf;
  };
  struct Extract {  // what one response yields for storage
    std::vector<LinkRecord> links;
    std::vector<Hit> hits;
    std::vector<DateFact> dates;
    std::vector<Outlink> outlinks;
    std::string title, charset;
    const UrlFacts* facts = nullptr;      // the fetched URL's facts
    const StoredPage* reused = nullptr;   // the earlier fetch re-used
    int64_t links_from = 0;  // links carried by reference (re-use), not rows
    int64_t dates_from = 0;  // body dates carried likewise
    // The page was read only in part (HtmlRead::cut): its copy is not
    // re-used (Save keeps no validators), so the cut is seen again.
    bool cut = false;
  };

  UrlKind KindOf(const SiteState& s, const std::string& url) const;
  // Re-classifies facts->kind by where the response `r` landed (pipeline.cc
  // says when).
  void LandedKind(const SiteState& s, const FetchResult& r,
                  UrlFacts* facts) const;
  UrlFacts& Facts(SiteState& s, const std::string& url,
                  const std::string& found_on, Extract* out);
  void AddHits(SiteState& s, Field field, const std::string& text,
               const std::string& url, const std::string& found_on,
               Extract* out);
  void AddMatches(SiteState& s, Field field,
                  const std::vector<FieldMatch>& matches,
                  const std::string& url, const std::string& found_on,
                  Extract* out);
  void AddFieldHits(SiteState& s, Field field, const FieldRead& read,
                    const std::string& url, Extract* out);
  // Returns true if it stopped at options_.max_dates_per_field.
  bool AddDates(SiteState& s, Field field, const std::string& source,
                const std::string& text, const std::string& url,
                Extract* out);
  bool AddMentions(SiteState& s, Field field, const std::string& source,
                   const std::vector<DateMention>& mentions,
                   const std::string& url, Extract* out);
  // The dates of a page's headings and text (moved out of `read`); those in
  // the site's chrome as "page_chrome".
  void AddPageMentions(SiteState& s, bool start_page, HtmlRead& read,
                       const std::string& url, Extract* out);
  bool WillReadHtml(const FetchResult& r) const;
  // `placeholder`: ClassifyPlaceholder of the read if it was made with it.
  HtmlRead TakeRead(const FetchResult& r,
                    std::optional<PlaceholderKind>* placeholder = nullptr);
  // IsLoginPage of `r` if it was read ahead (finished here if need be).
  std::optional<bool> LoginPageReadAhead(const FetchResult& r);
  // The copy whose rows StartReadAhead reads on the pool for `r`, if any.
  const StoredPage* RowsToReadAhead(const FetchResult& r) const;
  // What LoadPageRows needs to read `prior`'s rows.
  static StoredPage RowQuery(const StoredPage& prior);
  // Reads the rows of `prior` that Reuse replays into *rows: those read
  // ahead for `r` if there are, else now.
  bool TakeRows(const FetchResult& r, const StoredPage& prior,
                StoredPage* rows, std::string* err);
  void ProcessHtml(SiteState& s, const FetchResult& r, UrlFacts& facts,
                   Extract* out);
  // Remembers that `read` of `url` was cut (HtmlRead::cut), if it was.
  static void NoteCut(SiteState& s, const std::string& url,
                      const HtmlRead& read, Extract* out);
  // The links of a page that is no evidence (a stand-in answer): followed
  // as ProcessHtml would, its text read for nothing else.
  void FollowLinks(SiteState& s, const FetchResult& r, Extract* out);
  void ProcessPdf(SiteState& s, const FetchResult& r, UrlFacts& facts,
                  Extract* out);
  // Why the site's next PDF is not read (its PDF budget is spent); "" if
  // it is read.
  std::string PdfBudgetSpent(const SiteState& s) const;
  // `depth`: the depth of the page `page_url` the link is on.
  void ProcessLink(SiteState& s, int depth, const std::string& page_url,
                   const std::string& url, const std::string& text,
                   Extract* out);
  void AddOutlink(SiteState& s, const std::string& url,
                  const std::string& text, const SiteState::LinkMemo& read,
                  Extract* out);
  // URLs of the site as an earlier version stored them, by their spelling
  // now (pipeline_reuse.cc); null on a store error.
  const std::multimap<std::string, std::string>* OldSpellings(
      const Site& site);
  // The earlier fetch of `url` to re-use, found under its spelling now or
  // an old one; false on a store error.
  bool FindPrior(const Site& site, const std::string& url, StoredPage* prior,
                 bool* found);
  // FindPrior's second half: the newest copy under an old spelling.
  bool FindOldPrior(const Site& site, const std::string& url,
                    StoredPage* prior, bool* found);
  const StoredPage* Reusable(const SiteState& s, const FetchResult& r) const;
  // False if prior's rows do not read (nothing re-used; with no body to
  // read instead, error_ says why).
  bool Reuse(SiteState& s, const FetchResult& r, const StoredPage& prior,
             UrlFacts& facts, Extract* out);
  void ReplayLinks(SiteState& s, const FetchResult& r, const StoredPage& rows,
                   bool earlier_run, Extract* out);
  void AddStoredHit(SiteState& s, Hit hit, Extract* out);
  void ReportProgress(SiteState& s, const Site& site, const FetchResult& r,
                      bool parsed, bool reused);
  void NoteFailure(SiteState& s, const FetchResult& r);
  // A gap like NoteFailure's: `r` came but could not be read (`what`).
  void NoteGap(SiteState& s, const Request& r, const std::string& what);
  // Moves extract's links, hits and dates into the page's write.
  void Save(const Site& site, const Request& request, const FetchResult* r,
            Extract& extract);
  // Runs `job` on the writer thread, or now when there is none; it holds
  // next_write_bytes_ (then reset), which bounds the writer's queue.
  void Write(StoreWriter::Job job, bool group = false);
  static size_t RowBytes(const Extract& extract);
  void CallOnProgress(const SiteProgress& p);
  // A site's reason when the run was stopped (storage failure, signal).
  std::string StoppedNote() const;
  std::string UncheckedReason(const SiteCrawlStats& stats) const;
  // Why a start page fetched 2xx still leaves the site unchecked (moved to
  // another host, needs JavaScript, nothing readable); "" if it does not.
  static std::string StartPageReason(const SiteState& s,
                                     const SiteCrawlStats& stats);
  // Why the site's `missing` items may not be (IncompleteNote); "" if none.
  static std::string IncompleteNote(const SiteState& s);
  static std::vector<UrlFacts> JudgedFacts(
      const SiteState& s, const std::vector<Hit>& hits,
      const std::vector<Override>& overrides);

  Store* store_;
  Store* reader_;  // options_.read_store, else store_
  // Earlier runs (id -> read under this rule set and version), for
  // PrepareRequest: a copy read under other rules is read again.
  std::map<int64_t, bool> same_rules_;
  const Matcher& matcher_;
  PipelineOptions options_;
  // The first path segment of each options_.site_prefixes
  // (pipeline_internal::SegmentPrefixes), for UnderOtherSite.
  std::vector<std::string> site_segments_;
  std::map<std::string, SiteState> sites_;
  std::string error_;
  int sites_checked_ = 0, sites_unchecked_ = 0;
  bool timed_out_ = false;
  std::mutex callback_mu_;  // on_progress and on_site_done never overlap
  // HTML bodies being read ahead on the pool (StartReadAhead), by
  // response: the job's ticket and what it reads into. Declared before
  // pool_, which lets go of them when it goes.
  struct ReadJob {
    ParsePool::Ticket ticket;
    HtmlRead read;
    // Read with it, off the engine's thread: IsLoginPage of the response,
    // and ClassifyPlaceholder when the site's chrome was known at the start
    // (it never changes once known).
    std::optional<bool> login_page;
    std::optional<PlaceholderKind> placeholder;
    // PageTextFingerprint of a page's body, for the engine's template
    // budget (TextFingerprint), read with the body or the rows.
    std::optional<uint64_t> text_fingerprint;
    bool taken = false;  // `read` or `rows` moved out (TakeRead, TakeRows)
    // An unchanged page's rows, read on a pool connection (StartReadAhead);
    // Reuse takes them.
    bool reads_rows = false;
    bool rows_ok = false;
    StoredPage rows;
    std::string rows_err;
  };
  // options_.pool_read_stores, each used by one job at a time.
  struct PoolReader {
    Store* store = nullptr;
    std::mutex mu;
  };
  std::vector<std::unique_ptr<PoolReader>> pool_readers_;
  // A pool connection no job is using, locked; the first one (waiting for
  // it) if all are busy.
  std::pair<Store*, std::unique_lock<std::mutex>> TakePoolReader();
  std::unordered_map<const FetchResult*, std::unique_ptr<ReadJob>>
      read_ahead_;
  // PrepareRequest's store look-ups for the URLs an unchanged page links to,
  // made on the pool with its rows (LoadRowsAhead) instead of on this thread
  // when the engine enqueues them (pipeline_reuse.cc).
  struct PriorLookup {
    bool done = false;      // made and not yet taken
    bool found = false;     // FindReusablePage found a copy
    bool links_ok = false;  // a page's copy: CheckPageLinks passed
    StoredPage prior;
  };
  // LoadPageRows on `store` (a pool connection, held: TakePoolReader), its
  // links' hashes for ReplayLinks, then the look-ups of their URLs.
  bool LoadRowsAhead(Store& store, const std::string& site_id,
                     StoredPage* rows, std::string* err);
  // Moves the look-up of `url` into *out if one was made; false if not.
  bool TakeLookup(const std::string& site_id, const std::string& url,
                  PriorLookup* out);
  // What the rules find in a link text (AddHits), by the text: a site's
  // links name a few thousand texts each under many URLs (pipeline_reuse.cc).
  const std::vector<FieldMatch>& LinkTextMatches(const std::string& text);
  std::unordered_map<std::string, std::vector<FieldMatch>> link_matches_;
  std::mutex lookups_mu_;
  // By site, then URL; a site's go with it (OnSiteDone).
  std::unordered_map<std::string,
                     std::unordered_map<std::string, PriorLookup>>
      lookups_;
  // The links a look-up ahead read (CheckPageLinks) to see that they decode,
  // kept for the row read of the same page (LoadRowsAhead), which then does
  // not read and decompress them again: by site, then the row holding them.
  // At most kMaxHeldLinkBytes in all; a site's go with it. lookups_mu_.
  struct HeldLinks {
    std::unordered_map<int64_t, LinkList> lists;
    size_t bytes = 0;
  };
  std::unordered_map<std::string, HeldLinks> held_links_;
  size_t held_links_bytes_ = 0;
  // Moves the links held for `rows` (by its holder row) into it, if any.
  void TakeHeldLinks(const std::string& site_id, StoredPage* rows);
  std::unique_ptr<ParsePool> pool_;  // null: bodies read on this thread
  size_t next_write_bytes_ = 0;  // set by OnResponse for Save's page write
  PdfSandbox pdf_reader_;  // ProcessPdf's worker process
  std::unique_ptr<StoreWriter> writer_;  // last: joined before the rest goes
};

}  // namespace oitwatch

#endif  // OITWATCH_APP_PIPELINE_H_
