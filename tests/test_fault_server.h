// A scripted raw-socket HTTP server for hostile cases (the fault server of
// RELIABILITY.md §3): it binds an ephemeral port on a loopback address, reads
// each request head and hands the connection to a script that writes exact
// bytes, stalls, drips or resets. One thread per connection; one request per
// connection (the script closes it). Stop() interrupts stalled scripts.
// Thread-safe.
#ifndef OITWATCH_TESTS_TEST_FAULT_SERVER_H_
#define OITWATCH_TESTS_TEST_FAULT_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace oitwatch {

class FaultConnection {
 public:
  FaultConnection(int fd, std::string request,
                  const std::atomic<bool>* stopping);
  const std::string& request() const {
    return request_;
  }  // the head, CRLFs kept
  // Writes all of `bytes`; false once the peer is gone or the server stops.
  bool Send(std::string_view bytes);
  // Idles up to `ms`, or until the server stops or the peer closes.
  void Hold(int ms);
  // Closes with RST (SO_LINGER 0) instead of FIN when the script returns.
  void ResetOnClose();

 private:
  int fd_;
  std::string request_;
  const std::atomic<bool>* stopping_;
};

class FaultServer {
 public:
  using Script = std::function<void(FaultConnection&)>;

  explicit FaultServer(std::string bind_address = "127.0.0.1");
  ~FaultServer();  // stops
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  // Binds bind_address:0 and serves `script` on every connection. False if
  // the socket cannot be bound.
  bool Start(Script script);
  void Stop();
  int port() const;
  std::string url(const std::string& path) const;  // "http://ADDR:PORT" + path
  int connections() const;                         // accepted so far
  int requests() const;                            // request heads read so far

  // A script that sends `raw` (status line, headers, body) and closes.
  static Script Reply(std::string raw);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_FAULT_SERVER_H_
