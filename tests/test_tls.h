// TLS fixtures for hostile-server tests (RELIABILITY.md §3.3): a throw-away
// PKI made with the `openssl` CLI at test time (a CA, a good leaf, an expired
// leaf, a leaf for the wrong name, a self-signed leaf) and a loopback TLS
// server (`openssl s_server -www` as a child process). Thread-compatible.
#ifndef OITWATCH_TESTS_TEST_TLS_H_
#define OITWATCH_TESTS_TEST_TLS_H_

#include <sys/types.h>

#include <string>

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
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_TLS_H_
