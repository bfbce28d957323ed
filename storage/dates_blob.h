// A page's body dates as one value: the `data` of its page_dates row
// (schema v9). A page's text names ~30 dates; one row per page instead of
// one url_dates row (and two index entries) per date saves ~1 M b-tree
// inserts a night on 50 sites, and a re-used page reads one value back.
//
// Format (version 1), every number an unsigned LEB128 varint, signed ones
// zigzag-encoded:
//   0x01 | count | count x (field name | source | fiscal_year | year_be |
//                           month | day | fiscal_marker | text)
// where field name, source and text are length-prefixed bytes. A date's
// URL is the page's own (only body dates, IsBodyDate, are stored here), so
// it is not stored. Plain functions; thread-safe.
#ifndef OITWATCH_STORAGE_DATES_BLOB_H_
#define OITWATCH_STORAGE_DATES_BLOB_H_

#include <string>
#include <string_view>
#include <vector>

#include "rules/evidence.h"

namespace oitwatch {

// The blob of `dates`, in their order (their `url` is not kept).
std::string EncodeDates(const std::vector<DateFact>& dates);

// Replaces *dates with the dates of `blob`, in stored order, each with
// `url` as its URL. Returns false with *err set (and *dates empty) if the
// blob is not one EncodeDates wrote: unknown format or field, a truncated
// or overlong varint, a length past the end, a number out of range, fewer
// or more dates than its count, or bytes after the last date. Never reads
// outside `blob`.
bool DecodeDates(std::string_view blob, const std::string& url,
                 std::vector<DateFact>* dates, std::string* err);

}  // namespace oitwatch

#endif  // OITWATCH_STORAGE_DATES_BLOB_H_
