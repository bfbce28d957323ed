#include "crawler/url_split.h"

#include <algorithm>

namespace oitwatch {
namespace {

constexpr size_t kNpos = std::string_view::npos;

char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsAlnum(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 3986 2.3: ALPHA / DIGIT / "-" / "." / "_" / "~".
bool IsUnreserved(char c) {
  return IsAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// Bytes libcurl leaves as they are in a path or query (RFC 3986 unreserved,
// sub-delims, ':', '@', '/', and '%' before two hex digits). Anything else
// (space, controls, non-ASCII, quotes, brackets, backslash) goes the slow
// path, which escapes it.
bool SafeChars(std::string_view s, bool allow_question) {
  static constexpr std::string_view kMarks = "-._~!$&'()*+,;=:@/";
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsAlnum(c) || kMarks.find(c) != kNpos) continue;
    if (c == '?' && allow_question) continue;
    if (c == '%' && i + 2 < s.size() && IsHex(s[i + 1]) && IsHex(s[i + 2]))
      continue;
    return false;
  }
  return true;
}

// A host name of lower-case labels, or a strict dotted-quad IPv4 address
// (libcurl rewrites other numeric spellings such as "127.1" or "0x7f.1").
bool SimpleHost(std::string_view host) {
  if (host.empty() || host.front() == '.' || host.front() == '-' ||
      host.back() == '.' || host.find("..") != kNpos) {
    return false;
  }
  for (char c : host) {
    if (!((c >= 'a' && c <= 'z') || IsDigit(c) || c == '.' || c == '-'))
      return false;
  }
  if (!IsDigit(host.front())) return true;
  int parts = 0;
  size_t start = 0;
  while (start <= host.size()) {
    size_t end = host.find('.', start);
    if (end == kNpos) end = host.size();
    const std::string_view part = host.substr(start, end - start);
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0'))
      return false;
    int value = 0;
    for (char c : part) {
      if (!IsDigit(c)) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
    ++parts;
    start = end + 1;
  }
  return parts == 4;
}

bool SimplePort(std::string_view port) {
  if (port.empty() || port.size() > 5 || port[0] == '0') return false;
  int value = 0;
  for (char c : port) {
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  return value <= 65535;
}

// "." or "%2e" (any case): a dot as the WHATWG URL standard reads one in a
// path segment.
size_t DotAt(std::string_view s, size_t at) {
  if (at < s.size() && s[at] == '.') return 1;
  if (at + 2 < s.size() && s[at] == '%' && s[at + 1] == '2' &&
      AsciiLower(s[at + 2]) == 'e') {
    return 3;
  }
  return 0;
}

// 1 for a single-dot path segment, 2 for a double-dot one, spelt with "."
// or "%2e" ("%2e%2e", ".%2E"); 0 for any other segment.
int DotSegment(std::string_view segment) {
  const size_t first = DotAt(segment, 0);
  if (first == 0) return 0;
  if (first == segment.size()) return 1;
  const size_t second = DotAt(segment, first);
  return second != 0 && first + second == segment.size() ? 2 : 0;
}

// True if a segment of `path` is a dot segment (DotSegment).
bool HasDotSegment(std::string_view path) {
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == kNpos) end = path.size();
    if (DotSegment(path.substr(start, end - start)) != 0) return true;
    start = end + 1;
  }
  return false;
}

bool IsSessionParam(std::string_view name) {
  std::string key(name);
  for (char& c : key) c = AsciiLower(c);
  return key == "jsessionid" || key == "phpsessid" || key == "sid" ||
         key == "sessionid" || key == "session_id" || key == "oscsid" ||
         key == "zenid" || key == "cfid" || key == "cftoken" ||
         key.starts_with("aspsessionid") ||  // ASP: ASPSESSIONIDQQGGQGPG
         key == "fbclid" || key == "gclid" || key.starts_with("utm_");
}

}  // namespace

std::string_view UrlParts::PortOrDefault() const {
  if (!port.empty()) return port;
  return scheme == "https" ? "443" : "80";
}

bool UrlParts::DefaultPort() const {
  return port.empty() || port == (scheme == "https" ? "443" : "80");
}

std::optional<UrlParts> SplitSimpleUrl(std::string_view url) {
  UrlParts parts;
  size_t at;
  if (url.rfind("http://", 0) == 0) {
    parts.scheme = url.substr(0, 4);
    at = 7;
  } else if (url.rfind("https://", 0) == 0) {
    parts.scheme = url.substr(0, 5);
    at = 8;
  } else {
    return std::nullopt;
  }
  const size_t slash = url.find('/', at);
  if (slash == kNpos) return std::nullopt;
  const std::string_view authority = url.substr(at, slash - at);
  const size_t colon = authority.find(':');
  parts.host = authority.substr(0, colon);
  if (!SimpleHost(parts.host)) return std::nullopt;
  if (colon != kNpos) {
    parts.port = authority.substr(colon + 1);
    if (!SimplePort(parts.port)) return std::nullopt;
  }
  std::string_view rest = url.substr(slash);
  if (rest.find('#') != kNpos) return std::nullopt;
  const size_t question = rest.find('?');
  parts.path = rest.substr(0, question);
  if (question != kNpos) {
    parts.has_query = true;
    parts.query = rest.substr(question + 1);
  }
  if (!SafeChars(parts.path, false) || !SafeChars(parts.query, true) ||
      HasDotSegment(parts.path)) {
    return std::nullopt;
  }
  return parts;
}

std::optional<std::string> FastNormalizeUrl(std::string_view url,
                                            size_t max_length) {
  std::optional<UrlParts> parts = SplitSimpleUrl(url);
  if (!parts) return std::nullopt;
  std::string out;
  out.reserve(url.size());
  out.append(parts->scheme).append("://").append(parts->host);
  if (!parts->DefaultPort()) out.append(":").append(parts->port);
  if (parts->path.find(';') == std::string_view::npos) {  // the common case
    out.append(parts->path);
  } else {
    const std::string path = StripPathSession(std::string(parts->path));
    out.append(path.empty() ? "/" : path);
  }
  if (!parts->query.empty()) {
    const std::string query = StripSessionParams(parts->query);
    if (!query.empty()) out.append("?").append(query);
  }
  if (out.find('%') != std::string::npos) {
    out = NormalizeEscapes(std::move(out));
  }
  if (out.size() > max_length) return std::nullopt;
  return out;
}

std::optional<std::string> FastResolveUrl(std::string_view base,
                                          std::string_view href,
                                          size_t max_length) {
  std::optional<UrlParts> b = SplitSimpleUrl(base);
  if (!b) return std::nullopt;
  std::string ref = CleanHref(href);
  const size_t hash = ref.find('#');
  if (hash == 0 || ref.empty()) return std::nullopt;  // the base itself
  if (hash != std::string::npos) ref.resize(hash);
  if (ref.rfind("//", 0) == 0) return std::nullopt;  // network-path reference
  const size_t first = ref.find_first_of(":/?");
  if (first != std::string::npos && ref[first] == ':') {
    // A scheme: only "http://" and "https://" as written are simple.
    return FastNormalizeUrl(ref, max_length);
  }
  const size_t question = ref.find('?');
  const std::string_view ref_path = std::string_view(ref).substr(0, question);
  const std::string_view ref_query =
      question == std::string::npos ? std::string_view()
                                    : std::string_view(ref).substr(question + 1);
  if (!SafeChars(ref_path, false) || !SafeChars(ref_query, true))
    return std::nullopt;
  std::string path;
  std::string_view query = ref_query;
  bool has_query = question != std::string::npos;
  if (ref_path.empty()) {  // "?q": the base's path with this query
    path = std::string(b->path);
  } else if (ref_path.front() == '/') {
    path = RemoveDotSegments(ref_path);
  } else {
    std::string merged(b->path.substr(0, b->path.rfind('/') + 1));
    merged.append(ref_path);
    path = RemoveDotSegments(merged);
  }
  std::string out;
  out.reserve(base.size() + ref.size());
  out.append(b->scheme).append("://").append(b->host);
  if (!b->port.empty()) out.append(":").append(b->port);
  out.append(path);
  if (has_query) out.append("?").append(query);
  return FastNormalizeUrl(out, max_length);
}

std::string RemoveDotSegments(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  std::string_view in = path;
  while (!in.empty()) {
    if (in.rfind("../", 0) == 0) {
      in.remove_prefix(3);
    } else if (in.rfind("./", 0) == 0) {
      in.remove_prefix(2);
    } else if (in.rfind("/./", 0) == 0) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.rfind("/../", 0) == 0 || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      const size_t slash = out.rfind('/');
      out.resize(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const size_t next = in.find('/', 1);
      const size_t n = next == kNpos ? in.size() : next;
      out.append(in.substr(0, n));
      in.remove_prefix(n);
    }
  }
  return out;
}

// RFC 3986 6.2.2.1-2: "%e0%b8" -> "%E0%B8" and "%7E" -> "~", one spelling
// per URL, so the seen-set dedups and a page is fetched once. Reserved
// characters ("%2F", "%3F", "%26" ...) stay escaped: they mean something
// else unescaped. A '%' that starts no escape is left alone.
std::string NormalizeEscapes(std::string text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t out = text.find('%');
  if (out == std::string::npos) return text;
  for (size_t in = out; in < text.size();) {
    if (text[in] != '%' || in + 2 >= text.size() || !IsHex(text[in + 1]) ||
        !IsHex(text[in + 2])) {
      text[out++] = text[in++];
      continue;
    }
    const int value = HexValue(text[in + 1]) * 16 + HexValue(text[in + 2]);
    const char c = static_cast<char>(value);
    if (IsUnreserved(c)) {
      text[out++] = c;
    } else {
      text[out++] = '%';
      text[out++] = kHex[value >> 4];
      text[out++] = kHex[value & 0xF];
    }
    in += 3;
  }
  text.resize(out);
  return text;
}

std::string StripSessionParams(std::string_view query) {
  std::string kept;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == kNpos) end = query.size();
    const std::string_view param = query.substr(start, end - start);
    const std::string_view name = param.substr(0, param.find('='));
    if (!param.empty() && !IsSessionParam(name)) {
      if (!kept.empty()) kept.push_back('&');
      kept.append(param);
    }
    start = end + 1;
  }
  return kept;
}

// "/a;jsessionid=XYZ/b" -> "/a/b" (Java servlet path parameters).
std::string StripPathSession(std::string path) {
  for (const char* marker : {";jsessionid=", ";JSESSIONID=", ";phpsessid="}) {
    size_t at;
    while ((at = path.find(marker)) != std::string::npos) {
      size_t end = path.find_first_of("/?", at);
      path.erase(at, end == std::string::npos ? std::string::npos : end - at);
    }
  }
  return path;
}

// Browsers drop leading/trailing spaces and controls and every tab/newline.
std::string CleanHref(std::string_view href) {
  size_t begin = 0, end = href.size();
  while (begin < end && static_cast<unsigned char>(href[begin]) <= ' ') ++begin;
  while (end > begin && static_cast<unsigned char>(href[end - 1]) <= ' ') --end;
  std::string out;
  out.reserve(end - begin);
  for (char c : href.substr(begin, end - begin)) {
    if (c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  }
  return DecodeDotSegments(out);
}

std::string DecodeDotSegments(std::string_view url) {
  const size_t path_end = std::min(url.find_first_of("?#"), url.size());
  std::string out;
  out.reserve(url.size());
  size_t start = 0;
  while (start <= path_end) {
    size_t end = url.find('/', start);
    if (end == kNpos || end > path_end) end = path_end;
    const std::string_view segment = url.substr(start, end - start);
    const int dots = segment.find('%') == kNpos ? 0 : DotSegment(segment);
    out.append(dots == 1 ? "." : dots == 2 ? ".." : segment);
    if (end == path_end) break;
    out.push_back('/');
    start = end + 1;
  }
  out.append(url.substr(path_end));
  return out;
}

}  // namespace oitwatch
