// Keep-alive HTTP/1.x connections and bytes nobody asked for (RELIABILITY.md
// A16). After a response framed by Content-Length, a hostile server can
// write a second response on the idle connection; curl 7.88 still counts
// such a connection as alive and reuses it, and then reads those bytes as
// the answer to the next URL. The fetcher records each socket whose last
// response was HTTP/1.x, and just before a request goes out on a reused one
// asks ShutIfUnsolicited: a socket with bytes already waiting is shut down,
// so curl's send fails and curl itself retries on a fresh connection.
//
// HTTP/2 sockets are never recorded: their idle frames (PING, SETTINGS) are
// legitimate. Plain POSIX; no curl here. Not thread-safe (the fetcher's
// thread only).
#ifndef OITWATCH_CRAWLER_HTTP1_SOCKETS_H_
#define OITWATCH_CRAWLER_HTTP1_SOCKETS_H_

#include <map>
#include <utility>

namespace oitwatch {

class Http1Sockets {
 public:
  // `fd` carried an HTTP/1.x response and stays open for reuse. Its ports
  // are read once here, not at every request.
  void Add(int fd);
  // `fd` is being closed (its number may come back for another socket).
  void Remove(int fd) { fds_.erase(fd); }
  // The recorded socket connected from `local_port` to `peer_port`, if any:
  // true when bytes are already waiting on it (then it is shut down and
  // forgotten). False for unknown sockets and quiet ones.
  bool ShutIfUnsolicited(int local_port, int peer_port);
  // Sockets shut down so far (for tests and logs).
  int shut() const { return shut_; }

 private:
  std::map<int, std::pair<int, int>> fds_;  // fd -> (local, peer) port
  int shut_ = 0;
};

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_HTTP1_SOCKETS_H_
