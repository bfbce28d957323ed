#include "crawler/url.h"

#include <curl/curl.h>

#include <map>
#include <memory>
#include <vector>

#include "crawler/url_split.h"

namespace oitwatch {
namespace {

struct UrlDeleter {
  void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

std::string GetPart(CURLU* url, CURLUPart part, unsigned int flags = 0) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, flags) != CURLUE_OK || value == nullptr)
    return "";
  std::string out(value);
  curl_free(value);
  return out;
}

// Applies the normalisation rules to a parsed http(s) URL.
std::optional<std::string> Canonical(CURLU* url, size_t max_length) {
  const std::string scheme = GetPart(url, CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const std::string host = GetPart(url, CURLUPART_HOST);
  if (host.empty()) return std::nullopt;
  curl_url_set(url, CURLUPART_HOST, Lower(host).c_str(), 0);
  curl_url_set(url, CURLUPART_FRAGMENT, nullptr, 0);
  const std::string path = StripPathSession(GetPart(url, CURLUPART_PATH));
  curl_url_set(url, CURLUPART_PATH, path.empty() ? "/" : path.c_str(), 0);
  const std::string query = StripSessionParams(GetPart(url, CURLUPART_QUERY));
  curl_url_set(url, CURLUPART_QUERY, query.empty() ? nullptr : query.c_str(),
               0);
  std::string out = GetPart(url, CURLUPART_URL, CURLU_NO_DEFAULT_PORT);
  if (out.empty()) return std::nullopt;
  out = NormalizeEscapes(std::move(out));
  if (out.size() > max_length) return std::nullopt;
  return out;
}

UrlHandle Parse(std::string_view url) {
  UrlHandle handle(curl_url());
  if (!handle) return nullptr;
  const std::string text = CleanHref(url);
  if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(),
                   CURLU_URLENCODE) != CURLUE_OK) {
    return nullptr;
  }
  return handle;
}

}  // namespace

namespace url_reference {

std::optional<std::string> ResolveUrl(std::string_view base,
                                      std::string_view href,
                                      size_t max_length) {
  if (href.size() > max_length * 4) return std::nullopt;  // do not even parse
  UrlHandle url = Parse(base);
  if (!url) return std::nullopt;
  const std::string text = CleanHref(href);
  // RFC 3986 5.2.2: an empty reference is the base itself.
  if (text.empty() || text[0] == '#') return Canonical(url.get(), max_length);
  if (curl_url_set(url.get(), CURLUPART_URL, text.c_str(), CURLU_URLENCODE) !=
      CURLUE_OK) {
    return std::nullopt;
  }
  return Canonical(url.get(), max_length);
}

std::optional<std::string> NormalizeUrl(std::string_view url,
                                        size_t max_length) {
  if (url.size() > max_length * 4) return std::nullopt;
  UrlHandle handle = Parse(url);
  if (!handle) return std::nullopt;
  return Canonical(handle.get(), max_length);
}

std::string HostKey(std::string_view url) {
  UrlHandle handle = Parse(url);
  if (!handle) return "";
  const std::string scheme = GetPart(handle.get(), CURLUPART_SCHEME);
  const std::string host = GetPart(handle.get(), CURLUPART_HOST);
  const std::string port =
      GetPart(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (scheme.empty() || host.empty() || port.empty()) return "";
  return Lower(scheme) + "://" + Lower(host) + ":" + port;
}

std::string PathOf(std::string_view url) {
  UrlHandle handle = Parse(url);
  if (!handle) return "/";
  std::string path = GetPart(handle.get(), CURLUPART_PATH);
  if (path.empty()) path = "/";
  const std::string query = GetPart(handle.get(), CURLUPART_QUERY);
  if (!query.empty()) path += "?" + query;
  return NormalizeEscapes(path);
}

}  // namespace url_reference

std::optional<std::string> ResolveUrl(std::string_view base,
                                      std::string_view href,
                                      size_t max_length) {
  if (href.size() > max_length * 4) return std::nullopt;  // do not even parse
  if (auto fast = FastResolveUrl(base, href, max_length)) return fast;
  return url_reference::ResolveUrl(base, href, max_length);
}

std::optional<std::string> NormalizeUrl(std::string_view url,
                                        size_t max_length) {
  if (url.size() > max_length * 4) return std::nullopt;
  if (auto fast = FastNormalizeUrl(url, max_length)) return fast;
  return url_reference::NormalizeUrl(url, max_length);
}

std::string HostKey(std::string_view url) {
  if (std::optional<UrlParts> parts = SplitSimpleUrl(url)) {
    std::string key;
    key.reserve(url.size());
    key.append(parts->scheme).append("://").append(parts->host);
    return key.append(":").append(parts->PortOrDefault());
  }
  return url_reference::HostKey(url);
}

std::string PathOf(std::string_view url) {
  if (std::optional<UrlParts> parts = SplitSimpleUrl(url)) {
    std::string path(parts->path);
    if (!parts->query.empty()) path.append("?").append(parts->query);
    return NormalizeEscapes(std::move(path));
  }
  return url_reference::PathOf(url);
}

namespace {

// Path without query, percent-escapes upper-cased; "" if unparsable.
std::string PathOnly(std::string_view url) {
  if (std::optional<UrlParts> parts = SplitSimpleUrl(url)) {
    return NormalizeEscapes(std::string(parts->path));
  }
  UrlHandle handle = Parse(url);
  if (!handle) return "";
  std::string path = GetPart(handle.get(), CURLUPART_PATH);
  return NormalizeEscapes(path.empty() ? "/" : path);
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string ScopePrefix(std::string_view site_url) {
  std::optional<std::string> normal = NormalizeUrl(site_url);
  if (!normal) return "";
  UrlHandle handle = Parse(*normal);
  std::string path = GetPart(handle.get(), CURLUPART_PATH);
  if (path.empty() || path.back() != '/') {
    size_t slash = path.rfind('/');
    std::string last = path.substr(slash + 1);
    // "/laksi" names a folder; "/laksi/coverpages" and "/index.php" do not.
    bool folder = slash == 0 && last.find('.') == std::string::npos;
    path = folder ? path + "/" : path.substr(0, slash + 1);
  }
  curl_url_set(handle.get(), CURLUPART_PATH, path.c_str(), 0);
  curl_url_set(handle.get(), CURLUPART_QUERY, nullptr, 0);
  return NormalizeEscapes(
      GetPart(handle.get(), CURLUPART_URL, CURLU_NO_DEFAULT_PORT));
}

bool HasEscapedUnreserved(std::string_view url) {
  // Runs for every link of every page re-used from storage: no copies.
  auto hex = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
  };
  for (size_t i = url.find('%'); i != std::string_view::npos &&
                                 i + 2 < url.size();
       i = url.find('%', i + 1)) {
    const int high = hex(url[i + 1]), low = hex(url[i + 2]);
    if (high < 0 || low < 0) continue;
    const char c = static_cast<char>(high * 16 + low);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      return true;
    }
  }
  return false;
}

bool SameHostAnyScheme(std::string_view a, std::string_view b) {
  // HostKey is "scheme://host:port" with the port always written.
  struct Key {
    std::string scheme, host, port;
  };
  auto split = [](const std::string& key, Key* k) {
    const size_t sep = key.find("://"), colon = key.rfind(':');
    if (sep == std::string::npos || colon <= sep + 3) return false;
    *k = Key{key.substr(0, sep), key.substr(sep + 3, colon - sep - 3),
             key.substr(colon + 1)};
    return true;
  };
  auto is_default = [](const Key& k) {
    return (k.scheme == "http" && k.port == "80") ||
           (k.scheme == "https" && k.port == "443");
  };
  Key ka, kb;
  if (!split(HostKey(a), &ka) || !split(HostKey(b), &kb)) return false;
  if (ka.host != kb.host) return false;
  return ka.port == kb.port || (is_default(ka) && is_default(kb));
}

bool InScope(std::string_view prefix, std::string_view url) {
  if (!SameHostAnyScheme(url, prefix)) return false;
  std::string scope = PathOnly(prefix);
  const std::string path = PathOnly(url);
  if (path.compare(0, scope.size(), scope) == 0) return true;
  // "http://h/laksi" is the folder "http://h/laksi/" itself.
  return scope.size() > 1 && scope.back() == '/' &&
         path == scope.substr(0, scope.size() - 1);
}

// The path of an absolute URL by plain string work (no URL parser): it runs
// for every outlink of every page. "" when `url` has no "scheme://".
std::string_view FastPath(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  size_t start = url.find_first_of("/?#", scheme + 3);
  if (start == std::string_view::npos || url[start] != '/') return "/";
  const size_t end = url.find_first_of("?#", start);
  return url.substr(start, end == std::string_view::npos ? end : end - start);
}

bool LooksLikeDocument(std::string_view url) {
  static const char* const kExtensions[] = {
      "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt",
      "ods", "rtf", "zip",  "rar", "7z",   "csv", "txt"};
  const std::string path(FastPath(url));
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return false;
  const std::string extension = Lower(path.substr(dot + 1));
  for (const char* known : kExtensions) {
    if (extension == known) return true;
  }
  return false;
}

bool LooksLikeTrap(std::string_view url, int max_segments, int max_repeats,
                   int max_params) {
  UrlHandle handle = Parse(url);
  if (!handle) return false;
  const std::string path = GetPart(handle.get(), CURLUPART_PATH);
  const std::vector<std::string_view> segments = Segments(path);
  if (static_cast<int>(segments.size()) > max_segments) return true;
  std::map<std::string_view, int> counts;
  for (std::string_view segment : segments) {
    if (++counts[segment] > max_repeats) return true;
  }
  const std::string query = GetPart(handle.get(), CURLUPART_QUERY);
  if (query.empty()) return false;
  int params = 1;
  for (char c : query) params += (c == '&') ? 1 : 0;
  return params > max_params;
}

}  // namespace oitwatch
