// StoreWriter: jobs run on one other thread, in posting order, each after
// the one before returned; Drain waits for all of them; a failure is kept
// (the first one) and the writer goes on.
#include "app/store_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_process.h"

namespace oitwatch {
namespace {

class StoreWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    store_ = Store::Open(MakeTempDir() + "/w.db", &err);
    ASSERT_NE(store_, nullptr) << err;
  }
  std::unique_ptr<Store> store_;
};

TEST_F(StoreWriterTest, JobsRunInPostingOrderOnAnotherThread) {
  std::vector<int> order;  // written by the writer only, read after Drain
  std::vector<std::thread::id> threads;
  StoreWriter writer(store_.get(), 4);  // small queue: Post must wait too
  for (int i = 0; i < 100; ++i) {
    writer.Post([&order, &threads, i](Store*, std::string*) {
      order.push_back(i);
      threads.push_back(std::this_thread::get_id());
      return true;
    });
  }
  writer.Drain();
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
  for (const std::thread::id& id : threads) {
    EXPECT_NE(id, std::this_thread::get_id());
    EXPECT_EQ(id, threads.front());
  }
  EXPECT_FALSE(writer.failed());
  EXPECT_EQ(writer.error(), "");
}

TEST_F(StoreWriterTest, JobsGetTheStoreAndTheirWritesAreCommittedAfterDrain) {
  StoreWriter writer(store_.get());
  RunInfo info;
  info.ruleset_id = "r";
  info.fiscal_year = 2568;
  info.as_of = "2025-04-10";
  int64_t run_id = 0;
  writer.Post([&](Store* store, std::string* err) {
    return store->BeginRun(info, &run_id, err);
  });
  writer.Post([&](Store* store, std::string* err) {
    return store->UpsertSite(SiteRow{"laksi", "หลักสี่", "Lak Si",
                                     "http://example.test/laksi/", {}},
                             err);
  });
  writer.Drain();
  ASSERT_FALSE(writer.failed()) << writer.error();
  EXPECT_GT(run_id, 0);
  SiteRow row;
  std::string err;
  ASSERT_TRUE(store_->GetSite("laksi", &row, &err)) << err;
  EXPECT_EQ(row.name, "หลักสี่");
}

TEST_F(StoreWriterTest, FirstFailureIsKeptAndLaterJobsStillRun) {
  int ran = 0;
  StoreWriter writer(store_.get());
  writer.Post([&](Store*, std::string* err) {
    ++ran;
    *err = "w.db: save page: disk full";
    return false;
  });
  writer.Post([&](Store*, std::string* err) {
    ++ran;
    *err = "second failure";
    return false;
  });
  writer.Post([&](Store*, std::string*) {
    ++ran;
    return true;
  });
  writer.Drain();
  EXPECT_EQ(ran, 3);
  EXPECT_TRUE(writer.failed());
  EXPECT_EQ(writer.error(), "w.db: save page: disk full");
}

TEST_F(StoreWriterTest, PostWaitsWhileTheJobsBytesFillTheQueue) {
  StoreWriter writer(store_.get(), 100, /*max_bytes=*/100);
  std::promise<void> open;
  std::shared_future<void> gate = open.get_future().share();
  std::atomic<int> ran{0};
  writer.Post([gate, &ran](Store*, std::string*) {  // runs, holding 80
    gate.wait();
    ++ran;
    return true;
  }, 80);
  std::atomic<bool> posted{false};
  std::thread poster([&] {
    writer.Post([&ran](Store*, std::string*) {
      ++ran;
      return true;
    }, 30);  // 80 + 30 > 100: waits for the first to finish
    posted = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(posted);
  open.set_value();
  poster.join();
  writer.Drain();
  EXPECT_TRUE(posted);
  EXPECT_EQ(ran, 2);
}

TEST_F(StoreWriterTest, AJobBiggerThanTheQueueStillRuns) {
  int ran = 0;
  StoreWriter writer(store_.get(), 4, /*max_bytes=*/100);
  for (int i = 0; i < 3; ++i) {
    writer.Post([&ran](Store*, std::string*) {
      ++ran;
      return true;
    }, 1000);
  }
  writer.Drain();
  EXPECT_EQ(ran, 3);
}

TEST_F(StoreWriterTest, DestructorRunsWhatIsStillQueued) {
  int ran = 0;
  {
    StoreWriter writer(store_.get());
    for (int i = 0; i < 50; ++i) {
      writer.Post([&ran](Store*, std::string*) {
        ++ran;
        return true;
      });
    }
  }
  EXPECT_EQ(ran, 50);
}

}  // namespace
}  // namespace oitwatch
