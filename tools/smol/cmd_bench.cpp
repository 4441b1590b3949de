// smol bench: prompt processing (ppN) and generation (tgN) speed of the C++ engine, for each thread count,
// with the memory bandwidth measured in the same run, the decode bound it implies, peak RSS and load time.
// Progress goes to stderr; --json prints one JSON document on stdout.
#include "backends/src/registry.h"
#include "common/error.h"
#include "common/cpu_features.h"
#include "engine/src/kernels.h"
#include "engine/src/perf_measure.h"
#include "engine/src/sampler.h"
#include "tools/smol/cli_common.h"
#include "tools/smol/commands.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace smol::cli {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

// Mean and sample standard deviation as the issue asks; the median too, which a shared machine's
// occasional slow run moves less.
struct stats {
    double mean = 0.0, sd = 0.0, median = 0.0;
    std::vector<double> samples;
};

stats summarize(std::vector<double> samples) {
    stats s;
    for (double x : samples) s.mean += x;
    s.mean /= double(samples.size());
    for (double x : samples) s.sd += (x - s.mean) * (x - s.mean);
    s.sd = samples.size() > 1 ? std::sqrt(s.sd / double(samples.size() - 1)) : 0.0;
    std::vector<double> sorted = samples;
    std::sort(sorted.begin(), sorted.end());
    const size_t mid = sorted.size() / 2;
    s.median = sorted.size() % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    s.samples = std::move(samples);
    return s;
}

nlohmann::json to_json(const stats& s) {
    return {{"mean", s.mean}, {"sd", s.sd}, {"median", s.median}, {"samples", s.samples}};
}

std::vector<int32_t> random_tokens(int32_t n, int32_t vocab, uint64_t seed) {
    random_generator rng(seed);
    std::vector<int32_t> ids(static_cast<size_t>(n));
    for (int32_t& id : ids) id = static_cast<int32_t>(rng.next() % uint64_t(vocab));
    return ids;
}

// Prompt processing: n tokens in one eval from an empty cache, last logits only. Tokens per second.
double run_pp(inference_backend& engine, const std::vector<int32_t>& prompt, std::vector<float>& logits) {
    auto start = clock_type::now();
    engine.eval(prompt, 0, logits, false);
    return double(prompt.size()) / seconds_since(start);
}

// Generation: n single-token evals at positions 0..n-1, as decode runs. Tokens per second.
double run_tg(inference_backend& engine, const std::vector<int32_t>& tokens, std::vector<float>& logits) {
    auto start = clock_type::now();
    for (size_t i = 0; i < tokens.size(); ++i) engine.eval(std::span(&tokens[i], 1), int32_t(i), logits, false);
    return double(tokens.size()) / seconds_since(start);
}

}  // namespace

void register_bench(CLI::App& app) {
    struct options {
        model_options model;
        std::string threads, pp = "128,512";
        int32_t tg = 128;
        int32_t repetitions = 5;
        int32_t bandwidth_mb = -1;  // twice the last-level cache, at least 256 MiB
        simd_options simd;
        std::string act = "f32";
        bool json = false;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("bench", "measure prompt processing and generation speed of the engine");
    opts->model.add_to(*cmd);
    cmd->add_option("-t,--threads", opts->threads, "thread counts, comma-separated (default: every core)");
    cmd->add_option("--pp", opts->pp, "prompt lengths, comma-separated; empty for none");
    add_integer_flag(*cmd, "--tg", opts->tg, 0, INT32_MAX, "tokens generated per generation run; 0 for none (default 128)");
    add_integer_flag(*cmd, "-r,--repetitions", opts->repetitions, 1, 1000000, "timed runs of each test, after one warm-up (default 5)");
    add_integer_flag(*cmd, "--bandwidth-mb", opts->bandwidth_mb, 0, 1 << 20,
                     "DRAM bandwidth buffer, MiB (default: twice the last-level cache, at least 256; 0: skip)");
    cmd->add_flag("--json", opts->json, "print the results as JSON on stdout");
    opts->simd.add_to(*cmd);
    cmd->add_option("--act", opts->act, "activations in products with quantized weights: f32 (exact, default) or int8")
        ->check(CLI::IsMember({"f32", "int8"}));
    cmd->callback([opts] {
        const options& o = *opts;
        std::vector<int32_t> thread_counts;
        if (o.threads.empty()) thread_counts.push_back(default_thread_count());
        else
            thread_counts = parse_int32_list(o.threads, "-t/--threads", 1, thread_pool::max_threads);
        std::vector<int32_t> pp_sizes;
        if (!o.pp.empty())
            pp_sizes = parse_int32_list(o.pp, "--pp", 1, INT32_MAX);
        o.simd.apply();

        auto load_start = clock_type::now();
        loaded_model model = o.model.load();
        const double load_seconds = seconds_since(load_start);
        const model_config& c = model.config();
        int64_t needed = o.tg;
        for (int32_t n : pp_sizes) needed = std::max<int64_t>(needed, n);
        // The KV cache the runs need (not the model's maximum), unless -c asks for more.
        needed = std::max<int64_t>(needed, 1);
        int32_t context = o.model.context_for(c, needed);  // refuses runs that do not fit, naming both
        if (o.model.context_length == -1) context = static_cast<int32_t>(needed);
        smol::backend_options run_options;
        run_options.context = context;
        run_options.act = *parse_activation_numerics(o.act);
        // o.simd.apply() above chose the tier; the kernels named here are the ones the runs will use.
        const char* kernels = simd_level_name(active_simd());
        // With int8 activations the quantized products run the tier's integer kernel (avx512-vnni, avx2, portable).
        const std::string act = run_options.act == activation_numerics::int8
                                    ? fmt::format("int8 ({} integer dot products)", ::smol::kernels::int8_kernel_name())
                                    : std::string("f32");
        const int64_t weight_bytes = decode_weight_bytes(model.weights());
        fmt::print(stderr, "{}: {} weights, {} activations, {} kernels (CPU: {}), loaded in {:.3f} s; {:.1f} MB read per decoded token\n",
                   o.model.path, quant_scheme_name(model.weights().quant), act, kernels, cpu_feature_list(), load_seconds,
                   double(weight_bytes) / 1e6);

        nlohmann::json runs = nlohmann::json::array();
        double first_eval_seconds = -1.0;  // the first run of all: reads the mmapped weights from the page cache or disk
        std::vector<float> logits(size_t(c.vocab_size));
        for (int32_t threads : thread_counts) {
            run_options.threads = threads;
            std::unique_ptr<inference_backend> backend = make_backend("engine", model, run_options);
            inference_backend& engine = *backend;
            nlohmann::json run = {{"threads", threads}};
            auto measure = [&](const std::string& name, auto&& once) {
                const auto warm_start = clock_type::now();
                once();  // warm-up: page in the weights, settle the caches
                if (first_eval_seconds < 0) first_eval_seconds = seconds_since(warm_start);
                std::vector<double> samples;
                for (int32_t r = 0; r < o.repetitions; ++r) samples.push_back(once());
                stats s = summarize(samples);
                fmt::print(stderr, "  t={} {:>6}: {:8.1f} ± {:6.1f} tok/s (median {:.1f})\n", threads, name, s.mean, s.sd, s.median);
                run[name] = to_json(s);
            };
            for (int32_t n : pp_sizes) {
                auto prompt = random_tokens(n, c.vocab_size, uint64_t(n));
                measure(fmt::format("pp{}", n), [&] { return run_pp(engine, prompt, logits); });
            }
            if (o.tg > 0) {
                auto tokens = random_tokens(o.tg, c.vocab_size, 7);
                measure(fmt::format("tg{}", o.tg), [&] { return run_tg(engine, tokens, logits); });
            }
            runs.push_back(run);
        }
        // Before the bandwidth buffer exists, so that it counts the model runs only.
        const int64_t rss = peak_rss_bytes();
        // DRAM: a buffer of twice the last-level cache or more, so that the cache holds at most half of it
        // (a smaller one reads partly from the cache and overstates the bound). Cache-resident: a quarter
        // of the last-level cache, read again and again.
        const int64_t llc = last_level_cache_bytes();
        const int64_t dram_buffer = o.bandwidth_mb >= 0 ? int64_t(o.bandwidth_mb) << 20
                                                        : std::max<int64_t>(2 * llc, int64_t(256) << 20);
        const int64_t cache_buffer = llc > 0 ? llc / 4 : int64_t(4) << 20;
        if (dram_buffer > 0) {
            if (dram_buffer < 2 * llc)
                fmt::print(stderr, "  note: --bandwidth-mb {} is less than twice the {:.0f} MiB last-level cache: the DRAM "
                           "figure is partly cache\n", o.bandwidth_mb, double(llc) / (1 << 20));
            for (nlohmann::json& run : runs) {
                thread_pool pool(run["threads"].get<int32_t>());
                const double bandwidth = memory_read_bandwidth(pool, dram_buffer, 5);
                const double cache_bandwidth = memory_read_bandwidth(pool, cache_buffer, 20);
                const double bound = bandwidth / double(weight_bytes);
                run["bandwidth_gb_s"] = bandwidth / 1e9;
                run["cache_bandwidth_gb_s"] = cache_bandwidth / 1e9;
                run["decode_bound_tok_s"] = bound;
                run["cache_decode_bound_tok_s"] = cache_bandwidth / double(weight_bytes);
                fmt::print(stderr, "  t={} memory read: DRAM {:.1f} GB/s ({:.0f} MiB), cache {:.1f} GB/s ({:.1f} MiB); decode bound "
                           "{:.1f} tok/s from DRAM ({:.1f} if the weights were cache-resident)", pool.size(), bandwidth / 1e9,
                           double(dram_buffer) / (1 << 20), cache_bandwidth / 1e9, double(cache_buffer) / (1 << 20), bound,
                           cache_bandwidth / double(weight_bytes));
                if (o.tg > 0) {
                    const double fraction = run[fmt::format("tg{}", o.tg)]["mean"].get<double>() / bound;
                    run["fraction_of_bound"] = fraction;
                    fmt::print(stderr, ", {:.0f}% of the DRAM bound reached", 100.0 * fraction);
                }
                fmt::print(stderr, "\n");
            }
        }
        const auto image_bytes = int64_t(model.image().size());
        const int64_t kv_bytes = kv_cache_bytes(c, context);
        const int64_t tile_bytes = matrix_cache_bytes(model.weights());
        const int64_t rss_budget = image_bytes + kv_bytes + tile_bytes + (int64_t(64) << 20);
        fmt::print(stderr, "first evaluation (weights paged in) {:.3f} s\n", first_eval_seconds);
        fmt::print(stderr, "peak RSS {:.1f} MB (budget: model {:.1f} + KV cache {:.1f} + repacked weights {:.1f} + 64 MiB = {:.1f} MB)\n",
                   rss / 1e6, image_bytes / 1e6, kv_bytes / 1e6, tile_bytes / 1e6, rss_budget / 1e6);
        if (!o.json) return;
        nlohmann::json doc = {
            {"model", o.model.path},
            {"quant", quant_scheme_name(model.weights().quant)},
            {"simd", kernels},
            {"act", o.act},
            {"int8_kernel", ::smol::kernels::int8_kernel_name()},
            {"hidden_size", c.hidden_size},
            {"n_layers", c.n_layers},
            {"vocab_size", c.vocab_size},
            {"context", context},
            {"repetitions", o.repetitions},
            {"cpu_threads", default_thread_count()},
            {"cpu_features", cpu_feature_list()},
            {"last_level_cache_bytes", llc},
            {"bandwidth_buffer_bytes", dram_buffer},
            {"cache_bandwidth_buffer_bytes", cache_buffer},
            {"load_seconds", load_seconds},
            {"first_eval_seconds", first_eval_seconds},
            {"model_bytes", image_bytes},
            {"weight_bytes_per_token", weight_bytes},
            {"kv_cache_bytes", kv_bytes},
            {"peak_rss_bytes", rss},
            {"rss_budget_bytes", rss_budget},
            {"runs", runs},
        };
        fmt::print("{}\n", doc.dump(2));
    });
}

}  // namespace smol::cli
