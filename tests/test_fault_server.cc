#include "tests/test_fault_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace oitwatch {
namespace {

constexpr int kTickMs = 20;
constexpr size_t kMaxHeadBytes = 64 * 1024;

// Waits for `events` on fd for one tick; true if ready.
bool Ready(int fd, short events) {
  pollfd entry{fd, events, 0};
  return poll(&entry, 1, kTickMs) > 0;
}

// Reads until the blank line ending the head; "" if the peer left first.
std::string ReadHead(int fd, const std::atomic<bool>& stopping,
                     int max_ms = 5000) {
  std::string head;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(max_ms);
  while (!stopping && std::chrono::steady_clock::now() < deadline) {
    if (!Ready(fd, POLLIN)) continue;
    char buffer[4096];
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return "";
    head.append(buffer, static_cast<size_t>(n));
    if (head.find("\r\n\r\n") != std::string::npos) return head;
    if (head.size() > kMaxHeadBytes) return "";
  }
  return "";
}

}  // namespace

FaultConnection::FaultConnection(int fd, std::string request,
                                 const std::atomic<bool>* stopping,
                                 std::atomic<int>* requests)
    : fd_(fd),
      request_(std::move(request)),
      stopping_(stopping),
      requests_(requests) {}

bool FaultConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    if (*stopping_) return false;
    if (!Ready(fd_, POLLOUT)) continue;
    const ssize_t n =
        send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void FaultConnection::Hold(int ms) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!*stopping_ && std::chrono::steady_clock::now() < deadline) {
    pollfd entry{fd_, POLLIN, 0};
    if (poll(&entry, 1, kTickMs) > 0) {
      char byte;
      if (recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
        return;  // peer closed
      if (entry.revents & (POLLHUP | POLLERR)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(kTickMs));
    }
  }
}

void FaultConnection::ResetOnClose() {
  linger option{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
}

bool FaultConnection::Drip(std::string_view bytes, size_t chunk,
                           int interval_ms) {
  if (chunk == 0) chunk = 1;
  while (!bytes.empty()) {
    const size_t n = std::min(chunk, bytes.size());
    if (!Send(bytes.substr(0, n))) return false;
    bytes.remove_prefix(n);
    if (!bytes.empty()) {
      Hold(interval_ms);
      if (*stopping_) return false;
    }
  }
  return true;
}

size_t FaultConnection::Stream(std::string_view pattern, int max_ms) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(max_ms);
  size_t sent = 0;
  while (!*stopping_ && std::chrono::steady_clock::now() < deadline) {
    if (!Send(pattern)) break;
    sent += pattern.size();
  }
  return sent;
}

std::string FaultConnection::path() const {
  const size_t start = request_.find(' ');
  if (start == std::string::npos) return "";
  const size_t end = request_.find(' ', start + 1);
  if (end == std::string::npos) return "";
  return request_.substr(start + 1, end - start - 1);
}

bool FaultConnection::NextRequest(int ms) {
  std::string head = ReadHead(fd_, *stopping_, ms);
  if (head.empty()) return false;
  request_ = std::move(head);
  if (requests_ != nullptr) ++*requests_;
  return true;
}

struct FaultServer::Impl {
  std::string address;
  int listen_fd = -1;
  int port = 0;
  Script script;
  std::atomic<bool> stopping{false};
  std::atomic<int> connections{0};
  std::atomic<int> requests{0};
  std::thread acceptor;
  std::mutex mu;
  std::vector<std::thread> workers;

  void Serve(int fd) {
    std::string head = ReadHead(fd, stopping);
    if (!head.empty()) {
      ++requests;
      FaultConnection connection(fd, std::move(head), &stopping, &requests);
      script(connection);
    }
    close(fd);
  }

  void AcceptLoop() {
    while (!stopping) {
      if (!Ready(listen_fd, POLLIN)) continue;
      const int fd = accept(listen_fd, nullptr, nullptr);
      if (fd < 0) continue;
      ++connections;
      std::lock_guard<std::mutex> lock(mu);
      workers.emplace_back([this, fd] { Serve(fd); });
    }
  }
};

FaultServer::FaultServer(std::string bind_address)
    : impl_(std::make_unique<Impl>()) {
  impl_->address = std::move(bind_address);
}

FaultServer::~FaultServer() { Stop(); }

bool FaultServer::Start(Script script) {
  impl_->script = std::move(script);
  impl_->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  if (impl_->listen_fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (inet_pton(AF_INET, impl_->address.c_str(), &addr.sin_addr) != 1)
    return false;
  socklen_t length = sizeof(addr);
  if (bind(impl_->listen_fd, reinterpret_cast<sockaddr*>(&addr), length) != 0 ||
      listen(impl_->listen_fd, 64) != 0 ||
      getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&addr),
                  &length) != 0) {
    return false;
  }
  impl_->port = ntohs(addr.sin_port);
  impl_->acceptor = std::thread([this] { impl_->AcceptLoop(); });
  return true;
}

void FaultServer::Stop() {
  impl_->stopping = true;
  if (impl_->acceptor.joinable()) impl_->acceptor.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    workers.swap(impl_->workers);
  }
  for (std::thread& worker : workers) worker.join();
  if (impl_->listen_fd >= 0) close(impl_->listen_fd);
  impl_->listen_fd = -1;
}

int FaultServer::port() const { return impl_->port; }

std::string FaultServer::url(const std::string& path) const {
  return "http://" + impl_->address + ":" + std::to_string(impl_->port) + path;
}

int FaultServer::connections() const { return impl_->connections; }
int FaultServer::requests() const { return impl_->requests; }

FaultServer::Script FaultServer::Reply(std::string raw) {
  return [raw = std::move(raw)](FaultConnection& connection) {
    connection.Send(raw);
  };
}

std::string FaultServer::Response(int status, const std::string& content_type,
                                  const std::string& body,
                                  const std::string& extra_headers) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " +
         content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

}  // namespace oitwatch
