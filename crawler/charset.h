// Bytes from the web to UTF-8, once, on input (iconv inside charset.cc).
// Sniffing order (WHATWG): BOM, then the HTTP Content-Type charset, then a
// <meta charset> / http-equiv prescan of the first 1024 bytes, then a check
// whether the bytes are valid UTF-8, then the deployment default
// windows-874. TIS-620 and ISO-8859-11 labels decode as windows-874 (glibc's
// TIS-620 rejects 0x80 and 0x96). Thread-safe.
#ifndef OITWATCH_CRAWLER_CHARSET_H_
#define OITWATCH_CRAWLER_CHARSET_H_

#include <string>
#include <string_view>

namespace oitwatch {

struct DecodedText {
  std::string utf8;         // always valid UTF-8 (bad bytes -> U+FFFD)
  std::string encoding;     // canonical name used: "utf-8", "windows-874", ...
  std::string source;       // "bom", "header", "meta", "sniff", "default"
  bool inconsistent = false;  // the declared charset did not fit the bytes
};

// Decodes `body` given the response's Content-Type header (may be empty).
// Never fails: unknown labels fall back to sniffing, undecodable bytes become
// U+FFFD, and `inconsistent` records a mislabelled page.
DecodedText DecodeToUtf8(std::string_view body, std::string_view content_type);

// Canonical encoding for a label ("TIS-620" -> "windows-874"), "" if unknown.
std::string CanonicalEncoding(std::string_view label);
// The canonical encoding a Content-Type header's charset names, "" if none
// or unknown ("text/html; charset=UTF-16" -> "utf-16le").
std::string HeaderEncoding(std::string_view content_type);

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_CHARSET_H_
