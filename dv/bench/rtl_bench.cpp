// smol_rtl_bench: cycles per token of the firmware forward pass on the Verilated core, free-running (no
// lockstep), for each memory latency and position asked; docs/rtl.md "Measured" records its figures.
// After each run the logits are byte-compared with a free ISS run of the same pass, so a figure is never
// reported for a wrong answer. A later position runs on a zero KV cache: the cycles do not depend on the
// cached values, only on how many positions the attention reads.
//   smol_rtl_bench --preset smollm2-135m --latency 1,20 --positions 0,255
#include "common/error.h"
#include "dv/target/rtl_target.h"
#include "engine/src/make_model.h"
#include "engine/tests/test_models.h"
#include "firmware/src/descriptor.h"
#include "firmware/src/firmware_backend.h"
#include "firmware/src/firmware_image.h"
#include "firmware/src/iss_target.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace smol;

struct bench_options {
    std::string preset = "smollm2-135m";
    std::string quant = "q8";
    std::vector<unsigned> latencies = {1, 20};
    std::vector<int32_t> positions = {0};
    unsigned bandwidth = 16;
    int32_t token = 1;
    uint64_t model_seed = 5;
    bool kernels = true;
};

struct kernel_cycles {
    uint64_t cycles = 0, instructions = 0;
};

// One forward pass at `pos` on both models; returns 0 when the logits agree.
int bench_one(firmware::firmware_backend& backend, iss::machine& m, unsigned latency, int32_t pos,
              const bench_options& o, size_t vocab) {
    const firmware::memory_plan& plan = backend.plan();
    for (auto [field, value] : {std::pair{offsetof(firmware::descriptor, token), uint32_t(o.token)},
                                std::pair{offsetof(firmware::descriptor, pos), uint32_t(pos)}})
        m.mem().write32(plan.descriptor + field, value);
    rtl::rtl_target t(plan.size, {latency, o.bandwidth});
    t.write_memory(0, m.mem().data(), plan.size);  // before the ISS writes its KV cache and logits
    const uint32_t entry = firmware::symbol_address("forward");

    m.reset(entry);
    const iss::run_result ir = m.run(UINT64_MAX);
    if (ir.reason != iss::stop_reason::halted) fail("the ISS did not halt in the forward pass");

    t.reset(entry);
    std::map<std::string, kernel_cycles> per_kernel;
    uint64_t last_cycle = 0;
    if (o.kernels)
        t.set_commit_hook([&](const iss::commit_record& r) {
            kernel_cycles& k = per_kernel[std::string(firmware::kernel_of(r.pc))];
            const uint64_t now = t.counters().cycles;
            k.cycles += now - last_cycle;  // the cycles up to this retirement belong to its instruction
            ++k.instructions;
            last_cycle = now;
        });
    const auto t0 = std::chrono::steady_clock::now();
    const rtl::run_result rr = t.run(UINT64_MAX);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (rr.reason != rtl::stop_reason::halted) fail("the RTL core did not halt in the forward pass");

    std::vector<uint8_t> a(vocab * 4), b(vocab * 4);
    m.mem().read(plan.logits, a.data(), a.size());
    t.read_memory(plan.logits, b.data(), b.size());
    const bool same = a == b;
    const rtl::run_counters& c = t.counters();
    const rtl::rtl_stall_counts& st = t.stall_counts();
    std::printf("%s %s latency %u bandwidth %u B/cycle position %d: %llu cycles, %llu instructions, "
                "%.2f cycles/instruction; stalls: memory %llu, dependency %llu, multi-cycle %llu; "
                "%.1f s, %.0f cycles/s; logits %s\n",
                o.preset.c_str(), o.quant.c_str(), latency, o.bandwidth, pos, (unsigned long long)c.cycles,
                (unsigned long long)c.instret, c.instret ? double(c.cycles) / double(c.instret) : 0.0,
                (unsigned long long)st.memory, (unsigned long long)st.dependency, (unsigned long long)st.multicycle,
                secs, secs > 0 ? double(c.cycles) / secs : 0.0,
                same ? "byte-identical to the ISS" : "DIFFER from the ISS");
    for (const auto& [name, k] : per_kernel)
        std::printf("  %-16s %12llu cycles %10llu instructions %6.1f%%\n", name.empty() ? "(before)" : name.c_str(),
                    (unsigned long long)k.cycles, (unsigned long long)k.instructions,
                    c.cycles ? 100.0 * double(k.cycles) / double(c.cycles) : 0.0);
    std::fflush(stdout);
    return same ? 0 : 2;
}

int run(const bench_options& o) {
    const quant_scheme quant = parse_quant_scheme(o.quant);
    int32_t max_pos = 0;
    for (int32_t p : o.positions) {
        if (p < 0) fail("--positions: {} is negative", p);
        max_pos = std::max(max_pos, p);
    }
    auto model = testing::random_image_model(make_model_preset(o.preset), quant, o.model_seed);
    firmware::firmware_backend backend(model.weights, {model.image.data(), model.image.size()}, max_pos + 1,
                                       firmware::iss_target_factory());
    iss::machine& m = static_cast<firmware::iss_target&>(backend.target()).machine();
    const size_t vocab = size_t(model.weights.config.vocab_size);
    int status = 0;
    for (unsigned lat : o.latencies)
        for (int32_t pos : o.positions) status |= bench_one(backend, m, lat, pos, o, vocab);
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Cycles per token of the SMOL-32 RTL core (free-running, logits checked against the ISS)"};
    bench_options o;
    app.add_option("--preset", o.preset, "make-model preset (tiny, smollm2-135m)");
    app.add_option("--quant", o.quant, "q8, q8r, q8_0 or q4_0")
        ->check(CLI::IsMember({"q8", "q8r", "q8_0", "q4_0"}));
    app.add_option("--latency", o.latencies, "memory read latencies in cycles")->delimiter(',');
    app.add_option("--positions", o.positions, "token positions (a fresh run each)")->delimiter(',');
    app.add_option("--bandwidth", o.bandwidth, "memory bandwidth in bytes per cycle (1..16)");
    app.add_option("--token", o.token, "token id");
    app.add_option("--model-seed", o.model_seed, "seed of the random weights");
    bool no_kernels = false;
    app.add_flag("--no-kernels", no_kernels, "skip the per-kernel table (no commit hook: the raw simulation speed)");
    CLI11_PARSE(app, argc, argv);
    o.kernels = !no_kernels;
    try {
        return run(o);
    } catch (const smol::error& e) {
        std::fprintf(stderr, "smol_rtl_bench: %s\n", e.what());
        return 1;
    }
}
