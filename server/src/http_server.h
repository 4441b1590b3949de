#pragma once
// `smol serve`'s HTTP side (cpp-httplib): the OpenAI endpoints, /health, /metrics, /tokenize, /detokenize
// and the chat page at /, in front of the continuous-batching scheduler. Each request is parsed and checked
// completely before it reaches the scheduler; every refusal is an OpenAI-style JSON error. A client that
// goes away is noticed while its answer is produced (the socket is polled between tokens) and its
// generation is cancelled, which frees its slot before the next decode step.
#include "engine/chat/chat_template.h"
#include "engine/src/transformer.h"
#include "engine/tokenizer/tokenizer.h"
#include "server/src/scheduler.h"
#include "server/src/server_metrics.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <variant>
#include <string>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace smol::serve {

struct served_model {
    std::string id;  // the name clients pass as "model" (GET /v1/models lists it)
    transformer& engine;  // its slots() are --parallel
    const tokenizer& tok;
    std::optional<chat_template> chat;  // none: /v1/chat/completions refuses, naming why
    std::vector<int32_t> stop_tokens;  // end-of-sequence / end-of-turn ids (ignore_eos drops them)
};

struct server_options {
    std::string host = "127.0.0.1";
    int port = 8080;  // 0: any free port (printed)
    int32_t queue_limit = 64;
    size_t max_body_bytes = 1 << 20;
    int http_threads = 0;  // 0: enough for every slot, the queue and a few more
    double shutdown_timeout_seconds = 10.0;
};

class http_server {
public:
    http_server(served_model& model, const server_options& options);
    ~http_server();

    // Binds the listening socket; returns the port (a free one for port 0). Throws smol::error on failure.
    int bind();
    // Serves until shutdown() has finished. Call after bind().
    void run();
    // Safe from another thread, more than once: refuses new generations (503), lets those in flight finish
    // for up to shutdown_timeout_seconds, cancels the rest, then stops the listener so run() returns.
    void shutdown();

private:
    void add_routes();
    void generate(const httplib::Request& req, httplib::Response& res, bool chat);
    std::vector<int32_t> completion_prompt(const std::variant<std::string, std::vector<int32_t>>& prompt) const;
    void check_model_name(const std::string& model) const;

    served_model& model_;
    server_options options_;
    server_metrics metrics_;
    scheduler scheduler_;
    std::unique_ptr<httplib::Server> http_;
    std::atomic<bool> shutting_down_{false};
    std::atomic<uint64_t> next_id_{1};
};

}  // namespace smol::serve
