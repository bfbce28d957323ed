// Crawler traps of one URL shape (RELIABILITY.md B11): an infinite calendar
// (?month=n+1 forever) or faceted navigation (?a=&b=&c= in every order)
// offers endless URLs that differ only in numbers and query values. The
// engine gives each site a TemplateBudget: at most `max_per_template` page
// URLs of one template are queued (kLikelyFactor times as many for links
// that look like evidence, so a trap baited with evidence words ends too),
// and at most kMaxQueryShapes query shapes per path (facets: ?a&b, ?a&c,
// ?b&c ... one template each); the rest are skipped and reported as a
// suspected trap. (LooksLikeTrap in url.h catches the other shapes: deep or
// repeating paths, many parameters.)
// A real archive has more pages of one shape than that (a district's 600
// news items, 350 announcements), but each says something of its own: a
// template earns one more URL for each of its pages fetched whose text
// (PageTextFingerprint) no page of it had, up to kEarnFactor times the
// budget. Calendar and facet pages repeat one text with other numbers and
// earn nothing. Links past the budget wait (Offer) until their template
// earns room (Fetched); those still waiting when the site has nothing else
// to fetch are left out as a suspected trap. No curl here. Not thread-safe.
#ifndef OITWATCH_CRAWLER_TRAP_H_
#define OITWATCH_CRAWLER_TRAP_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/fetch_result.h"
#include "crawler/page_text.h"  // PageTextFingerprint

namespace oitwatch {

// The shape of an absolute URL: its path with every run of digits replaced
// by '#' (percent-escapes kept as they are), then '?' and the sorted,
// de-duplicated query keys joined by '&' when there is a query.
// "http://h/cal/2024/05?view=w&m=3&m=4" -> "/cal/#/#?m&view".
std::string UrlTemplate(std::string_view url);

class TemplateBudget {
 public:
  static constexpr int kLikelyFactor = 4;
  // Distinct query shapes (sorted key sets) per path template: CMS links
  // use a handful (Joomla's option/view/id/Itemid), facets one per subset.
  static constexpr size_t kMaxQueryShapes = 16;
  // A template earns at most kEarnFactor * max_per_template URLs past its
  // budget: a trap whose pages all read differently ends there.
  static constexpr int kEarnFactor = 20;
  // Requests waiting for room per site (a few hundred bytes each; a
  // 2,000-page site's three big archives keep ~600 waiting).
  static constexpr size_t kMaxWaiting = 2000;

  // 0 = no limit.
  explicit TemplateBudget(int max_per_template = 0)
      : max_per_template_(max_per_template) {}

  // Counts `url` against its template; false once the template already has
  // `max_per_template` ordinary URLs (kLikelyFactor times as many likely
  // evidence URLs, counted apart) and has spent what it earned, or its path
  // already has kMaxQueryShapes other query shapes (the URL is then not
  // counted).
  bool Admit(std::string_view url, bool likely = false);

  enum class Admission { kQueue, kWait, kTrap };
  // A page request (likely evidence if its priority is positive): kQueue if
  // Admit takes it; kWait if it is kept to be let in by Fetched, when its
  // template may still earn room for it; kTrap otherwise. A waiting request
  // of its template ranked below it may make way (appended to `displaced`,
  // to be left out as a trap).
  Admission Offer(const Request& r, std::vector<Request>* displaced);
  // A page of `url`'s template was fetched; `fingerprint` is its
  // PageTextFingerprint. Returns the waiting requests of the template it
  // lets in, best first: none unless its text is new to the template (the
  // first text earns nothing: every template has one).
  std::vector<Request> Fetched(std::string_view url, uint64_t fingerprint);
  // Takes every waiting request out (nothing can let them in any more).
  std::vector<Request> TakeWaiting();
  size_t waiting() const { return waiting_; }

 private:
  struct Counts {
    int ordinary = 0;  // URLs admitted as ordinary links
    int likely = 0;    // URLs admitted as likely evidence
    int texts = 0;     // distinct page texts fetched (earned = texts - 1)
    int spent = 0;     // URLs admitted past the budget on what it earned
    std::set<uint64_t> seen;  // those texts, while it may earn more
    // Best first; among equals, the first found first.
    std::multimap<int, Request, std::greater<int>> waiting;
  };
  int earn_cap() const { return kEarnFactor * max_per_template_; }
  static int Earned(const Counts& c) { return c.texts > 1 ? c.texts - 1 : 0; }
  // The counts of `shape` (UrlTemplate), new ones included; null if it is
  // a query shape too many for its path.
  Counts* Find(const std::string& shape);
  // Admit, on a template's counts.
  bool Count(Counts& c, bool likely);

  int max_per_template_;
  size_t waiting_ = 0;
  std::map<std::string, Counts> counts_;  // template -> URLs admitted
  std::map<std::string, std::set<std::string>> shapes_;  // path -> shapes
};

// Query variants of one document: a page that links the same PDF as
// ?v=1, ?v=2 ... ?v=500 (rt6net M04) would spend the site's request budget
// on copies of one file. Each document path (the URL before '?') is fetched
// plainly and with at most kMaxVariants different queries per site (a
// ?download=1 next to the plain link is common); the rest are skipped and
// reported as a suspected trap.
class DocumentVariants {
 public:
  static constexpr int kMaxVariants = 4;

  // Counts `url` against its path if it has a query; false once the path
  // already has kMaxVariants such URLs. A URL without a query is admitted.
  bool Admit(std::string_view url);

 private:
  std::map<std::string, int, std::less<>> counts_;  // path -> URLs admitted
};

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_TRAP_H_
