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

bool Http1Sockets::ShutIfUnsolicited(int local_port, int peer_port) {
  for (int fd : fds_) {
    if (PortOf(fd, false) != local_port || PortOf(fd, true) != peer_port)
      continue;
    char byte;
    if (recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0) return false;
    // Waiting bytes before our request: the tail of an earlier response.
    shutdown(fd, SHUT_RDWR);
    fds_.erase(fd);
    ++shut_;
    return true;
  }
  return false;
}

}  // namespace oitwatch
