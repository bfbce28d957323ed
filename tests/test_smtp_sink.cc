#include "tests/test_smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <mutex>
#include <thread>

namespace oitwatch {

struct SmtpSink::Impl {
  int listen_fd = -1;
  int port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<int> fail_code{0};
  std::thread thread;
  mutable std::mutex mu;
  std::vector<SmtpMessage> messages;
  int refused = 0;

  void Serve();
  void Session(int fd);
};

namespace {

// Reads one line ending in LF (CRLF stripped) into *line; false when the
// peer closed or the sink stops.
bool ReadLine(int fd, std::string* buffer, std::string* line,
              const std::atomic<bool>& stopping) {
  while (true) {
    size_t lf = buffer->find('\n');
    if (lf != std::string::npos) {
      *line = buffer->substr(0, lf);
      buffer->erase(0, lf + 1);
      if (!line->empty() && line->back() == '\r') line->pop_back();
      return true;
    }
    pollfd p{fd, POLLIN, 0};
    if (stopping) return false;
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    buffer->append(buf, static_cast<size_t>(n));
  }
}

void Reply(int fd, const std::string& text) {
  std::string line = text + "\r\n";
  ssize_t n = ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
  (void)n;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string After(const std::string& line, size_t n) {
  return line.size() > n ? line.substr(n) : "";
}

}  // namespace

void SmtpSink::Impl::Session(int fd) {
  std::string buffer, line;
  SmtpMessage current;
  Reply(fd, "220 sink.test ESMTP oitwatch test sink");
  while (ReadLine(fd, &buffer, &line, stopping)) {
    std::string verb = Upper(line.substr(0, 4));
    if (verb == "EHLO" || verb == "HELO") {
      current = SmtpMessage{};
      current.helo = After(line, 5);
      Reply(fd, verb == "EHLO" ? "250-sink.test\r\n250 8BITMIME" : "250 sink.test");
    } else if (Upper(line.substr(0, 10)) == "MAIL FROM:") {
      current.mail_from = After(line, 10);
      current.rcpt_to.clear();
      Reply(fd, "250 OK");
    } else if (Upper(line.substr(0, 8)) == "RCPT TO:") {
      current.rcpt_to.push_back(After(line, 8));
      Reply(fd, "250 OK");
    } else if (verb == "DATA") {
      Reply(fd, "354 end with <CRLF>.<CRLF>");
      current.data.clear();
      while (ReadLine(fd, &buffer, &line, stopping) && line != ".") {
        current.data += (line.rfind("..", 0) == 0 ? line.substr(1) : line) + "\r\n";
      }
      if (fail_code == kNeverAnswer) {
        while (ReadLine(fd, &buffer, &line, stopping)) {
        }
        break;
      }
      std::lock_guard<std::mutex> lock(mu);
      if (fail_code != 0) {
        ++refused;
        Reply(fd, std::to_string(fail_code.load()) + " try again later");
      } else {
        messages.push_back(current);
        Reply(fd, "250 queued");
      }
    } else if (verb == "QUIT") {
      Reply(fd, "221 bye");
      break;
    } else if (verb == "RSET" || verb == "NOOP") {
      Reply(fd, "250 OK");
    } else {
      Reply(fd, "500 unknown command");
    }
  }
  ::close(fd);
}

void SmtpSink::Impl::Serve() {
  while (!stopping) {
    pollfd p{listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int fd = ::accept(listen_fd, nullptr, nullptr);
    if (fd >= 0) Session(fd);
  }
}

SmtpSink::SmtpSink() : impl_(std::make_unique<Impl>()) {}
SmtpSink::~SmtpSink() { Stop(); }

bool SmtpSink::Start() {
  impl_->listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (impl_->listen_fd < 0 ||
      ::bind(impl_->listen_fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(impl_->listen_fd, 16) != 0 ||
      ::getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return false;
  }
  impl_->port = ntohs(addr.sin_port);
  impl_->thread = std::thread([this] { impl_->Serve(); });
  return true;
}

void SmtpSink::Stop() {
  impl_->stopping = true;
  if (impl_->thread.joinable()) impl_->thread.join();
  if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
  impl_->listen_fd = -1;
}

int SmtpSink::port() const { return impl_->port; }
std::string SmtpSink::url() const {
  return "smtp://127.0.0.1:" + std::to_string(impl_->port);
}
void SmtpSink::FailWith(int code) { impl_->fail_code = code; }

std::vector<SmtpMessage> SmtpSink::messages() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->messages;
}

int SmtpSink::refused() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->refused;
}

std::string Base64Decode(const std::string& in) {
  static const std::string kTable =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, value = 0;
  for (char c : in) {
    const size_t pos = kTable.find(c);
    if (pos == std::string::npos) continue;
    value = (value << 6) | static_cast<int>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace oitwatch
