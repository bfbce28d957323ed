#include "tests/test_tls.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

namespace oitwatch {
namespace {

bool Shell(const std::string& command, std::string* err) {
  const std::string quiet = command + " >/dev/null 2>&1";
  if (std::system(quiet.c_str()) == 0) return true;
  *err = "failed: " + command;
  return false;
}

bool Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// A port that was free a moment ago on 127.0.0.1.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), length) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok =
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

}  // namespace

bool MakeTestPki(const std::string& dir, const std::string& host,
                 TestPki* pki, std::string* err) {
  const std::string o = "openssl ";
  pki->ca_cert = dir + "/ca.pem";
  pki->key = dir + "/leaf.key";
  pki->good_cert = dir + "/good.pem";
  pki->expired_cert = dir + "/expired.pem";
  pki->wrong_name_cert = dir + "/wrong.pem";
  pki->self_signed_cert = dir + "/self.pem";
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 ";
  const std::string ca_key = dir + "/ca.key";
  if (!Write(dir + "/index.txt", "") || !Write(dir + "/serial", "1000\n") ||
      !Write(dir + "/ca.cnf",
             "[ca]\ndefault_ca = d\n[d]\ndatabase = " + dir +
                 "/index.txt\nnew_certs_dir = " + dir + "\nserial = " + dir +
                 "/serial\ndefault_md = sha256\npolicy = p\n"
                 "unique_subject = no\ncopy_extensions = copy\n"
                 "[p]\ncommonName = supplied\n") ||
      !Write(dir + "/san.cnf", "subjectAltName = DNS:" + host + "\n") ||
      !Write(dir + "/wrong.cnf", "subjectAltName = DNS:wrong.test\n")) {
    *err = "cannot write into " + dir;
    return false;
  }
  const std::string csr = dir + "/leaf.csr";
  const std::string sign = o + "x509 -req -in " + csr + " -CA " +
                           pki->ca_cert + " -CAkey " + ca_key +
                           " -CAcreateserial -days 30 -extfile ";
  return Shell(o + "req -x509" + ec + "-nodes -keyout " + ca_key + " -out " +
                   pki->ca_cert + " -days 30 -subj /CN=oitwatch-test-ca",
               err) &&
         Shell(o + "req -new" + ec + "-nodes -keyout " + pki->key + " -out " +
                   csr + " -subj /CN=" + host,
               err) &&
         Shell(sign + dir + "/san.cnf -out " + pki->good_cert, err) &&
         Shell(sign + dir + "/wrong.cnf -out " + pki->wrong_name_cert, err) &&
         Shell(o + "ca -batch -config " + dir + "/ca.cnf -cert " +
                   pki->ca_cert + " -keyfile " + ca_key + " -in " + csr +
                   " -extfile " + dir + "/san.cnf -startdate 20200101000000Z "
                   "-enddate 20200201000000Z -out " + pki->expired_cert,
               err) &&
         Shell(o + "req -x509 -new -key " + pki->key + " -out " +
                   pki->self_signed_cert + " -days 30 -subj /CN=" + host +
                   " -addext subjectAltName=DNS:" + host,
               err);
}

TlsServer::~TlsServer() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool TlsServer::Start(const std::string& cert, const std::string& key,
                      std::string* err) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = FreePort();
    const std::string accept = "127.0.0.1:" + std::to_string(port_);
    pid_ = fork();
    if (pid_ < 0) {
      *err = "fork failed";
      return false;
    }
    if (pid_ == 0) {
      const int null = open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
      execlp("openssl", "openssl", "s_server", "-quiet", "-www", "-accept",
             accept.c_str(), "-cert", cert.c_str(), "-key", key.c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      if (Accepts(port_)) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) break;  // port taken
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  *err = "openssl s_server did not start";
  return false;
}

}  // namespace oitwatch
