// A scripted raw-socket HTTP server for hostile cases (the fault server of
// RELIABILITY.md §3): it binds an ephemeral port on a loopback address, reads
// each request head and hands the connection to a script that writes exact
// bytes, stalls, drips, streams or resets. One thread per connection; one
// request per connection (the script closes it) unless the script reads the
// next one (keep-alive). Stop() interrupts stalled scripts. Thread-safe.
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
                  const std::atomic<bool>* stopping,
                  std::atomic<int>* requests = nullptr);
  const std::string& request() const {
    return request_;
  }  // the head, CRLFs kept
  // Writes all of `bytes`; false once the peer is gone or the server stops.
  bool Send(std::string_view bytes);
  // Idles up to `ms`, or until the server stops or the peer closes.
  void Hold(int ms);
  // Closes with RST (SO_LINGER 0) instead of FIN when the script returns.
  void ResetOnClose();
  // Sends `bytes` `chunk` bytes at a time with `interval_ms` between chunks
  // (curl's writedelay); false once the peer is gone or the server stops.
  bool Drip(std::string_view bytes, size_t chunk, int interval_ms);
  // Sends `pattern` over and over (curl's `stream`) for at most `max_ms`,
  // until the peer leaves or the server stops. Returns the bytes sent.
  size_t Stream(std::string_view pattern, int max_ms);
  // The request target of the head ("/a/b?q"), "" if unparsable.
  std::string path() const;
  // Keep-alive: waits up to `ms` for the next request head on this
  // connection; true (and request()/path() now describe it) if one came.
  bool NextRequest(int ms);

 private:
  int fd_;
  std::string request_;
  const std::atomic<bool>* stopping_;
  std::atomic<int>* requests_;  // the server's count (may be null)
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
  // A complete HTTP/1.1 response with Content-Length and Connection: close.
  static std::string Response(int status, const std::string& content_type,
                              const std::string& body,
                              const std::string& extra_headers = "");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_FAULT_SERVER_H_
