// The pipeline's shared helpers (see pipeline_internal.h).
#include "app/pipeline_internal.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <strings.h>
#include <xxhash.h>

#include "app/stand_in_page.h"
#include "crawler/charset.h"

namespace oitwatch {
namespace pipeline_internal {
namespace {

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

std::string Hex64(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

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

bool LooksBinary(const std::string& body, const std::string& content_type) {
  if (body.compare(0, 2, "\xFF\xFE") == 0 || body.compare(0, 2, "\xFE\xFF") == 0)
    return false;  // UTF-16 with a BOM: half its bytes are NUL
  if (HeaderEncoding(content_type).starts_with("utf-16"))
    return false;  // declared UTF-16 (no BOM): decoded as declared
  const size_t n = std::min<size_t>(body.size(), 4096);
  size_t nuls = 0, controls = 0;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(body[i]);
    nuls += c == 0;
    controls += c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f';
  }
  return (nuls > 8 && nuls * 100 > n) || controls * 10 > n;
}

std::string UnreadableStartNote(const FetchResult& r, bool parsed) {
  if (r.body.find_first_not_of(" \t\r\n\f\xEF\xBB\xBF") == std::string::npos) {
    return kUnreadableStartNote + std::string("empty body, HTTP ") +
           std::to_string(r.http_status);
  }
  if (parsed) return "";
  return kUnreadableStartNote + std::string("not HTML, Content-Type ") +
         (r.content_type.empty() ? "none" : r.content_type);
}

std::string StartPageUnreadable(const UrlFacts& seed) {
  const std::string& e = seed.error;
  if (e == kBinaryNote || e.starts_with("HTML parse failed") ||
      IsUnopenableNote(e)) {
    return e;
  }
  if (e.starts_with(kUnreadableStartNote)) {
    return e.substr(std::strlen(kUnreadableStartNote));
  }
  return "";
}

bool MayPass(const FetchResult& r) {
  switch (r.outcome) {
    case FetchOutcome::kTimeout:
    case FetchOutcome::kConnectError:
    case FetchOutcome::kDnsError:
    case FetchOutcome::kRateLimited:
    case FetchOutcome::kBlocked:
    case FetchOutcome::kBadContent:
      return true;
    case FetchOutcome::kHttpError:
      return r.http_status >= 500 || r.http_status == 408 ||
             r.http_status == 425 || r.http_status == 429;
    default:
      return false;
  }
}

namespace {
constexpr char kUnopenable[] = "เปิดไฟล์ไม่ได้ (file cannot be opened: ";
// A page that answers with something else (stand_in_page.h).
constexpr char kNotThePage[] =
    "หน้านี้ไม่มีเนื้อหาที่ลิงก์ไว้แล้ว (not the linked page any more: ";

bool EndsWithPdf(const std::string& url) {
  const size_t end = url.find_first_of("?#");
  const std::string path = url.substr(0, end);
  return path.size() >= 4 &&
         strncasecmp(path.c_str() + path.size() - 4, ".pdf", 4) == 0;
}
}  // namespace

std::string UnopenableDocument(const FetchResult& r) {
  if (r.request.kind != RequestKind::kDocument ||
      r.outcome != FetchOutcome::kOk)
    return "";
  if (r.body.empty()) return "empty file, 0 bytes";
  if (EndsWithPdf(r.request.url) && !IsPdf(r) && IsHtml(r))
    return "an HTML page came back instead of the PDF";
  // A PDF ends with %%EOF (readers allow junk in its last 1 KiB); with no
  // length to check, a PDF without one was cut short on the way.
  const size_t tail = r.body.size() > 1024 ? r.body.size() - 1024 : 0;
  if (r.length_unverified && IsPdf(r) &&
      r.body.find("%%EOF", tail) == std::string::npos)
    return "PDF cut short: no %%EOF at its end and no Content-Length";
  return "";
}

void MarkUnopenable(const std::string& why, UrlFacts* facts) {
  facts->unreadable = true;
  if (!facts->error.empty()) facts->error += "; ";
  const bool page = facts->kind == UrlKind::kPage && IsStandInWhy(why);
  facts->error += (page ? kNotThePage : kUnopenable) + why + ")";
}

bool IsUnopenableNote(const std::string& error) {
  return error.find(kUnopenable) != std::string::npos ||
         error.find(kNotThePage) != std::string::npos;
}

std::string KindName(RequestKind kind) {
  switch (kind) {
    case RequestKind::kRobots: return "robots";
    case RequestKind::kPage: return "page";
    case RequestKind::kDocument: return "document";
    case RequestKind::kCheck: return "check";
  }
  return "page";
}

std::string ContentHash(const std::string& body) {
  return "x3-" + Hex64(XXH3_64bits(body.data(), body.size()));
}

bool SameContent(const std::string& body, const std::string& stored) {
  if (stored.rfind("x3-", 0) == 0) return ContentHash(body) == stored;
  uint64_t h = 1469598103934665603ull;  // FNV-1a 64, the hash before XXH3
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return Hex64(h) == stored;
}

std::vector<std::string> SegmentPrefixes(
    const std::vector<std::string>& prefixes) {
  std::vector<std::string> segments;
  segments.reserve(prefixes.size());
  for (const std::string& prefix : prefixes) {
    segments.push_back(FirstSegmentPrefix(prefix));
  }
  return segments;
}

bool UnderOtherSite(const std::vector<std::string>& prefixes,
                    const std::vector<std::string>& segments,
                    const std::string& own_prefix, const std::string& url) {
  std::optional<std::string> own_segment;  // built when first needed
  for (size_t i = 0; i < prefixes.size(); ++i) {
    const std::string& prefix = prefixes[i];
    if (url.starts_with(prefix)) {
      if (prefix != own_prefix) return true;
      continue;
    }
    const std::string& segment = segments[i];
    if (segment.empty() || !url.starts_with(segment) || prefix == own_prefix) {
      continue;
    }
    if (!own_segment) own_segment = FirstSegmentPrefix(own_prefix);
    if (segment != *own_segment) return true;
  }
  return false;
}

bool UnderOtherSite(const std::vector<std::string>& prefixes,
                    const std::string& own_prefix, const std::string& url) {
  return UnderOtherSite(prefixes, SegmentPrefixes(prefixes), own_prefix, url);
}

bool IsOwnHit(const Hit& h, const std::string& url) {
  return h.url == url && h.field != Field::kLinkText && h.field != Field::kUrl;
}

bool IsOwnDate(const DateFact& d, const std::string& url) {
  return d.url == url && d.source != "link_text" && d.source != "url";
}

}  // namespace pipeline_internal
}  // namespace oitwatch
