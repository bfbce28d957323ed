// Crawler traps of one URL shape (RELIABILITY.md B11): an infinite calendar
// (?month=n+1 forever) or faceted navigation (?a=&b=&c= in every order)
// offers endless URLs that differ only in numbers and query values. The
// engine gives each site a TemplateBudget: at most `max_per_template` page
// URLs of one template are queued (kLikelyFactor times as many for links
// that look like evidence, so a trap baited with evidence words ends too),
// and at most kMaxQueryShapes query shapes per path (facets: ?a&b, ?a&c,
// ?b&c ... one template each); the rest are skipped and reported as a
// suspected trap. (LooksLikeTrap in url.h catches the other shapes: deep or
// repeating paths, many parameters.) No curl here. Not thread-safe.
#ifndef OITWATCH_CRAWLER_TRAP_H_
#define OITWATCH_CRAWLER_TRAP_H_

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>

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

  // 0 = no limit.
  explicit TemplateBudget(int max_per_template = 0)
      : max_per_template_(max_per_template) {}

  // Counts `url` against its template; false once the template already has
  // `max_per_template` ordinary URLs (kLikelyFactor times as many likely
  // evidence URLs, counted apart), or its path already has kMaxQueryShapes
  // other query shapes (the URL is then not counted).
  bool Admit(std::string_view url, bool likely = false);

 private:
  struct Counts {
    int ordinary = 0;  // URLs admitted as ordinary links
    int likely = 0;    // URLs admitted as likely evidence
  };
  int max_per_template_;
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
