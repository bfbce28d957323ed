// A minimal SMTP server on 127.0.0.1 and an ephemeral port, for tests: 220
// greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA (dot-unstuffed), RSET, NOOP,
// QUIT. It records each accepted message with its envelope, and can refuse
// messages on demand (a 4xx/5xx after DATA). No TLS, no AUTH. Connections are
// served one at a time on a background thread. Thread-safe.
#ifndef OITWATCH_TESTS_TEST_SMTP_SINK_H_
#define OITWATCH_TESTS_TEST_SMTP_SINK_H_

#include <memory>
#include <string>
#include <vector>

namespace oitwatch {

struct SmtpMessage {
  std::string helo;                 // EHLO/HELO argument
  std::string mail_from;            // MAIL FROM argument as sent, e.g. "<a@b>"
  std::vector<std::string> rcpt_to; // RCPT TO arguments as sent
  std::string data;                 // the message, CRLFs kept, unstuffed
};

class SmtpSink {
 public:
  SmtpSink();
  ~SmtpSink();  // stops
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  // Binds 127.0.0.1:0 and serves on a background thread. False on error.
  bool Start();
  void Stop();
  int port() const;
  std::string url() const;  // "smtp://127.0.0.1:PORT"

  // 0 = accept messages; otherwise the reply code sent after DATA (e.g. 451),
  // and the message is not recorded. kNeverAnswer: no reply at all after
  // the final "." (the session then just reads until the client hangs up).
  static constexpr int kNeverAnswer = -1;
  void FailWith(int code);
  std::vector<SmtpMessage> messages() const;  // accepted, in order
  int refused() const;                        // messages refused so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The bytes of base64 text `in` (characters outside the alphabet, such as
// line breaks and padding, are skipped): what a test reads of a mail body
// or an RFC 2047 word the sink received.
std::string Base64Decode(const std::string& in);

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_SMTP_SINK_H_
