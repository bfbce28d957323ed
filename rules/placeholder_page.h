// PlaceholderPage: whether an HTML page that answered 2xx holds no evidence
// because all it says of its own is a placeholder. A link that names the
// item and the year ("แผนปฏิบัติราชการประจำปี พ.ศ. 2568") credits its target
// only when the target is the document: a page that says only "ยังไม่มีข้อมูล",
// or an unfilled form of the document, is what the assessors open and score
// 0, so the pipeline marks it UrlFacts::placeholder and the judge never
// counts it (a component with nothing else is `missing`, with the page shown
// as "placeholder page URL").
//
// A page's own lines are its normalised text lines that are not the site's
// chrome (the start page's lines: menus, sidebars, footer). The kinds, each
// conservative because a false "missing" is the next worst error:
//  - kEmpty: beyond its headings, under 24 bytes of own text (a CMS page
//    with a title only);
//  - kNotice: own lines that are, in full, notices of the rule set
//    (Matcher::IsNotice: "ยังไม่มีข้อมูล", "ยังไม่มีการเผยแพร่",
//    "อยู่ระหว่างดำเนินการ"), and beyond them, the headings and plain links
//    less than kNoticeRestBytes: the notice is the page's main content. The
//    same words inside a real report (a table cell "ไม่มีข้อมูล" among
//    months and figures, "อยู่ระหว่างดำเนินการ 2 เรื่อง") are not. A plain
//    link is an own line that is, in full, the text of one of the page's
//    links and names no day: "related links" under a notice are not the
//    page's content, a news list's dated items are;
//  - kUnderConstruction: the same with the rule set's `placeholders`
//    (Matcher::IsPlaceholder: "อยู่ระหว่างปรับปรุง", "coming soon", "page not
//    found"), which may be part of an own line: they are the page's main
//    content. One row of a real document ("ถนนซอย 5 อยู่ระหว่างการปรับปรุง",
//    "Community hall (under construction)") or a help line ("หากพบปัญหา
//    page not found ...") beside its content is not;
//  - kBlankTemplate: an own line leaves the document's period blank
//    ("ประจำปีงบประมาณ พ.ศ. ........", "ประจำเดือน ........ พ.ศ. ........")
//    and no own line names a year except in a full day date (the posting
//    date): an unfilled form of the document. A page that leaves only a
//    signature date blank ("วันที่ .... เดือน .... พ.ศ. ....", a complaint
//    form) is not one, nor is a filled plan with such a blank beside its
//    year.
//
// Thread-safe: pure functions of their arguments (Matcher is const).
#ifndef OITWATCH_RULES_PLACEHOLDER_PAGE_H_
#define OITWATCH_RULES_PLACEHOLDER_PAGE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "rules/matcher.h"

namespace oitwatch {

enum class PlaceholderKind {
  kNone,
  kEmpty,
  kNotice,
  kUnderConstruction,
  kBlankTemplate
};

// "none", "empty", "notice", "under_construction", "blank_template".
const char* PlaceholderKindName(PlaceholderKind kind);

// Own text beyond the headings below this, and a page is empty.
inline constexpr size_t kEmptyPageBytes = 24;
// Own text beyond the notices (or placeholders), the headings and plain
// links below this, and the notice is the page's main content (a
// breadcrumb, a posting date and a view count fit; a table of figures or a
// list of dated items does not).
inline constexpr size_t kNoticeRestBytes = 200;

// What kind of placeholder the page is, the first that applies in the order
// above, or kNone. `lines` are the page's normalised text lines
// (NormalizeThaiLines), `chrome` the site's chrome lines (empty: unknown,
// every line is the page's own), `normalized_headings` the NormalizeThai of
// its headings, `link_texts` the texts of its links (as read, not
// normalised).
PlaceholderKind ClassifyPlaceholder(
    const std::vector<std::string>& lines,
    const std::unordered_set<std::string>& chrome,
    const std::string& normalized_headings,
    const std::vector<std::string_view>& link_texts, const Matcher& matcher);

// The texts of `links` (Document's Link, the pipeline's LinkRecord: any
// type with a `text`), for ClassifyPlaceholder; they point into `links`.
template <typename Link>
std::vector<std::string_view> LinkTexts(const std::vector<Link>& links) {
  std::vector<std::string_view> texts;
  texts.reserve(links.size());
  for (const Link& link : links) texts.push_back(link.text);
  return texts;
}

// True if `line` (normalised) leaves a document's period blank: a run of at
// least 5 dots or underscores (or 2 "…") right after "ประจำปี",
// "ปีงบประมาณ", "ปีงบ" or "ประจำเดือน", with or without "พ.ศ." between.
bool HasBlankPeriod(std::string_view line);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_PLACEHOLDER_PAGE_H_
