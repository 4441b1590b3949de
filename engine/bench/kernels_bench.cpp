// Google Benchmark suite of the engine kernels, one by one, on SmolLM2-135M shapes: matrix-vector (decode)
// and matrix-matrix (prefill) for every weight type, attention, norms. Matrix kernels and attention run on
// every kernel tier the CPU has (names end in /portable, /avx2, /avx512, /amx; a missing tier reports an error),
// with float32 activations (matvec_*, matmul_*) and int8 ones (matvec_int8_*, matmul_int8_*).
// Not a test: timings are never asserted. Run: build/engine/bench/engine_kernels_bench
#include "common/cpu_features.h"
#include "engine/src/activation_quant.h"
#include "engine/src/kernel_table.h"
#include "engine/src/kernels.h"
#include "model/src/quantize.h"
#include "engine/src/sampler.h"
#include "engine/src/thread_pool.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using smol::matrix_view;
using smol::simd_level;
using smol::weight_dtype;

struct weights {
    std::vector<int8_t> q8;
    std::vector<float> f32, scales;
    std::vector<std::byte> blocks;
    matrix_view view;
};

weights make_weights(int32_t rows, int32_t cols, weight_dtype dtype) {
    smol::random_generator rng(uint64_t(rows) * 7 + uint64_t(cols));
    weights w;
    w.view.dtype = dtype;
    w.view.rows = rows;
    w.view.cols = cols;
    const size_t n = size_t(rows) * size_t(cols);
    std::vector<float> values(n);
    for (float& x : values) x = float(rng.uniform() - 0.5);
    switch (dtype) {
        case weight_dtype::f32: w.f32 = values; w.view.f32 = w.f32.data(); break;
        case weight_dtype::q8:
            w.q8.resize(n);
            for (int8_t& x : w.q8) x = static_cast<int8_t>(int(rng.next() % 255) - 127);
            w.scales.assign(size_t(rows), 0.01f);
            w.view.q8 = w.q8.data();
            w.view.scales = w.scales.data();
            w.view.scale_count = rows;
            break;
        case weight_dtype::q8_0:
        case weight_dtype::q4_0:
            w.blocks.resize(size_t(rows) * size_t(w.view.row_bytes()));
            if (dtype == weight_dtype::q8_0)
                smol::q8_0_quantize(values, {reinterpret_cast<smol::block_q8_0*>(w.blocks.data()), n / 32});
            else smol::q4_0_quantize(values, {reinterpret_cast<smol::block_q4_0*>(w.blocks.data()), n / 32});
            w.view.blocks = w.blocks.data();
            break;
    }
    return w;
}

std::vector<float> activations(size_t n) {
    smol::random_generator rng(3);
    std::vector<float> v(n);
    for (float& x : v) x = float(rng.uniform() * 2.0 - 1.0);
    return v;
}

// The tier's table, or an error on the benchmark where the CPU lacks it.
const smol::kernels::kernel_table* tier_or_skip(benchmark::State& state, simd_level level) {
    const std::string reason = smol::simd_unavailable_reason(level);
    if (reason.empty()) return &smol::kernels::kernels_for(level);
    state.SkipWithError(reason.c_str());
    return nullptr;
}

// args: rows, cols, tokens, threads. Rows are split between threads as the transformer splits them.
template <weight_dtype dtype, simd_level level>
void bm_matmul(benchmark::State& state) {
    const auto rows = int32_t(state.range(0)), cols = int32_t(state.range(1)), tokens = int32_t(state.range(2));
    const auto threads = int32_t(state.range(3));
    const auto* table = tier_or_skip(state, level);
    if (!table) return;
    auto w = make_weights(rows, cols, dtype);
    auto in = activations(size_t(tokens) * cols);
    std::vector<float> out(size_t(tokens) * rows);
    smol::thread_pool pool(threads);
    const auto scratch_floats = size_t(smol::kernels::matmul_scratch_floats(cols));
    std::vector<float> scratch(size_t(threads) * scratch_floats);
    for (auto _ : state) {
        pool.parallel_for(rows, 8, [&](int64_t begin, int64_t end, int32_t thread) {
            table->matmul_rows(out.data(), in.data(), tokens, w.view, int32_t(begin), int32_t(end),
                               scratch.data() + size_t(thread) * scratch_floats);
        });
        benchmark::DoNotOptimize(out.data());
    }
    const double macs = double(rows) * cols * tokens;
    state.counters["GMAC/s"] = benchmark::Counter(macs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["weight GB/s"] = benchmark::Counter(double(rows) * double(w.view.row_bytes()) * 1e-9,
                                                       benchmark::Counter::kIsIterationInvariantRate);
    state.counters["tok/s"] = benchmark::Counter(tokens, benchmark::Counter::kIsIterationInvariantRate);
}

// The int8-activation mode's kernel (matmul_rows_int8, --act int8): the activations quantized once outside
// the timed loop, as the transformer quantizes them once per matrix input. args as bm_matmul.
template <weight_dtype dtype, simd_level level>
void bm_matmul_int8(benchmark::State& state) {
    const auto rows = int32_t(state.range(0)), cols = int32_t(state.range(1)), tokens = int32_t(state.range(2));
    const auto threads = int32_t(state.range(3));
    const auto* table = tier_or_skip(state, level);
    if (!table) return;
    auto w = make_weights(rows, cols, dtype);
    auto in = activations(size_t(tokens) * cols);
    smol::kernels::int8_activation_buffer quantized(tokens, cols);
    quantized.quantize(in.data(), cols, 0, tokens);
    const auto view = quantized.view(cols);
    std::vector<float> out(size_t(tokens) * rows);
    smol::thread_pool pool(threads);
    for (auto _ : state) {
        pool.parallel_for(rows, 8, [&](int64_t begin, int64_t end, int32_t) {
            table->matmul_rows_int8(out.data(), view, tokens, w.view, int32_t(begin), int32_t(end));
        });
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["GMAC/s"] = benchmark::Counter(double(rows) * cols * tokens * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["tok/s"] = benchmark::Counter(tokens, benchmark::Counter::kIsIterationInvariantRate);
}

// The 135M shapes: q/o projection 576x576, k/v 192x576, gate/up 1536x576, down 576x1536, LM head 49152x576.
void matvec_shapes(benchmark::internal::Benchmark* b) {
    constexpr std::pair<int, int> shapes[] = {{576, 576}, {192, 576}, {1536, 576}, {576, 1536}, {49152, 576}};
    for (int threads : {1, 2})
        for (auto [rows, cols] : shapes) b->Args({rows, cols, 1, threads});
    // A batched decode step of `smol serve` (8 sequences), one thread: compute-bound, the tile shape matters.
    for (auto [rows, cols] : shapes) b->Args({rows, cols, 8, 1});
}
void matmul_shapes(benchmark::internal::Benchmark* b) {
    for (int threads : {1, 2})
        for (auto [rows, cols] : {std::pair{576, 576}, {1536, 576}, {576, 1536}})
            for (int tokens : {64, 128}) b->Args({rows, cols, tokens, threads});
}

// `fn` is bm_matmul (float32 activations) or bm_matmul_int8 (int8 activations, names "..._int8_...").
#define SMOL_MATMUL_BENCH(fn, prefix, dtype, tier)                                                                 \
    BENCHMARK(fn<weight_dtype::dtype, simd_level::tier>)->Name("matvec_" prefix #dtype "/" #tier)->Apply(matvec_shapes)->UseRealTime(); \
    BENCHMARK(fn<weight_dtype::dtype, simd_level::tier>)->Name("matmul_" prefix #dtype "/" #tier)->Apply(matmul_shapes)->UseRealTime()
#define SMOL_MATMUL_BENCH_TIERS(fn, prefix, dtype) \
    SMOL_MATMUL_BENCH(fn, prefix, dtype, portable); \
    SMOL_MATMUL_BENCH(fn, prefix, dtype, avx2);     \
    SMOL_MATMUL_BENCH(fn, prefix, dtype, avx512);   \
    SMOL_MATMUL_BENCH(fn, prefix, dtype, amx)
SMOL_MATMUL_BENCH_TIERS(bm_matmul, "", q8);
SMOL_MATMUL_BENCH_TIERS(bm_matmul, "", q8_0);
SMOL_MATMUL_BENCH_TIERS(bm_matmul, "", q4_0);
SMOL_MATMUL_BENCH_TIERS(bm_matmul, "", f32);
SMOL_MATMUL_BENCH_TIERS(bm_matmul_int8, "int8_", q8);
SMOL_MATMUL_BENCH_TIERS(bm_matmul_int8, "int8_", q8_0);
SMOL_MATMUL_BENCH_TIERS(bm_matmul_int8, "int8_", q4_0);

// One head's attention at one position over `visible` cached positions (head_dim 64): scores, softmax,
// weighted sum of values, as the transformer runs it.
template <simd_level level>
void bm_attention_head(benchmark::State& state) {
    const auto visible = int32_t(state.range(0));
    constexpr int32_t head_dim = 64, kv_dim = 192;
    const auto* table = tier_or_skip(state, level);
    if (!table) return;
    auto keys = activations(size_t(visible) * kv_dim), values = activations(size_t(visible) * kv_dim);
    auto q = activations(head_dim);
    std::vector<float> scores(static_cast<size_t>(visible)), out(head_dim);
    for (auto _ : state) {
        table->attention_scores(scores.data(), q.data(), keys.data(), kv_dim, visible, head_dim, 0.125f);
        table->softmax(scores.data(), visible);
        table->attention_values(out.data(), scores.data(), values.data(), kv_dim, visible, head_dim);
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["positions/s"] = benchmark::Counter(visible, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(bm_attention_head<simd_level::avx2>)->Name("attention_head/avx2")->Arg(128)->Arg(512)->Arg(2048);
BENCHMARK(bm_attention_head<simd_level::portable>)->Name("attention_head/portable")->Arg(128)->Arg(512)->Arg(2048);

void bm_rmsnorm(benchmark::State& state) {
    const auto n = int32_t(state.range(0));
    auto x = activations(size_t(n)), weight = activations(size_t(n));
    std::vector<float> out(static_cast<size_t>(n));
    for (auto _ : state) {
        smol::kernels::rmsnorm(out.data(), x.data(), weight.data(), n, 1e-5f);
        benchmark::DoNotOptimize(out.data());
    }
}
BENCHMARK(bm_rmsnorm)->Arg(576)->Arg(2048);

void bm_silu_mul(benchmark::State& state) {
    const auto n = int32_t(state.range(0));
    auto gate = activations(size_t(n)), up = activations(size_t(n));
    for (auto _ : state) {
        smol::kernels::silu_mul(gate.data(), up.data(), n);
        benchmark::DoNotOptimize(gate.data());
        benchmark::ClobberMemory();
    }
}
BENCHMARK(bm_silu_mul)->Arg(1536);

void bm_softmax(benchmark::State& state) {
    const auto n = int32_t(state.range(0));
    auto x = activations(size_t(n));
    for (auto _ : state) {
        auto y = x;
        smol::kernels::softmax(y.data(), n);
        benchmark::DoNotOptimize(y.data());
    }
}
BENCHMARK(bm_softmax)->Arg(512)->Arg(49152);

}  // namespace

BENCHMARK_MAIN();
