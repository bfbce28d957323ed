#include "crawler/http1_sockets.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace oitwatch {
namespace {

// The port of a socket's local (or peer) address; -1 if unknown.
int PortOf(int fd, bool peer) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  auto* raw = reinterpret_cast<sockaddr*>(&address);
  if ((peer ? getpeername(fd, raw, &length) : getsockname(fd, raw, &length)) !=
      0)
    return -1;
  if (address.ss_family == AF_INET)
    return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  if (address.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  return -1;
}

}  // namespace

void Http1Sockets::Add(int fd) {
  if (fds_.count(fd) == 0) fds_[fd] = {PortOf(fd, false), PortOf(fd, true)};
}

bool Http1Sockets::ShutIfUnsolicited(int local_port, int peer_port) {
  for (auto it = fds_.begin(); it != fds_.end(); ++it) {
    if (it->second != std::make_pair(local_port, peer_port)) continue;
    char byte;
    if (recv(it->first, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0) return false;
    // Waiting bytes before our request: the tail of an earlier response.
    shutdown(it->first, SHUT_RDWR);
    fds_.erase(it);
    ++shut_;
    return true;
  }
  return false;
}

}  // namespace oitwatch
