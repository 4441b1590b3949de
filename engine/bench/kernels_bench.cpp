// Google Benchmark suite of the engine kernels, one by one, on SmolLM2-135M shapes: INT8 and fp32
// matrix-vector (decode) and matrix-matrix (prefill), attention, norms. Each runs on the AVX2 and the
// portable path. Not a test: timings are never asserted. Run: build/engine/bench/engine_kernels_bench
#include "engine/src/kernels.h"
#include "engine/src/kernels_simd.h"
#include "engine/src/cpu_features.h"
#include "engine/src/sampler.h"
#include "engine/src/thread_pool.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

namespace {

using smol::matrix_view;
using smol::weight_dtype;

struct weights {
    std::vector<int8_t> q8;
    std::vector<float> f32, scales;
    matrix_view view;
};

weights make_weights(int32_t rows, int32_t cols, weight_dtype dtype) {
    smol::random_generator rng(uint64_t(rows) * 7 + uint64_t(cols));
    weights w;
    w.view.dtype = dtype;
    w.view.rows = rows;
    w.view.cols = cols;
    const size_t n = size_t(rows) * size_t(cols);
    if (dtype == weight_dtype::q8) {
        w.q8.resize(n);
        for (int8_t& x : w.q8) x = static_cast<int8_t>(int(rng.next() % 255) - 127);
        w.scales.assign(size_t(rows), 0.01f);
        w.view.q8 = w.q8.data();
        w.view.scales = w.scales.data();
        w.view.scale_count = rows;
    } else {
        w.f32.resize(n);
        for (float& x : w.f32) x = float(rng.uniform() - 0.5);
        w.view.f32 = w.f32.data();
    }
    return w;
}

std::vector<float> activations(size_t n) {
    smol::random_generator rng(3);
    std::vector<float> v(n);
    for (float& x : v) x = float(rng.uniform() * 2.0 - 1.0);
    return v;
}

using matmul_fn = void (*)(float*, const float*, int32_t, const matrix_view&, int32_t, int32_t, float*);

// args: rows, cols, tokens, threads. Rows are split between threads as the transformer splits them.
template <weight_dtype dtype, matmul_fn fn>
void bm_matmul(benchmark::State& state) {
    const auto rows = int32_t(state.range(0)), cols = int32_t(state.range(1)), tokens = int32_t(state.range(2));
    const auto threads = int32_t(state.range(3));
    if (fn == smol::kernels::avx2::matmul_rows && !smol::cpu_has_avx2_fma()) {
        state.SkipWithError("no AVX2/FMA");
        return;
    }
    auto w = make_weights(rows, cols, dtype);
    auto in = activations(size_t(tokens) * cols);
    std::vector<float> out(size_t(tokens) * rows);
    smol::thread_pool pool(threads);
    const auto scratch_floats = size_t(smol::kernels::matmul_scratch_floats(cols));
    std::vector<float> scratch(size_t(threads) * scratch_floats);
    for (auto _ : state) {
        pool.parallel_for(rows, 8, [&](int64_t begin, int64_t end, int32_t thread) {
            fn(out.data(), in.data(), tokens, w.view, int32_t(begin), int32_t(end), scratch.data() + size_t(thread) * scratch_floats);
        });
        benchmark::DoNotOptimize(out.data());
    }
    const double macs = double(rows) * cols * tokens;
    state.counters["GMAC/s"] = benchmark::Counter(macs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["weight GB/s"] = benchmark::Counter(double(rows) * cols * (dtype == weight_dtype::q8 ? 1 : 4) * 1e-9,
                                                       benchmark::Counter::kIsIterationInvariantRate);
    state.counters["tok/s"] = benchmark::Counter(tokens, benchmark::Counter::kIsIterationInvariantRate);
}

// The 135M shapes: q/o projection 576x576, k/v 192x576, gate/up 1536x576, down 576x1536, LM head 49152x576.
void matvec_shapes(benchmark::internal::Benchmark* b) {
    for (int threads : {1, 2})
        for (auto [rows, cols] : {std::pair{576, 576}, {192, 576}, {1536, 576}, {576, 1536}, {49152, 576}})
            b->Args({rows, cols, 1, threads});
}
void matmul_shapes(benchmark::internal::Benchmark* b) {
    for (int threads : {1, 2})
        for (auto [rows, cols] : {std::pair{576, 576}, {1536, 576}, {576, 1536}})
            for (int tokens : {64, 128}) b->Args({rows, cols, tokens, threads});
}
constexpr auto avx2_mm = smol::kernels::avx2::matmul_rows;
constexpr auto portable_mm = smol::kernels::portable::matmul_rows;
BENCHMARK(bm_matmul<weight_dtype::q8, avx2_mm>)->Name("matvec_q8/avx2")->Apply(matvec_shapes)->UseRealTime();
BENCHMARK(bm_matmul<weight_dtype::q8, portable_mm>)->Name("matvec_q8/portable")->Apply(matvec_shapes)->UseRealTime();
BENCHMARK(bm_matmul<weight_dtype::f32, avx2_mm>)->Name("matvec_f32/avx2")->Apply(matvec_shapes)->UseRealTime();
BENCHMARK(bm_matmul<weight_dtype::q8, avx2_mm>)->Name("matmul_q8/avx2")->Apply(matmul_shapes)->UseRealTime();
BENCHMARK(bm_matmul<weight_dtype::q8, portable_mm>)->Name("matmul_q8/portable")->Apply(matmul_shapes)->UseRealTime();
BENCHMARK(bm_matmul<weight_dtype::f32, avx2_mm>)->Name("matmul_f32/avx2")->Apply(matmul_shapes)->UseRealTime();

// One head's attention at one position over `visible` cached positions (head_dim 64): scores, softmax,
// weighted sum of values, as the transformer runs it.
template <bool simd>
void bm_attention_head(benchmark::State& state) {
    const auto visible = int32_t(state.range(0));
    constexpr int32_t head_dim = 64, kv_dim = 192;
    if (simd && !smol::cpu_has_avx2_fma()) {
        state.SkipWithError("no AVX2/FMA");
        return;
    }
    auto keys = activations(size_t(visible) * kv_dim), values = activations(size_t(visible) * kv_dim);
    auto q = activations(head_dim);
    std::vector<float> scores(static_cast<size_t>(visible)), out(head_dim);
    auto attention_scores = simd ? smol::kernels::avx2::attention_scores : smol::kernels::portable::attention_scores;
    auto attention_values = simd ? smol::kernels::avx2::attention_values : smol::kernels::portable::attention_values;
    for (auto _ : state) {
        attention_scores(scores.data(), q.data(), keys.data(), kv_dim, visible, head_dim, 0.125f);
        smol::kernels::softmax(scores.data(), visible);
        attention_values(out.data(), scores.data(), values.data(), kv_dim, visible, head_dim);
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["positions/s"] = benchmark::Counter(visible, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(bm_attention_head<true>)->Name("attention_head/avx2")->Arg(128)->Arg(512)->Arg(2048);
BENCHMARK(bm_attention_head<false>)->Name("attention_head/portable")->Arg(128)->Arg(512)->Arg(2048);

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
