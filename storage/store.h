// The evidence store: one SQLite file (WAL, synchronous=FULL, foreign keys
// on, busy_timeout) with a versioned schema, migrated in one transaction per
// version on Open. SQLiteCpp stays inside store.cc; no exception leaves it.
//
// Durability contract: every successful Save*/Begin*/Finish* call has
// committed its own transaction (BEGIN IMMEDIATE) before it returns, so a
// kill -9 at any moment loses nothing acknowledged. Inside a group
// (BeginGroup) the calls share one transaction instead, and are committed
// only when EndGroup returns true: acknowledge them through AfterCommit. A
// run left "running" by a killed process is marked "interrupted" by the next
// BeginRun.
//
// Thread-compatible: one Store per thread.
#ifndef OITWATCH_STORAGE_STORE_H_
#define OITWATCH_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/evidence.h"

namespace oitwatch {

struct RunInfo {
  int64_t id = 0;
  std::string started_at;   // ISO 8601 UTC
  std::string finished_at;  // "" while running
  std::string status;       // "running", "finished", "interrupted", "failed"
  std::string ruleset_id;
  std::string ruleset_version;
  std::string ruleset_path;
  int fiscal_year = 0;      // BE
  std::string as_of;        // YYYY-MM-DD
  std::string options_json; // the effective options, for the record
};

struct SiteRow {
  std::string id, name, name_en, url;
  std::vector<std::string> contacts;
};

struct SiteRunInfo {
  std::string site_id;
  std::string name, name_en, url;  // joined from sites
  std::string state;     // "checked", "unchecked", "pending"
  std::string reason;    // why unchecked, or notes ("budget exhausted")
  int pages = 0;         // HTML pages fetched
  int documents = 0;     // documents fetched
  int errors = 0;        // fetches that failed
  int skipped = 0;       // URLs not fetched (budget, robots, traps)
  int parsed = 0;        // responses parsed (HTML or PDF) in this run
  int reused = 0;        // responses re-used unparsed (304 / same hash)
  std::string started_at, finished_at;
};

struct PageRecord {
  std::string site_id;
  std::string url;
  std::string kind;         // "robots", "page", "document", "check"
  std::string outcome;      // FetchOutcomeName()
  int http_status = 0;
  std::string content_type;
  std::string content_hash; // of the body: pipeline_internal.h ContentHash
  int64_t bytes = 0;
  std::string fetched_at;   // ISO 8601 UTC
  std::string last_modified, etag;
  std::string title;
  std::string error;
  std::string found_on;
  int depth = 0;
  std::string charset;      // encoding used to decode the body
  // When the content was captured: fetched_at for a parsed body, the
  // original capture time for one re-used from an earlier run (304 or the
  // same content hash).
  std::string captured_at;
  bool placeholder = false;   // the page says "under construction" / is empty
  bool needs_review = false;  // e.g. an image-only PDF: no text layer
  std::string parse_error;    // HTML/PDF could not be read
  // A start page's PageSig (app/stand_in_page.h), kept for a night it
  // answers 304; "" for other pages and rows before schema version 8.
  std::string text_sig;
  // Written only: when nonzero, the id of an earlier run's page row whose
  // links are this page's links (an unchanged page re-used); SavePage then
  // stores no links of its own for it. Not read back (0).
  int64_t links_from = 0;
  // Written only, likewise: when nonzero, the id of an earlier run's page
  // row of the same site and URL whose body dates (IsBodyDate) are this
  // page's; the dates given to SavePage then hold none of those.
  int64_t dates_from = 0;
};

struct LinkRecord {
  std::string to_url;
  std::string text;
};

// A page's links as a re-use reads them (StoredPage::compact_links): the
// decoded blob and each link's URL and text as offsets into it, not two
// strings per link (a night re-uses ~900,000 links; their strings were most
// of the time spent loading and freeing a page's rows).
struct LinkList {
  struct Span {
    uint32_t url_at = 0, url_size = 0, text_at = 0, text_size = 0;
  };
  std::string bytes;        // the plain (version 1) blob
  std::vector<Span> spans;  // one per link, in stored order
  // Not read or written by the store: room for a reader's hashes of each
  // link's URL and text (2 per link), made where its rows are read.
  std::vector<uint32_t> hashes;

  size_t size() const { return spans.size(); }
  // REQUIRES: i < size().
  std::string_view url(size_t i) const {
    return std::string_view(bytes).substr(spans[i].url_at, spans[i].url_size);
  }
  std::string_view text(size_t i) const {
    return std::string_view(bytes).substr(spans[i].text_at,
                                          spans[i].text_size);
  }
};

// A stored fetch with content and what was read from it, for re-use by a
// later run (incremental re-crawl).
struct StoredPage {
  int64_t page_id = 0;
  int64_t run_id = 0;
  int64_t links_page_id = 0;  // the row holding its links (links_from)
  int64_t dates_page_id = 0;  // the row holding its body dates (dates_from)
  PageRecord page;
  // Set by the caller: LoadPageRows fills link_list instead of links.
  bool compact_links = false;
  // Set by the caller with link_list already read (CheckPageLinks gave it):
  // LoadPageRows does not read the links again.
  bool links_read = false;
  std::vector<LinkRecord> links;  // filled by LoadPageRows
  LinkList link_list;             // likewise, with compact_links
  std::vector<Hit> hits;
  std::vector<DateFact> dates;    // its body dates only
};

// True for a date a page's own body yields about it (title, headings, text,
// document text, PDF metadata): about `page_url` (or "", the page itself)
// and read from neither a link text nor the URL. An unchanged page carries
// these by reference (PageRecord::dates_from); the others are derived anew
// from links and URLs on every run.
bool IsBodyDate(const DateFact& date, const std::string& page_url);

struct StoreOptions {
  // How long a write waits for another connection's write lock before it
  // fails with a "locked" message (SQLite busy_timeout).
  int busy_timeout_ms = 10000;
  // 0 = SQLite's default. Otherwise PRAGMA max_page_count for this
  // connection; SQLite never lowers it below the current size, so 1 means
  // "no growth". Tests use it to emulate a full disk (SQLITE_FULL).
  int64_t max_page_count = 0;
};

// The connection's effective settings (what PRAGMA reports after Open).
struct StoreSettings {
  std::string journal_mode;  // "wal"
  int synchronous = 0;       // 2 = FULL
  bool foreign_keys = false;
  int busy_timeout_ms = 0;
  int64_t application_id = 0;
  int user_version = 0;
};

// Open's integrity check of a file (PRAGMA quick_check, which reads the
// whole file: ~30 ms for the bench's one night, growing with the history),
// made ahead on a thread and a read-only connection of its own, so that it
// overlaps other start-up work:
//
//   StoreCheckAhead checking(path);   // starts at once
//   LoadRules();                      // meanwhile
//   checking.Wait();
//   std::unique_ptr<Store> store = Store::Open(path, &err);
//
// While the object lives, Open skips its own check of the same file if this
// one passed. If it failed or could not run (no such file yet, not an
// oitwatch database, a newer schema, a damaged file), Open checks and
// reports as it always does. Destroyed while checking, it interrupts the
// check.
class StoreCheckAhead {
 public:
  explicit StoreCheckAhead(const std::string& path);
  ~StoreCheckAhead();
  StoreCheckAhead(const StoreCheckAhead&) = delete;
  StoreCheckAhead& operator=(const StoreCheckAhead&) = delete;

  // Returns once the check has run.
  void Wait();
  // After Wait: true if the file passed (Open then skips its check).
  bool passed();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

class Store {
 public:
  // Opens or creates `path`, applies pending migrations. Returns nullptr with
  // a message if the file is not an oitwatch database, is from a newer
  // version of oitwatch, is corrupt (quick_check), or cannot be written.
  // The quick_check reads the whole file; a second Store on a file this
  // process already holds open through a checked one skips it, and so does
  // a Store opened while a StoreCheckAhead that passed lives. Messages
  // start with `path`. Open(path, err) uses StoreOptions{}.
  static std::unique_ptr<Store> Open(const std::string& path, std::string* err);
  static std::unique_ptr<Store> Open(const std::string& path,
                                     const StoreOptions& options,
                                     std::string* err);
  ~Store();
  Store(const Store&) = delete;  // owns the SQLite connection
  Store& operator=(const Store&) = delete;

  int schema_version() const;

  // For tests and diagnostics (`oitwatch doctor`).
  bool ReadSettings(StoreSettings* settings, std::string* err);

  // PRAGMA integrity_check (the full check; Open runs quick_check). Returns
  // false with SQLite's findings when the file is damaged.
  bool CheckIntegrity(std::string* err);

  // Reads between BeginSnapshot and EndSnapshot see one consistent state of
  // the file (one WAL read transaction), so a report never mixes two commits
  // of a crawl that is writing at the same time.
  // REQUIRES: no writes through this Store until EndSnapshot.
  bool BeginSnapshot(std::string* err);
  void EndSnapshot();

  // --- writing a run ---
  // Marks runs still "running" as "interrupted", then starts a new run with
  // status "running" (info.status is ignored; an empty info.started_at
  // becomes now, ISO 8601 UTC). The caller holds the run lock.
  bool BeginRun(const RunInfo& info, int64_t* run_id, std::string* err);
  bool UpsertSite(const SiteRow& site, std::string* err);
  // One transaction (a savepoint inside a group): the fetched URL, its
  // outgoing links, the hits and dates read from it. Saving the same (run, site, url) again replaces the page
  // and everything saved with it. Text may hold any bytes, NUL included.
  // With page.links_from set, `links` must be empty and the page's links are
  // those of that row (error if it does not exist, or is the row replaced).
  // With page.dates_from set, `dates` must hold no body date (IsBodyDate)
  // and the page's body dates are those of that row (error as for links, or
  // if that row is of another site or URL).
  bool SavePage(int64_t run_id, const PageRecord& page,
                const std::vector<LinkRecord>& links,
                const std::vector<Hit>& hits,
                const std::vector<DateFact>& dates, std::string* err);
  // One transaction: the site's crawl summary and one verdict per item, with
  // the evidence each verdict rests on. Replaces an earlier result of the
  // same site in the same run. `verdicts` order is stored as item order.
  bool SaveSiteResult(int64_t run_id, const SiteRunInfo& site,
                      const std::vector<ItemVerdict>& verdicts,
                      std::string* err);
  // status: "finished", "failed" or "interrupted"; finished_at becomes now
  // (UTC). Returns false for another status or an unknown run.
  bool FinishRun(int64_t run_id, const std::string& status, std::string* err);

  // --- group commit ---
  // Between BeginGroup and EndGroup each write call above runs as a
  // savepoint of one shared transaction (a call that fails undoes only its
  // own writes) and EndGroup commits them together: one fsync for many
  // pages. Until then a group's writes are neither durable nor visible to
  // other connections. BeginGroup returns false if the write lock stays
  // busy, or a group is open; EndGroup if the commit fails (then none of
  // the group's writes is kept) or no group is open.
  bool BeginGroup(std::string* err);
  bool EndGroup(std::string* err);
  // Runs `done` once everything written so far is committed: at once
  // outside a group; inside one, right after EndGroup's commit (in call
  // order), or never if that commit fails.
  void AfterCommit(std::function<void()> done);

  // --- reading ---
  // The newest run with status "finished" (or any status if !finished_only).
  // Returns false with a message when there is none.
  bool LatestRun(bool finished_only, int64_t* run_id, std::string* err);
  bool GetRun(int64_t run_id, RunInfo* info, std::string* err);
  bool ListRuns(std::vector<RunInfo>* runs, std::string* err);
  bool ListSiteRuns(int64_t run_id, std::vector<SiteRunInfo>* sites,
                    std::string* err);
  bool GetSite(const std::string& site_id, SiteRow* site, std::string* err);
  // Verdicts of one site in one run, in item order of the rule set that
  // produced them (stored position), with their evidence.
  bool ListVerdicts(int64_t run_id, const std::string& site_id,
                    std::vector<ItemVerdict>* verdicts, std::string* err);
  bool ListPages(int64_t run_id, const std::string& site_id,
                 std::vector<PageRecord>* pages, std::string* err);
  // Hits of one site/item in one run (for `oitwatch explain`).
  bool ListHits(int64_t run_id, const std::string& site_id,
                const std::string& item_id, std::vector<Hit>* hits,
                std::string* err);
  // Dates about `url` saved in one run (for `oitwatch explain`), in the
  // order they were read: by the page saved with them, then within a page
  // the URL's own dates, its body dates (carried ones included), the
  // link-text dates, each in saved order.
  bool ListDates(int64_t run_id, const std::string& site_id,
                 const std::string& url, std::vector<DateFact>* dates,
                 std::string* err);
  // The newest stored fetch of `url` for `site_id` in any earlier run with a
  // 2xx outcome (for conditional re-crawls). Returns false if none.
  // "Newest" is the highest run id (then the latest save), including the
  // current run if it already saved the URL; only http_status 200-299 with
  // outcome "ok" counts.
  bool LastGoodPage(const std::string& site_id, const std::string& url,
                    PageRecord* page, std::string* err);
  // The newest stored fetch of `url` for `site_id` whose content can be
  // re-used: outcome "ok" with a 2xx, or a "not_modified" page that was
  // itself re-used (it carries the content hash and rows). *found is false
  // when there is none; false is returned only for a store error. Only the
  // page row is read (not its links, hits, dates).
  bool FindReusablePage(const std::string& site_id, const std::string& url,
                        StoredPage* stored, bool* found, std::string* err);
  // The distinct URLs (at most `limit`) of `site_id`'s stored fetches that
  // spell an unreserved character escaped ("%69ndex", "%7Ejoe"): saved by a
  // version whose URL normaliser kept such escapes, which it now decodes
  // (crawler/url.h), so that a re-crawl still finds its earlier fetch
  // under the old spelling. Usually none.
  bool ListEscapedUnreservedUrls(const std::string& site_id, int64_t limit,
                                 std::vector<std::string>* urls,
                                 std::string* err);
  // Reads what a re-use of stored->page_id needs, each in saved order and
  // all from one snapshot: its links (of stored->links_page_id, the row
  // holding them; into link_list if stored->compact_links), the hits saved
  // with it, and its body dates (IsBodyDate;
  // of stored->dates_page_id). Its other dates (link texts, URLs) are not
  // read. (Saving them into the current run is SavePage: one transaction.)
  // Returns false (naming the row) if the stored links do not decode
  // (links_blob.h), e.g. a corrupt or truncated page_links row.
  bool LoadPageRows(StoredPage* stored, std::string* err);
  // Whether the links LoadPageRows would read for `stored` decode: false
  // with the row named if not (or on a store error). Reads nothing else.
  // With `links` given, they are kept there (compact form) when they decode:
  // a later LoadPageRows can take them (StoredPage::links_read).
  bool CheckPageLinks(const StoredPage& stored, std::string* err,
                      LinkList* links = nullptr);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace oitwatch

#endif  // OITWATCH_STORAGE_STORE_H_
