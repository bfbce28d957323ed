#include "tests/test_server.h"

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <thread>

namespace oitwatch {

struct TestServer::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mu;
  std::map<std::string, std::function<TestResponse(const TestRequest&)>> routes;
  std::vector<TestRequest> requests;

  void Serve(const httplib::Request& req, httplib::Response& res) {
    TestRequest r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [k, v] : req.params) {
      r.query += (r.query.empty() ? "" : "&") + k + "=" + v;
    }
    for (const auto& [k, v] : req.headers) {
      std::string key = k;
      for (char& c : key) c = static_cast<char>(std::tolower(c));
      r.headers[key] = v;
    }
    r.body = req.body;
    std::function<TestResponse(const TestRequest&)> handler;
    {
      std::lock_guard<std::mutex> lock(mu);
      requests.push_back(r);
      auto it = routes.find(req.path);
      if (it != routes.end()) handler = it->second;
    }
    TestResponse out;
    if (handler) {
      out = handler(r);
    } else {
      out.status = 404;
      out.body = "<html><body><h1>404 Not Found</h1></body></html>";
    }
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k, v);
    res.set_content(out.body, out.content_type);
  }
};

TestServer::TestServer() : impl_(std::make_unique<Impl>()) {}

TestServer::~TestServer() { Stop(); }

bool TestServer::Start() {
  Impl* impl = impl_.get();
  auto handler = [impl](const httplib::Request& req, httplib::Response& res) {
    impl->Serve(req, res);
  };
  impl->server.Get(".*", handler);
  impl->server.Post(".*", handler);
  impl->server.Put(".*", handler);
  impl->port = impl->server.bind_to_any_port("127.0.0.1");
  if (impl->port <= 0) return false;
  impl->thread = std::thread([impl] { impl->server.listen_after_bind(); });
  // cpp-httplib 0.11 has no wait_until_ready(): poll is_running(), bounded.
  for (int i = 0; i < 500 && !impl->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

void TestServer::Stop() {
  if (impl_ && impl_->thread.joinable()) {
    impl_->server.stop();
    impl_->thread.join();
  }
}

int TestServer::port() const { return impl_->port; }

std::string TestServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + path;
}

void TestServer::Route(const std::string& path, TestResponse response) {
  Route(path, [response](const TestRequest&) { return response; });
}

void TestServer::Route(
    const std::string& path,
    std::function<TestResponse(const TestRequest&)> handler) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->routes[path] = std::move(handler);
}

int TestServer::hits(const std::string& path) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  int n = 0;
  for (const auto& r : impl_->requests) n += (r.path == path);
  return n;
}

std::vector<TestRequest> TestServer::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->requests;
}

}  // namespace oitwatch
