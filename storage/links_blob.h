// A page's links as one value: the `data` of its page_links row (schema v6).
// A page has ~80 links (menus repeated on every page); one row per page
// instead of one per link saves ~870 k b-tree inserts a night on 50 sites.
//
// Format (version 1), every number an unsigned LEB128 varint:
//   0x01 | count | count x (len(to_url) | to_url | len(text) | text)
// Lengths are in bytes; the bytes are stored as given (no separator, so a
// link text may hold any byte). The count makes a blob cut at a link's
// boundary detectable. Version 2 is a version 1 blob of 1 KiB or more,
// compressed: 0x02 | one zstd frame (with its content size) holding it. A
// page's links shrink ~5x: ~120 MB less written a night on 50 sites.
// Plain functions; thread-safe.
#ifndef OITWATCH_STORAGE_LINKS_BLOB_H_
#define OITWATCH_STORAGE_LINKS_BLOB_H_

#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace oitwatch {

// The blob of `links`, in their order.
std::string EncodeLinks(const std::vector<LinkRecord>& links);

// Replaces *links with the links of `blob`, in stored order. Returns false
// with *err set (and *links empty) if the blob is not one EncodeLinks wrote:
// unknown format, a corrupt frame or one claiming over 64 MiB, a truncated
// or overlong varint, a length past the end,
// fewer or more links than its count, or bytes after the last link. Never
// reads outside `blob`. With `links` null it only checks (no copies).
bool DecodeLinks(std::string_view blob, std::vector<LinkRecord>* links,
                 std::string* err);

// As DecodeLinks, into the compact form (the decoded blob and offsets into
// it): the same links, the same checks and errors (*list empty on one).
bool DecodeLinks(std::string_view blob, LinkList* list, std::string* err);

}  // namespace oitwatch

#endif  // OITWATCH_STORAGE_LINKS_BLOB_H_
