// StoreWriter: one thread that owns a Store's writes during a crawl, so a
// page's commit (and its fsync, synchronous=FULL) no longer stalls the
// engine's thread. Jobs run one at a time, in the order they were posted;
// each job is one Store call and so one transaction, as before, except that
// groupable jobs (page saves) found waiting together share one Store group:
// one commit and fsync for all of them. A job's own follow-up (the
// on_site_done callback) runs on the writer thread right after its call
// returned; a groupable job acknowledges its writes (the crash-test hook)
// through Store::AfterCommit, so "acknowledged" still means "committed".
//
//   StoreWriter writer(store);               // starts the thread
//   writer.Post([=](Store* s, std::string* err) { return s->SavePage(...); });
//   writer.Drain();                           // everything posted is done
//
// The queue is bounded in jobs and in the bytes they hold (what Post is
// told): Post blocks while either is full, so memory stays flat when the
// disk is slower than the crawl, however many links a page has.
//
// Thread-safe: Post, Drain, failed and error may be called from any thread
// (in practice the engine's). While a StoreWriter lives, nothing else may
// use its Store (Store is one-thread-at-a-time).
#ifndef OITWATCH_APP_STORE_WRITER_H_
#define OITWATCH_APP_STORE_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "storage/store.h"

namespace oitwatch {

class StoreWriter {
 public:
  // Returns false with a message for a failed write; the writer goes on
  // with the next job (as the pipeline did before: later pages are still
  // tried) and keeps the first message.
  using Job = std::function<bool(Store* store, std::string* err)>;

  // At most `max_queued` jobs and `max_bytes` of their sizes wait or run at
  // a time (one job always may, however big).
  // REQUIRES: store outlives the writer.
  explicit StoreWriter(Store* store, size_t max_queued = 256,
                       size_t max_bytes = 2u << 20);
  // Runs what is still queued, then joins the thread.
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // Queues `job`, which holds about `bytes` (a page's rows) until it has
  // run; blocks while the queue is full.
  // With `group`, the job may share one Store group (one commit) with the
  // groupable jobs queued right before or after it; it then acknowledges
  // its writes through Store::AfterCommit.
  void Post(Job job, size_t bytes = 0, bool group = false);
  // Blocks until every job posted before has run.
  void Drain();
  // True once a job has failed; never goes back to false.
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  // The first failed job's message, "" if none.
  std::string error() const;

 private:
  struct Entry {
    Job job;
    size_t bytes;
    bool group;
  };
  void Loop();
  // Runs `jobs`, in one Store group when there are several; false with the
  // first failure's message.
  bool Run(std::vector<Entry>& jobs, std::string* err);

  Store* store_;
  const size_t max_queued_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::condition_variable work_;   // a job was posted, or stop_
  std::condition_variable space_;  // a job was taken (queue has room)
  std::condition_variable idle_;   // queue empty and nothing running
  std::deque<Entry> queue_;
  size_t bytes_ = 0;  // of the jobs queued and the one running
  bool running_job_ = false;
  bool stop_ = false;
  std::string error_;
  std::atomic<bool> failed_{false};
  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace oitwatch

#endif  // OITWATCH_APP_STORE_WRITER_H_
