// Batched decode throughput of the engine alone (not a test: timings are never asserted): transformer::
// decode_step with 1 and with N sequences, each in its own KV-cache slot at its own position, on random
// weights of a preset's geometry. Rounds alternate the two so that a shared machine's load hits both alike;
// the ratio of medians is the batching gain `smol serve` can reach at most (docs/serve.md). `--clock cpu`
// times the process's CPU time instead of the wall clock: on a loaded machine, with -t 1, the time the
// step ran rather than the time it waited for a core (with -t 2 it counts the pool's waits too).
//   decode_step_bench [--preset smollm2-135m] [--quant q8] [-t 2] [--streams 8] [--steps 32] [--rounds 5]
//                     [--clock wall|cpu]
#include "common/error.h"
#include "engine/src/make_model.h"
#include "engine/src/transformer.h"
#include "engine/tests/test_models.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace {

struct options {
    std::string preset = "smollm2-135m";
    smol::quant_scheme quant = smol::quant_scheme::q8;
    int32_t threads = 2, streams = 8, steps = 32, rounds = 5;
    bool cpu_clock = false;
};

int32_t positive(const char* flag, const char* text) {
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (*end || v < 1 || v > 4096) smol::fail("{} {}: expected an integer in 1..4096", flag, text);
    return int32_t(v);
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) smol::fail("{} needs a value", flag);
        const char* value = argv[i + 1];
        if (flag == "--preset") o.preset = value;
        else if (flag == "--quant") o.quant = smol::parse_quant_scheme(value);
        else if (flag == "-t") o.threads = positive("-t", value);
        else if (flag == "--streams") o.streams = positive("--streams", value);
        else if (flag == "--steps") o.steps = positive("--steps", value);
        else if (flag == "--rounds") o.rounds = positive("--rounds", value);
        else if (flag == "--clock") {
            if (std::string(value) != "wall" && std::string(value) != "cpu") smol::fail("--clock {}: expected wall or cpu", value);
            o.cpu_clock = std::string(value) == "cpu";
        } else smol::fail("unknown option {} (--preset, --quant, -t, --streams, --steps, --rounds, --clock)", flag);
    }
    return o;
}

double median(std::vector<double> xs) {
    std::sort(xs.begin(), xs.end());
    const size_t m = xs.size() / 2;
    return xs.size() % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

constexpr int32_t prompt_tokens = 16;

double seconds(bool cpu_clock) {
    if (!cpu_clock) return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// `steps` decode steps of the first n slots, from position prompt_tokens on (the caches were prefilled).
double tokens_per_second(smol::transformer& t, int32_t n, int32_t steps, std::vector<float>& logits, bool cpu_clock) {
    std::vector<smol::transformer::decode_row> rows(static_cast<size_t>(n));
    const double start = seconds(cpu_clock);
    for (int32_t step = 0; step < steps; ++step) {
        for (int32_t s = 0; s < n; ++s) rows[size_t(s)] = {s, (s * 31 + step * 7 + 1) % 1000, prompt_tokens + step};
        t.decode_step(rows, std::span(logits.data(), size_t(n) * size_t(t.config().vocab_size)));
    }
    return double(n) * steps / (seconds(cpu_clock) - start);
}

}  // namespace

int main(int argc, char** argv) try {
    const options o = parse(argc, argv);
    const smol::model_config c = smol::make_model_preset(o.preset);
    auto model = smol::testing::random_image_model(c, o.quant);
    smol::transformer t(model.weights, prompt_tokens + o.steps, smol::transformer::default_max_batch, o.threads, o.streams);
    std::vector<float> logits(size_t(o.streams) * size_t(c.vocab_size));
    for (int32_t s = 0; s < o.streams; ++s) {
        std::vector<int32_t> prompt(prompt_tokens);
        for (int32_t i = 0; i < prompt_tokens; ++i) prompt[size_t(i)] = (s * 13 + i * 5 + 2) % 1000;
        t.eval_slot(s, prompt, 0, std::span(logits.data(), size_t(c.vocab_size)), false);
    }
    tokens_per_second(t, o.streams, 2, logits, o.cpu_clock);  // warm-up: page in the weights
    std::vector<double> one, many;
    for (int32_t r = 0; r < o.rounds; ++r) {
        one.push_back(tokens_per_second(t, 1, o.steps, logits, o.cpu_clock));
        many.push_back(tokens_per_second(t, o.streams, o.steps, logits, o.cpu_clock));
    }
    std::printf("%s %s, %d threads, %d steps, %s time, median of %d rounds:\n  1 sequence:   %.1f tok/s\n"
                "  %d sequences: %.1f tok/s aggregate (%.2fx)\n",
                o.preset.c_str(), smol::quant_scheme_name(o.quant), o.threads, o.steps, o.cpu_clock ? "cpu" : "wall", o.rounds, median(one), o.streams,
                median(many), median(many) / median(one));
    return 0;
} catch (const smol::error& e) {
    std::fprintf(stderr, "decode_step_bench: error: %s\n", e.what());
    return 1;
}
