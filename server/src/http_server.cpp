#include "server/src/http_server.h"

#include "common/error.h"
#include "engine/chat/chat_prompt.h"
#include "server/src/api_error.h"
#include "server/src/chat_page.h"
#include "server/src/openai_responses.h"
#include "server/src/request_parsing.h"
#include "server/src/sse.h"
#include "server/src/text_output.h"

#include <httplib.h>

#include <chrono>
#include <ctime>
#include <fmt/format.h>
#include <thread>

namespace smol::serve {

using nlohmann::json;

namespace {

constexpr const char* json_type = "application/json";

void send_error(httplib::Response& res, const api_error& e) {
    res.status = e.status();
    res.set_content(json_text(e.to_json()), json_type);
}

// A handler body whose api_error becomes the JSON error response.
template <typename Fn>
httplib::Server::Handler answering(Fn fn) {
    return [fn](const httplib::Request& req, httplib::Response& res) {
        try {
            fn(req, res);
        } catch (const api_error& e) {
            send_error(res, e);
        }
    };
}

// The label of a request in smol_requests_total: the route, never the raw path (a client could invent
// unboundedly many).
std::string endpoint_label(const std::string& path) {
    for (const char* known : {"/v1/completions", "/v1/chat/completions", "/v1/models", "/health", "/metrics",
                              "/tokenize", "/detokenize", "/"})
        if (path == known) return known;
    if (path.starts_with("/v1/models/")) return "/v1/models/{id}";
    return "other";
}

const char* finish_reason_text(finish_reason r) { return r == finish_reason::stop_token ? "stop" : "length"; }

// What a generation's HTTP answer needs after the handler has returned (cpp-httplib calls the content
// provider later, on the same connection thread).
struct answer_state {
    std::shared_ptr<generation_job> job;
    text_output text;
    response_meta meta;
    bool stream;
    bool include_usage;
};

}  // namespace

http_server::http_server(served_model& model, const server_options& options)
    : model_(model), options_(options), metrics_(model.engine.slots()),
      scheduler_(model.engine, {.queue_limit = options.queue_limit}, metrics_), http_(std::make_unique<httplib::Server>()) {
    // A connection holds a thread while its request is queued or generating: enough threads for every slot
    // and queue place, and more so that a flood still reaches the handlers and gets its 503s.
    const int threads = options_.http_threads > 0 ? options_.http_threads
                                                   : model.engine.slots() + options_.queue_limit + 16;
    http_->new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
    http_->set_payload_max_length(options_.max_body_bytes);
    http_->set_keep_alive_timeout(5);
    http_->set_read_timeout(30);
    http_->set_write_timeout(30);
    add_routes();
}

http_server::~http_server() = default;

int http_server::bind() {
    int port = options_.port;
    if (port == 0) {
        port = http_->bind_to_any_port(options_.host);
        if (port < 0) fail("cannot listen on {}: no free port", options_.host);
    } else if (!http_->bind_to_port(options_.host, port)) {
        fail("cannot listen on {}:{} (in use, or not an address of this machine)", options_.host, port);
    }
    return port;
}

void http_server::run() { http_->listen_after_bind(); }

void http_server::shutdown() {
    if (shutting_down_.exchange(true)) return;
    scheduler_.drain();
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::duration<double>(options_.shutdown_timeout_seconds);
    while (scheduler_.active() > 0 && clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (scheduler_.active() > 0) {
        fmt::print(stderr, "smol serve: shutdown: cancelling {} unfinished generations\n", scheduler_.active());
        scheduler_.cancel_all();
        while (scheduler_.active() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // Stops accepting; run() returns once every connection thread has finished its answer.
    http_->stop();
}

void http_server::check_model_name(const std::string& model) const {
    if (!model.empty() && model != model_.id)
        throw api_error(404, "invalid_request_error",
                        fmt::format("model: '{}' is not served here; this server serves '{}'", model, model_.id), "model",
                        "model_not_found");
}

std::vector<int32_t> http_server::completion_prompt(const std::variant<std::string, std::vector<int32_t>>& prompt) const {
    if (const auto* text = std::get_if<std::string>(&prompt)) return model_.tok.encode(*text, true);
    const auto& ids = std::get<std::vector<int32_t>>(prompt);
    const int32_t vocab = model_.engine.config().vocab_size;
    for (size_t i = 0; i < ids.size(); ++i)
        if (ids[i] >= vocab)
            fail_request("prompt", "prompt[{}]: token id {} is not in the vocabulary (size {})", i, ids[i], vocab);
    return ids;
}

void http_server::generate(const httplib::Request& req, httplib::Response& res, bool chat) {
    const json body = parse_json_body(req.body);
    std::vector<int32_t> prompt;
    generation_params params;
    if (chat) {
        chat_request r = parse_chat_request(body);
        check_model_name(r.model);
        if (!model_.chat)
            throw api_error(400, "invalid_request_error",
                            "messages: this model has no chat template (tokenizer_config.json); use /v1/completions", "messages");
        try {
            prompt = tokenize_conversation(*model_.chat, model_.tok, r.messages, true);
        } catch (const smol::error& e) {  // the template refused the conversation (raise_exception)
            fail_request("messages", "messages: the chat template refused them: {}", e.what());
        }
        params = std::move(r.params);
    } else {
        completion_request r = parse_completion_request(body);
        check_model_name(r.model);
        prompt = completion_prompt(r.prompt);
        params = std::move(r.params);
    }
    const char* prompt_field = chat ? "messages" : "prompt";
    const int32_t context = model_.engine.context_length();
    if (prompt.empty()) fail_request(prompt_field, "{}: no tokens; at least one is needed to start generation", prompt_field);
    if (int64_t(prompt.size()) >= context)
        fail_request(prompt_field, "{}: the prompt is {} tokens but the context holds {} (--ctx-size), leaving no room for a reply",
                     prompt_field, prompt.size(), context);
    const int32_t room = context - int32_t(prompt.size());
    if (params.max_tokens && *params.max_tokens > room)
        fail_request("max_tokens", "max_tokens: {} tokens do not fit: the prompt is {} tokens and the context holds {} (room for {})",
                     *params.max_tokens, prompt.size(), context, room);
    const int32_t max_tokens = params.max_tokens.value_or(room);
    if (max_tokens < 1) fail_request("max_tokens", "max_tokens: must be at least 1");

    auto job = std::make_shared<generation_job>(std::move(prompt), max_tokens, params.sampling,
                                                params.ignore_eos ? std::vector<int32_t>{} : model_.stop_tokens);
    switch (scheduler_.submit(job)) {
        case scheduler::admission::accepted: break;
        case scheduler::admission::queue_full:
            metrics_.count_rejected();
            res.set_header("Retry-After", "1");
            throw api_error(503, "server_error",
                            fmt::format("server busy: all {} slots are generating and {} requests are queued (--queue); "
                                        "retry later", model_.engine.slots(), options_.queue_limit),
                            "", "server_busy");
        case scheduler::admission::shutting_down:
            metrics_.count_rejected();
            throw api_error(503, "server_error", "the server is shutting down", "", "shutting_down");
    }
    const response_meta meta{fmt::format("{}-{}", chat ? "chatcmpl" : "cmpl", next_id_++), int64_t(std::time(nullptr)),
                             model_.id, chat};
    auto state = std::make_shared<answer_state>(
        answer_state{job, text_output(model_.tok, params.stop), meta, params.stream, params.include_usage});

    // Runs after the handler returns. Returning false closes the connection without finishing the answer.
    auto provider = [this, state](size_t, httplib::DataSink& sink) -> bool {
        generation_job& job = *state->job;
        auto write = [&](const std::string& data) {
            if (sink.write(data.data(), data.size())) return true;
            job.cancel();
            metrics_.count_cancelled();
            return false;
        };
        if (state->stream && state->meta.chat && !write(sse_event(chunk_response(state->meta, "", std::nullopt, true))))
            return false;
        std::string text;  // the whole answer, when not streamed
        size_t seen = 0;
        std::string finish = "length";
        for (;;) {
            generation_job::progress p = job.wait(seen, std::chrono::milliseconds(50));
            if (!sink.is_writable()) {  // the client has gone: its slot is freed before the next step
                job.cancel();
                metrics_.count_cancelled();
                return false;
            }
            // Streamed: one chunk per token that adds text, as OpenAI's API sends them.
            auto deliver = [&](const std::string& piece) {
                if (piece.empty()) return true;
                if (!state->stream) {
                    text += piece;
                    return true;
                }
                return write(sse_event(chunk_response(state->meta, piece, std::nullopt)));
            };
            for (int32_t token : p.tokens) {
                ++seen;
                if (!deliver(state->text.push(token))) return false;
                if (state->text.stopped()) break;
            }
            const bool done = p.finished || state->text.stopped();
            if (state->text.stopped()) {
                job.cancel();  // a stop sequence ended the text: no more tokens are needed
                finish = "stop";
            } else if (p.finished) {
                if (p.reason == finish_reason::cancelled) return false;  // shutdown ran out of time
                finish = finish_reason_text(p.reason);
                if (!deliver(state->text.finish())) return false;
            }
            if (done) break;
        }
        const int32_t prompt_tokens = job.prompt_tokens(), completion_tokens = int32_t(seen);
        if (state->stream) {
            std::string tail = sse_event(chunk_response(state->meta, "", finish));
            if (state->include_usage) tail += sse_event(usage_chunk(state->meta, prompt_tokens, completion_tokens));
            if (!write(tail + sse_done())) return false;
        } else if (!write(json_text(full_response(state->meta, text, finish, prompt_tokens, completion_tokens)))) {
            return false;
        }
        sink.done();
        return true;
    };
    // However the answer ends (even if the provider never runs), the generation stops with it.
    auto release = [state](bool) { state->job->cancel(); };
    if (params.stream) res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(params.stream ? "text/event-stream" : json_type, provider, release);
}

void http_server::add_routes() {
    httplib::Server& s = *http_;
    s.Get("/", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(chat_page_html(), "text/html; charset=utf-8");
    });
    s.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
        if (shutting_down_) res.status = 503;
        res.set_content(json_text({{"status", shutting_down_ ? "shutting down" : "ok"}}), json_type);
    });
    s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics_.text(), "text/plain; version=0.0.4");
    });
    auto model_object = [this] {
        return json{{"id", model_.id}, {"object", "model"}, {"created", 0}, {"owned_by", "smol32"}};
    };
    s.Get("/v1/models", [model_object](const httplib::Request&, httplib::Response& res) {
        res.set_content(json_text({{"object", "list"}, {"data", json::array({model_object()})}}), json_type);
    });
    s.Get("/v1/models/(.+)", answering([this, model_object](const httplib::Request& req, httplib::Response& res) {
        check_model_name(req.matches[1]);
        res.set_content(json_text(model_object()), json_type);
    }));
    s.Post("/v1/completions", answering([this](const httplib::Request& req, httplib::Response& res) { generate(req, res, false); }));
    s.Post("/v1/chat/completions", answering([this](const httplib::Request& req, httplib::Response& res) { generate(req, res, true); }));
    s.Post("/tokenize", answering([this](const httplib::Request& req, httplib::Response& res) {
        const tokenize_request r = parse_tokenize_request(parse_json_body(req.body));
        res.set_content(json_text({{"tokens", model_.tok.encode(r.content, r.parse_special)}}), json_type);
    }));
    s.Post("/detokenize", answering([this](const httplib::Request& req, httplib::Response& res) {
        const std::vector<int32_t> ids = parse_detokenize_request(parse_json_body(req.body));
        for (size_t i = 0; i < ids.size(); ++i)
            if (!model_.tok.is_valid(ids[i]))
                fail_request("tokens", "tokens[{}]: {} is not a token id (the tokenizer has {})", i, ids[i], model_.tok.size());
        res.set_content(json_text({{"content", model_.tok.decode(ids, false)}}), json_type);
    }));
    // Statuses cpp-httplib sets itself (unknown route 404, body over the limit 413, unreadable request 400)
    // get the same JSON error shape as the handlers' own.
    s.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return;
        std::string message = fmt::format("HTTP {}", res.status);
        if (res.status == 404) message = fmt::format("no endpoint {} {}", req.method, req.path);
        if (res.status == 413) message = fmt::format("the request body exceeds the limit of {} bytes (--max-body-bytes)", options_.max_body_bytes);
        if (res.status == 400) message = "malformed HTTP request";
        res.set_content(error_body(res.status, res.status >= 500 ? "server_error" : "invalid_request_error", message), json_type);
    });
    s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string message = "internal error";
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            message = fmt::format("internal error: {}", e.what());
        } catch (...) {
        }
        res.status = 500;
        res.set_content(error_body(500, "server_error", message), json_type);
    });
    s.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
        metrics_.count_request(endpoint_label(req.path), res.status);
    });
}

}  // namespace smol::serve
