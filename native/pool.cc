// A small fork-join pool. Workers spin briefly after each job before sleeping, because a training
// step issues big kernels back to back and a futex wake costs more than the spin.
#include "common.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__linux__)
#include <sched.h>
#endif

namespace dn {
namespace {

int detect_cores() {
  const char* env = std::getenv("DENDRITE_NUM_THREADS");
  if (env && *env) {
    int v = std::atoi(env);
    if (v >= 1) return v > 256 ? 256 : v;
  }
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int c = CPU_COUNT(&set);
    if (c >= 1) return c;
  }
#endif
  unsigned hc = std::thread::hardware_concurrency();
  return hc ? static_cast<int>(hc) : 1;
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class Pool {
 public:
  Pool() : wanted_(detect_cores()) {}
  ~Pool() { stop(); }

  int size() const { return wanted_; }

  void resize(int n) {
    if (n < 1) n = 1;
    stop();
    wanted_ = n;
  }

  void run(long tasks, TaskFn fn, void* ctx) {
    if (tasks <= 0) return;
    if (wanted_ <= 1 || tasks == 1) {
      for (long t = 0; t < tasks; ++t) fn(ctx, t, 0);
      return;
    }
    ensure_started();
    std::lock_guard<std::mutex> job_lock(job_mutex_);  // one parallel region at a time
    fn_ = fn;
    ctx_ = ctx;
    tasks_ = tasks;
    next_.store(0, std::memory_order_relaxed);
    pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lk(sleep_mutex_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    sleep_cv_.notify_all();
    work(0);
    // Yield now and then: on an oversubscribed machine the worker we wait for may need this core.
    for (unsigned spins = 1; pending_.load(std::memory_order_acquire) != 0; ++spins) {
      cpu_relax();
      if ((spins & 1023) == 0) std::this_thread::yield();
    }
  }

 private:
  void work(int thread) {
    for (;;) {
      long t = next_.fetch_add(1, std::memory_order_relaxed);
      if (t >= tasks_) break;
      fn_(ctx_, t, thread);
    }
  }

  // `seen` is the generation at launch, read before the thread starts: a job posted while the
  // thread is still starting must not be mistaken for an old one.
  void worker_loop(int thread, unsigned seen) {
    for (;;) {
      // Spin briefly (tens of µs) so back-to-back big kernels do not pay a futex wake each; not
      // longer, because on a busy machine a spinning worker takes time from the main thread.
      int spins = 0;
      unsigned g;
      while ((g = generation_.load(std::memory_order_acquire)) == seen && spins < 4000) {
        cpu_relax();
        if ((++spins & 1023) == 0) std::this_thread::yield();
      }
      if (g == seen) {
        std::unique_lock<std::mutex> lk(sleep_mutex_);
        sleep_cv_.wait(lk, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        g = generation_.load(std::memory_order_acquire);
      }
      seen = g;
      if (quit_.load(std::memory_order_acquire)) return;
      work(thread);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  void ensure_started() {
    if (!workers_.empty()) return;
    quit_.store(false);
    const unsigned gen = generation_.load(std::memory_order_acquire);
    for (int i = 1; i < wanted_; ++i) workers_.emplace_back([this, i, gen] { worker_loop(i, gen); });
  }

  void stop() {
    if (workers_.empty()) return;
    {
      std::lock_guard<std::mutex> lk(sleep_mutex_);
      quit_.store(true, std::memory_order_release);
      generation_.fetch_add(1, std::memory_order_release);
    }
    sleep_cv_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  int wanted_;
  std::vector<std::thread> workers_;
  std::mutex job_mutex_, sleep_mutex_;
  std::condition_variable sleep_cv_;
  std::atomic<unsigned> generation_{0};
  std::atomic<bool> quit_{false};
  std::atomic<long> next_{0};
  std::atomic<int> pending_{0};
  TaskFn fn_ = nullptr;
  void* ctx_ = nullptr;
  long tasks_ = 0;
};

Pool& pool() {
  // Leaked on purpose: joining threads from a static destructor at process exit can deadlock.
  static Pool* p = new Pool();
  return *p;
}

struct Scratch {
  float* ptr[4] = {nullptr, nullptr, nullptr, nullptr};
  size_t cap[4] = {0, 0, 0, 0};
  ~Scratch() {
    for (float* p : ptr) std::free(p);
  }
};
thread_local Scratch tls_scratch;

}  // namespace

int pool_threads() { return pool().size(); }
void pool_set_threads(int n) { pool().resize(n); }
void parallel_for(long tasks, TaskFn fn, void* ctx) { pool().run(tasks, fn, ctx); }

float* scratch(int slot, size_t floats) {
  Scratch& s = tls_scratch;
  if (s.cap[slot] < floats) {
    std::free(s.ptr[slot]);
    size_t bytes = ((floats * sizeof(float) + 63) / 64) * 64 + 64;
    s.ptr[slot] = static_cast<float*>(std::aligned_alloc(64, bytes));
    s.cap[slot] = s.ptr[slot] ? floats : 0;
  }
  return s.ptr[slot];
}

}  // namespace dn
