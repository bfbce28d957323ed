#include "app/pipeline.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <utility>

#include "crawler/charset.h"
#include "crawler/url.h"
#include "app/page_read.h"
#include "rules/dating.h"
#include "rules/document.h"
#include "rules/pdf_text.h"
#include "rules/thai_date.h"
#include "rules/thai_text.h"

namespace oitwatch {
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

constexpr int kHitPriority = 100;
constexpr int kIndexPriority = 200;
constexpr int kCurrentYearBonus = 50;

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

// B17: a body sent as HTML that is binary (NUL-heavy or mostly control
// bytes in its first 4 KiB) is not parsed; the page keeps this note.
constexpr char kBinaryNote[] = "binary body sent as HTML: not parsed";

bool LooksBinary(const std::string& body) {
  if (body.compare(0, 2, "\xFF\xFE") == 0 || body.compare(0, 2, "\xFE\xFF") == 0)
    return false;  // UTF-16 with a BOM: half its bytes are NUL
  const size_t n = std::min<size_t>(body.size(), 4096);
  size_t nuls = 0, controls = 0;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(body[i]);
    nuls += c == 0;
    controls += c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f';
  }
  return (nuls > 8 && nuls * 100 > n) || controls * 10 > n;
}

// B10: a start page that is only a JavaScript shell (scripts, no links,
// almost no text) cannot be judged without running it.
constexpr char kNeedsJsNote[] = "start page needs JavaScript: not evaluable";

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

// "http://host/laksi/..." -> "http://host/laksi/": the host and first path
// segment, which name a district on the shared portal.
std::string FirstSegmentPrefix(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos) return url + "/";
  const size_t end = url.find_first_of("/?#", path + 1);
  if (end == std::string::npos || url[end] != '/') return "";
  return url.substr(0, end + 1);
}

// True if `url` lies under another site's prefix, or under the first path
// segment of one (/bangrak/... for a site rooted at /bangrak/coverpages).
bool UnderOtherSite(const std::vector<std::string>& prefixes,
                    const std::string& own_prefix, const std::string& url) {
  const std::string own_segment = FirstSegmentPrefix(own_prefix);
  for (const std::string& prefix : prefixes) {
    if (prefix == own_prefix) continue;
    const std::string segment = FirstSegmentPrefix(prefix);
    if (url.rfind(prefix, 0) == 0) return true;
    if (!segment.empty() && segment != own_segment &&
        url.rfind(segment, 0) == 0) {
      return true;
    }
  }
  return false;
}

// Fewer bytes of text of its own than this, and a page is empty.
constexpr size_t kEmptyPageBytes = 24;

// True if a page says nothing beyond the site's chrome (the first page's
// lines: menus, sidebars) and its own headings: a CMS page with a title only.
bool EmptyPage(const std::vector<std::string>& lines,
               const std::set<std::string>& chrome,
               const std::string& normalized_headings) {
  size_t own = 0;
  for (const std::string& line : lines) {
    if (chrome.count(line)) continue;
    if (normalized_headings.find(line) != std::string::npos) continue;
    own += line.size();
  }
  return own < kEmptyPageBytes;
}

bool LooksLikeIndex(const std::string& normalized_text) {
  static const char* const kMarkers[] = {
      "ITA", "OIT", "คุณธรรมและความโปร่งใส", "การเปิดเผยข้อมูลสาธารณะ"};
  for (const char* m : kMarkers) {
    if (normalized_text.find(m) != std::string::npos) return true;
  }
  return false;
}

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

void RankOutlinks(const Request& from, std::vector<Outlink>* links) {
  int parent = from.depth == 0 ? 0 : std::clamp(from.priority, 0, kMaxInherited);
  int child_depth = from.depth + 1;
  for (Outlink& link : *links) {
    bool document = LooksLikeDocument(link.url);
    link.priority += document ? parent / 2 : parent / 4;
    link.priority -= kDepthPenalty * child_depth;
  }
}

// What the judge read from the body, kept so a re-use needs no re-parse.
void AddParsedFacts(const UrlFacts& facts, PageRecord* page) {
  page->placeholder = facts.placeholder;
  page->needs_review = facts.needs_review;
  if (facts.error != page->error) page->parse_error = facts.error;
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

// Hits and dates a page yields about itself (its title, headings, text, or
// a document's text): only a parse of its body produces them. Link-derived
// ones are re-derived from the stored links, URL ones from the URL.
bool IsOwnHit(const Hit& h, const std::string& url) {
  return h.url == url && h.field != Field::kLinkText && h.field != Field::kUrl;
}

bool IsOwnDate(const DateFact& d, const std::string& url) {
  return d.url == url && d.source != "link_text" && d.source != "url";
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
      options_(options) {
  const int helpers = options_.parse_threads < 0 ? ParsePool::DefaultHelpers()
                                                 : options_.parse_threads;
  if (helpers > 0) pool_ = std::make_unique<ParsePool>(helpers);
  if (options_.read_store) writer_ = std::make_unique<StoreWriter>(store_);
}

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

UrlKind Pipeline::KindOf(const SiteState& s, const std::string& url) const {
  UrlKind kind = ToUrlKind(ClassifyLink(s.prefix, url));
  if (kind == UrlKind::kOtherSite && !options_.site_prefixes.empty() &&
      !UnderOtherSite(options_.site_prefixes, s.prefix, url)) {
    kind = UrlKind::kExternal;  // a central BMA page (/pipd/): no district
  }
  return kind;
}

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
  if (text.empty() || UnderOtherSite(options_.site_prefixes, s.prefix, url)) {
    return;  // another district's page is never this site's evidence
  }
  AddMatches(s, field, matcher_.Match(field, text), url, found_on, out);
}

void Pipeline::AddMatches(SiteState& s, Field field,
                          const std::vector<FieldMatch>& matches,
                          const std::string& url, const std::string& found_on,
                          Extract* out) {
  for (const FieldMatch& m : matches) {
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
  // their keys need only live for this call.
  std::set<std::string> own_keys;
  std::set<std::string>& keys =
      source == "link_text" || source == "url" ? s.date_keys : own_keys;
  for (const DateMention& d : mentions) {
    if (kept >= options_.max_dates_per_field) return true;
    std::string key = url + "\n" + source + "\n" + d.text + "\n" +
                      std::to_string(d.offset);
    if (!keys.insert(key).second) continue;
    DateFact fact{field, source, d.fiscal_year, d.year_be, d.month, d.day,
                  d.fiscal_marker, TruncateUtf8(d.text, 120), url};
    f.dates.push_back(fact);
    out->dates.push_back(fact);
    ++kept;
  }
  return false;
}

void Pipeline::ProcessLink(SiteState& s, const std::string& page_url,
                           const std::string& url, const std::string& text,
                           Extract* out) {
  std::string key = url + "\n" + text;
  // A repeat (a menu on every page, or a re-used page's links replayed)
  // adds nothing: its hits and dates are in (their keys are taken), and its
  // URL went out with the first one, so the engine, which considers a URL
  // once per site, would drop this outlink anyway.
  if (s.links_read.count(key)) return;
  const std::string norm = NormalizeThai(text);
  Facts(s, url, page_url, out);
  AddHits(s, Field::kLinkText, norm, url, page_url, out);
  const bool capped =
      AddDates(s, Field::kLinkText, "link_text", norm, url, out);
  SiteState::LinkMemo read{LooksLikeIndex(norm),
                           LooksLikePagination(norm, url),
                           LooksLikeDocument(url)};
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
  auto ahead = read_ahead_.find(&r);
  HtmlRead read = ahead != read_ahead_.end() ? std::move(ahead->second)
                                             : ReadHtml(r, matcher_);
  out->charset = read.charset;
  if (!read.parse_error.empty()) {
    facts.error = read.parse_error;
    return;
  }
  out->title = read.title;
  if (read.needs_js) facts.error = kNeedsJsNote;
  const std::string& url = r.request.url;
  facts.placeholder = read.placeholder;
  if (!s.chrome_known) {
    s.chrome_lines.insert(read.lines.begin(), read.lines.end());
    s.chrome_known = true;
  } else if (EmptyPage(read.lines, s.chrome_lines, read.headings.text)) {
    facts.placeholder = true;
  }
  AddFieldHits(s, Field::kTitle, read.title_field, url, out);
  AddFieldHits(s, Field::kHeadings, read.headings, url, out);
  AddFieldHits(s, Field::kPageText, read.page_text, url, out);
  AddMentions(s, Field::kTitle, "title", read.title_field.dates, url, out);
  AddMentions(s, Field::kHeadings, "headings", read.headings.dates, url, out);
  AddMentions(s, Field::kPageText, "page_text", read.page_text.dates, url, out);
  for (LinkRecord& link : read.links) {
    ProcessLink(s, url, link.to_url, link.text, out);
    out->links.push_back(std::move(link));
  }
}

void Pipeline::AddFieldHits(SiteState& s, Field field, const FieldRead& read,
                            const std::string& url, Extract* out) {
  if (read.text.empty() || UnderOtherSite(options_.site_prefixes, s.prefix, url)) {
    return;  // as AddHits
  }
  AddMatches(s, field, read.matches, url, url, out);
}

// Reads the batch's HTML bodies on the pool (ProcessHtml applies each when
// its turn comes, in the engine's order).
void Pipeline::ReadAhead(const std::vector<FetchResult>& batch) {
  read_ahead_.clear();
  if (!pool_) return;
  std::vector<const FetchResult*> todo;
  for (const FetchResult& r : batch) {
    if (WillReadHtml(r)) todo.push_back(&r);
  }
  if (todo.size() < 2) return;
  std::vector<HtmlRead> reads(todo.size());
  pool_->ForEach(todo.size(), [&](size_t i) {
    reads[i] = ReadHtml(*todo[i], matcher_);
  });
  for (size_t i = 0; i < todo.size(); ++i) {
    read_ahead_.emplace(todo[i], std::move(reads[i]));
  }
}

// True if OnResponse will parse `r` as HTML (its branches, in its order).
bool Pipeline::WillReadHtml(const FetchResult& r) const {
  if (r.request.kind != RequestKind::kPage || !IsOk(r)) return false;
  auto s = sites_.find(r.request.site_id);
  if (s == sites_.end() || Reusable(s->second, r) != nullptr) return false;
  return !IsPdf(r) && IsHtml(r) && !LooksBinary(r.body);
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
  request->etag = prior.page.etag;
  request->last_modified = prior.page.last_modified;
  sites_[site.id].prior[request->url] = std::move(prior);
}

// The earlier fetch to re-use for `r`: on a 304, or when the server ignored
// the conditional headers but sent the same bytes again.
const StoredPage* Pipeline::Reusable(const SiteState& s,
                                    const FetchResult& r) const {
  auto it = s.prior.find(r.request.url);
  if (it == s.prior.end()) return nullptr;
  if (r.outcome == FetchOutcome::kNotModified) return &it->second;
  bool same = r.outcome == FetchOutcome::kOk && !r.body.empty() &&
              ContentHash(r.body) == it->second.page.content_hash;
  return same ? &it->second : nullptr;
}

void Pipeline::AddStoredHit(SiteState& s, Hit hit, Extract* out) {
  std::string key = hit.url + "\n" + hit.item_id + "\n" + hit.component_id +
                    "\n" + FieldName(hit.field);
  if (!s.hit_keys.insert(key).second) return;
  s.hit_urls.insert(hit.url);
  s.hits.push_back(hit);
  out->hits.push_back(std::move(hit));
}

// Re-uses an unchanged page or document: its own hits and dates as stored,
// its links replayed (so they are followed and credited as in a parse),
// nothing parsed.
void Pipeline::Reuse(SiteState& s, const FetchResult& r,
                     const StoredPage& prior, UrlFacts& facts, Extract* out) {
  StoredPage rows;  // what LoadPageRows reads by; the page row is prior's
  rows.page_id = prior.page_id;
  rows.links_page_id = prior.links_page_id;
  rows.dates_page_id = prior.dates_page_id;
  rows.page.url = prior.page.url;
  std::string err;
  if (!reader_->LoadPageRows(&rows, &err)) {
    if (error_.empty()) error_ = err;
    return;
  }
  const std::string& url = r.request.url;
  const PageRecord& page = prior.page;
  out->reused = &prior;
  out->title = page.title;
  out->charset = page.charset;
  facts.placeholder = page.placeholder;
  facts.needs_review = page.needs_review;
  if (!page.parse_error.empty()) facts.error = page.parse_error;
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
    ProcessLink(s, url, link.to_url, link.text, out);
  }
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
    s.items_found.insert(s.hits[s.hits_counted].item_id);
  }
  p.items_found = static_cast<int>(s.items_found.size());
  CallOnProgress(p);
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
  // A redirect out of the site's scope (to another district or host) makes
  // the URL someone else's page: judge it by where it landed.
  if (!r.final_url.empty() && r.final_url != r.request.url &&
      facts.kind != UrlKind::kExternal) {
    UrlKind landed = KindOf(s, r.final_url);
    if (landed == UrlKind::kOtherSite ||
        (landed == UrlKind::kExternal &&
         !SameHostAnyScheme(r.final_url, r.request.url))) {
      facts.kind = landed;  // (http -> https on the same host is not a move)
    }
  }
  bool parsed = false;
  const size_t dates_before = facts.dates.size();
  const StoredPage* prior = Reusable(s, r);
  if (prior) {
    Reuse(s, r, *prior, facts, &out);
  } else if (facts.ok && IsPdf(r)) {
    ProcessPdf(s, r, facts, &out);
    parsed = true;
  } else if (facts.ok && r.request.kind == RequestKind::kPage && IsHtml(r) &&
             LooksBinary(r.body)) {
    facts.error = kBinaryNote;
  } else if (facts.ok && r.request.kind == RequestKind::kPage && IsHtml(r)) {
    ProcessHtml(s, r, facts, &out);
    parsed = true;
  }
  KeepDecidingDates(&facts.dates, dates_before, r.request.url,
                    options_.judge.fiscal_year);
  out.facts = &facts;
  next_write_bytes_ = RowBytes(out);
  Save(site, r.request, &r, out);
  ReportProgress(s, site, r, parsed, prior != nullptr);
  RankOutlinks(r.request, &out.outlinks);
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
                    const FetchResult* r, Extract& extract) {
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
  // The fetch's own error, else what parsing found (binary, needs JS, ...).
  page.error = r->error.empty() && extract.facts ? extract.facts->error
                                                  : r->error;
  page.found_on = request.found_on;
  page.depth = request.depth;
  page.charset = extract.charset;
  if (extract.facts) AddParsedFacts(*extract.facts, &page);
  if (extract.reused) CarryContent(extract.reused->page, &page);
  page.links_from = extract.links_from;
  page.dates_from = extract.dates_from;
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
    case FetchOutcome::kForbiddenAddress:
      return "ที่อยู่ IP ภายใน ถูกปิดกั้นเพื่อความปลอดภัย (blocked: the host resolves "
             "to a private/loopback address; pass --allow-address with that IP or "
             "CIDR to check an intranet or local server: " + detail + ")";
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
  info.parsed = s.progress.parsed;
  info.reused = s.progress.reused;
  const RuleSet& rules = matcher_.rules();
  std::vector<ItemVerdict> verdicts;
  bool seed_ok = IsOk(stats.seed) && !stats.robots_disallowed_seed;
  auto seed_facts = s.facts.find(stats.seed.request.url);
  const bool needs_js = seed_ok && seed_facts != s.facts.end() &&
                        seed_facts->second.error == kNeedsJsNote;
  if (!seed_ok || needs_js) {
    info.state = "unchecked";
    info.reason = needs_js ? "หน้าแรกต้องใช้ JavaScript จึงตรวจไม่ได้ (start page "
                             "needs JavaScript: not evaluable)"
                           : UncheckedReason(stats);
    verdicts = UncheckedVerdicts(rules, info.reason);
    ++sites_unchecked_;
  } else {
    info.state = "checked";
    std::vector<UrlFacts> facts;
    facts.reserve(s.facts.size());
    for (auto& [url, f] : s.facts) facts.push_back(std::move(f));
    verdicts = JudgeSite(rules, options_.judge, facts, s.hits);
    std::vector<Override> mine;
    for (const Override& o : options_.overrides) {
      if (o.site == site.id) mine.push_back(o);
    }
    ApplyOverrides(rules, options_.judge, mine, facts, s.hits, &verdicts);
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
    if (stats.trap_suspected > 0) {  // B11: say why pages were left out
      if (!info.reason.empty()) info.reason += "; ";
      info.reason += "สงสัยกับดักโปรแกรมรวบรวม (crawler trap suspected: " +
                     std::to_string(stats.trap_suspected) + " URLs like " +
                     stats.trap_example + " skipped)";
    }
    ++sites_checked_;
  }
  // The site's result follows its pages; on_site_done (alerts read the
  // store) follows the result, on the same thread as every other write.
  Write([this, info = std::move(info), verdicts = std::move(verdicts)](
            Store* store, std::string* err) {
    const bool ok =
        store->SaveSiteResult(options_.run_id, info, verdicts, err);
    if (options_.on_site_done) {
      std::lock_guard<std::mutex> lock(callback_mu_);
      options_.on_site_done(info, verdicts);
    }
    return ok;
  });
  sites_.erase(site.id);  // free the site's facts: memory stays flat
}

}  // namespace oitwatch
