#include "server/src/server_metrics.h"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace smol::serve {

namespace {

prometheus::Counter& counter(prometheus::Registry& r, const char* name, const char* help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(r).Add({});
}

prometheus::Gauge& gauge(prometheus::Registry& r, const char* name, const char* help) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(r).Add({});
}

prometheus::Histogram& histogram(prometheus::Registry& r, const char* name, const char* help,
                                 const prometheus::Histogram::BucketBoundaries& buckets) {
    return prometheus::BuildHistogram().Name(name).Help(help).Register(r).Add({}, buckets);
}

const prometheus::Histogram::BucketBoundaries seconds_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                                  1,     2.5,  5,     10,   30,  60,   120};

}  // namespace

server_metrics::server_metrics(int32_t slots)
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter().Name("smol_requests_total").Help("HTTP requests answered, by endpoint and status").Register(*registry_)),
      rejected_(counter(*registry_, "smol_requests_rejected_total", "generation requests refused with 503: queue full or shutting down")),
      cancelled_(counter(*registry_, "smol_requests_cancelled_total", "generations stopped because the client disconnected or the server shut down")),
      prompt_tokens_(counter(*registry_, "smol_prompt_tokens_total", "prompt tokens evaluated")),
      generated_tokens_(counter(*registry_, "smol_generated_tokens_total", "tokens generated")),
      queue_depth_(gauge(*registry_, "smol_queue_depth", "generation requests waiting for a slot")),
      slots_in_use_(gauge(*registry_, "smol_slots_in_use", "KV-cache slots held by a generation")),
      slots_total_(gauge(*registry_, "smol_slots_total", "KV-cache slots (--parallel)")),
      decode_tokens_per_second_(gauge(*registry_, "smol_decode_tokens_per_second", "tokens per second of the last batched decode step")),
      request_seconds_(histogram(*registry_, "smol_request_duration_seconds", "generation request latency, arrival to last token", seconds_buckets)),
      first_token_seconds_(histogram(*registry_, "smol_time_to_first_token_seconds", "arrival to first generated token", seconds_buckets)),
      decode_step_seconds_(histogram(*registry_, "smol_decode_step_seconds", "one batched decode step",
                                     {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1})),
      decode_batch_size_(histogram(*registry_, "smol_decode_batch_size", "sequences per batched decode step",
                                   {1, 2, 4, 8, 16, 32, 64})) {
    slots_total_.Set(double(slots));
}

void server_metrics::count_request(const std::string& endpoint, int status) {
    requests_.Add({{"endpoint", endpoint}, {"status", std::to_string(status)}}).Increment();
}

void server_metrics::observe_decode_step(int32_t tokens, double seconds) {
    decode_step_seconds_.Observe(seconds);
    decode_batch_size_.Observe(double(tokens));
    if (seconds > 0) decode_tokens_per_second_.Set(double(tokens) / seconds);
}

std::string server_metrics::text() const {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, registry_->Collect());
    return out.str();
}

}  // namespace smol::serve
