// ITA index pages a site keeps on its own host but outside its path prefix
// (rt7budget P18): the district at http://h/laksi/ links "ITA / OIT" to
// http://h/ita/laksi/, a central portal path. Such a page is followed as the
// site's own, with the pages below it up to kMaxHops links under it, so its
// evidence is read instead of every item it holds going "missing"; the
// crawl's robots.txt, politeness, address guard, budgets and trap filters
// apply as to any page. Bounded so that it cannot become a way to crawl
// the shared host:
//  - only a link whose text names an ITA index (Outlink::index), found on a
//    page under the site's own prefix (no chains from one index to another);
//  - never a page of another site of the run (under its prefix or its
//    first path segment, or with its id as a path segment);
//  - the scope is what lies below the index URL, never its siblings: a URL
//    with a query, or whose folder would hold a site's prefix or the host
//    root, is a scope of that one URL (index.php?page=ita opens not the
//    whole CMS); at most kMaxScopes per site.
// A link past those bounds (a 4th index, a page kMaxHops+1 under one) is
// left out of the crawl (the engine's LeaveOut), so what it may hold leaves
// items unchecked with its URL, never missing. Other hosts are not followed
// (a link named "ITA" to another host is most often the national ITA
// system's banner). Not thread-safe.
#ifndef OITWATCH_CRAWLER_INDEX_SCOPE_H_
#define OITWATCH_CRAWLER_INDEX_SCOPE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace oitwatch {

// What an ITA index at some URL opens (see above): the pages under the
// folder `prefix`, or (`below` false) the one URL `prefix`.
struct IndexScope {
  std::string prefix;
  bool below = true;

  // True if `url` is in the scope.
  bool Contains(std::string_view url) const;
};

// The scope an ITA index at `url` opens: the pages below it
// ("http://h/ita/laksi/" for ".../ita/laksi/" and ".../ita/laksi"; for a
// folder's own page, ".../ita/laksi/index.html", that folder), or `url`
// alone when it has a query or that folder is the host root or holds the
// prefix of a site of the run (`site_prefixes`, every site's).
IndexScope IndexScopeOf(const std::string& url,
                        const std::vector<std::string>& site_prefixes);

class IndexScopes {
 public:
  static constexpr size_t kMaxScopes = 3;  // off-prefix ITA indexes per site
  static constexpr int kMaxHops = 2;       // pages followed below one

  enum class Admission {
    kNone,    // not an off-prefix index or a page under one: skipped as before
    kFollow,  // crawl it as a page of the site
    kBeyond,  // an index's page past the bounds: left out (items unchecked)
  };

  IndexScopes() = default;
  // `site_id` and `prefix`: the site's; `sites`: (id, scope prefix) of every
  // site of the run, the site's own included.
  IndexScopes(const std::string& site_id, const std::string& prefix,
              const std::vector<std::pair<std::string, std::string>>& sites);

  // A link from the page `from` to `url`, a page on the site's host outside
  // its prefix (LinkScope::kOtherSitePage); `index`: its text names an ITA
  // index. When it opens a new scope, *opened is set to it (else untouched).
  Admission Admit(const std::string& from, const std::string& url, bool index,
                  IndexScope* opened);
  // True if `url` is in one of the scopes opened.
  bool Contains(std::string_view url) const;
  const std::vector<IndexScope>& scopes() const { return scopes_; }

 private:
  bool OtherSites(const std::string& url) const;  // another site's page
  int HopsOf(const std::string& url) const;       // -1: not followed here

  std::string prefix_, segment_;
  std::vector<std::string> all_prefixes_;
  std::vector<std::string> other_prefixes_, other_segments_, other_ids_;
  std::vector<IndexScope> scopes_;
  // Pages followed under a scope -> links below its index page (0 = the
  // index). Bounded by the URLs the site considers (kMaxUrlsPerSite).
  std::unordered_map<std::string, int> hops_;
};

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_INDEX_SCOPE_H_
