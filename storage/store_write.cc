// Writing the evidence store: runs, sites, pages with their rows, verdicts,
// and group commits (opening is store.cc, reading store_read.cc, row mapping
// rows.cc). Every exception is caught (guard.h) and becomes false + a
// message that starts with the database path.
#include <SQLiteCpp/SQLiteCpp.h>
#include <SQLiteCpp/VariadicBind.h>
#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "storage/dates_blob.h"
#include "storage/links_blob.h"
#include "storage/rows.h"
#include "storage/store.h"
#include "storage/store_impl.h"

namespace oitwatch {
namespace {

// True while `db` has a transaction open (not in autocommit mode).
bool InTransaction(SQLite::Database& db) {
  return sqlite3_get_autocommit(db.getHandle()) == 0;
}

// Binding without copying: SQLite::bind() has SQLite copy each text value
// (SQLITE_TRANSIENT), a malloc and a free per column and row, and a page
// has dozens of rows. Text bound in place (SQLITE_STATIC) must stay as it is
// until the statement has run: only named strings, which outlive the call
// and the exec() that follows it (a temporary would dangle, so it does not
// compile), and string literals (FieldName).
void BindOne(SQLite::Statement& q, int index, const std::string& text) {
  q.bindNoCopy(index, text);
}
void BindOne(SQLite::Statement& q, int index, std::string&& text) = delete;
void BindOne(SQLite::Statement& q, int index, const char* literal) {
  q.bindNoCopy(index, literal);
}
void BindOne(SQLite::Statement& q, int index, int value) {
  q.bind(index, value);
}
void BindOne(SQLite::Statement& q, int index, int64_t value) {
  q.bind(index, value);
}

// SQLite::bind(q, values...) with text bound in place (BindOne).
template <typename... Values>
void BindInPlace(SQLite::Statement& q, Values&&... values) {
  int index = 0;
  (BindOne(q, ++index, std::forward<Values>(values)), ...);
}

}  // namespace

bool Store::Impl::Write(const std::string& what, std::string* err,
                        const std::function<void()>& fn) {
  if (!in_group) return GuardedWrite(db, path, what, err, fn);
  return GuardedCall(path, what, err, [&] {
    // SQLite rolls a whole transaction back after some failures (disk
    // full, I/O error): then the group is lost, and so is this write.
    if (!InTransaction(db)) {
      throw std::runtime_error(
          "the group's transaction was rolled back by an earlier failure");
    }
    {
      Lease begin(*this, "SAVEPOINT write");
      (*begin).exec();
    }
    try {
      fn();
    } catch (...) {
      db.tryExec("ROLLBACK TO write; RELEASE write");
      throw;
    }
    Lease end(*this, "RELEASE write");
    (*end).exec();
    return true;
  });
}

bool Store::BeginGroup(std::string* err) {
  if (impl_->in_group) {
    *err = impl_->path + ": begin group: a group is already open";
    return false;
  }
  return impl_->Read("begin group", err, [&] {
    impl_->db.exec("BEGIN IMMEDIATE");
    impl_->in_group = true;
    return true;
  });
}

bool Store::EndGroup(std::string* err) {
  if (!impl_->in_group) {
    *err = impl_->path + ": end group: no group is open";
    return false;
  }
  impl_->in_group = false;
  std::vector<std::function<void()>> done;
  done.swap(impl_->after_commit);
  const bool committed = impl_->Read("commit group", err, [&] {
    if (!InTransaction(impl_->db)) {
      throw std::runtime_error(
          "rolled back by an earlier failure; nothing of it was saved");
    }
    impl_->db.exec("COMMIT");
    return true;
  });
  if (!committed) {
    if (InTransaction(impl_->db)) impl_->db.tryExec("ROLLBACK");
    return false;
  }
  for (const std::function<void()>& f : done) f();
  return true;
}

void Store::AfterCommit(std::function<void()> done) {
  if (impl_->in_group) {
    impl_->after_commit.push_back(std::move(done));
  } else {
    done();
  }
}

bool IsBodyDate(const DateFact& date, const std::string& page_url) {
  return (date.url.empty() || date.url == page_url) &&
         date.field != Field::kLinkText && date.field != Field::kUrl;
}

bool Store::BeginRun(const RunInfo& info, int64_t* run_id, std::string* err) {
  return impl_->Write("begin run", err, [&] {
    impl_->db.exec(
        "UPDATE runs SET status = 'interrupted' WHERE status = 'running'");
    SQLite::Statement q(
        impl_->db,
        "INSERT INTO runs (started_at, status, ruleset_id, "
        "ruleset_version, ruleset_path, fiscal_year, as_of, "
        "options_json) VALUES (?, 'running', ?, ?, ?, ?, ?, ?)");
    SQLite::bind(q, info.started_at.empty() ? NowUtc() : info.started_at,
                 info.ruleset_id, info.ruleset_version, info.ruleset_path,
                 info.fiscal_year, info.as_of,
                 info.options_json.empty() ? "{}" : info.options_json);
    q.exec();
    *run_id = impl_->db.getLastInsertRowid();
  });
}

bool Store::UpsertSite(const SiteRow& site, std::string* err) {
  if (site.id.empty()) {
    *err = impl_->path + ": upsert site: empty site id";
    return false;
  }
  return impl_->Write("upsert site " + site.id, err, [&] {
    SQLite::Statement q(
        impl_->db,
        "INSERT INTO sites (id, name, name_en, url, contacts_json, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "name = excluded.name, name_en = excluded.name_en, url = excluded.url, "
        "contacts_json = excluded.contacts_json, "
        "updated_at = excluded.updated_at");
    SQLite::bind(q, site.id, site.name, site.name_en, site.url,
                 ToJson(site.contacts), NowUtc());
    q.exec();
  });
}

// The row that holds the links page.links_from refers to (references
// are one step deep); throws if there is no such row (e.g. it was the row
// this save replaces).
int64_t Store::Impl::LinksHolder(const PageRecord& page) {
  Lease lease(*this, "SELECT coalesce(links_from, id) FROM pages WHERE id = ?");
  SQLite::Statement& q = *lease;
  q.bind(1, page.links_from);
  if (!q.executeStep()) {
    throw std::runtime_error("links of page row " +
                             std::to_string(page.links_from) +
                             " to carry over: no such row");
  }
  return q.getColumn(0).getInt64();
}

// The row that holds the body dates page.dates_from refers to, as
// LinksHolder; throws also if that row is of another site or URL (its body
// dates are about its own URL).
int64_t Store::Impl::DatesHolder(const PageRecord& page) {
  Lease lease(*this,
              "SELECT coalesce(dates_from, id), site_id, url FROM pages "
              "WHERE id = ?");
  SQLite::Statement& q = *lease;
  q.bind(1, page.dates_from);
  const std::string row =
      "dates of page row " + std::to_string(page.dates_from) + " to carry over";
  if (!q.executeStep()) throw std::runtime_error(row + ": no such row");
  if (q.getColumn(1).getString() != page.site_id ||
      q.getColumn(2).getString() != page.url) {
    throw std::runtime_error(row + ": a row of another site or URL");
  }
  return q.getColumn(0).getInt64();
}

void Store::Impl::InsertPageRows(int64_t run_id, const PageRecord& page,
                                 int64_t page_id,
                                 const std::vector<LinkRecord>& links,
                                 const std::vector<Hit>& hits,
                                 const std::vector<DateFact>& dates) {
  if (!links.empty()) {
    // One row for all the page's links (schema v6); none for a page
    // without links.
    Lease link_lease(*this, "INSERT INTO page_links VALUES (?, ?)");
    SQLite::Statement& link = *link_lease;
    const std::string blob = EncodeLinks(links);
    link.bind(1, page_id);
    link.bindNoCopy(2, blob.data(), static_cast<int>(blob.size()));
    link.exec();
  }
  Lease hit_lease(
      *this,
      "INSERT INTO hits (page_id, run_id, site_id, item_id, component_id, "
      "url, found_on, field, matched, pattern_line, excluded) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::Statement& hit = *hit_lease;
  for (const Hit& h : hits) {
    BindInPlace(hit, page_id, run_id, page.site_id, h.item_id, h.component_id,
                h.url, h.found_on, FieldName(h.field), h.matched,
                h.pattern_line, h.excluded ? 1 : 0);
    hit.exec();
    hit.reset();
  }
  // The body dates as one page_dates row (schema v9), the others (about
  // the URLs of links) a url_dates row each.
  std::vector<DateFact> body;
  for (const DateFact& d : dates) {
    if (IsBodyDate(d, page.url)) body.push_back(d);
  }
  if (!body.empty()) {
    Lease body_lease(*this, "INSERT INTO page_dates VALUES (?, ?)");
    SQLite::Statement& insert = *body_lease;
    const std::string blob = EncodeDates(body);
    insert.bind(1, page_id);
    insert.bindNoCopy(2, blob.data(), static_cast<int>(blob.size()));
    insert.exec();
  }
  if (body.size() == dates.size()) return;
  Lease date_lease(
      *this,
      "INSERT INTO url_dates (page_id, run_id, site_id, url, field, source, "
      "fiscal_year, year_be, month, day, fiscal_marker, text) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::Statement& date = *date_lease;
  for (const DateFact& d : dates) {
    if (IsBodyDate(d, page.url)) continue;
    BindInPlace(date, page_id, run_id, page.site_id,
                d.url.empty() ? page.url : d.url, FieldName(d.field), d.source,
                d.fiscal_year, d.year_be, d.month, d.day,
                d.fiscal_marker ? 1 : 0, d.text);
    date.exec();
    date.reset();
  }
}

bool Store::SavePage(int64_t run_id, const PageRecord& page,
                     const std::vector<LinkRecord>& links,
                     const std::vector<Hit>& hits,
                     const std::vector<DateFact>& dates, std::string* err) {
  if (page.site_id.empty() || page.url.empty()) {
    *err = impl_->path + ": save page: empty site id or URL";
    return false;
  }
  if (page.links_from != 0 && !links.empty()) {
    *err = impl_->path + ": save page " + page.url +
           ": links given both by reference and as rows";
    return false;
  }
  if (page.dates_from != 0 &&
      std::any_of(dates.begin(), dates.end(),
                  [&](const DateFact& d) { return IsBodyDate(d, page.url); })) {
    *err = impl_->path + ": save page " + page.url +
           ": body dates given both by reference and as rows";
    return false;
  }
  return impl_->Write("save page " + page.url, err, [&] {
    Impl::Lease gone_lease(*impl_,
                           "DELETE FROM pages WHERE run_id = ? AND "
                           "site_id = ? AND url = ?");
    SQLite::Statement& gone = *gone_lease;
    SQLite::bind(gone, run_id, page.site_id, page.url);
    gone.exec();
    int64_t links_from = page.links_from ? impl_->LinksHolder(page) : 0;
    int64_t dates_from = page.dates_from ? impl_->DatesHolder(page) : 0;
    Impl::Lease insert_lease(
        *impl_,
        std::string("INSERT INTO pages (run_id, links_from, dates_from, ") +
            kPageColumns +
            ") VALUES (?, nullif(?, 0), nullif(?, 0), ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SQLite::Statement& q = *insert_lease;
    BindInPlace(
        q, run_id, links_from, dates_from, page.site_id, page.url, page.kind,
        page.outcome, page.http_status, page.content_type, page.content_hash,
        page.bytes, page.fetched_at, page.last_modified, page.etag, page.title,
        page.error, page.found_on, page.depth, page.charset,
        page.captured_at.empty() ? page.fetched_at : page.captured_at,
        page.placeholder ? 1 : 0, page.needs_review ? 1 : 0, page.parse_error,
        page.text_sig);
    q.exec();
    impl_->InsertPageRows(run_id, page, impl_->db.getLastInsertRowid(), links,
                          hits, dates);
  });
}

void Store::Impl::InsertVerdict(int64_t run_id, const std::string& site_id,
                                int position, const ItemVerdict& verdict) {
  // Prepared once per connection (Cached): a night saves 22 verdicts a site.
  Lease state_lease(*this,
                    "INSERT INTO item_states VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::Statement& state = *state_lease;
  SQLite::bind(state, run_id, site_id, verdict.item_id, position, verdict.title,
               std::string(ItemStatusName(verdict.status)), verdict.reason,
               ToJson(verdict.missing_components),
               ToJson(verdict.missing_months));
  state.exec();
  Lease ev_lease(*this,
                 "INSERT INTO item_evidence VALUES "
                 "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::Statement& ev = *ev_lease;
  int rank = 0;
  for (const EvidenceRef& e : verdict.evidence) {
    SQLite::bind(ev, run_id, site_id, verdict.item_id, rank++, e.component_id,
                 e.url, e.found_on, e.text, e.field, e.date, e.fiscal_year,
                 e.date_source, e.state);
    ev.exec();
    ev.reset();
  }
}

bool Store::SaveSiteResult(int64_t run_id, const SiteRunInfo& site,
                           const std::vector<ItemVerdict>& verdicts,
                           std::string* err) {
  if (site.site_id.empty()) {
    *err = impl_->path + ": save site result: empty site id";
    return false;
  }
  return impl_->Write("save result of " + site.site_id, err, [&] {
    Impl::Lease rs_lease(*impl_,
                         "INSERT OR REPLACE INTO run_sites (run_id, site_id, "
                         "state, reason, pages, documents, errors, skipped, "
                         "started_at, finished_at, parsed, reused) VALUES "
                         "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SQLite::Statement& rs = *rs_lease;
    SQLite::bind(rs, run_id, site.site_id, site.state, site.reason, site.pages,
                 site.documents, site.errors, site.skipped, site.started_at,
                 site.finished_at, site.parsed, site.reused);
    rs.exec();
    Impl::Lease gone_lease(*impl_,
                           "DELETE FROM item_states WHERE run_id = ? AND "
                           "site_id = ?");
    SQLite::Statement& gone = *gone_lease;
    SQLite::bind(gone, run_id, site.site_id);
    gone.exec();
    for (size_t i = 0; i < verdicts.size(); ++i) {
      impl_->InsertVerdict(run_id, site.site_id, static_cast<int>(i),
                           verdicts[i]);
    }
  });
}

bool Store::FinishRun(int64_t run_id, const std::string& status,
                      std::string* err) {
  if (status != "finished" && status != "failed" && status != "interrupted") {
    *err = impl_->path + ": finish run " + std::to_string(run_id) +
           ": bad status '" + status + "' (finished, failed or interrupted)";
    return false;
  }
  return impl_->Write("finish run " + std::to_string(run_id), err, [&] {
    SQLite::Statement q(impl_->db,
                        "UPDATE runs SET status = ?, finished_at = ? "
                        "WHERE id = ?");
    SQLite::bind(q, status, NowUtc(), run_id);
    if (q.exec() == 0) throw BadRow("no such run");
  });
}

}  // namespace oitwatch
