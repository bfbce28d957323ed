// A real HTTP server on 127.0.0.1 and an ephemeral port, for tests (Debian's
// cpp-httplib). Routes are exact paths (query ignored) registered before or
// after Start; every request is counted. Thread-safe.
#ifndef OITWATCH_TESTS_TEST_SERVER_H_
#define OITWATCH_TESTS_TEST_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace oitwatch {

struct TestResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers;
};

struct TestRequest {
  std::string method, path, query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class TestServer {
 public:
  TestServer();
  ~TestServer();  // stops the server
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // Binds 127.0.0.1:0 and serves on a background thread. Returns false if
  // the socket cannot be bound.
  bool Start();
  void Stop();
  int port() const;
  std::string url(const std::string& path) const;  // "http://127.0.0.1:P" + path

  void Route(const std::string& path, TestResponse response);
  void Route(const std::string& path,
             std::function<TestResponse(const TestRequest&)> handler);
  // Unrouted paths answer 404 with a small HTML body.

  int hits(const std::string& path) const;
  std::vector<TestRequest> requests() const;  // in arrival order

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_SERVER_H_
