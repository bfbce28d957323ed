#include "crawler/index_scope.h"

#include <algorithm>

#include "crawler/url.h"

namespace oitwatch {
namespace {

// "http://h/laksi/page/" -> "http://h/laksi/": the host and first path
// segment, which name a district on the shared portal ("" if the path has
// no segment ending in '/'). As the pipeline's UnderOtherSite reads it.
std::string FirstSegmentPrefix(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t path =
      url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos) return url + "/";
  const size_t end = url.find_first_of("/?#", path + 1);
  if (end == std::string::npos || url[end] != '/') return "";
  return url.substr(0, end + 1);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The words of a URL's path and query: "/ita/Bangrak.html?d=x" -> ita,
// bangrak, html, d, x.
std::vector<std::string> PathWords(const std::string& url) {
  std::vector<std::string> words;
  const std::string path = Lower(PathOf(url));
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find_first_of("/?&=.#;", start);
    if (end == std::string::npos) end = path.size();
    if (end > start) words.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// True if the last segment of `path` is a folder's own page: index.html,
// default.aspx, home.php, main.htm.
bool FolderPage(const std::string& path) {
  const std::string last = Lower(path.substr(path.rfind('/') + 1));
  const size_t dot = last.find('.');
  if (dot == std::string::npos) return false;
  const std::string stem = last.substr(0, dot);
  return stem == "index" || stem == "default" || stem == "home" ||
         stem == "main";
}

}  // namespace

bool IndexScope::Contains(std::string_view url) const {
  return below ? InScope(prefix, url) : url == prefix;
}

IndexScope IndexScopeOf(const std::string& url,
                        const std::vector<std::string>& site_prefixes) {
  const IndexScope one{url, false};
  const size_t scheme = url.find("://");
  const size_t at =
      url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  // A query names one page of a script, not a folder.
  if (at == std::string::npos ||
      url.find_first_of("?#", at) != std::string::npos) {
    return one;
  }
  std::string folder = url;
  if (FolderPage(url.substr(at))) {
    folder.resize(url.rfind('/') + 1);
  } else if (folder.back() != '/') {
    folder += '/';
  }
  if (PathOf(folder) == "/") return one;
  for (const std::string& prefix : site_prefixes) {
    if (InScope(folder, prefix)) return one;  // it holds that site
  }
  return IndexScope{folder, true};
}

IndexScopes::IndexScopes(
    const std::string& site_id, const std::string& prefix,
    const std::vector<std::pair<std::string, std::string>>& sites)
    : prefix_(prefix), segment_(FirstSegmentPrefix(prefix)) {
  for (const auto& [id, site_prefix] : sites) {
    all_prefixes_.push_back(site_prefix);
    if (id == site_id) continue;
    other_ids_.push_back(Lower(id));
    if (site_prefix == prefix) continue;
    other_prefixes_.push_back(site_prefix);
    const std::string segment = FirstSegmentPrefix(site_prefix);
    if (!segment.empty() && segment != segment_) {
      other_segments_.push_back(segment);
    }
  }
}

bool IndexScopes::OtherSites(const std::string& url) const {
  for (const std::string& prefix : other_prefixes_) {
    if (InScope(prefix, url)) return true;
  }
  for (const std::string& segment : other_segments_) {
    if (InScope(segment, url)) return true;
  }
  if (other_ids_.empty()) return false;
  for (const std::string& word : PathWords(url)) {
    if (std::find(other_ids_.begin(), other_ids_.end(), word) !=
        other_ids_.end()) {
      return true;
    }
  }
  return false;
}

int IndexScopes::HopsOf(const std::string& url) const {
  auto it = hops_.find(url);
  return it == hops_.end() ? -1 : it->second;
}

bool IndexScopes::Contains(std::string_view url) const {
  return std::any_of(scopes_.begin(), scopes_.end(),
                     [&](const IndexScope& s) { return s.Contains(url); });
}

IndexScopes::Admission IndexScopes::Admit(const std::string& from,
                                          const std::string& url, bool index,
                                          IndexScope* opened) {
  if (prefix_.empty() || OtherSites(url)) return Admission::kNone;
  const int from_hops = HopsOf(from);
  if (Contains(url)) {
    // Linked from the site's own page: as near as a link of its index.
    int hops = from_hops >= 0 ? from_hops + 1 : (index ? 0 : 1);
    const int known = HopsOf(url);
    if (known >= 0) hops = std::min(hops, known);
    if (hops > kMaxHops) return Admission::kBeyond;
    hops_[url] = hops;
    return Admission::kFollow;
  }
  // A new index: only from the site's own pages, so one index cannot lead
  // to the next.
  if (!index || from_hops >= 0 || !InScope(prefix_, from)) {
    return Admission::kNone;
  }
  if (scopes_.size() >= kMaxScopes) return Admission::kBeyond;
  scopes_.push_back(IndexScopeOf(url, all_prefixes_));
  hops_[url] = 0;
  *opened = scopes_.back();
  return Admission::kFollow;
}

}  // namespace oitwatch
