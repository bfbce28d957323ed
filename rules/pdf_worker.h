// The PDF worker: the hidden `oitwatch pdf-worker` process that reads PDFs
// for PdfSandbox (rules/pdf_sandbox.h), and the messages the two exchange.
// Poppler can be made to parse for hours or to take gigabytes by a PDF of a
// few kilobytes (RELIABILITY: red-team rtpdf B02-B06); in a process of its
// own, under its own memory and CPU limits, such a PDF costs one killed
// worker instead of the night's run.
//
// Messages: a 16-byte header (magic, kind, body length; native byte order:
// both ends are the same binary) and a body.
//   request body: int32 max_pages, uint64 max_text_bytes, the PDF's bytes
//   reply body:   uint8 status (0 read, 1 unreadable), uint64 peak RSS in
//                 KiB, int32 pages, uint8 has_text, then text, title,
//                 creation_date, mod_date and the error, each as uint64
//                 length + bytes
// Pure functions, thread-safe; PdfWorkerMain owns its process.
#ifndef OITWATCH_RULES_PDF_WORKER_H_
#define OITWATCH_RULES_PDF_WORKER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rules/pdf_text.h"

namespace oitwatch {

// The argv[1] that makes the oitwatch binary (or a test binary) a worker:
// `<binary> pdf-worker <memory-MiB> <cpu-seconds-per-document>`.
inline constexpr char kPdfWorkerCommand[] = "pdf-worker";

inline constexpr size_t kPdfMessageHeaderBytes = 16;
enum class PdfMessageKind : uint32_t { kRequest = 1, kReply = 2 };

struct PdfReply {
  bool read = false;         // ExtractPdfText returned true
  PdfText text;              // when read
  std::string error;         // when not: ExtractPdfText's message
  uint64_t peak_rss_kb = 0;  // the worker's peak resident memory so far
};

// A message header announcing `body_bytes` of `kind`.
std::string EncodePdfHeader(PdfMessageKind kind, uint64_t body_bytes);
// Reads a header; false if `header` (kPdfMessageHeaderBytes) is not one of
// `kind` or announces more than `max_body` bytes.
bool DecodePdfHeader(std::string_view header, PdfMessageKind kind,
                     uint64_t max_body, uint64_t* body_bytes);

// The request's body up to the PDF's bytes (which follow it unchanged).
std::string EncodePdfRequestPrefix(int max_pages, size_t max_text_bytes);
inline constexpr size_t kPdfRequestPrefixBytes = 12;

std::string EncodePdfReply(const PdfReply& reply);
// False for a body that is not a whole, well-formed reply.
bool DecodePdfReply(std::string_view body, PdfReply* reply);

// The worker's main: closes every inherited descriptor above 2, sets its
// limits from argv (see kPdfWorkerCommand), then answers requests on stdin
// with replies on stdout until stdin ends (returns 0) or a request is
// malformed (returns 2). A PDF that exceeds the limits kills the process.
int PdfWorkerMain(int argc, char** argv);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_PDF_WORKER_H_
