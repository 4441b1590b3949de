#pragma once
// A fixed set of worker threads, created once, that share out one job at a time (the caller is thread 0
// and works too). A job is a number of chunks handed out one by one from an atomic counter: a worker that
// has not started when the chunks run out is not waited for, and with several chunks per thread a thread
// that is descheduled (the machine is shared) takes fewer of them instead of holding up the others.
// Workers spin briefly between jobs, then block: a decode step runs a few hundred jobs tens of microseconds
// apart. Running a job allocates nothing.
#include <atomic>
#include <cstdint>
#include <thread>
#include <type_traits>
#include <vector>

namespace smol {

class thread_pool {
public:
    explicit thread_pool(int32_t n_threads);  // 1..max_threads; 1 runs every job on the caller
    ~thread_pool();
    thread_pool(const thread_pool&) = delete;
    thread_pool& operator=(const thread_pool&) = delete;

    static constexpr int32_t max_threads = 256;
    int32_t size() const { return n_threads_; }

    // Calls fn(chunk, thread) once for each chunk in [0, n_chunks), on whichever thread claims it
    // (thread < size(): an index for per-thread scratch), and returns when all have returned. fn must not
    // throw. Results must not depend on which thread runs a chunk.
    template <typename F>
    void run_chunks(int64_t n_chunks, F&& fn) {
        using fn_type = std::remove_reference_t<F>;
        run_job(n_chunks, &fn, [](void* f, int64_t chunk, int32_t thread) { (*static_cast<fn_type*>(f))(chunk, thread); });
    }

    // fn(begin, end, thread) over [0, n) in chunks whose boundaries are multiples of `align` (chunk_rows).
    template <typename F>
    void parallel_for(int64_t n, int64_t align, F&& fn, int32_t chunks_per_thread = default_chunks_per_thread) {
        const int64_t chunk = chunk_rows(n, align, chunks_per_thread);
        run_chunks((n + chunk - 1) / chunk, [&](int64_t c, int32_t thread) { fn(c * chunk, std::min(n, (c + 1) * chunk), thread); });
    }

    // Rows per chunk when splitting n rows into about chunks_per_thread chunks per thread, a multiple of
    // align. Eight balance uneven work and a busy machine; streaming work (decode reading weights) wants
    // one contiguous range per thread: each new range restarts the prefetch streams.
    static constexpr int32_t default_chunks_per_thread = 8;
    int64_t chunk_rows(int64_t n, int64_t align, int32_t chunks_per_thread = default_chunks_per_thread) const;

private:
    using call_type = void (*)(void*, int64_t, int32_t);
    void run_job(int64_t n_chunks, void* context, call_type call);
    void claim_chunks(int32_t thread);  // runs chunks of the current job until none is left
    void worker(int32_t index);

    int32_t n_threads_;
    std::vector<std::thread> workers_;
    uint32_t generation_ = 0;  // the caller's count of jobs
    // The current job. Written by the caller only when no chunk of the previous job is unclaimed or running,
    // before ticket_ publishes it; a claim (a compare-and-swap on ticket_) checks it is still current.
    std::atomic<void*> context_{nullptr};
    std::atomic<call_type> call_{nullptr};
    std::atomic<uint32_t> total_{0};
    std::atomic<uint64_t> ticket_{0};  // generation << 32 | next unclaimed chunk
    std::atomic<uint32_t> done_{0};    // chunks of the current job finished; the caller waits for total_
    // Blocking waits are futex waits on 32-bit words (C++20 atomic wait), entered only after spinning.
    std::atomic<uint32_t> wake_{0};    // bumped once per job; sleeping workers wait for it to change
    std::atomic<int32_t> sleepers_{0};
    std::atomic<bool> caller_sleeping_{false};
    std::atomic<bool> stop_{false};
};

// The default thread count: every core the process may run on.
int32_t default_thread_count();

}  // namespace smol
