#include "app/verify.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "app/commands.h"
#include "app/pipeline_internal.h"
#include "app/stand_in_page.h"
#include "crawler/charset.h"
#include "crawler/crawl.h"
#include "crawler/fetcher.h"
#include "crawler/site.h"
#include "crawler/url.h"
#include "reports/escape.h"
#include "reports/render.h"
#include "rules/document.h"
#include "rules/judge.h"
#include "rules/matcher.h"
#include "rules/pdf_sandbox.h"
#include "rules/placeholder_page.h"
#include "rules/thai_date.h"
#include "rules/thai_text.h"

namespace oitwatch {
namespace {

using pipeline_internal::IsPdf;
using pipeline_internal::MarkUnopenable;

constexpr int kMaxPdfPages = 40;
constexpr size_t kMaxPdfText = 1u << 20;
constexpr size_t kMaxDatesPerField = 40;

// ---------------------------------------------------------------- fetching

struct CheckedUrl {
  UrlFacts facts;
  std::vector<Hit> hits;
  std::string final_url;
  UrlKind final_kind = UrlKind::kPage;
};

UrlKind KindOf(const std::string& prefix, const std::string& url) {
  switch (ClassifyLink(prefix, url)) {
    case LinkScope::kPage: return UrlKind::kPage;
    case LinkScope::kDocument: return UrlKind::kDocument;
    case LinkScope::kOtherSitePage: return UrlKind::kOtherSite;
    case LinkScope::kOtherHost: return UrlKind::kExternal;
  }
  return UrlKind::kExternal;
}

FetchResult FetchOne(Fetcher& fetcher, const Request& request) {
  fetcher.Start(request);
  for (;;) {
    std::vector<FetchResult> done = fetcher.Poll(200);
    if (!done.empty()) return done.front();
    if (fetcher.active() == 0) break;
  }
  FetchResult lost;
  lost.request = request;
  lost.outcome = FetchOutcome::kConnectError;
  lost.error = "transfer ended without a result";
  return lost;
}

void AddHits(const Matcher& m, Field field, const std::string& text,
             CheckedUrl* c) {
  if (text.empty()) return;
  // As a crawl reads it: an exclusion in the link text, title or document
  // text names the URL as something else (Hit::excluded).
  const std::vector<FieldMatch> matches = ExclusionNamesUrl(field)
                                              ? m.MatchWithExclusions(field, text)
                                              : m.Match(field, text);
  for (const FieldMatch& fm : matches) {
    Hit hit{fm.item_id, fm.component_id, c->facts.url, c->facts.url,
            field,      fm.matched,      fm.pattern_line};
    hit.excluded = fm.excluded;
    c->hits.push_back(hit);
  }
}

void AddDates(Field field, const char* source, const std::string& text,
              UrlFacts* facts) {
  size_t kept = 0;
  for (const DateMention& d : FindDates(text)) {
    if (kept++ >= kMaxDatesPerField) break;
    facts->dates.push_back(DateFact{field, source, d.fiscal_year, d.year_be,
                                    d.month, d.day, d.fiscal_marker,
                                    TruncateUtf8(d.text, 120), facts->url});
  }
}

void ReadPdf(const Matcher& m, PdfSandbox& reader, const FetchResult& r,
             CheckedUrl* c) {
  PdfText pdf;
  std::string err;
  const PdfReadResult read =
      reader.Read(r.body, kMaxPdfPages, kMaxPdfText, &pdf, &err);
  if (read == PdfReadResult::kUnreadable) {
    MarkUnopenable("PDF unreadable: " + err, &c->facts);
    return;
  }
  if (read == PdfReadResult::kGaveUp) {  // unchecked, as in a run
    MarkTooComplex(err, &c->facts);
    return;
  }
  c->facts.needs_review = !pdf.has_text;
  std::string text = NormalizeThai(pdf.text), title = NormalizeThai(pdf.title);
  AddHits(m, Field::kDocText, text, c);
  AddHits(m, Field::kDocText, title, c);
  AddDates(Field::kDocText, "doc_text", text, &c->facts);
  AddDates(Field::kDocText, "pdf_meta", title, &c->facts);
  for (const std::string& iso : {pdf.creation_date, pdf.mod_date}) {
    int y = 0, mo = 0, d = 0;
    if (!ParseIsoDate(iso, &y, &mo, &d)) continue;
    c->facts.dates.push_back(DateFact{Field::kDocText, "pdf_meta",
                                      FiscalYearOfCe(y, mo), y + 543, mo, d,
                                      false, iso, c->facts.url});
  }
}

void ReadHtml(const Matcher& m, const FetchResult& r, CheckedUrl* c) {
  DecodedText decoded = DecodeToUtf8(r.body, r.content_type);
  Document doc;
  std::string err;
  if (!ParseHtml(decoded.utf8, c->final_url, DocumentLimits(), &doc, &err)) {
    c->facts.error = "HTML parse failed: " + err;
    return;
  }
  std::string title = NormalizeThai(doc.title);
  std::string headings = NormalizeThai(doc.headings);
  std::string text;
  const std::vector<std::string> lines = NormalizeThaiLines(doc.text, &text);
  // One URL alone has no known chrome (its menus count as its own text), so
  // "empty" means nothing here; a short notice or "under construction" page
  // or a blank form does.
  const PlaceholderKind kind =
      ClassifyPlaceholder(lines, {}, headings, LinkTexts(doc.links), m);
  c->facts.placeholder =
      kind != PlaceholderKind::kNone && kind != PlaceholderKind::kEmpty;
  AddHits(m, Field::kTitle, title, c);
  AddHits(m, Field::kHeadings, headings, c);
  AddHits(m, Field::kPageText, text, c);
  AddDates(Field::kTitle, "title", title, &c->facts);
  AddDates(Field::kHeadings, "headings", headings, &c->facts);
  AddDates(Field::kPageText, "page_text", TruncateUtf8(text, 64u << 10),
           &c->facts);
}

// The site's start page, for StandInPage: what a submitted URL that now
// redirects there or shows its bytes is compared with. A start page that
// fails still names its URL.
HomePage FetchHomePage(Fetcher& fetcher, const Site& site) {
  Request request;
  request.url = site.url;
  request.site_id = site.id;
  FetchResult r = FetchOne(fetcher, request);
  if (r.outcome != FetchOutcome::kOk) {
    r.final_url.clear();
    r.body.clear();
  }
  HomePage home;
  NoteHomePage(r, "", -1, "", &home);
  return home;
}

CheckedUrl Check(Fetcher& fetcher, PdfSandbox& reader, const Matcher& m,
                 const Site& site, const HomePage& home,
                 const std::string& url) {
  const std::string prefix = ScopePrefix(site.url);
  Request request;
  request.url = url;
  request.site_id = site.id;
  request.kind = LooksLikeDocument(url) ? RequestKind::kDocument
                                        : RequestKind::kPage;
  request.depth = 1;  // not the start page (StandInPage)
  FetchResult r = FetchOne(fetcher, request);
  CheckedUrl c;
  c.final_url = r.final_url.empty() ? url : r.final_url;
  c.final_kind = KindOf(prefix, c.final_url);
  UrlFacts& f = c.facts;
  f.url = url;
  f.kind = KindOf(prefix, url);
  f.fetched = true;
  f.ok = r.outcome == FetchOutcome::kOk;
  f.http_status = r.http_status;
  f.outcome = FetchOutcomeName(r.outcome);
  f.error = r.error;
  f.last_modified = r.last_modified;
  std::string path = NormalizeThai(PercentDecode(PathOf(url)));
  AddHits(m, Field::kUrl, path, &c);
  AddDates(Field::kUrl, "url", path, &f);
  const std::string unopenable = UnusableAnswer(r, home);
  if (!unopenable.empty()) {
    MarkUnopenable(unopenable, &f);  // the judge calls it broken
  } else if (f.ok && IsPdf(r)) {
    ReadPdf(m, reader, r, &c);
  } else if (f.ok) {
    ReadHtml(m, r, &c);
  }
  return c;
}

// ---------------------------------------------------------------- judging

struct Setup {
  Site site;
  RuleSet rules;
  std::unique_ptr<Matcher> matcher;
  JudgeContext context;
  std::vector<Submission> submissions;
};

bool AllowsExternal(const Item& item) {
  return std::any_of(item.components.begin(), item.components.end(),
                     [](const Component& c) { return c.external_ok; });
}

std::string Unreachable(const CheckedUrl& c) {
  if (c.facts.outcome == kOutcomePdfTooComplex) {
    return "ตรวจไม่ได้ " + c.facts.url + " (" + c.facts.error + ")";
  }
  std::string what = c.facts.outcome;
  if (c.facts.http_status) what += " HTTP " + std::to_string(c.facts.http_status);
  if (!c.facts.error.empty() && what.find(c.facts.error) == std::string::npos) {
    what += ": " + c.facts.error;
  }
  return "เปิดไม่ได้ " + c.facts.url + " (unreachable: " + what + ")";
}

std::string ScopeProblem(const Item& item, UrlKind kind, const std::string& url) {
  if (kind == UrlKind::kOtherSite) {
    return "ไม่ใช่เว็บไซต์ของหน่วยงาน " + url +
           " เป็นหน้าของหน่วยงานอื่น (not the office's site: another office's "
           "page)";
  }
  if (kind == UrlKind::kExternal && !AllowsExternal(item)) {
    return "อยู่นอกเว็บไซต์หลักของหน่วยงาน " + url +
           " (not on the office's main website)";
  }
  return "";
}

std::string NoMatch(const Item& item, const CheckedUrl& c) {
  std::vector<std::string> others;
  for (const Hit& h : c.hits) {
    if (std::find(others.begin(), others.end(), h.item_id) == others.end()) {
      others.push_back(h.item_id);
    }
  }
  std::string out = "เนื้อหาของ " + c.facts.url + " ไม่ตรงกับ " + item.id +
                    " (nothing of " + item.id +
                    " matched the page, its title or file name)";
  if (others.empty()) return out;
  std::string list;
  for (const std::string& id : others) list += (list.empty() ? "" : ", ") + id;
  return out + "; ดูเหมือน " + list + " (looks like " + list + ")";
}

void UrlProblems(const Item& item, const CheckedUrl& c,
                 std::vector<std::string>* out) {
  std::string scope = ScopeProblem(item, c.facts.kind, c.facts.url);
  if (scope.empty() && c.final_url != c.facts.url) {
    scope = ScopeProblem(item, c.final_kind, c.final_url);
    if (!scope.empty()) scope = "เปลี่ยนเส้นทางไป (redirects to): " + scope;
  }
  if (!scope.empty()) out->push_back(scope);
  if (!c.facts.ok) {
    out->push_back(Unreachable(c));
    return;
  }
  if (c.facts.unreadable) {  // its error says why
    out->push_back("ไฟล์เปิดไม่ได้ " + c.facts.url + " (" + c.facts.error + ")");
  }
  if (c.facts.placeholder) {
    out->push_back("หน้าอยู่ระหว่างปรับปรุง " + c.facts.url + " (placeholder page)");
  }
  bool match = std::any_of(c.hits.begin(), c.hits.end(),
                           [&](const Hit& h) { return h.item_id == item.id; });
  if (!match) out->push_back(NoMatch(item, c));
}

// Problems of one item over all its submitted URLs; empty = fine.
std::vector<std::string> ItemProblems(const Setup& s, const Item& item,
                                      const std::vector<const CheckedUrl*>& urls) {
  std::vector<std::string> problems;
  std::vector<UrlFacts> facts;
  std::vector<Hit> hits;
  for (const CheckedUrl* c : urls) {
    UrlProblems(item, *c, &problems);
    facts.push_back(c->facts);
    for (const Hit& h : c->hits) hits.push_back(h);
  }
  RuleSet one = s.rules;
  one.items = {item};
  ItemVerdict v = JudgeSite(one, s.context, facts, hits).front();
  const std::string status = ItemStatusName(v.status);
  if (v.status != ItemStatus::kPass &&
      (v.status != ItemStatus::kMissing || problems.empty())) {
    problems.push_back(std::string(StatusThai(status)) + " (" + status +
                       "): " + v.reason);
  }
  return problems;
}

void PrintItem(const Item& item, size_t n_urls,
               const std::vector<std::string>& problems) {
  std::string id = item.id;
  if (id.size() < 4) id.resize(4, ' ');
  if (problems.empty()) {
    std::cout << id << " ใช้ได้ (ok)         " << n_urls << " URL  "
              << TerminalSafe(item.title) << "\n";
    return;
  }
  std::string all;
  for (const std::string& p : problems) all += (all.empty() ? "" : "; ") + p;
  std::cout << id << " มีปัญหา (problem)  " << TerminalSafe(item.title)
            << " — " << TerminalSafe(all) << "\n";
}

// ---------------------------------------------------------------- setup

std::string ReadWholeFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  *ok = static_cast<bool>(in);
  return s.str();
}

bool ResolveContext(const VerifyOptions& o, JudgeContext* ctx, std::string* err) {
  if (o.as_of.empty()) {
    std::time_t t = std::time(nullptr) + 7 * 3600;  // Asia/Bangkok, no DST
    std::tm tm{};
    gmtime_r(&t, &tm);
    ctx->as_of_year = tm.tm_year + 1900;
    ctx->as_of_month = tm.tm_mon + 1;
    ctx->as_of_day = tm.tm_mday;
  } else if (!ParseIsoDate(o.as_of, &ctx->as_of_year, &ctx->as_of_month,
                           &ctx->as_of_day)) {
    *err = "--as-of: expected YYYY-MM-DD (Common Era), got '" + o.as_of + "'";
    return false;
  }
  ctx->fiscal_year = o.fiscal_year ? o.fiscal_year
                                   : FiscalYearOfCe(ctx->as_of_year, ctx->as_of_month);
  if (ctx->fiscal_year >= 2500 && ctx->fiscal_year <= 2700) return true;
  *err = "--fiscal-year: expected a Buddhist-era year such as 2568";
  return false;
}

std::string RulesPath(const VerifyOptions& o, int fy) {
  if (!o.rules.empty()) return o.rules;
  for (int year = fy; year > fy - 5; --year) {
    std::string path = FindDataFile("config/rules/bma-district-" +
                                    std::to_string(year) + ".yaml");
    if (!path.empty()) return path;
  }
  return "";
}

bool FindSite(const VerifyOptions& o, Site* site, std::string* err) {
  std::string path =
      o.sites.empty() ? FindDataFile("config/bma-districts.yaml") : o.sites;
  std::vector<Site> sites;
  if (path.empty()) {
    *err = "no --sites file and no shipped config/bma-districts.yaml found";
    return false;
  }
  if (!LoadSites(path, &sites, err)) return false;
  for (const Site& s : sites) {
    if (s.id == o.site) {
      *site = s;
      return true;
    }
  }
  *err = path + ": no site with id '" + o.site + "'";
  return false;
}

bool Prepare(const VerifyOptions& o, Setup* s, std::string* err) {
  if (!ResolveContext(o, &s->context, err) || !FindSite(o, &s->site, err)) {
    return false;
  }
  std::string rules = RulesPath(o, s->context.fiscal_year);
  if (rules.empty()) {
    *err = "no --rules file found";
    return false;
  }
  if (!LoadRuleSet(rules, &s->rules, err, &s->matcher)) return false;
  if (!s->matcher) s->matcher = Matcher::Create(s->rules, err);
  if (!s->matcher) return false;
  bool read = false;
  std::string csv = ReadWholeFile(o.submissions, &read);
  if (!read) {
    *err = o.submissions + ": cannot read the submissions file";
    return false;
  }
  return ParseSubmissions(o.submissions, csv, s->rules, &s->submissions, err);
}

// As the crawl's: a submitted URL is fetched on its own port; its redirects
// may lead to 80, 443, the site's own ports and --allow-port (A24).
FetcherOptions MakeFetcherOptions(const VerifyOptions& o, const Site& site) {
  FetcherOptions f;
  std::vector<int> ports = CrawlConfig().allow_ports;
  ports.insert(ports.end(), o.allow_ports.begin(), o.allow_ports.end());
  f.allow_ports = AllowedPorts({site}, ports);
  f.ca_file = o.ca_file;
  f.allow_addresses = o.allow_addresses;
  f.resolve = o.resolve;
  f.page_timeout_ms = o.timeout_ms;
  f.document_timeout_ms = 5 * o.timeout_ms;
  f.connect_timeout_ms = o.connect_timeout_ms;
  return f;
}

}  // namespace

int VerifyCommand(const VerifyOptions& o) {
  Setup s;
  std::string err;
  if (!Prepare(o, &s, &err)) {
    std::cerr << "oitwatch verify: " << err << "\n";
    return kExitUsage;
  }
  std::unique_ptr<Fetcher> fetcher =
      Fetcher::Create(MakeFetcherOptions(o, s.site), &err);
  if (!fetcher) {
    std::cerr << "oitwatch verify: " << err << "\n";
    return kExitUsage;
  }
  const HomePage home = FetchHomePage(*fetcher, s.site);
  PdfSandbox reader(o.pdf);
  std::map<std::string, CheckedUrl> checked;  // each URL fetched once
  std::vector<std::string> order;             // items, first appearance
  for (const Submission& sub : s.submissions) {
    if (!checked.count(sub.url)) {
      checked[sub.url] =
          Check(*fetcher, reader, *s.matcher, s.site, home, sub.url);
    }
    if (std::find(order.begin(), order.end(), sub.item_id) == order.end()) {
      order.push_back(sub.item_id);
    }
  }
  std::cout << "ตรวจ URL ที่จะส่ง (verify submissions): " << TerminalSafe(s.site.name)
            << " [" << TerminalSafe(s.site.id) << "] ปีงบประมาณ (FY) "
            << s.context.fiscal_year << "\n";
  int bad = 0;
  for (const Item& item : s.rules.items) {
    if (std::find(order.begin(), order.end(), item.id) == order.end()) continue;
    std::vector<const CheckedUrl*> urls;
    for (const Submission& sub : s.submissions) {
      if (sub.item_id == item.id) urls.push_back(&checked[sub.url]);
    }
    std::vector<std::string> problems = ItemProblems(s, item, urls);
    bad += !problems.empty();
    PrintItem(item, urls.size(), problems);
  }
  std::cout << "สรุป (summary): " << order.size() << " รายการ (items), ใช้ได้ ok "
            << order.size() - bad << ", มีปัญหา problem " << bad << "\n";
  return bad == 0 ? kExitOk : kExitSitesUnchecked;
}

}  // namespace oitwatch