// The PDF worker process and its messages (see pdf_worker.h).
#include "rules/pdf_worker.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace oitwatch {
namespace {

constexpr uint32_t kMagic = 0x4650574F;  // "OWPF"
// Poppler takes a PDF's size as an int.
constexpr uint64_t kMaxRequestBody = uint64_t{1} << 31;

#if defined(__SANITIZE_ADDRESS__)
// ASan reserves terabytes of shadow address space: RLIMIT_AS would stop the
// next allocation. Sanitizer builds run the worker without a memory limit.
constexpr bool kLimitAddressSpace = false;
#else
constexpr bool kLimitAddressSpace = true;
#endif

template <typename T>
void Put(T value, std::string* out) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out->append(bytes, sizeof(T));
}

void PutString(const std::string& s, std::string* out) {
  Put<uint64_t>(s.size(), out);
  out->append(s);
}

// Reads fixed-width values and strings off a body; ok() turns false at the
// first read past the end and stays false.
class BodyReader {
 public:
  explicit BodyReader(std::string_view body) : rest_(body) {}
  template <typename T>
  T Get() {
    T value{};
    if (!ok_ || rest_.size() < sizeof(T)) {
      ok_ = false;
      return value;
    }
    std::memcpy(&value, rest_.data(), sizeof(T));
    rest_.remove_prefix(sizeof(T));
    return value;
  }
  std::string GetString() {
    const uint64_t n = Get<uint64_t>();
    if (!ok_ || n > rest_.size()) {
      ok_ = false;
      return "";
    }
    std::string s(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return s;
  }
  bool ok() const { return ok_; }
  bool done() const { return ok_ && rest_.empty(); }

 private:
  std::string_view rest_;
  bool ok_ = true;
};

// Reads exactly n bytes; false on an error or an early end (*eof tells
// whether it ended before the first byte).
bool ReadFull(int fd, char* buf, size_t n, bool* eof) {
  *eof = false;
  for (size_t done = 0; done < n;) {
    const ssize_t got = ::read(fd, buf + done, n - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      *eof = got == 0 && done == 0;
      return false;
    }
    done += static_cast<size_t>(got);
  }
  return true;
}

bool WriteFull(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// stdout to stderr (or to /dev/null without one): what a library prints
// never reaches the replies.
bool MoveStdoutAside() {
  if (::dup2(STDERR_FILENO, STDOUT_FILENO) >= 0) return true;
  const int null = ::open("/dev/null", O_WRONLY);
  if (null < 0) return false;
  if (null == STDOUT_FILENO) return true;
  const bool moved = ::dup2(null, STDOUT_FILENO) >= 0;
  ::close(null);
  return moved;
}

long ParseLong(const char* text) {
  long value = 0;
  const char* end = text + std::strlen(text);
  const auto [stop, ec] = std::from_chars(text, end, value);
  return ec == std::errc() && stop == end && value >= 0 ? value : -1;
}

// Memory (MiB, 0 = none) and no core files: a worker killed by its limits
// leaves nothing behind.
bool SetLimits(long memory_mb) {
  const rlimit no_core{0, 0};
  if (::setrlimit(RLIMIT_CORE, &no_core) != 0) return false;
  if (memory_mb == 0 || !kLimitAddressSpace) return true;
  const rlim_t bytes = static_cast<rlim_t>(memory_mb) << 20;
  const rlimit as{bytes, bytes};
  return ::setrlimit(RLIMIT_AS, &as) == 0;
}

double CpuSecondsUsed() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) /
             1e6;
}

// RLIMIT_CPU counts the process's whole life: each document gets the CPU
// used so far plus its budget (a backstop for a parent that stopped
// watching; the parent's deadline comes first). Only the soft limit moves,
// so that a later document can raise it again.
void SetCpuBudget(long cpu_seconds) {
  if (cpu_seconds == 0) return;
  rlimit cpu{};
  if (::getrlimit(RLIMIT_CPU, &cpu) != 0) return;
  rlim_t soft = static_cast<rlim_t>(CpuSecondsUsed()) + 1 +
                static_cast<rlim_t>(cpu_seconds);
  if (cpu.rlim_max != RLIM_INFINITY && soft > cpu.rlim_max) soft = cpu.rlim_max;
  cpu.rlim_cur = soft;
  ::setrlimit(RLIMIT_CPU, &cpu);
}

uint64_t PeakRssKb() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss);
}

// Reads one request; 1 = read, 0 = stdin ended, -1 = malformed.
int ReadRequest(int fd, int* max_pages, uint64_t* max_text, std::string* pdf) {
  char header[kPdfMessageHeaderBytes];
  bool eof = false;
  if (!ReadFull(fd, header, sizeof header, &eof)) return eof ? 0 : -1;
  uint64_t body = 0;
  if (!DecodePdfHeader(std::string_view(header, sizeof header),
                       PdfMessageKind::kRequest, kMaxRequestBody, &body) ||
      body < kPdfRequestPrefixBytes) {
    return -1;
  }
  char prefix[kPdfRequestPrefixBytes];
  if (!ReadFull(fd, prefix, sizeof prefix, &eof)) return -1;
  BodyReader reader(std::string_view(prefix, sizeof prefix));
  *max_pages = reader.Get<int32_t>();
  *max_text = reader.Get<uint64_t>();
  pdf->resize(body - kPdfRequestPrefixBytes);
  return ReadFull(fd, pdf->data(), pdf->size(), &eof) ? 1 : -1;
}

}  // namespace

std::string EncodePdfHeader(PdfMessageKind kind, uint64_t body_bytes) {
  std::string out;
  Put<uint32_t>(kMagic, &out);
  Put<uint32_t>(static_cast<uint32_t>(kind), &out);
  Put<uint64_t>(body_bytes, &out);
  return out;
}

bool DecodePdfHeader(std::string_view header, PdfMessageKind kind,
                     uint64_t max_body, uint64_t* body_bytes) {
  BodyReader reader(header);
  const uint32_t magic = reader.Get<uint32_t>();
  const uint32_t got_kind = reader.Get<uint32_t>();
  *body_bytes = reader.Get<uint64_t>();
  return reader.done() && magic == kMagic &&
         got_kind == static_cast<uint32_t>(kind) && *body_bytes <= max_body;
}

std::string EncodePdfRequestPrefix(int max_pages, size_t max_text_bytes) {
  std::string out;
  Put<int32_t>(max_pages, &out);
  Put<uint64_t>(max_text_bytes, &out);
  return out;
}

std::string EncodePdfReply(const PdfReply& reply) {
  std::string out;
  Put<uint8_t>(reply.read ? 0 : 1, &out);
  Put<uint64_t>(reply.peak_rss_kb, &out);
  Put<int32_t>(reply.text.pages, &out);
  Put<uint8_t>(reply.text.has_text ? 1 : 0, &out);
  for (const std::string* s :
       {&reply.text.text, &reply.text.title, &reply.text.creation_date,
        &reply.text.mod_date, &reply.error}) {
    PutString(*s, &out);
  }
  return out;
}

bool DecodePdfReply(std::string_view body, PdfReply* reply) {
  *reply = PdfReply();
  BodyReader reader(body);
  const uint8_t status = reader.Get<uint8_t>();
  reply->read = status == 0;
  reply->peak_rss_kb = reader.Get<uint64_t>();
  reply->text.pages = reader.Get<int32_t>();
  const uint8_t has_text = reader.Get<uint8_t>();
  reply->text.has_text = has_text == 1;
  for (std::string* s :
       {&reply->text.text, &reply->text.title, &reply->text.creation_date,
        &reply->text.mod_date, &reply->error}) {
    *s = reader.GetString();
  }
  return reader.done() && status <= 1 && has_text <= 1;
}

int PdfWorkerMain(int argc, char** argv) {
  // Nothing of the parent's (its database, sockets) stays open here; the
  // replies get a descriptor of their own, and stdout goes to stderr so that
  // nothing printed by a library can corrupt them.
  ::close_range(3, ~0U, 0);
  const int reply_fd = ::dup(STDOUT_FILENO);
  const long memory_mb = argc > 2 ? ParseLong(argv[2]) : 0;
  const long cpu_seconds = argc > 3 ? ParseLong(argv[3]) : 0;
  if (reply_fd < 0 || !MoveStdoutAside() || memory_mb < 0 || cpu_seconds < 0 ||
      !SetLimits(memory_mb)) {
    return 2;
  }
  int max_pages = 0;
  uint64_t max_text = 0;
  std::string pdf;
  for (;;) {
    const int got = ReadRequest(STDIN_FILENO, &max_pages, &max_text, &pdf);
    if (got <= 0) return got == 0 ? 0 : 2;
    SetCpuBudget(cpu_seconds);
    PdfReply reply;
    reply.read =
        ExtractPdfText(pdf, max_pages, max_text, &reply.text, &reply.error);
    reply.peak_rss_kb = PeakRssKb();
    const std::string body = EncodePdfReply(reply);
    if (!WriteFull(reply_fd,
                   EncodePdfHeader(PdfMessageKind::kReply, body.size())) ||
        !WriteFull(reply_fd, body)) {
      return 1;
    }
  }
}

}  // namespace oitwatch
