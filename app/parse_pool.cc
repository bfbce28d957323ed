#include "app/parse_pool.h"

#include <algorithm>
#include <utility>

namespace oitwatch {

struct ParsePool::Job {
  enum class State { kQueued, kRunning, kDone, kDropped };
  std::function<void()> fn;
  State state = State::kQueued;
};

ParsePool::ParsePool(int helpers) {
  for (int i = 0; i < helpers; ++i) threads_.emplace_back([this] { Help(); });
}

ParsePool::~ParsePool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    for (const Ticket& job : queue_) job->state = Job::State::kDropped;
    queue_.clear();
  }
  queued_.notify_all();
  for (std::thread& t : threads_) t.join();
}

int ParsePool::DefaultHelpers() {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(cores - 1, 0, 3);
}

ParsePool::Ticket ParsePool::Submit(std::function<void()> fn) {
  Ticket job = std::make_shared<Job>();
  job->fn = std::move(fn);
  if (threads_.empty()) return job;  // runs in Finish
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(job);
  }
  queued_.notify_one();
  return job;
}

bool ParsePool::Done(const Ticket& t) {
  std::lock_guard<std::mutex> lock(mu_);
  return t->state == Job::State::kDone || t->state == Job::State::kDropped;
}

void ParsePool::Run(std::unique_lock<std::mutex>& lock, const Ticket& job) {
  job->state = Job::State::kRunning;
  lock.unlock();
  job->fn();
  job->fn = nullptr;
  lock.lock();
  job->state = Job::State::kDone;
  done_.notify_all();
}

void ParsePool::Finish(const Ticket& t) {
  std::unique_lock<std::mutex> lock(mu_);
  while (t->state != Job::State::kDone && t->state != Job::State::kDropped) {
    if (t->state == Job::State::kQueued) {
      auto it = std::find(queue_.begin(), queue_.end(), t);
      if (it != queue_.end()) queue_.erase(it);
      Run(lock, t);
    } else if (!queue_.empty()) {  // a helper has it: help with the rest
      Ticket other = std::move(queue_.front());
      queue_.pop_front();
      Run(lock, other);
    } else {
      done_.wait(lock);
    }
  }
}

void ParsePool::Drop(const Ticket& t) {
  std::unique_lock<std::mutex> lock(mu_);
  if (t->state == Job::State::kQueued) {
    auto it = std::find(queue_.begin(), queue_.end(), t);
    if (it != queue_.end()) queue_.erase(it);
    t->state = Job::State::kDropped;
    t->fn = nullptr;
    return;
  }
  done_.wait(lock, [&] { return t->state != Job::State::kRunning; });
}

void ParsePool::ForEach(size_t n, const std::function<void(size_t)>& fn) {
  std::vector<Ticket> jobs;
  jobs.reserve(n);
  for (size_t i = 0; i < n; ++i) jobs.push_back(Submit([&fn, i] { fn(i); }));
  for (const Ticket& job : jobs) Finish(job);
}

void ParsePool::Help() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    queued_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Ticket job = std::move(queue_.front());
    queue_.pop_front();
    Run(lock, job);
  }
}

}  // namespace oitwatch
