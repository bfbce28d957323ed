#include "app/store_writer.h"

#include <chrono>
#include <utility>

namespace oitwatch {

StoreWriter::StoreWriter(Store* store, size_t max_queued, size_t max_bytes)
    : store_(store),
      max_queued_(max_queued == 0 ? 1 : max_queued),
      max_bytes_(max_bytes),
      thread_([this] { Loop(); }) {}

StoreWriter::~StoreWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_.notify_all();
  thread_.join();
}

void StoreWriter::Post(Job job, size_t bytes, bool group) {
  std::unique_lock<std::mutex> lock(mu_);
  space_.wait(lock, [this, bytes] {
    if (queue_.empty() && !running_job_) return true;  // one always fits
    return queue_.size() < max_queued_ && bytes_ + bytes <= max_bytes_;
  });
  bytes_ += bytes;
  queue_.push_back({std::move(job), bytes, group});
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

namespace {

// At most this many jobs share one commit.
constexpr size_t kMaxGroup = 128;
// How long a page save found alone waits for the next ones to share its
// commit. Without it a writer that keeps up commits (and fsyncs) each page
// on its own; a page comes every ~0.1-1 ms in a crawl, so a few ms groups
// them. Acknowledgements are that much later; nothing else waits for them.
constexpr std::chrono::milliseconds kGroupWait(2);

}  // namespace

void StoreWriter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_ and nothing left to write
    if (queue_.front().group && queue_.size() == 1) {
      work_.wait_for(lock, kGroupWait, [this] {
        return stop_ || queue_.size() >= kMaxGroup ||
               queue_.size() >= max_queued_ || bytes_ >= max_bytes_ / 2;
      });
    }
    std::vector<Entry> jobs;
    size_t bytes = 0;
    do {  // the groupable jobs waiting together share one commit
      bytes += queue_.front().bytes;
      jobs.push_back(std::move(queue_.front()));
      queue_.pop_front();
    } while (jobs.back().group && !queue_.empty() && queue_.front().group &&
             jobs.size() < kMaxGroup);
    running_job_ = true;
    lock.unlock();
    space_.notify_all();
    std::string err;
    const bool ok = Run(jobs, &err);
    jobs.clear();  // free the pages' rows before waiting again
    lock.lock();
    running_job_ = false;
    bytes_ -= bytes;
    space_.notify_all();  // their bytes are free
    if (!ok && error_.empty()) {
      error_ = err.empty() ? "store write failed" : err;
      failed_.store(true, std::memory_order_release);
    }
    if (queue_.empty()) idle_.notify_all();
  }
}

bool StoreWriter::Run(std::vector<Entry>& jobs, std::string* err) {
  // If the group cannot begin, each job still tries its own transaction.
  std::string begin_err;
  const bool grouped = jobs.size() > 1 && store_->BeginGroup(&begin_err);
  bool ok = true;
  for (Entry& e : jobs) {
    std::string job_err;
    if (!e.job(store_, &job_err) && ok) {
      ok = false;
      *err = job_err;
    }
  }
  std::string commit_err;
  if (grouped && !store_->EndGroup(&commit_err) && ok) {
    ok = false;
    *err = commit_err;
  }
  return ok;
}

}  // namespace oitwatch
