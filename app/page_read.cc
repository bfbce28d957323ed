#include "app/page_read.h"

#include <algorithm>
#include <string_view>

#include "crawler/charset.h"
#include "crawler/url.h"
#include "rules/document.h"
#include "rules/thai_text.h"

namespace oitwatch {
namespace {

// Anchor texts that say nothing about the target ("ดาวน์โหลด", "คลิกที่นี่",
// an icon): the row or list item around the link says what it is.
bool IsGenericLinkText(const std::string& text) {
  static constexpr std::string_view kGeneric[] = {
      "ดาวน์โหลด", "download", "คลิก", "คลิกที่นี่", "คลิกเพื่อดู", "คลิกดู",
      "ที่นี่", "ดูรายละเอียด", "รายละเอียด", "อ่านต่อ", "อ่านเพิ่มเติม",
      "เพิ่มเติม", "ลิงก์", "ลิ้งค์", "link", "pdf", "ไฟล์", "เอกสาร",
      "ดู", "เปิด", "view", "more", "click", "click here", "here"};
  static constexpr size_t kLongest = [] {
    size_t n = 0;
    for (std::string_view g : kGeneric) n = std::max(n, g.size());
    return n;
  }();
  std::string t = NormalizeThai(text);
  if (t.size() <= 3) return true;  // "", "1", ">>", an icon's alt
  if (t.size() > kLongest) return false;
  for (char& c : t) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (std::string_view g : kGeneric) {
    if (t == g) return true;
  }
  return false;
}

std::string EffectiveLinkText(const Link& link) {
  if (link.context.empty() || !IsGenericLinkText(link.text)) return link.text;
  return link.context;  // the row's text already holds the anchor text
}

// B10: a start page that is only a JavaScript shell (scripts, no links,
// almost no text) cannot be judged without running it.
bool NeedsJavaScript(const Document& doc, const std::string& html) {
  return doc.links.empty() && doc.text.size() < 300 &&
         html.find("<script") != std::string::npos;
}

// A start page that refreshes to another host and says nothing else (its
// links, if any, go there too: "we moved, click here"): the site moved.
// Returns the refresh target, or "".
std::string MovedTo(const Document& doc, const std::string& url) {
  const std::string& to = doc.meta_refresh;
  if (to.empty() || SameHostAnyScheme(to, url) || doc.text.size() >= 300) {
    return "";
  }
  for (const Link& link : doc.links) {
    if (!SameHostAnyScheme(link.url, to)) return "";
  }
  return to;
}

// Matches and dates of a field whose text is normalised already.
FieldRead ReadNormalized(const Matcher& matcher, Field field, std::string text,
                         size_t max_date_bytes) {
  FieldRead f;
  f.text = std::move(text);
  if (!f.text.empty()) {
    f.matches = ExclusionNamesUrl(field)
                    ? matcher.MatchWithExclusions(field, f.text)
                    : matcher.Match(field, f.text);
  }
  f.dates = f.text.size() > max_date_bytes
                ? FindDates(TruncateUtf8(f.text, max_date_bytes))
                : FindDates(f.text);
  return f;
}

FieldRead ReadField(const Matcher& matcher, Field field, const std::string& raw,
                    size_t max_date_bytes) {
  return ReadNormalized(matcher, field, NormalizeThai(raw), max_date_bytes);
}

std::string MiB(size_t bytes) {
  const size_t tenths = (bytes * 10 + (1u << 19)) >> 20;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) +
         " MiB";
}

// What HtmlRead::cut says of `cut` (of a page of `bytes` bytes, decoded).
std::string CutNote(const DocumentCut& cut, const DocumentLimits& limits,
                    size_t bytes) {
  if (!cut.LosesContent()) return "";
  std::string note;
  const auto add = [&note](const std::string& part) {
    note += (note.empty() ? "" : ", ") + part;
  };
  if (cut.input_bytes > 0) {
    add("the last " + MiB(cut.input_bytes) + " of " + MiB(bytes) +
        " not read");
  }
  if (cut.links > 0) {
    add(std::to_string(cut.links) + (cut.links == 1 ? " link" : " links") +
        " past the first " +
        std::to_string(limits.max_links) + " not read");
  }
  if (cut.text) add("its text past " + MiB(limits.max_text_bytes) + " not read");
  return note;
}

}  // namespace

HtmlRead ReadHtml(const FetchResult& r, const Matcher& matcher) {
  HtmlRead read;
  DecodedText decoded = DecodeToUtf8(r.body, r.content_type);
  read.charset = decoded.encoding;
  Document doc;
  std::string err;
  const DocumentLimits limits;
  if (!ParseHtml(decoded.utf8, r.final_url.empty() ? r.request.url : r.final_url,
                 limits, &doc, &err)) {
    read.parse_error = "HTML parse failed: " + err;
    return read;
  }
  read.cut = CutNote(doc.cut, limits, decoded.utf8.size());
  read.title = doc.title;
  read.needs_js = r.request.depth == 0 && NeedsJavaScript(doc, decoded.utf8);
  if (r.request.depth == 0) read.moved_to = MovedTo(doc, r.request.url);
  const size_t all = std::string::npos;
  read.title_field = ReadField(matcher, Field::kTitle, doc.title, all);
  std::string headings;  // the heading lines and all of them, normalised
  const std::vector<std::string> heading_lines =
      NormalizeThaiLines(doc.headings, &headings);
  read.headings =
      ReadNormalized(matcher, Field::kHeadings, std::move(headings), all);
  read.headings.date_lines = MentionLineKeys(
      heading_lines, read.headings.text, read.headings.dates);
  std::string page_text;  // the lines and the whole text, normalised
  read.lines = NormalizeThaiLines(doc.text, &page_text);
  read.page_text =
      ReadNormalized(matcher, Field::kPageText, std::move(page_text),
                     kPageTextForDates);
  read.page_text.date_lines =
      MentionLineKeys(read.lines, read.page_text.text, read.page_text.dates);
  const std::string& url = r.request.url;
  read.links.reserve(doc.links.size() + 1);
  // ParseHtml's URLs come from ResolveUrl: normal already (url_split_test).
  for (const Link& link : doc.links) {
    if (link.url == url) continue;
    read.links.push_back(LinkRecord{link.url, EffectiveLinkText(link)});
  }
  if (!doc.meta_refresh.empty()) {
    read.links.push_back(LinkRecord{doc.meta_refresh, ""});
  }
  return read;
}

}  // namespace oitwatch
