#pragma once
// Continuous batching: up to --parallel generations share the engine, each in a KV-cache slot of its own.
// One thread runs the engine: between steps it drops cancelled generations (freeing their slots at once) and
// admits queued ones into free slots; then one forward pass (transformer::step) advances every running
// generation by a token and takes the next chunk of each prompt being prefilled (in fixed chunks, so a long
// prompt delays the others by at most a chunk at a time). A generation's tokens do not depend on what it was
// batched with: step gives each sequence its single-sequence logits, and each generation samples with its
// own seeded sampler. Past the queue bound, submit() refuses (the HTTP layer answers 503).
#include "engine/src/sampler.h"
#include "engine/src/transformer.h"
#include "server/src/server_metrics.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace smol::serve {

enum class finish_reason { length, stop_token, cancelled };

// One generation, shared by the HTTP handler that reads its tokens and the scheduler that produces them.
class generation_job {
public:
    using clock = std::chrono::steady_clock;

    // prompt: 1..context-1 tokens; max_tokens: 1.. (the scheduler also ends at the end of the context).
    generation_job(std::vector<int32_t> prompt, int32_t max_tokens, const sampling_params& sampling,
                   std::vector<int32_t> stop_tokens);

    struct progress {
        std::vector<int32_t> tokens;  // generated after the first `seen`
        bool finished = false;
        finish_reason reason = finish_reason::length;
    };
    // Waits until there are tokens past `seen`, the job finished, or `timeout` passed.
    progress wait(size_t seen, std::chrono::milliseconds timeout);
    // Stops the generation; the scheduler frees its slot before its next step.
    void cancel();
    bool cancelled() const { return cancelled_.load(); }
    int32_t prompt_tokens() const { return int32_t(prompt_.size()); }
    clock::time_point arrival() const { return arrival_; }

private:
    friend class scheduler;
    void emit(int32_t token);
    void finish(finish_reason reason);

    // Set at construction, read by the scheduler.
    const std::vector<int32_t> prompt_;
    const int32_t max_tokens_;
    const std::vector<int32_t> stop_tokens_;
    const clock::time_point arrival_;
    std::atomic<bool> cancelled_{false};
    // The scheduler's own state of the generation.
    sampler sampler_;
    int32_t slot_ = -1;
    int32_t prefilled_ = 0;  // prompt tokens in the cache
    int32_t next_token_ = -1;  // sampled, not yet evaluated
    int32_t generated_ = 0;
    // Shared with the reader.
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<int32_t> tokens_;
    bool finished_ = false;
    finish_reason reason_ = finish_reason::length;
};

struct scheduler_options {
    int32_t queue_limit = 64;     // generations waiting for a slot before submit() refuses
    int32_t prefill_chunk = 128;  // prompt tokens per prefill pass
};

class scheduler {
public:
    // engine.slots() generations run at once. metrics must outlive the scheduler.
    scheduler(transformer& engine, const scheduler_options& options, server_metrics& metrics);
    ~scheduler();  // cancels what is left and joins the engine thread
    scheduler(const scheduler&) = delete;
    scheduler& operator=(const scheduler&) = delete;

    enum class admission { accepted, queue_full, shutting_down };
    admission submit(const std::shared_ptr<generation_job>& job);
    // Refuses new generations from now on; those running or queued go on to their end.
    void drain();
    // Cancels every running and queued generation.
    void cancel_all();
    int32_t active() const;  // running or queued

private:
    void run();
    void drop_cancelled();
    void admit();
    void step();
    void sample(generation_job& job, std::span<const float> logits);
    void retire(const std::shared_ptr<generation_job>& job, finish_reason reason);
    void publish_gauges();

    transformer& engine_;
    const scheduler_options options_;
    server_metrics& metrics_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::shared_ptr<generation_job>> queue_;
    std::vector<std::shared_ptr<generation_job>> running_;  // (slots) nullptr where free
    bool draining_ = false;
    bool stopping_ = false;
    std::vector<float> logits_;  // (slots, vocab)
    std::vector<transformer::chunk> chunks_;     // (slots) one step's decode tokens and prompt chunks
    std::vector<generation_job*> chunk_jobs_;
    std::thread thread_;
};

}  // namespace smol::serve
