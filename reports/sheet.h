// The OIT submission sheet: per site, the answers a district's ITA working
// committee types into the assessment system (ITAS/ITAP) for each item —
// มี/ไม่มี, the URL, and a short Thai explanation — as CSV ready to paste.
//
// Honest by construction: "มี" only for an item that passed, with the URLs
// of its evidence; every other item is "ไม่มี" with the reason and no URL;
// an item that could not be checked is "ตรวจไม่ได้" and claims no URL.
//
// Pure functions; thread-safe.
#ifndef OITWATCH_REPORTS_SHEET_H_
#define OITWATCH_REPORTS_SHEET_H_

#include <string>

#include "reports/report.h"

namespace oitwatch {

// CSV (RFC 4180, CRLF, UTF-8 BOM first, every cell through CsvField), one
// block per site in report order:
//   หน่วยงาน (site),<name> (<id>),ปีงบประมาณ <FY>,<site URL>,<as-of and run>
//   ข้อ (item),ชื่อรายการ (title),มี/ไม่มี,URL,คำอธิบาย (explanation)
//   O1,<title>,มี,<evidence URLs, one per line>,<Thai explanation>
//   ...
// and an empty row between blocks. Only http(s) evidence URLs are written.
std::string RenderSheet(const Report& report);

// "มี" for "pass", "ตรวจไม่ได้" for "unchecked", "ไม่มี" for anything else
// (a "not_applicable" item is "ไม่มี" with "ไม่เกี่ยวข้องกับหน่วยงาน" and the
// committee's note as its explanation).
const char* SheetAnswer(const std::string& status);

// The Thai part of a oitwatch reason: in each "; "-separated note, a
// trailing parenthesis without Thai letters (the English gloss) is dropped.
// "ไม่พบแผน (missing plan)" -> "ไม่พบแผน". A note that would become empty is
// kept whole.
std::string ThaiPart(const std::string& reason);

}  // namespace oitwatch

#endif  // OITWATCH_REPORTS_SHEET_H_
