// ParsePool: a few threads that help the engine's thread read a batch of
// response bodies (decode, Gumbo, normalise, dates, rule matching) at the
// same time. Fork-join: ForEach(n, fn) runs fn(0) .. fn(n - 1) on the pool's
// threads and on the caller's, and returns when all have returned; the
// caller then applies the results in its own order, so what is stored and
// judged never depends on thread timing.
//
//   ParsePool pool(1);                          // one helper thread
//   pool.ForEach(bodies.size(), [&](size_t i) { reads[i] = Read(bodies[i]); });
//
// fn must be safe to call concurrently for different i (touch only its own
// output and const shared state). Thread-compatible: one caller at a time.
#ifndef OITWATCH_APP_PARSE_POOL_H_
#define OITWATCH_APP_PARSE_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace oitwatch {

class ParsePool {
 public:
  // `helpers` threads besides the caller's; 0 runs everything on the caller.
  explicit ParsePool(int helpers);
  ~ParsePool();  // joins the helpers
  ParsePool(const ParsePool&) = delete;
  ParsePool& operator=(const ParsePool&) = delete;

  // Helper threads for this machine: one per core beyond the first, at most
  // 3 (the writer thread and libcurl need some CPU too).
  static int DefaultHelpers();

  int helpers() const { return static_cast<int>(threads_.size()); }

  void ForEach(size_t n, const std::function<void(size_t)>& fn);

 private:
  void Help();
  void RunTasks();  // takes indices until none are left

  std::mutex mu_;
  std::condition_variable start_;  // a new batch, or stop_
  std::condition_variable done_;   // a helper finished its part
  const std::function<void(size_t)>* fn_ = nullptr;
  size_t n_ = 0;
  std::atomic<size_t> next_{0};
  unsigned generation_ = 0;  // batches started
  int busy_ = 0;             // helpers still in the current batch
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace oitwatch

#endif  // OITWATCH_APP_PARSE_POOL_H_
