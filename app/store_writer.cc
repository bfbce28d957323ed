#include "app/store_writer.h"

#include <utility>

namespace oitwatch {

StoreWriter::StoreWriter(Store* store, size_t max_queued)
    : store_(store),
      max_queued_(max_queued == 0 ? 1 : max_queued),
      thread_([this] { Loop(); }) {}

StoreWriter::~StoreWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_.notify_all();
  thread_.join();
}

void StoreWriter::Post(Job job) {
  std::unique_lock<std::mutex> lock(mu_);
  space_.wait(lock, [this] { return queue_.size() < max_queued_; });
  queue_.push_back(std::move(job));
  lock.unlock();
  work_.notify_one();
}

void StoreWriter::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && !running_job_; });
}

std::string StoreWriter::error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

void StoreWriter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_ and nothing left to write
    Job job = std::move(queue_.front());
    queue_.pop_front();
    running_job_ = true;
    lock.unlock();
    space_.notify_one();
    std::string err;
    const bool ok = job(store_, &err);
    job = nullptr;  // free the page's rows before waiting again
    lock.lock();
    running_job_ = false;
    if (!ok && error_.empty()) {
      error_ = err.empty() ? "store write failed" : err;
      failed_.store(true, std::memory_order_release);
    }
    if (queue_.empty()) idle_.notify_all();
  }
}

}  // namespace oitwatch
