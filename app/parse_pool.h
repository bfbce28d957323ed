// ParsePool: a few threads that read response bodies (decode, Gumbo,
// normalise, dates, rule matching) for the engine's thread, which meanwhile
// polls the network and applies earlier reads. Submit(fn) queues a job and
// returns a ticket at once; Finish(ticket) returns when that job has run:
// the caller runs it itself if no helper has taken it yet, and runs other
// queued jobs while a helper is busy with it. The caller applies the
// results in its own order, so what is stored and judged never depends on
// thread timing.
//
//   ParsePool pool(1);                          // one helper thread
//   ParsePool::Ticket t = pool.Submit([&] { read = Read(body); });
//   ApplyEarlierRead();                         // meanwhile, on this thread
//   pool.Finish(t);                             // `read` is complete
//
// A job must touch only its own output and state nobody writes until its
// Finish (or Drop) returns. Thread-compatible: one caller submits and
// finishes; the helpers are the pool's own.
#ifndef OITWATCH_APP_PARSE_POOL_H_
#define OITWATCH_APP_PARSE_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace oitwatch {

class ParsePool {
 public:
  struct Job;
  using Ticket = std::shared_ptr<Job>;

  // `helpers` threads besides the caller's; 0 runs every job on the caller
  // (in Finish).
  explicit ParsePool(int helpers);
  ~ParsePool();  // drops the jobs not started, waits for the rest
  ParsePool(const ParsePool&) = delete;
  ParsePool& operator=(const ParsePool&) = delete;

  // Helper threads for this machine: one per core beyond the first, at most
  // 3 (the writer thread and libcurl need some CPU too).
  static int DefaultHelpers();
  // Helpers for a requested count (--parse-threads): DefaultHelpers() when
  // negative.
  static int Helpers(int requested) {
    return requested < 0 ? DefaultHelpers() : requested;
  }

  int helpers() const { return static_cast<int>(threads_.size()); }

  Ticket Submit(std::function<void()> fn);
  // True once `t`'s job has run (never blocks).
  bool Done(const Ticket& t);
  // Returns when `t`'s job has run, running it (and, while a helper has it,
  // other queued jobs) on the caller's thread.
  void Finish(const Ticket& t);
  // `t`'s job never runs if no thread has taken it; else returns when done.
  void Drop(const Ticket& t);

  // fn(0) .. fn(n - 1) on the helpers and the caller; returns when all have
  // returned.
  void ForEach(size_t n, const std::function<void(size_t)>& fn);

 private:
  void Help();
  // Runs `job` (taken off the queue by this thread) with mu_ released.
  void Run(std::unique_lock<std::mutex>& lock, const Ticket& job);

  std::mutex mu_;
  std::condition_variable queued_;  // a job queued, or stop_
  std::condition_variable done_;    // a job finished
  std::deque<Ticket> queue_;        // jobs no thread has taken
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace oitwatch

#endif  // OITWATCH_APP_PARSE_POOL_H_
