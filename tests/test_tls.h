// TLS fixtures for hostile-server tests (RELIABILITY.md §3.3): a throw-away
// PKI made with the `openssl` CLI at test time (a CA, a good leaf, an expired
// leaf, a leaf for the wrong name, a self-signed leaf) and a loopback TLS
// server (`openssl s_server -www`, or -HTTP serving scripted responses from
// files, as a child process). Thread-compatible.
#ifndef OITWATCH_TESTS_TEST_TLS_H_
#define OITWATCH_TESTS_TEST_TLS_H_

#include <sys/types.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace oitwatch {

struct TestPki {
  std::string ca_cert;           // PEM, for FetcherOptions::ca_file
  std::string key;               // the key of every leaf below
  std::string good_cert;         // signed by the CA for `host`, valid now
  std::string expired_cert;      // signed by the CA for `host`, expired 2020
  std::string wrong_name_cert;   // signed by the CA for "wrong.test"
  std::string self_signed_cert;  // for `host`, signed by itself
};

// Writes the PKI into `dir` for DNS name `host`. False with the failing
// openssl command in *err.
bool MakeTestPki(const std::string& dir, const std::string& host,
                 TestPki* pki, std::string* err);

class TlsServer {
 public:
  TlsServer() = default;
  ~TlsServer();  // kills and reaps the child
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  // Serves TLS with `cert`/`key` on 127.0.0.1 and a free port; returns once
  // the port accepts connections. False with a message if it did not start.
  bool Start(const std::string& cert, const std::string& key,
             std::string* err);
  // Like Start, but answers GET /PATH with the file `docroot`/PATH, which
  // holds a whole HTTP response (status line, headers with CRLF, body):
  // `openssl s_server -HTTP`. One connection at a time; a missing file or
  // a path ending in "/" gets an error page.
  bool StartFiles(const std::string& cert, const std::string& key,
                  const std::string& docroot, std::string* err);
  int port() const { return port_; }

 private:
  bool Spawn(const std::string& cert, const std::string& key,
             const char* mode, const std::string& docroot, std::string* err);

  pid_t pid_ = -1;
  int port_ = 0;
};

// One loopback port for both schemes of a site, as :443 and :80 are one
// host to the crawler's scope: a connection whose first byte opens a TLS
// handshake (0x16) is relayed to `tls_port`, any other to `plain_port`. Lets
// a test send https://h:P/ to http://h:P/ (an https->http downgrade on the
// site itself). One thread per connection.
class SchemeSplitter {
 public:
  SchemeSplitter() = default;
  ~SchemeSplitter();  // stops and joins every relay
  SchemeSplitter(const SchemeSplitter&) = delete;
  SchemeSplitter& operator=(const SchemeSplitter&) = delete;

  // Listens on 127.0.0.1 and a free port; false with a message.
  bool Start(int tls_port, int plain_port, std::string* err);
  int port() const { return port_; }

 private:
  void AcceptLoop();
  void Relay(int client) const;

  int listen_fd_ = -1;
  int port_ = 0;
  int tls_port_ = 0;
  int plain_port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> relays_;
};

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_TLS_H_
