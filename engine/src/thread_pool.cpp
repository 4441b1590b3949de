#include "engine/src/thread_pool.h"

#include "common/error.h"

#include <algorithm>
#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace smol {

namespace {

// How a waiting thread polls: a few microseconds of pause instructions, then sched_yield (which lets a thread
// of this pool that shares the core run: on a busy machine two of them can), some hundred microseconds in
// all, then a blocking wait. The gaps between the jobs of one forward pass are shorter than that.
constexpr int pause_iterations = 200;
constexpr int spin_iterations = 2000;

inline void cpu_relax(int iteration) {
    if (iteration >= pause_iterations) {
        std::this_thread::yield();
        return;
    }
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
}

// The chunk index of a ticket that no thread may claim from (above any chunk count).
constexpr uint64_t closed = 0xffffffff;

}  // namespace

// The CPUs this process may run on (taskset, cgroup cpusets), which can be fewer than the machine has.
int32_t default_thread_count() {
    int n = 0;
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) n = CPU_COUNT(&set);
#endif
    if (n <= 0) n = static_cast<int>(std::thread::hardware_concurrency());
    return std::clamp<int32_t>(n, 1, thread_pool::max_threads);
}

thread_pool::thread_pool(int32_t n_threads) : n_threads_(n_threads) {
    if (n_threads < 1 || n_threads > max_threads) fail("thread count {} is out of range 1..{}", n_threads, max_threads);
    workers_.reserve(size_t(n_threads - 1));
    for (int32_t i = 1; i < n_threads; ++i) workers_.emplace_back([this, i] { worker(i); });
}

thread_pool::~thread_pool() {
    stop_.store(true);
    wake_.fetch_add(1);
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
}

int64_t thread_pool::chunk_rows(int64_t n, int64_t align, int32_t chunks_per_thread) const {
    const int64_t chunks = int64_t(n_threads_) * (n_threads_ == 1 ? 1 : std::max(chunks_per_thread, 1));
    const int64_t rows = std::max<int64_t>(1, (n + chunks - 1) / chunks);
    return (rows + align - 1) / align * align;
}

// seq_cst on each pair (wake_, sleepers_) and (done_, caller_sleeping_): either the side that publishes
// sees the other about to sleep and wakes it, or the sleeper sees the new value and does not sleep.
void thread_pool::run_job(int64_t n_chunks, void* context, call_type call) {
    if (n_chunks <= 0) return;
    if (n_threads_ == 1 || n_chunks == 1) {
        for (int64_t c = 0; c < n_chunks; ++c) call(context, c, 0);
        return;
    }
    if (n_chunks >= int64_t(closed)) fail("internal error: {} chunks in one job", n_chunks);
    const auto total = static_cast<uint32_t>(n_chunks);
    ++generation_;
    // Close the previous job's ticket first: a thread holding it (with an exhausted chunk count) must not
    // claim a chunk by comparing it with the new total.
    ticket_.store(uint64_t(generation_) << 32 | closed);
    context_.store(context, std::memory_order_relaxed);
    call_.store(call, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    total_.store(total, std::memory_order_release);  // whoever reads it sees the ticket closed
    ticket_.store(uint64_t(generation_) << 32);      // publishes the fields above
    wake_.fetch_add(1);
    if (sleepers_.load() > 0) wake_.notify_all();
    claim_chunks(0);
    for (int spin = 0; spin < spin_iterations; ++spin) {
        if (done_.load(std::memory_order_acquire) == total) return;
        cpu_relax(spin);
    }
    caller_sleeping_.store(true);
    for (uint32_t done = done_.load(); done != total; done = done_.load()) done_.wait(done);
    caller_sleeping_.store(false);
}

void thread_pool::claim_chunks(int32_t thread) {
    uint64_t ticket = ticket_.load(std::memory_order_acquire);
    const uint64_t generation = ticket >> 32;
    for (;;) {
        // A total newer than the ticket is harmless: it was written after that ticket was closed, so the
        // claim below fails.
        const uint32_t total = total_.load(std::memory_order_acquire);
        if (ticket >> 32 != generation || uint32_t(ticket) >= total) return;
        if (!ticket_.compare_exchange_weak(ticket, ticket + 1, std::memory_order_acq_rel)) continue;
        // Claimed: the job cannot finish (nor its fields change) before this chunk is done.
        call_.load(std::memory_order_relaxed)(context_.load(std::memory_order_relaxed), int64_t(uint32_t(ticket)), thread);
        if (done_.fetch_add(1) + 1 == total && caller_sleeping_.load()) done_.notify_one();
        ticket = ticket_.load(std::memory_order_acquire);
    }
}

void thread_pool::worker(int32_t index) {
    uint32_t seen = 0;
    for (;;) {
        uint32_t current = wake_.load(std::memory_order_acquire);
        for (int spin = 0; current == seen && spin < spin_iterations; ++spin) {
            cpu_relax(spin);
            current = wake_.load(std::memory_order_acquire);
        }
        if (current == seen) {
            sleepers_.fetch_add(1);
            for (current = wake_.load(); current == seen; current = wake_.load()) wake_.wait(seen);
            sleepers_.fetch_sub(1);
        }
        seen = current;
        if (stop_.load()) return;
        claim_chunks(index);
    }
}

}  // namespace smol
