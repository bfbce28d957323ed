// A message the SMTP server keeps refusing (550) is not retried forever
// (red team rt6night doubt): after AlertOptions::max_attempts (10) attempts
// the row is "failed", `alerts list` says so with the server's reply, and
// later sends leave it alone. Real SQLite outbox, real loopback SMTP sink,
// real `oitwatch alerts send`.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/outbox.h"
#include "storage/store.h"
#include "tests/test_process.h"
#include "tests/test_smtp_sink.h"

namespace oitwatch {
namespace {

TEST(AlertRetryTest, RefusedMessageIsFailedAfterTenAttemptsAndNotSentAgain) {
  SmtpSink sink;
  ASSERT_TRUE(sink.Start());
  sink.FailWith(550);
  const std::string db = MakeTempDir() + "/oitwatch.db";
  std::string err;
  ASSERT_NE(Store::Open(db, &err), nullptr) << err;
  {
    std::unique_ptr<Outbox> outbox = Outbox::Open(db, &err);
    ASSERT_NE(outbox, nullptr) << err;
    OutboxMessage m;
    m.channel = "email";
    m.recipient = "nobody@laksi.example";
    AlertRecord record;
    record.messages.push_back(m);
    ASSERT_TRUE(outbox->Record("laksi", record,
                               [](OutboxMessage* row) {
                                 row->subject = "[oitwatch] laksi: O18";
                                 row->body = "O18\n";
                                 row->fingerprint = "laksi|O18";
                               },
                               &err))
        << err;
  }
  auto send = [&] {
    return RunProcess({OITWATCH_BINARY, "alerts", "send", "--db", db,
                       "--smtp-url", sink.url(), "--smtp-tls", "none",
                       "--mail-from", "oitwatch@bma.example"},
                      60);
  };
  for (int attempt = 1; attempt <= 10; ++attempt) {
    ProcessResult r = send();
    EXPECT_EQ(r.exit_code, 1) << attempt << r.err;
    ASSERT_EQ(sink.refused(), attempt);
  }
  ProcessResult list =
      RunProcess({OITWATCH_BINARY, "alerts", "list", "--db", db}, 60);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("\tfailed\t"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("attempts 10"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("550"), std::string::npos)
      << "the server's reply is shown: " << list.out;
  ProcessResult again = send();
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(sink.refused(), 10) << "a failed row is not tried again";
  EXPECT_TRUE(sink.messages().empty());
}

}  // namespace
}  // namespace oitwatch
