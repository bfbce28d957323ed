// What one response yields, read by Pipeline: a URL's facts, the rule hits
// and dates of each field of an HTML page (read ahead on the pool when a
// batch has several) or a PDF, and each link with its outlink priority.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "app/page_read.h"
#include "app/pipeline.h"
#include "app/pipeline_internal.h"
#include "crawler/charset.h"
#include "crawler/page_text.h"
#include "crawler/url.h"
#include "rules/document.h"
#include "rules/pdf_text.h"
#include "rules/placeholder_page.h"
#include "rules/site_chrome.h"
#include "rules/thai_date.h"
#include "rules/thai_text.h"

namespace oitwatch {

using pipeline_internal::IsHtml;
using pipeline_internal::IsOk;
using pipeline_internal::IsPdf;
using pipeline_internal::kMovedNote;
using pipeline_internal::kNeedsJsNote;
using pipeline_internal::LooksBinary;
using pipeline_internal::LooksLikeIndex;
using pipeline_internal::MarkUnopenable;
using pipeline_internal::UnderOtherSite;

namespace {

constexpr int kHitPriority = 100;
constexpr int kIndexPriority = 200;
constexpr int kCurrentYearBonus = 50;

// Reading a page takes some 20 times its body (a 9.5 MiB TIS-620 page
// ~180 MB: decoded to UTF-8, parsed, its lines and fields). A body over
// this size is not read ahead: the engine's thread reads it when its turn
// comes, one at a time, and the pool's threads read only smaller ones, so
// however many large pages the 16 connections bring at once, one is read
// at a time (rt8pipe BUG-4: four at once took ~950 MB; RELIABILITY.md
// allows 512 MiB). District pages are far smaller (the bench's ~50 KB) and
// are read ahead as before.
constexpr size_t kMaxReadAheadBody = 1u << 20;

// A news archive is where a page budget goes to die: hundreds of list pages
// and dated items, none of them evidence (O4 needs only the news list). A
// page link that steps through a list ("2", "ถัดไป", "หน้า 3", ?page=3) or
// names a news item by its day ("... (5 มีนาคม 2568)") is taken after every
// other page; documents are never penalised (a dated announcement is one).
constexpr int kNewsArchivePenalty = 150;

bool StartsWith(const std::string& s, size_t at, const char* prefix) {
  return s.compare(at, std::strlen(prefix), prefix) == 0;
}

bool LooksLikePagination(const std::string& norm, const std::string& url) {
  std::string t;
  for (char c : norm) {
    if (c != ' ') t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!t.empty() && t.size() <= 4 &&
      std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return true;  // "2", "17"
  }
  static const char* const kSteps[] = {"ถัดไป", "ก่อนหน้า", "หน้าสุดท้าย", "»", "«",
                                       ">>", "<<", "next", "prev", "older", "newer"};
  for (const char* step : kSteps) {
    if (t.find(step) != std::string::npos) return true;
  }
  for (const char* page : {"หน้าที่", "หน้า"}) {  // "หน้า 2", "หน้าที่ 2"
    if (StartsWith(t, 0, page) && t.size() > std::strlen(page) &&
        t[std::strlen(page)] >= '0' && t[std::strlen(page)] <= '9') {
      return true;
    }
  }
  for (const char* key : {"?page=", "&page=", "?p=", "&p=", "?paged=", "&paged=",
                          "?start=", "&start=", "/page/"}) {
    size_t at = url.find(key);
    if (at == std::string::npos) continue;
    at += std::strlen(key);
    if (at < url.size() && url[at] >= '0' && url[at] <= '9') return true;
  }
  return false;
}

// True if the link's own text names a day (day, month and year): a news item.
bool NamesADay(const std::vector<DateFact>& dates) {
  return std::any_of(dates.begin(), dates.end(), [](const DateFact& d) {
    return d.source == "link_text" && d.day > 0 && d.month > 0;
  });
}

// The budget goes where the evidence is. On top of a link's own priority
// (ProcessLink: rule hits, ITA index, assessed year) a link inherits part of
// its page's priority, so the children of an ITA index page, and the
// documents of a page that is itself evidence, come before news archives and
// menus; documents (where most evidence lives) inherit more than pages; and
// every hop costs a little, so shallow pages win ties over deep archives.
// The start page passes nothing on: all its links are its children.
constexpr int kDepthPenalty = 5;
constexpr int kMaxInherited = 2 * kIndexPriority;

}  // namespace

namespace pipeline_internal {

bool LooksLikeIndex(const std::string& normalized_text) {
  static const char* const kMarkers[] = {
      "ITA", "OIT", "คุณธรรมและความโปร่งใส", "การเปิดเผยข้อมูลสาธารณะ"};
  for (const char* m : kMarkers) {
    if (normalized_text.find(m) != std::string::npos) return true;
  }
  return false;
}

void RankOutlinks(const Request& from, std::vector<Outlink>* links) {
  int parent = from.depth == 0 ? 0 : std::clamp(from.priority, 0, kMaxInherited);
  int child_depth = from.depth + 1;
  for (Outlink& link : *links) {
    bool document = LooksLikeDocument(link.url);
    link.priority += document ? parent / 2 : parent / 4;
    link.priority -= kDepthPenalty * child_depth;
  }
}

}  // namespace pipeline_internal

UrlFacts& Pipeline::Facts(SiteState& s, const std::string& url,
                          const std::string& found_on, Extract* out) {
  auto [it, inserted] = s.facts.try_emplace(url);
  UrlFacts& f = it->second;
  if (!inserted) return f;
  f.url = url;
  f.kind = KindOf(s, url);
  f.found_on = found_on;
  std::string path = NormalizeThai(PercentDecode(PathOf(url)));
  AddHits(s, Field::kUrl, path, url, found_on, out);
  AddDates(s, Field::kUrl, "url", path, url, out);
  return f;
}

void Pipeline::AddHits(SiteState& s, Field field, const std::string& text,
                       const std::string& url, const std::string& found_on,
                       Extract* out) {
  if (text.empty() ||
      UnderOtherSite(options_.site_prefixes, site_segments_, s.prefix, url)) {
    return;  // another district's page is never this site's evidence
  }
  if (field == Field::kLinkText) {  // the same texts again and again
    AddMatches(s, field, LinkTextMatches(text), url, found_on, out);
    return;
  }
  AddMatches(s, field,
             ExclusionNamesUrl(field)
                 ? matcher_.MatchWithExclusions(field, text)
                 : matcher_.Match(field, text),
             url, found_on, out);
}

void Pipeline::AddMatches(SiteState& s, Field field,
                          const std::vector<FieldMatch>& matches,
                          const std::string& url, const std::string& found_on,
                          Extract* out) {
  for (const FieldMatch& m : matches) {
    // An exclusion keys apart: it must be kept after a hit of the same field
    // from another page (it wins in the judge).
    std::string key = url + "\n" + m.item_id + "\n" + m.component_id + "\n" +
                      FieldName(field) + (m.excluded ? "/excluded" : "");
    if (!s.hit_keys.insert(key).second) continue;
    Hit hit{m.item_id, m.component_id, url, found_on, field, m.matched,
            m.pattern_line, m.excluded};
    s.hits.push_back(hit);
    if (!m.excluded) s.hit_urls.insert(url);
    out->hits.push_back(hit);
  }
}

bool Pipeline::AddDates(SiteState& s, Field field, const std::string& source,
                        const std::string& text, const std::string& url,
                        Extract* out) {
  return AddMentions(s, field, source, FindDates(text), url, out);
}

bool Pipeline::AddMentions(SiteState& s, Field field, const std::string& source,
                           const std::vector<DateMention>& mentions,
                           const std::string& url, Extract* out) {
  size_t kept = 0;
  UrlFacts& f = s.facts[url];
  // A link's text and a URL's path are read again for every page linking
  // there: their keys live as long as the site. A page's own fields are read
  // once (one response per URL and site: the frontier queues a URL once), so
  // their keys need only live for this call; and as FindDates gives each
  // mention after the last, their offsets (part of the key) differ and no
  // key is needed at all unless that order is broken.
  const bool site_keys = source == "link_text" || source == "url";
  const bool ordered =
      std::adjacent_find(mentions.begin(), mentions.end(),
                         [](const DateMention& a, const DateMention& b) {
                           return b.offset <= a.offset;
                         }) == mentions.end();
  std::unordered_set<std::string> own_keys;
  std::string key = url + "\n" + source + "\n";
  const size_t key_head = key.size();
  for (const DateMention& d : mentions) {
    if (kept >= options_.max_dates_per_field) return true;
    if (site_keys || !ordered) {
      key.resize(key_head);
      key.append(d.text).append("\n").append(std::to_string(d.offset));
      if (!(site_keys ? s.date_keys : own_keys).insert(key).second) continue;
    }
    DateFact fact{field, source, d.fiscal_year, d.year_be, d.month, d.day,
                  d.fiscal_marker, TruncateUtf8(d.text, 120), url};
    f.dates.push_back(fact);
    out->dates.push_back(fact);
    ++kept;
  }
  return false;
}

void Pipeline::ProcessLink(SiteState& s, int depth,
                           const std::string& page_url, const std::string& url,
                           const std::string& text, Extract* out) {
  std::string key;
  key.reserve(url.size() + 1 + text.size());
  key.append(url).append("\n").append(text);
  // A repeat (a menu on every page, or a re-used page's links replayed)
  // adds nothing to read: its hits and dates are in (their keys are
  // taken). Its outlink goes out again only from a shallower page than
  // before: the engine gives a URL it left out past the depth limit another
  // chance (crawler/considered_urls.h); from a page no shallower the same
  // outlink tells it nothing new (a link of other text is no repeat).
  if (SiteState::LinkMemo* read = s.links_read.find(key)) {
    if (depth < read->sent_depth) {
      read->sent_depth = depth;
      AddOutlink(s, url, text, *read, out);
    }
    return;
  }
  // rt7budget BUG-8: a site's URLs are bounded as the engine's are; past
  // the cap a new URL is neither kept nor followed (OnSiteDone says so).
  if (s.pools.urls.size() >= kMaxUrlsPerSite &&
      s.pools.urls.Find(url) == StringPool::kNone) {
    ++s.links_over_cap;
    return;
  }
  const std::string norm = NormalizeThai(text);
  Facts(s, url, page_url, out);
  AddHits(s, Field::kLinkText, norm, url, page_url, out);
  const bool capped =
      AddDates(s, Field::kLinkText, "link_text", norm, url, out);
  SiteState::LinkMemo read{LooksLikeIndex(norm),
                           LooksLikePagination(norm, url),
                           LooksLikeDocument(url), depth};
  // When the date cap cut this read short, the link is read every time.
  if (!capped) s.links_read.emplace(std::move(key), read);
  AddOutlink(s, url, text, read, out);
}

void Pipeline::AddOutlink(SiteState& s, const std::string& url,
                          const std::string& text,
                          const SiteState::LinkMemo& read, Extract* out) {
  Outlink link{url, text, 0, false};
  if (s.hit_urls.count(url)) {
    link.priority = kHitPriority;
    link.check_external = true;
  }
  if (read.index) link.priority = std::max(link.priority, kIndexPriority);
  link.index = read.index;  // what it leads to may hold any item
  const std::vector<DateFact>& dates = s.facts[url].dates;
  for (const DateFact& d : dates) {
    if (d.fiscal_year == options_.judge.fiscal_year) {
      link.priority += kCurrentYearBonus;
      break;
    }
  }
  if (!read.document && (read.pagination || NamesADay(dates))) {
    link.priority -= kNewsArchivePenalty;
  }
  out->outlinks.push_back(link);
}

void Pipeline::ProcessHtml(SiteState& s, const FetchResult& r, UrlFacts& facts,
                           Extract* out) {
  std::optional<PlaceholderKind> placeholder;
  HtmlRead read = TakeRead(r, &placeholder);
  out->charset = read.charset;
  if (!read.parse_error.empty()) {
    facts.error = read.parse_error;
    return;
  }
  out->title = read.title;
  if (read.needs_js) facts.error = kNeedsJsNote;
  if (!read.moved_to.empty()) facts.error = kMovedNote + read.moved_to;
  const std::string& url = r.request.url;
  if (!s.chrome_known) {
    s.chrome_lines.insert(read.lines.begin(), read.lines.end());
    s.chrome_known = true;
    // The start page is its own chrome: "empty" means nothing there.
    const PlaceholderKind kind = ClassifyPlaceholder(
        read.lines, {}, read.headings.text, LinkTexts(read.links), matcher_);
    facts.placeholder =
        kind != PlaceholderKind::kNone && kind != PlaceholderKind::kEmpty;
  } else if ((placeholder ? *placeholder
                          : ClassifyPlaceholder(read.lines, s.chrome_lines,
                                                read.headings.text,
                                                LinkTexts(read.links),
                                                matcher_)) !=
             PlaceholderKind::kNone) {
    facts.placeholder = true;  // empty, a notice alone, a blank form
  }
  AddFieldHits(s, Field::kTitle, read.title_field, url, out);
  AddFieldHits(s, Field::kHeadings, read.headings, url, out);
  AddFieldHits(s, Field::kPageText, read.page_text, url, out);
  AddMentions(s, Field::kTitle, "title", read.title_field.dates, url, out);
  AddPageMentions(s, r.request.depth == 0, read, url, out);
  NoteCut(s, url, read, out);
  for (LinkRecord& link : read.links) {
    ProcessLink(s, r.request.depth, url, link.to_url, link.text, out);
    out->links.push_back(std::move(link));
  }
}

// A date in a line of the site's chrome (the start page's lines, lines on
// many pages: today's date in the header, a footer's "last updated") is the
// site's, not the page's: kept as "page_chrome", which dates nothing
// (rules/dating.h), so an old page cannot pass by it.
void Pipeline::AddPageMentions(SiteState& s, bool start_page, HtmlRead& read,
                               const std::string& url, Extract* out) {
  std::vector<DateMention> chrome_headings, chrome_text;
  if (!start_page) {
    TakeChromeMentions(s.date_chrome, read.headings.date_lines,
                       &read.headings.dates, &chrome_headings);
    TakeChromeMentions(s.date_chrome, read.page_text.date_lines,
                       &read.page_text.dates, &chrome_text);
  }
  s.date_chrome.AddPage(read.page_text.date_lines, start_page);
  AddMentions(s, Field::kHeadings, "headings", read.headings.dates, url, out);
  AddMentions(s, Field::kPageText, "page_text", read.page_text.dates, url, out);
  AddMentions(s, Field::kHeadings, "page_chrome", chrome_headings, url, out);
  AddMentions(s, Field::kPageText, "page_chrome", chrome_text, url, out);
}

void Pipeline::NoteCut(SiteState& s, const std::string& url,
                       const HtmlRead& read, Extract* out) {
  if (read.cut.empty()) return;
  out->cut = true;
  if (s.cut.count++ == 0) s.cut.example = url + " (" + read.cut + ")";
}

void Pipeline::FollowLinks(SiteState& s, const FetchResult& r, Extract* out) {
  HtmlRead read = TakeRead(r);
  NoteCut(s, r.request.url, read, out);
  for (LinkRecord& link : read.links) {
    ProcessLink(s, r.request.depth, r.request.url, link.to_url, link.text,
                out);
    out->links.push_back(std::move(link));
  }
}

void Pipeline::AddFieldHits(SiteState& s, Field field, const FieldRead& read,
                            const std::string& url, Extract* out) {
  if (read.text.empty() ||
      UnderOtherSite(options_.site_prefixes, site_segments_, s.prefix, url)) {
    return;  // as AddHits
  }
  AddMatches(s, field, read.matches, url, url, out);
}

// Starts reading `r`'s HTML body on the pool (ProcessHtml takes the read
// when its turn comes, in the engine's order). Earlier responses are
// handled meanwhile: ReadHtml touches only its response and the Matcher.
void Pipeline::StartReadAhead(const FetchResult& r) {
  if (!pool_) return;
  auto job = std::make_unique<ReadJob>();
  ReadJob* out = job.get();
  if (WillReadHtml(r)) {
    // A large body is read when it is handled (kMaxReadAheadBody).
    if (r.body.size() > kMaxReadAheadBody) return;
    const SiteState& s = sites_.at(r.request.site_id);  // WillReadHtml: there
    const std::unordered_set<std::string>* chrome =
        s.chrome_known ? &s.chrome_lines : nullptr;
    job->ticket = pool_->Submit([this, &r, out, chrome] {
      out->read = ReadHtml(r, matcher_);
      out->text_fingerprint = PageTextFingerprint(r.body);
      out->login_page = IsLoginPage(
          r.body, r.content_type,
          r.final_url.empty() ? r.request.url : r.final_url);
      if (chrome && out->read.parse_error.empty()) {
        out->placeholder = ClassifyPlaceholder(
            out->read.lines, *chrome, out->read.headings.text,
            LinkTexts(out->read.links), matcher_);
      }
    });
  } else if (const StoredPage* prior = RowsToReadAhead(r)) {
    // An unchanged page: its stored rows are read on the pool's own
    // connection. Only an earlier run's rows, which no write of this run
    // changes (a resumed save's rows are this run's: read when re-used).
    out->reads_rows = true;
    out->rows = RowQuery(*prior);
    // A body that came again unchanged still lets in its template's
    // waiting links (a 304 is the engine's: no body).
    const bool body = r.request.kind == RequestKind::kPage &&
                      r.outcome == FetchOutcome::kOk;
    job->ticket = pool_->Submit([this, &r, out, body] {
      if (body) out->text_fingerprint = PageTextFingerprint(r.body);
      auto [store, lock] = TakePoolReader();
      out->rows_ok =
          LoadRowsAhead(*store, r.request.site_id, &out->rows, &out->rows_err);
    });
  } else {
    return;
  }
  read_ahead_[&r] = std::move(job);
}

const StoredPage* Pipeline::RowsToReadAhead(const FetchResult& r) const {
  if (pool_readers_.empty()) return nullptr;
  auto s = sites_.find(r.request.site_id);
  if (s == sites_.end()) return nullptr;
  const StoredPage* prior = Reusable(s->second, r);
  return prior && prior->run_id != options_.run_id ? prior : nullptr;
}

bool Pipeline::TakeRows(const FetchResult& r, const StoredPage& prior,
                        StoredPage* rows, std::string* err) {
  auto it = read_ahead_.find(&r);
  if (it != read_ahead_.end() && it->second->reads_rows &&
      !it->second->taken) {
    pool_->Finish(it->second->ticket);
    ReadJob& job = *it->second;
    // The rows of this very copy (a job is started only for `prior`).
    if (job.rows.page_id == prior.page_id) {
      *rows = std::move(job.rows);
      *err = std::move(job.rows_err);
      job.taken = true;  // kept for TextFingerprint until EndReadAhead
      return job.rows_ok;
    }
  }
  *rows = RowQuery(prior);
  return reader_->LoadPageRows(rows, err);
}

bool Pipeline::ReadAheadReady(const FetchResult& r) {
  auto it = read_ahead_.find(&r);
  return it == read_ahead_.end() || pool_->Done(it->second->ticket);
}

std::optional<uint64_t> Pipeline::TextFingerprint(const FetchResult& r) {
  auto it = read_ahead_.find(&r);
  // A read that has not run is not waited for, nor run here: the engine
  // fingerprints the body for less than the whole read costs.
  if (it == read_ahead_.end() || !pool_->Done(it->second->ticket)) {
    return std::nullopt;
  }
  return it->second->text_fingerprint;
}

void Pipeline::EndReadAhead(const FetchResult& r) {
  auto it = read_ahead_.find(&r);
  if (it == read_ahead_.end()) return;
  pool_->Drop(it->second->ticket);
  read_ahead_.erase(it);
}

// `r`'s body read: the read ahead if there is one (finished here if need
// be), else read now.
HtmlRead Pipeline::TakeRead(const FetchResult& r,
                            std::optional<PlaceholderKind>* placeholder) {
  auto it = read_ahead_.find(&r);
  if (it == read_ahead_.end() || it->second->reads_rows ||
      it->second->taken) {
    return ReadHtml(r, matcher_);
  }
  pool_->Finish(it->second->ticket);
  it->second->taken = true;  // kept for TextFingerprint until EndReadAhead
  if (placeholder) *placeholder = it->second->placeholder;
  return std::move(it->second->read);
}

std::optional<bool> Pipeline::LoginPageReadAhead(const FetchResult& r) {
  auto it = read_ahead_.find(&r);
  if (it == read_ahead_.end() || it->second->reads_rows) return std::nullopt;
  pool_->Finish(it->second->ticket);
  return it->second->login_page;
}

// True if OnResponse will parse `r` as HTML (its branches, in its order).
bool Pipeline::WillReadHtml(const FetchResult& r) const {
  if (r.request.kind != RequestKind::kPage || !IsOk(r)) return false;
  auto s = sites_.find(r.request.site_id);
  if (s == sites_.end() || Reusable(s->second, r) != nullptr) return false;
  return !IsPdf(r) && IsHtml(r) && !LooksBinary(r.body, r.content_type);
}

// rt6net E01: a PDF is read on the engine's thread, so no host is fetched
// while it is read. A site whose PDFs each need the whole deadline would
// take every other site's night: once options_.pdf_give_ups_per_site of its
// PDFs gave up, or its PDFs took options_.pdf_ms_per_site in all, the rest
// of its PDFs are not read (unchecked, a crawl gap; never pass or broken).
std::string Pipeline::PdfBudgetSpent(const SiteState& s) const {
  const SiteState::PdfReading& p = s.pdf;
  const int give_ups = options_.pdf_give_ups_per_site;
  if (give_ups > 0 && p.gave_up >= give_ups) {
    return std::string(kPdfBudgetSpent) + ": " + std::to_string(p.gave_up) +
           " of the site's PDFs were too complex to read safely, e.g. " +
           p.first_gave_up;
  }
  const int64_t budget_ms = options_.pdf_ms_per_site > 0
                                ? options_.pdf_ms_per_site
                                : int64_t{15} * options_.pdf.timeout_ms;
  if (budget_ms > 0 && p.spent_ms >= budget_ms) {
    return std::string(kPdfBudgetSpent) + ": the site's PDFs took " +
           std::to_string(p.spent_ms / 1000) + " s to read";
  }
  return "";
}

void Pipeline::ProcessPdf(SiteState& s, const FetchResult& r, UrlFacts& facts,
                          Extract* out) {
  if (std::string spent = PdfBudgetSpent(s); !spent.empty()) {
    MarkTooComplex(spent, &facts);
    NoteGap(s, r.request, spent);
    return;
  }
  PdfText pdf;
  std::string err;
  const auto start = std::chrono::steady_clock::now();
  const PdfReadResult read = pdf_reader_.Read(
      r.body, options_.max_pdf_pages, options_.max_pdf_text, &pdf, &err);
  s.pdf.spent_ms += std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  if (read == PdfReadResult::kUnreadable) {
    MarkUnopenable("PDF unreadable: " + err, &facts);
    return;
  }
  if (read == PdfReadResult::kGaveUp) {  // unchecked tonight, not broken
    if (s.pdf.gave_up++ == 0) s.pdf.first_gave_up = r.request.url;
    MarkTooComplex(err, &facts);
    NoteGap(s, r.request, err);
    return;
  }
  out->title = pdf.title;
  facts.needs_review = !pdf.has_text;
  const std::string& url = r.request.url;
  std::string text = RepairSwappedSaraAm(NormalizeThai(pdf.text));
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

}  // namespace oitwatch
