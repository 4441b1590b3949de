// smol chat: an interactive conversation through the model's chat template. The KV cache persists across
// turns: each turn re-renders the conversation and prefills only what the cache does not already hold.
#include "common/error.h"
#include "engine/chat/chat_prompt.h"
#include "engine/src/generate.h"
#include "engine/tokenizer/utf8.h"
#include "tools/smol/cli_common.h"
#include "tools/smol/cli_output.h"
#include "tools/smol/commands.h"

#include <atomic>
#include <csignal>
#include <fmt/format.h>
#include <iostream>
#include <unistd.h>

namespace smol::cli {

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) { interrupted = true; }

// Ctrl-C stops the reply being generated; at the prompt it ends the chat. No SA_RESTART, so a blocked read
// returns and the prompt loop sees the interruption.
void install_interrupt_handler() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
}

size_t common_prefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
    size_t n = 0;
    while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
    return n;
}

struct chat_state {
    std::vector<chat_message> messages;
    std::vector<int32_t> cached;  // the tokens whose keys and values the back end holds, from position 0
};

}  // namespace

void register_chat(CLI::App& app) {
    struct options {
        generation_options gen;
        std::string system;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("chat", "talk with the model (commands: /reset, /exit; //text sends /text)");
    opts->gen.add_to(*cmd, 512, 1, "maximum tokens per reply", false);
    cmd->add_option("--system", opts->system, "system prompt (default: the template's own)");
    cmd->callback([opts] {
        sampling_params sampling = opts->gen.sampling.params();
        loaded_model model = opts->gen.model.load();
        const model_config& c = model.config();
        tokenizer tok = opts->gen.text.load_tokenizer(opts->gen.model.path, c);
        chat_template tmpl = load_model_chat_template(opts->gen.model.path, opts->gen.text);
        auto backend = opts->gen.backend.make(model, opts->gen.model.context_for(c, int64_t{opts->gen.n_predict} + 1), opts->gen.cpu);
        inference_backend& engine = *backend;
        sampler sampler(sampling);
        const std::vector<int32_t> stops = opts->gen.sampling.stop_tokens(c, &tok);
        const bool interactive = ::isatty(STDIN_FILENO);
        install_interrupt_handler();

        chat_state state;
        auto reset = [&] {
            state.messages.clear();
            if (!opts->system.empty()) state.messages.push_back({"system", opts->system});
            state.cached.clear();
        };
        reset();
        fmt::print(stderr, "chat: {} (context {} tokens, seed {}); /reset starts over, /exit or Ctrl-D ends\n",
                   opts->gen.model.path, engine.context_length(), sampling.seed);
        std::string line;
        while (true) {
            if (interactive) fmt::print("> ");
            std::fflush(stdout);
            interrupted = false;
            if (!std::getline(std::cin, line) || interrupted) break;
            if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF input ends a line like LF
            if (line == "/exit") break;
            if (line == "/reset") {
                reset();
                fmt::print(stderr, "(conversation reset)\n");
                continue;
            }
            if (line.starts_with("//")) {
                line.erase(0, 1);  // "//text" sends "/text"
            } else if (line.starts_with("/")) {
                fmt::print(stderr, "unknown command {} (commands: /reset, /exit; start with // to send a '/')\n",
                           escape_message(line.substr(0, line.find(' '))));
                continue;
            }
            if (line.empty()) continue;
            state.messages.push_back({"user", line});
            std::vector<int32_t> ids = tokenize_conversation(tmpl, tok, state.messages, true);
            if (int64_t(ids.size()) + opts->gen.n_predict > engine.context_length()) {
                state.messages.pop_back();
                fmt::print(stderr, "error: context full: the conversation is {} tokens and a reply may take {} more, "
                                   "but the context holds {}; /reset to start over\n",
                           ids.size(), opts->gen.n_predict, engine.context_length());
                continue;
            }
            // Reuse the cached prefix; at least the last token is evaluated again to get fresh logits.
            const size_t reuse = std::min(common_prefix(state.cached, ids), ids.size() - 1);
            std::span<const int32_t> fresh(ids.data() + reuse, ids.size() - reuse);
            generation_request request{fresh, int32_t(reuse), opts->gen.n_predict, stops};
            std::vector<int32_t> reply;
            utf8_stream text;
            generation_stats stats = generate(engine, request, sampler, [&](int32_t token) {
                reply.push_back(token);
                fmt::print("{}", text.push(tok.generated_bytes(token)));
                check_standard_output();
                return !interrupted.load();
            });
            fmt::print("{}\n", text.finish());
            // The cache now holds the prompt and every reply token but the last one sampled.
            state.cached = ids;
            state.cached.insert(state.cached.end(), reply.begin(), reply.end() - (reply.empty() ? 0 : 1));
            if (!reply.empty() && std::find(stops.begin(), stops.end(), reply.back()) != stops.end()) reply.pop_back();
            // Ids past the tokenizer have no text (cli_common.h): the history keeps what was printed.
            std::erase_if(reply, [&](int32_t id) { return id >= tok.size(); });
            state.messages.push_back({"assistant", tok.decode(reply, true)});
            fmt::print(stderr, "[{} new prompt tokens, {} cached; {} generated at {:.1f} tok/s; stop: {}]\n",
                       fresh.size(), reuse, stats.generated_tokens,
                       stats.generated_tokens / std::max(stats.generate_seconds, 1e-9), stop_reason_name(stats.reason));
        }
        if (interactive) fmt::print("\n");
    });
}

}  // namespace smol::cli
