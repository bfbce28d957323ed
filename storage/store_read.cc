// Reading the evidence store: runs, sites, verdicts, pages and the rows
// saved with them (the writing half is store.cc). Every exception is caught
// (guard.h) and becomes false + a message that starts with the database path.
#include <SQLiteCpp/SQLiteCpp.h>
#include <SQLiteCpp/Savepoint.h>
#include <SQLiteCpp/VariadicBind.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "storage/dates_blob.h"
#include "storage/links_blob.h"
#include "storage/rows.h"
#include "storage/store.h"
#include "storage/store_impl.h"

namespace oitwatch {
namespace {

// Clears *out, then steps `q` to its end, appending from_row(q) per row.
template <typename T, typename FromRow>
void ReadAll(SQLite::Statement& q, std::vector<T>* out, FromRow from_row) {
  out->clear();
  while (q.executeStep()) out->push_back(from_row(q));
}

}  // namespace

bool Store::LatestRun(bool finished_only, int64_t* run_id, std::string* err) {
  return impl_->Read("latest run", err, [&] {
    SQLite::Statement q(impl_->db, finished_only
                                       ? "SELECT id FROM runs WHERE status = "
                                         "'finished' ORDER BY id DESC LIMIT 1"
                                       : "SELECT max(id) FROM runs");
    if (q.executeStep() && !q.getColumn(0).isNull()) {
      *run_id = q.getColumn(0).getInt64();
      return true;
    }
    *err = impl_->path +
           (finished_only ? ": no finished run yet" : ": no run yet");
    return false;
  });
}

bool Store::GetRun(int64_t run_id, RunInfo* info, std::string* err) {
  return impl_->Read("get run", err, [&] {
    SQLite::Statement q(impl_->db, std::string("SELECT ") + kRunColumns +
                                       " FROM runs WHERE id = ?");
    q.bind(1, run_id);
    if (q.executeStep()) {
      *info = RunFromRow(q);
      return true;
    }
    *err = impl_->path + ": no run " + std::to_string(run_id);
    return false;
  });
}

bool Store::ListRuns(std::vector<RunInfo>* runs, std::string* err) {
  return impl_->Read("list runs", err, [&] {
    SQLite::Statement q(impl_->db, std::string("SELECT ") + kRunColumns +
                                       " FROM runs ORDER BY id");
    ReadAll(q, runs, RunFromRow);
    return true;
  });
}

bool Store::ListSiteRuns(int64_t run_id, std::vector<SiteRunInfo>* sites,
                         std::string* err) {
  return impl_->Read("list sites of run", err, [&] {
    SQLite::Statement q(
        impl_->db,
        "SELECT r.site_id, coalesce(s.name, ''), coalesce(s.name_en, ''), "
        "coalesce(s.url, ''), r.state, r.reason, r.pages, r.documents, "
        "r.errors, r.skipped, r.started_at, r.finished_at, r.parsed, "
        "r.reused FROM run_sites r "
        "LEFT JOIN sites s ON s.id = r.site_id WHERE r.run_id = ? "
        // Sites in the order they were first listed (the site list's order,
        // e.g. the official district order), not alphabetically.
        "ORDER BY s.rowid, r.site_id");
    q.bind(1, run_id);
    ReadAll(q, sites, SiteRunFromRow);
    return true;
  });
}

bool Store::GetSite(const std::string& site_id, SiteRow* site,
                    std::string* err) {
  return impl_->Read("get site", err, [&] {
    SQLite::Statement q(impl_->db,
                        "SELECT id, name, name_en, url, contacts_json "
                        "FROM sites WHERE id = ?");
    q.bind(1, site_id);
    if (!q.executeStep()) {
      *err = impl_->path + ": no site '" + site_id + "'";
      return false;
    }
    site->id = q.getColumn(0).getString();
    site->name = q.getColumn(1).getString();
    site->name_en = q.getColumn(2).getString();
    site->url = q.getColumn(3).getString();
    site->contacts = FromJsonList(q.getColumn(4).getString(), "contacts_json");
    return true;
  });
}

bool Store::ListVerdicts(int64_t run_id, const std::string& site_id,
                         std::vector<ItemVerdict>* verdicts, std::string* err) {
  return impl_->Read("list verdicts of " + site_id, err, [&] {
    SQLite::Savepoint snapshot(impl_->db, "list_verdicts");
    SQLite::Statement q(impl_->db,
                        "SELECT item_id, title, status, reason, "
                        "missing_components_json, missing_months_json FROM "
                        "item_states WHERE run_id = ? AND site_id = ? "
                        "ORDER BY position");
    SQLite::Statement ev(impl_->db,
                         "SELECT component_id, url, found_on, text, field, "
                         "date, fiscal_year, date_source, state FROM "
                         "item_evidence WHERE run_id = ? AND site_id = ? AND "
                         "item_id = ? ORDER BY rank");
    SQLite::bind(q, run_id, site_id);
    verdicts->clear();
    while (q.executeStep()) {
      ItemVerdict v = VerdictFromRow(q);
      SQLite::bind(ev, run_id, site_id, v.item_id);
      while (ev.executeStep()) v.evidence.push_back(EvidenceFromRow(ev));
      ev.reset();
      verdicts->push_back(std::move(v));
    }
    snapshot.release();
    return true;
  });
}

bool Store::ListPages(int64_t run_id, const std::string& site_id,
                      std::vector<PageRecord>* pages, std::string* err) {
  return impl_->Read("list pages of " + site_id, err, [&] {
    SQLite::Statement q(impl_->db, std::string("SELECT ") + kPageColumns +
                                       " FROM pages WHERE run_id = ? AND "
                                       "site_id = ? ORDER BY id");
    SQLite::bind(q, run_id, site_id);
    ReadAll(q, pages, PageFromRow);
    return true;
  });
}

bool Store::ListHits(int64_t run_id, const std::string& site_id,
                     const std::string& item_id, std::vector<Hit>* hits,
                     std::string* err) {
  return impl_->Read("list hits of " + site_id, err, [&] {
    SQLite::Statement q(impl_->db, std::string("SELECT ") + kHitColumns +
                                       " FROM hits WHERE run_id = ? AND "
                                       "site_id = ? AND item_id = ? ORDER BY id");
    SQLite::bind(q, run_id, site_id, item_id);
    ReadAll(q, hits, HitFromRow);
    return true;
  });
}

bool Store::ListDates(int64_t run_id, const std::string& site_id,
                      const std::string& url, std::vector<DateFact>* dates,
                      std::string* err) {
  return impl_->Read("list dates of " + url, err, [&] {
    // Ordered as if carried rows were copies saved with the page that
    // carries them: each page's rows go together in saved order, and within
    // one page the URL's own dates come first, then its body's, then those
    // of link texts (the order a page's rows are saved in).
    struct Ranked {
      int64_t saved_with;
      int part;
      int64_t seq;
      DateFact date;
    };
    std::vector<Ranked> ranked;
    SQLite::Statement rows(
        impl_->db,
        std::string("SELECT ") + kDateColumnsOfD +
            ", p.id, CASE d.field WHEN 'url' THEN 0 WHEN 'link_text' THEN 2 "
            "ELSE 1 END, d.id FROM url_dates d JOIN pages p ON p.id = "
            "d.page_id WHERE d.run_id = ?1 AND d.site_id = ?2 AND d.url = ?3");
    SQLite::bind(rows, run_id, site_id, url);
    while (rows.executeStep()) {
      ranked.push_back({rows.getColumn(9).getInt64(), rows.getColumn(10).getInt(),
                        rows.getColumn(11).getInt64(), DateFromRow(rows)});
    }
    // The URL's body dates: its page row's own page_dates row, or the row
    // it carries them from.
    SQLite::Statement body(
        impl_->db,
        "SELECT p.id, b.page_id, b.data FROM pages p JOIN page_dates b ON "
        "b.page_id = coalesce(p.dates_from, p.id) WHERE p.run_id = ?1 AND "
        "p.site_id = ?2 AND p.url = ?3");
    SQLite::bind(body, run_id, site_id, url);
    while (body.executeStep()) {
      const SQLite::Column data = body.getColumn(2);
      std::vector<DateFact> decoded;
      std::string blob_err;
      if (!DecodeDates(std::string_view(static_cast<const char*>(data.getBlob()),
                                        data.getBytes()),
                       url, &decoded, &blob_err)) {
        throw BadRow("page_dates row " +
                     std::to_string(body.getColumn(1).getInt64()) + ": " +
                     blob_err);
      }
      for (size_t i = 0; i < decoded.size(); ++i) {
        ranked.push_back({body.getColumn(0).getInt64(), 1,
                          static_cast<int64_t>(i), std::move(decoded[i])});
      }
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const Ranked& a, const Ranked& b) {
                       return std::tie(a.saved_with, a.part, a.seq) <
                              std::tie(b.saved_with, b.part, b.seq);
                     });
    dates->clear();
    for (Ranked& r : ranked) dates->push_back(std::move(r.date));
    return true;
  });
}

bool Store::LastGoodPage(const std::string& site_id, const std::string& url,
                         PageRecord* page, std::string* err) {
  return impl_->Read("last good fetch of " + url, err, [&] {
    SQLite::Statement q(impl_->db,
                        std::string("SELECT ") + kPageColumns +
                            " FROM pages WHERE site_id = ? AND url = ? AND "
                            "outcome = 'ok' AND http_status BETWEEN 200 AND "
                            "299 ORDER BY run_id DESC, id DESC LIMIT 1");
    SQLite::bind(q, site_id, url);
    if (q.executeStep()) {
      *page = PageFromRow(q);
      return true;
    }
    *err = impl_->path + ": no good earlier fetch of " + url;
    return false;
  });
}

bool Store::FindReusablePage(const std::string& site_id, const std::string& url,
                             StoredPage* stored, bool* found,
                             std::string* err) {
  return impl_->Read("reusable fetch of " + url, err, [&] {
    RawQuery q(impl_->Raw(
        std::string("SELECT id, run_id, coalesce(links_from, id), "
                    "coalesce(dates_from, id), ") +
        kPageColumns +
        " FROM pages WHERE site_id = ? AND url = ? AND ((outcome = 'ok' "
        "AND http_status BETWEEN 200 AND 299) OR (outcome = "
        "'not_modified' AND content_hash != '')) ORDER BY run_id DESC, "
        "id DESC LIMIT 1"));
    q.Bind(1, site_id);
    q.Bind(2, url);
    *found = q.Step();
    if (!*found) return true;
    stored->page_id = q.Int64(0);
    stored->run_id = q.Int64(1);
    stored->links_page_id = q.Int64(2);
    stored->dates_page_id = q.Int64(3);
    stored->page = PageFrom(q, 4);
    return true;
  });
}

bool Store::ListEscapedUnreservedUrls(const std::string& site_id,
                                      int64_t limit,
                                      std::vector<std::string>* urls,
                                      std::string* err) {
  return impl_->Read("old URL spellings of " + site_id, err, [&] {
    // RFC 3986 unreserved characters escaped: %2D %2E %30-%39 %41-%5A %5F
    // %61-%7A %7E, hex of either case. A scan of the site's entries of
    // pages_by_site_url, once per site and run.
    SQLite::Statement q(
        impl_->db,
        "SELECT DISTINCT url FROM pages WHERE site_id = ? AND (url GLOB "
        "'*%2[DEde]*' OR url GLOB '*%3[0-9]*' OR url GLOB '*%4[1-9A-Fa-f]*' "
        "OR url GLOB '*%5[0-9AaFf]*' OR url GLOB '*%6[1-9A-Fa-f]*' OR url "
        "GLOB '*%7[0-9AaEe]*') LIMIT ?");
    SQLite::bind(q, site_id, limit);
    urls->clear();
    while (q.executeStep()) urls->push_back(q.getColumn(0).getString());
    return true;
  });
}

Store::Impl::Snapshot::Snapshot(Impl& impl) : impl_(impl) {
  Lease begin(impl_, "SAVEPOINT snapshot");
  (*begin).exec();
}

void Store::Impl::Snapshot::Release() {
  Lease end(impl_, "RELEASE snapshot");
  (*end).exec();
  released_ = true;
}

Store::Impl::Snapshot::~Snapshot() {
  if (released_) return;
  try {
    Release();
  } catch (const SQLite::Exception&) {
    // Already failing (an exception left the reads): that error is the one
    // reported.
  }
}

bool Store::LoadPageRows(StoredPage* stored, std::string* err) {
  return impl_->Read("rows of page " + stored->page.url, err, [&] {
    // One snapshot (and one page cache) for the three reads: in WAL mode
    // SQLite drops a connection's cache whenever a read transaction starts
    // after another connection (the writer) committed.
    Impl::Snapshot snapshot(*impl_);
    if (!stored->links_read) impl_->LoadLinks(stored);
    impl_->LoadHits(stored);
    impl_->LoadDates(stored);
    snapshot.Release();
    return true;
  });
}

bool Store::CheckPageLinks(const StoredPage& stored, std::string* err,
                           LinkList* links) {
  return impl_->Read("links of page " + stored.page.url, err, [&] {
    StoredPage copy;
    copy.page_id = stored.page_id;
    copy.links_page_id = stored.links_page_id;
    copy.compact_links = links != nullptr;
    impl_->LoadLinks(&copy, /*keep=*/links != nullptr);
    if (links != nullptr) *links = std::move(copy.link_list);
    return true;
  });
}

// No page_links row: the page has no links. keep = false only checks that
// they decode (stored->links stays empty).
void Store::Impl::LoadLinks(StoredPage* stored, bool keep) {
  const int64_t holder =
      stored->links_page_id ? stored->links_page_id : stored->page_id;
  RawQuery q(Raw("SELECT data FROM page_links WHERE page_id = ?"));
  q.Bind(1, holder);
  stored->links.clear();
  stored->link_list = LinkList();
  if (!q.Step()) return;
  std::string err;
  const bool ok =
      keep && stored->compact_links
          ? DecodeLinks(q.Bytes(0), &stored->link_list, &err)
          : DecodeLinks(q.Bytes(0), keep ? &stored->links : nullptr, &err);
  if (!ok) {
    throw BadRow("page_links row " + std::to_string(holder) + ": " + err);
  }
}

void Store::Impl::LoadHits(StoredPage* stored) {
  RawQuery q(Raw(std::string("SELECT ") + kHitColumns +
                 " FROM hits WHERE page_id = ? ORDER BY id"));
  q.Bind(1, stored->page_id);
  stored->hits.clear();
  while (q.Step()) stored->hits.push_back(HitFrom(q));
}

// Only the body dates: a re-use derives the others anew from links and URLs.
// No page_dates row: the page had none.
void Store::Impl::LoadDates(StoredPage* stored) {
  const int64_t holder =
      stored->dates_page_id ? stored->dates_page_id : stored->page_id;
  RawQuery q(Raw("SELECT data FROM page_dates WHERE page_id = ?"));
  q.Bind(1, holder);
  stored->dates.clear();
  if (!q.Step()) return;
  std::string err;
  if (!DecodeDates(q.Bytes(0), stored->page.url, &stored->dates, &err)) {
    throw BadRow("page_dates row " + std::to_string(holder) + ": " + err);
  }
}

}  // namespace oitwatch
