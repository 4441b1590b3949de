#pragma once
// The server's Prometheus metrics (prometheus-cpp), served as text at GET /metrics: requests by endpoint
// and status, rejections and cancellations, tokens, queue depth and slots in use, latency histograms
// (whole request, time to first token, decode step) and the decode throughput of the last step.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

namespace smol::serve {

class server_metrics {
public:
    explicit server_metrics(int32_t slots);

    void count_request(const std::string& endpoint, int status);
    void count_rejected() { rejected_.Increment(); }
    void count_cancelled() { cancelled_.Increment(); }
    void count_prompt_tokens(int64_t n) { prompt_tokens_.Increment(double(n)); }
    void count_generated_tokens(int64_t n) { generated_tokens_.Increment(double(n)); }
    void set_queue_depth(int64_t n) { queue_depth_.Set(double(n)); }
    void set_slots_in_use(int64_t n) { slots_in_use_.Set(double(n)); }
    void observe_request_seconds(double s) { request_seconds_.Observe(s); }
    void observe_first_token_seconds(double s) { first_token_seconds_.Observe(s); }
    // One batched decode step of `tokens` sequences.
    void observe_decode_step(int32_t tokens, double seconds);

    std::string text() const;  // the Prometheus text exposition format

private:
    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Counter& rejected_;
    prometheus::Counter& cancelled_;
    prometheus::Counter& prompt_tokens_;
    prometheus::Counter& generated_tokens_;
    prometheus::Gauge& queue_depth_;
    prometheus::Gauge& slots_in_use_;
    prometheus::Gauge& slots_total_;
    prometheus::Gauge& decode_tokens_per_second_;
    prometheus::Histogram& request_seconds_;
    prometheus::Histogram& first_token_seconds_;
    prometheus::Histogram& decode_step_seconds_;
    prometheus::Histogram& decode_batch_size_;
};

}  // namespace smol::serve
