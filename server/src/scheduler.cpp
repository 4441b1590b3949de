#include "server/src/scheduler.h"

#include "common/error.h"

#include <algorithm>
#include <fmt/format.h>

namespace smol::serve {

generation_job::generation_job(std::vector<int32_t> prompt, int32_t max_tokens, const sampling_params& sampling,
                               std::vector<int32_t> stop_tokens)
    : prompt_(std::move(prompt)), max_tokens_(max_tokens), stop_tokens_(std::move(stop_tokens)), arrival_(clock::now()),
      sampler_(sampling) {}

generation_job::progress generation_job::wait(size_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return finished_ || tokens_.size() > seen; });
    progress p;
    if (tokens_.size() > seen) p.tokens.assign(tokens_.begin() + long(seen), tokens_.end());
    p.finished = finished_;
    p.reason = reason_;
    return p;
}

void generation_job::cancel() { cancelled_ = true; }

void generation_job::emit(int32_t token) {
    {
        std::lock_guard lock(mutex_);
        tokens_.push_back(token);
    }
    changed_.notify_all();
}

void generation_job::finish(finish_reason reason) {
    {
        std::lock_guard lock(mutex_);
        finished_ = true;
        reason_ = reason;
    }
    changed_.notify_all();
}

scheduler::scheduler(transformer& engine, const scheduler_options& options, server_metrics& metrics)
    : engine_(engine), options_(options), metrics_(metrics), running_(size_t(engine.slots())),
      logits_(size_t(engine.slots()) * size_t(engine.config().vocab_size)) {
    chunks_.reserve(size_t(engine.slots()));
    chunk_jobs_.reserve(size_t(engine.slots()));
    thread_ = std::thread([this] { run(); });
}

scheduler::~scheduler() {
    cancel_all();
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

scheduler::admission scheduler::submit(const std::shared_ptr<generation_job>& job) {
    {
        std::lock_guard lock(mutex_);
        if (draining_ || stopping_) return admission::shutting_down;
        const bool slot_free = std::find(running_.begin(), running_.end(), nullptr) != running_.end();
        if (!slot_free && int32_t(queue_.size()) >= options_.queue_limit) return admission::queue_full;
        queue_.push_back(job);
        metrics_.set_queue_depth(int64_t(queue_.size()));
    }
    wake_.notify_all();
    return admission::accepted;
}

void scheduler::drain() {
    std::lock_guard lock(mutex_);
    draining_ = true;
}

void scheduler::cancel_all() {
    std::lock_guard lock(mutex_);
    for (auto& job : queue_) job->cancel();
    for (auto& job : running_)
        if (job) job->cancel();
}

int32_t scheduler::active() const {
    std::lock_guard lock(mutex_);
    return int32_t(queue_.size()) + int32_t(std::count_if(running_.begin(), running_.end(), [](auto& j) { return j != nullptr; }));
}

void scheduler::publish_gauges() {
    metrics_.set_queue_depth(int64_t(queue_.size()));
    metrics_.set_slots_in_use(std::count_if(running_.begin(), running_.end(), [](auto& j) { return j != nullptr; }));
}

void scheduler::run() {
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            auto idle = [&] { return queue_.empty() && std::all_of(running_.begin(), running_.end(), [](auto& j) { return !j; }); };
            wake_.wait(lock, [&] { return stopping_ || !idle(); });
            if (stopping_ && idle()) return;
        }
        drop_cancelled();
        admit();
        try {
            step();
        } catch (const smol::error& e) {  // requests are checked before they get here: a bug, not the client's
            fmt::print(stderr, "smol serve: error: engine step: {}\n", e.what());
            for (generation_job* job : chunk_jobs_)
                if (job->slot_ >= 0) retire(running_[size_t(job->slot_)], finish_reason::cancelled);
        }
    }
}

void scheduler::drop_cancelled() {
    std::vector<std::shared_ptr<generation_job>> dropped;
    {
        std::lock_guard lock(mutex_);
        for (auto it = queue_.begin(); it != queue_.end();) {
            if ((*it)->cancelled()) {
                dropped.push_back(*it);
                it = queue_.erase(it);
            } else {
                ++it;
            }
        }
        for (const auto& job : running_)
            if (job && job->cancelled()) dropped.push_back(job);
    }
    for (const auto& job : dropped) retire(job, finish_reason::cancelled);
}

void scheduler::admit() {
    std::lock_guard lock(mutex_);
    for (size_t slot = 0; slot < running_.size() && !queue_.empty(); ++slot) {
        if (running_[slot]) continue;
        running_[slot] = queue_.front();
        queue_.pop_front();
        running_[slot]->slot_ = int32_t(slot);
    }
    publish_gauges();
}

// One forward pass for every running generation: a decode token for each that has one, and the next chunk
// of each prompt still being prefilled (its boundaries at multiples of the chunk size, so the same passes
// whatever else runs), as many as fit the engine's batch. Prompts whose last chunk ran sample their first token.
void scheduler::step() {
    chunks_.clear();
    chunk_jobs_.clear();
    int32_t tokens = 0, decoding = 0;
    for (const auto& job : running_) {
        if (!job || job->next_token_ < 0) continue;
        chunks_.push_back({job->slot_, std::span(&job->next_token_, 1), job->prompt_tokens() + job->generated_ - 1});
        chunk_jobs_.push_back(job.get());
        ++tokens;
    }
    decoding = tokens;
    for (const auto& job : running_) {
        if (!job || job->next_token_ >= 0) continue;
        const int32_t n = job->prompt_tokens();
        const int32_t chunk = std::min(options_.prefill_chunk - job->prefilled_ % options_.prefill_chunk, n - job->prefilled_);
        if (tokens + chunk > engine_.max_batch()) continue;
        chunks_.push_back({job->slot_, std::span(job->prompt_.data() + job->prefilled_, size_t(chunk)), job->prefilled_});
        chunk_jobs_.push_back(job.get());
        tokens += chunk;
    }
    if (chunks_.empty()) return;
    const size_t vocab = size_t(engine_.config().vocab_size);
    const auto start = generation_job::clock::now();
    engine_.step(chunks_, std::span(logits_.data(), chunks_.size() * vocab));
    if (decoding > 0)
        metrics_.observe_decode_step(decoding, std::chrono::duration<double>(generation_job::clock::now() - start).count());
    for (size_t i = 0; i < chunks_.size(); ++i) {
        generation_job& job = *chunk_jobs_[i];
        const std::span<const float> logits(logits_.data() + i * vocab, vocab);
        if (job.next_token_ >= 0) {
            sample(job, logits);
            continue;
        }
        job.prefilled_ += int32_t(chunks_[i].tokens.size());
        metrics_.count_prompt_tokens(int32_t(chunks_[i].tokens.size()));
        if (job.prefilled_ == job.prompt_tokens()) sample(job, logits);
    }
}

void scheduler::sample(generation_job& job, std::span<const float> logits) {
    const int32_t token = job.sampler_.sample(logits);
    ++job.generated_;
    job.emit(token);
    metrics_.count_generated_tokens(1);
    if (job.generated_ == 1)
        metrics_.observe_first_token_seconds(std::chrono::duration<double>(generation_job::clock::now() - job.arrival_).count());
    const std::shared_ptr<generation_job> self = running_[size_t(job.slot_)];
    job.next_token_ = -1;
    if (std::find(job.stop_tokens_.begin(), job.stop_tokens_.end(), token) != job.stop_tokens_.end())
        retire(self, finish_reason::stop_token);
    else if (job.generated_ >= job.max_tokens_ || job.prompt_tokens() + job.generated_ - 1 >= engine_.context_length())
        retire(self, finish_reason::length);  // max_tokens, or the context is full
    else
        job.next_token_ = token;
}

void scheduler::retire(const std::shared_ptr<generation_job>& job, finish_reason reason) {
    {
        std::lock_guard lock(mutex_);
        if (job->slot_ >= 0 && running_[size_t(job->slot_)] == job) running_[size_t(job->slot_)] = nullptr;
        job->slot_ = -1;
        job->next_token_ = -1;
        publish_gauges();
    }
    metrics_.observe_request_seconds(std::chrono::duration<double>(generation_job::clock::now() - job->arrival_).count());
    job->finish(reason);
}

}  // namespace smol::serve
