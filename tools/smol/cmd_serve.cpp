// smol serve: the OpenAI-compatible HTTP server (server/, docs/serve.md). This file only reads the flags,
// loads the model and runs the server until SIGTERM or SIGINT.
#include "common/cpu_features.h"
#include "common/error.h"
#include "engine/src/transformer.h"
#include "server/src/http_server.h"
#include "tools/smol/cli_common.h"
#include "tools/smol/commands.h"

#include <csignal>
#include <filesystem>
#include <fmt/format.h>
#include <pthread.h>
#include <thread>

namespace smol::cli {

namespace {

// A reply must not depend on what it is batched with (docs/serve.md). The amx tier runs passes of 16 tokens or
// more on AMX tiles, which sum in another float32 order than its one-token path, so a pass's size would move the
// last bits of every sequence in it. Unless the tier was asked for (--simd, SMOL_SIMD), the server runs the
// avx512 kernels the amx tier's CPU also has; asked for, it runs amx and says what that costs.
void keep_replies_batch_invariant() {
    if (active_simd() != simd_level::amx) return;
    if (!simd_asked_for()) {
        set_simd(simd_level::avx512);
        fmt::print(stderr, "smol serve: kernel tier avx512 (amx's prefill tiles would make replies depend on the batch;"
                           " --simd amx to use them anyway)\n");
    } else {
        fmt::print(stderr, "smol serve: kernel tier amx: a reply may differ in its last bits with the batch it runs in\n");
    }
}

// The model's name for clients: the directory or file name without its extension.
std::string default_model_id(const std::string& path) {
    std::filesystem::path p(path);
    if (p.filename().empty()) p = p.parent_path();
    return p.stem().string();
}

}  // namespace

void register_serve(CLI::App& app) {
    struct options {
        model_options model;
        engine_options cpu;
        text_options text;
        serve::server_options server;
        int32_t parallel = 4;
        std::string alias;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("serve", "OpenAI-compatible HTTP server with continuous batching and a chat page at /");
    opts->model.add_to(*cmd);
    opts->cpu.add_to(*cmd);
    opts->text.add_to(*cmd, false);
    cmd->add_option("--host", opts->server.host, "address to listen on (default 127.0.0.1)");
    add_integer_flag(*cmd, "--port", opts->server.port, 0, 65535, "port (default 8080; 0: any free port, printed)");
    add_integer_flag(*cmd, "--parallel", opts->parallel, 1, 256, "sequences decoded together, each with its own KV cache (default 4)");
    add_integer_flag(*cmd, "--queue", opts->server.queue_limit, 0, 100000,
                     "requests waiting for a slot before the server answers 503 (default 64)");
    add_integer_flag(*cmd, "--max-body-bytes", opts->server.max_body_bytes, 1, size_t(1) << 30, "largest request body (default 1 MiB)");
    add_integer_flag(*cmd, "--http-threads", opts->server.http_threads, 1, 4096,
                     "connection threads (default: --parallel + --queue + 16)");
    add_real_flag(*cmd, "--shutdown-timeout", opts->server.shutdown_timeout_seconds, 0.0, 3600.0, false,
                  "seconds SIGTERM waits for generations in flight before cancelling them (default 10)");
    cmd->add_option("--alias", opts->alias, "model name clients use (default: the model's file or directory name)");
    cmd->callback([opts] {
        // SIGTERM and SIGINT go to one thread that shuts the server down; blocked before any thread starts,
        // so that none of the engine's or the server's threads receives them.
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGTERM);
        sigaddset(&stop_signals, SIGINT);
        pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
        std::signal(SIGPIPE, SIG_IGN);  // a client gone mid-write is an error return, not the end of the server

        loaded_model model = opts->model.load();
        const model_config& c = model.config();
        tokenizer tok = opts->text.load_tokenizer(opts->model.path, c);
        std::optional<chat_template> chat;
        try {
            chat = load_model_chat_template(opts->model.path, opts->text);
        } catch (const smol::error& e) {
            fmt::print(stderr, "note: no chat template ({}); /v1/chat/completions is refused\n", e.what());
        }
        const int32_t context = opts->model.context_for(c, 2);
        const int32_t threads = opts->cpu.thread_count();  // applies --simd / SMOL_SIMD
        keep_replies_batch_invariant();
        transformer engine(model.weights(), context, transformer::default_max_batch, threads, opts->parallel);
        serve::served_model served{opts->alias.empty() ? default_model_id(opts->model.path) : opts->alias, engine, tok,
                                   std::move(chat), sampling_options{}.stop_tokens(c, &tok)};
        serve::http_server server(served, opts->server);
        const int port = server.bind();
        std::thread signal_thread([&] {
            int signal = 0;
            sigwait(&stop_signals, &signal);
            fmt::print(stderr, "smol serve: {}: finishing the requests in flight\n", signal == SIGINT ? "SIGINT" : "SIGTERM");
            server.shutdown();
        });
        fmt::print(stderr, "smol serve: {} on http://{}:{} ({} slots of {} tokens, {} threads, queue {})\n", served.id,
                   opts->server.host, port, engine.slots(), context, engine.threads(), opts->server.queue_limit);
        server.run();
        server.shutdown();  // run() also ends when the listener fails: the signal thread is then woken by us
        pthread_kill(signal_thread.native_handle(), SIGTERM);
        signal_thread.join();
        fmt::print(stderr, "smol serve: stopped\n");
    });
}

}  // namespace smol::cli
