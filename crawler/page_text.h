// The fingerprint of a page's text by which the template budget (trap.h)
// tells a new page of one URL shape from another copy of the same text
// with other numbers (an endless calendar, B11). Computed for every page
// fetched: the pipeline does it on its parse pool with the page's read
// (CrawlSink::TextFingerprint), the engine otherwise. Thread-safe: a pure
// function of its argument.
#ifndef OITWATCH_CRAWLER_PAGE_TEXT_H_
#define OITWATCH_CRAWLER_PAGE_TEXT_H_

#include <cstdint>
#include <string_view>

namespace oitwatch {

// A hash of the text a reader sees in `html` (the first 512 KiB): tags,
// comments, <script> and <style> left out, every word holding a digit
// (ASCII or Thai) one word, runs of white space one space. Pages that
// differ only in numbers, dates, counters or attributes (a nonce, a link's
// query) have the same fingerprint. Values are not kept across runs (the
// hash may change between versions).
uint64_t PageTextFingerprint(std::string_view html);

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_PAGE_TEXT_H_
