#include "tests/test_tls.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
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

// A connected socket to 127.0.0.1:`port`, or -1.
int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0)
    return fd;
  close(fd);
  return -1;
}

// Moves what `from` has to `to`; false once `from` ended or `to` is gone.
bool Pump(int from, int to) {
  char buffer[16384];
  const ssize_t n = recv(from, buffer, sizeof buffer, 0);
  if (n <= 0) return false;
  for (ssize_t done = 0; done < n;) {
    const ssize_t w =
        send(to, buffer + done, static_cast<size_t>(n - done), MSG_NOSIGNAL);
    if (w <= 0) return false;
    done += w;
  }
  return true;
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
  return Spawn(cert, key, "-www", "", err);
}

bool TlsServer::StartFiles(const std::string& cert, const std::string& key,
                           const std::string& docroot, std::string* err) {
  return Spawn(cert, key, "-HTTP", docroot, err);
}

bool TlsServer::Spawn(const std::string& cert, const std::string& key,
                      const char* mode, const std::string& docroot,
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
      if (!docroot.empty() && chdir(docroot.c_str()) != 0) _exit(127);
      execlp("openssl", "openssl", "s_server", "-quiet", mode, "-accept",
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

SchemeSplitter::~SchemeSplitter() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> relays;
  {
    std::lock_guard<std::mutex> lock(mu_);
    relays.swap(relays_);
  }
  for (std::thread& relay : relays) relay.join();
  if (listen_fd_ >= 0) close(listen_fd_);
}

bool SchemeSplitter::Start(int tls_port, int plain_port, std::string* err) {
  tls_port_ = tls_port;
  plain_port_ = plain_port;
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(addr);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), length) != 0 ||
      listen(listen_fd_, 16) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &length) !=
          0) {
    *err = "scheme splitter: cannot listen on 127.0.0.1";
    return false;
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return true;
}

void SchemeSplitter::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    relays_.emplace_back([this, client] { Relay(client); });
  }
}

// Picks the backend by the first byte, then relays both ways until either
// side ends, the splitter stops, or 30 s pass.
void SchemeSplitter::Relay(int client) const {
  pollfd first{client, POLLIN, 0};
  unsigned char byte = 0;
  int backend = -1;
  if (poll(&first, 1, 5000) == 1 && recv(client, &byte, 1, MSG_PEEK) == 1)
    backend = ConnectLoopback(byte == 0x16 ? tls_port_ : plain_port_);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (backend >= 0 && !stopping_ &&
         std::chrono::steady_clock::now() < deadline) {
    pollfd fds[2] = {{client, POLLIN, 0}, {backend, POLLIN, 0}};
    if (poll(fds, 2, 50) <= 0) continue;
    if ((fds[0].revents != 0 && !Pump(client, backend)) ||
        (fds[1].revents != 0 && !Pump(backend, client)))
      break;
  }
  if (backend >= 0) close(backend);
  close(client);
}

}  // namespace oitwatch
