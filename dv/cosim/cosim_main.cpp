// smol_cosim: lockstep co-simulation of the Verilated SMOL-32 core against the ISS (docs/rtl.md).
//   smol_cosim program FILE.s        an assembly program (entry `main`, else its first address)
//   smol_cosim random                seeded random programs (--seed, --count, --length)
//   smol_cosim firmware              the firmware forward pass of a generated model (--preset, --quant)
// Exit status: 0 halted with r10 = 0 (random: every program agreed), 10 halted with r10 != 0, 11 trap
// (both sides), 12 --max-instructions, 13 --max-cycles, 2 mismatch, 1 usage or load error.
#include "asm/assembler.h"
#include "common/error.h"
#include "dv/cosim/lockstep.h"
#include "dv/cosim/random_program.h"
#include "dv/target/rtl_target.h"
#include "engine/src/make_model.h"
#include "engine/tests/test_models.h"
#include "firmware/src/descriptor.h"
#include "firmware/src/firmware_image.h"
#include "firmware/src/firmware_backend.h"
#include "firmware/src/iss_target.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace {

using namespace smol;

struct common_options {
    unsigned latency = 1;
    unsigned bandwidth = 16;
    std::string log_path;
    uint64_t max_cycles = UINT64_MAX;
    uint64_t max_instructions = UINT64_MAX;
};

int exit_code(const cosim::lockstep_result& r, uint32_t r10) {
    switch (r.how) {
    case cosim::outcome::halted: return r10 == 0 ? 0 : 10;
    case cosim::outcome::trapped: return 11;
    case cosim::outcome::instruction_limit: return 12;
    case cosim::outcome::cycle_limit: return 13;
    case cosim::outcome::mismatch: return 2;
    }
    return 1;
}

const char* outcome_name(cosim::outcome o) {
    switch (o) {
    case cosim::outcome::halted: return "halted";
    case cosim::outcome::trapped: return "trapped";
    case cosim::outcome::instruction_limit: return "instruction limit";
    case cosim::outcome::cycle_limit: return "cycle limit";
    case cosim::outcome::mismatch: return "MISMATCH";
    }
    return "?";
}

struct log_file {
    std::FILE* f = nullptr;
    explicit log_file(const std::string& path) {
        if (path.empty()) return;
        f = path == "-" ? stdout : std::fopen(path.c_str(), "w");
        if (!f) fail("cannot write the commit log {}", path);
    }
    ~log_file() {
        if (f && f != stdout) std::fclose(f);
    }
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One lockstep run of whatever is in both memories from `entry`.
cosim::lockstep_result lockstep(iss::machine& m, rtl::rtl_target& t, uint32_t entry, const common_options& o,
                                std::FILE* log) {
    m.reset(entry);
    t.reset(entry);
    cosim::lockstep_options lo;
    lo.max_cycles = o.max_cycles;
    lo.max_instructions = o.max_instructions;
    lo.log = log;
    return cosim::run_lockstep(m, t, lo);
}

void print_summary(const char* what, const cosim::lockstep_result& r, double secs) {
    std::printf("%s: %s after %llu instructions, %llu cycles (%.2f cycles/instruction), %.2f s, %.0f cycles/s\n", what,
                outcome_name(r.how), static_cast<unsigned long long>(r.instructions),
                static_cast<unsigned long long>(r.cycles), r.instructions ? double(r.cycles) / double(r.instructions) : 0.0,
                secs, secs > 0 ? double(r.cycles) / secs : 0.0);
    if (!r.report.empty()) std::fputs(r.report.c_str(), stdout);
}

// Memory [0, end of the image) as $readmemh rows of one 16-byte line each (byte 0 least significant), for
// the Icarus testbench, which zeroes its memory first: runs of zero lines are skipped with an `@line` address,
// so the KV cache and the buffers of a model cost nothing.
void write_hex(const std::string& path, const iss::memory& mem, uint64_t end) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) fail("cannot write {}", path);
    static const uint8_t zero[16] = {};
    bool skipped = false;
    for (uint64_t line = 0; line < (end + 15) / 16; ++line) {
        const uint8_t* bytes = mem.data() + 16 * line;
        if (std::memcmp(bytes, zero, 16) == 0) {
            skipped = true;
            continue;
        }
        if (skipped) std::fprintf(f, "@%llx\n", static_cast<unsigned long long>(line));
        skipped = false;
        for (int b = 15; b >= 0; --b) std::fprintf(f, "%02x", bytes[b]);
        std::fputc('\n', f);
    }
    if (std::fclose(f) != 0) fail("cannot write {}", path);
}

// What the Icarus testbench runs for one forward pass at position 0 (dv/icarus/icarus_firmware.sh): the memory
// image, and the ISS's logits as one hex word per line, the format of the testbench's +dump.
int write_icarus_inputs(firmware::firmware_backend& backend, iss::machine& m, const std::string& hex,
                        const std::string& logits_path, int32_t token) {
    const firmware::memory_plan& plan = backend.plan();
    for (auto [field, value] : {std::pair{offsetof(firmware::descriptor, token), uint32_t(token)},
                                std::pair{offsetof(firmware::descriptor, pos), 0u}})
        m.mem().write32(plan.descriptor + field, value);
    write_hex(hex, m.mem(), plan.size);
    const uint32_t entry = firmware::symbol_address("forward");
    m.reset(entry);
    iss::run_result r = m.run(uint64_t{1} << 34);
    if (r.reason != iss::stop_reason::halted || m.state().x[10] != 0) fail("the ISS did not finish the forward pass");
    const size_t vocab = size_t(backend.config().vocab_size);
    std::FILE* f = std::fopen(logits_path.c_str(), "w");
    if (!f) fail("cannot write {}", logits_path);
    for (size_t i = 0; i < vocab; ++i) std::fprintf(f, "%08x\n", m.mem().read32(plan.logits + 4 * i));
    if (std::fclose(f) != 0) fail("cannot write {}", logits_path);
    std::printf("entry=%x mem_size=%llu dump_addr=%llx dump_words=%zu instructions=%llu\n", entry,
                static_cast<unsigned long long>(plan.size), static_cast<unsigned long long>(plan.logits), vocab,
                static_cast<unsigned long long>(m.stats().instret));
    return 0;
}

int run_program(const std::string& path, uint64_t mem_size, std::optional<uint32_t> entry_opt, const std::string& hex,
                const common_options& o) {
    auto assembled = assembler::assemble_file(path);
    if (!assembled.ok()) fail("{}: does not assemble: {}", path, assembled.errors.front().text());
    const auto& prog = assembled.prog;
    iss::machine m(mem_size);
    rtl::rtl_target t(mem_size, {o.latency, o.bandwidth});
    if (prog.base + prog.image.size() > mem_size) fail("{}: the image does not fit {} bytes of memory", path, mem_size);
    m.mem().write(prog.base, prog.image.data(), prog.image.size());
    t.write_memory(prog.base, prog.image.data(), prog.image.size());
    uint32_t entry = prog.base;
    for (const auto& s : prog.symbols)
        if (s.name == "main") entry = s.address;
    if (entry_opt) entry = *entry_opt;
    if (!hex.empty()) write_hex(hex, m.mem(), prog.base + prog.image.size());
    log_file log(o.log_path);
    auto t0 = std::chrono::steady_clock::now();
    auto r = lockstep(m, t, entry, o, log.f);
    print_summary(path.c_str(), r, seconds_since(t0));
    return exit_code(r, m.state().x[10]);
}

int run_random(uint64_t seed, unsigned count, unsigned length, bool all_endings, const common_options& o) {
    std::array<unsigned, cosim::random_program_endings> endings{};
    uint64_t instructions = 0, cycles = 0;
    auto t0 = std::chrono::steady_clock::now();
    log_file log(o.log_path);
    for (unsigned i = 0; i < count; ++i) {
        cosim::random_program p = cosim::make_random_program(seed + i, length);
        iss::machine m(p.mem_size);
        rtl::rtl_target t(p.mem_size, {o.latency, o.bandwidth});
        for (const auto& reg : p.regions) {
            m.mem().write(reg.addr, reg.bytes.data(), reg.bytes.size());
            t.write_memory(reg.addr, reg.bytes.data(), reg.bytes.size());
        }
        auto r = lockstep(m, t, p.entry, o, log.f);
        instructions += r.instructions;
        cycles += r.cycles;
        if (r.how != cosim::outcome::halted && r.how != cosim::outcome::trapped) {
            print_summary(fmt::format("random program seed {}", seed + i).c_str(), r, seconds_since(t0));
            return exit_code(r, 0);
        }
        ++endings[size_t(p.ending)];
    }
    double secs = seconds_since(t0);
    std::printf("%u random programs (seeds %llu..%llu): all agree, %llu instructions compared, %llu cycles, %.1f s, "
                "%.0f cycles/s\nendings (0 = halt, then the trap cases):", count,
                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed + count - 1),
                static_cast<unsigned long long>(instructions), static_cast<unsigned long long>(cycles), secs,
                secs > 0 ? double(cycles) / secs : 0.0);
    for (unsigned e : endings) std::printf(" %u", e);
    std::printf("\n");
    for (size_t e = 0; e < endings.size(); ++e)
        if (all_endings && endings[e] == 0) {
            std::printf("ending %zu (halt or a trap class) was never drawn: use more programs\n", e);
            return 3;
        }
    return 0;
}

int run_firmware(const std::string& preset, const std::string& quant_name, std::vector<int32_t> tokens,
                 int32_t context, uint64_t model_seed, const std::string& hex, const std::string& logits_path,
                 const common_options& o) {
    const quant_scheme quant = parse_quant_scheme(quant_name);
    auto model = testing::random_image_model(make_model_preset(preset), quant, model_seed);
    firmware::firmware_backend backend(model.weights, {model.image.data(), model.image.size()}, context,
                                       firmware::iss_target_factory());
    iss::machine& m = static_cast<firmware::iss_target&>(backend.target()).machine();
    if (!hex.empty()) return write_icarus_inputs(backend, m, hex, logits_path, tokens.front());
    const firmware::memory_plan& plan = backend.plan();
    rtl::rtl_target t(plan.size, {o.latency, o.bandwidth});
    // The back end laid out the memory (firmware, descriptor, model, RoPE tables): the core gets a copy.
    t.write_memory(0, m.mem().data(), plan.size);
    const uint32_t entry = firmware::symbol_address("forward");
    const size_t vocab = size_t(model.weights.config.vocab_size);
    log_file log(o.log_path);
    int status = 0;
    for (size_t pos = 0; pos < tokens.size(); ++pos) {
        for (auto [field, value] : {std::pair{offsetof(firmware::descriptor, token), uint32_t(tokens[pos])},
                                    std::pair{offsetof(firmware::descriptor, pos), uint32_t(pos)}}) {
            m.mem().write32(plan.descriptor + field, value);
            t.memory().write32(plan.descriptor + field, value);
        }
        auto t0 = std::chrono::steady_clock::now();
        auto r = lockstep(m, t, entry, o, log.f);
        print_summary(fmt::format("{} {} token {} at position {}", preset, quant_name, tokens[pos], pos).c_str(), r,
                      seconds_since(t0));
        const rtl::rtl_stall_counts& st = t.stall_counts();
        std::printf("stall cycles: memory %llu, dependency %llu, multi-cycle unit %llu\n",
                    static_cast<unsigned long long>(st.memory), static_cast<unsigned long long>(st.dependency),
                    static_cast<unsigned long long>(st.multicycle));
        status = exit_code(r, m.state().x[10]);
        if (status != 0) return status;
        std::vector<uint8_t> a(vocab * 4), b(vocab * 4);
        m.mem().read(plan.logits, a.data(), a.size());
        t.read_memory(plan.logits, b.data(), b.size());
        if (a != b) {
            std::printf("logits differ between the ISS and the RTL at position %zu\n", pos);
            return 2;
        }
        std::printf("logits: %zu floats byte-identical to the ISS\n", vocab);
    }
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lockstep co-simulation of the SMOL-32 RTL core against the ISS"};
    app.require_subcommand(1);
    common_options o;
    auto add_common = [&](CLI::App* c) {
        c->add_option("--latency", o.latency, "memory read latency in cycles (>= 1)");
        c->add_option("--bandwidth", o.bandwidth, "memory bandwidth in bytes per cycle (1..16)");
        c->add_option("--log", o.log_path, "write the RTL commit log (docs/trace.md) to FILE ('-': stdout)");
        c->add_option("--max-cycles", o.max_cycles, "stop after N cycles (exit 13)");
        c->add_option("--max-instructions", o.max_instructions, "stop after N instructions (exit 12)");
    };
    std::string path;
    uint64_t mem_size = uint64_t{16} << 20;
    std::optional<uint32_t> entry;
    auto* prog = app.add_subcommand("program", "an assembly program");
    prog->add_option("file", path, "SMOL-32 assembly source")->required();
    prog->add_option("--mem-size", mem_size, "memory bytes");
    prog->add_option("--entry", entry, "entry pc (default: main)");
    std::string hex;
    prog->add_option("--hex", hex, "also write the memory image as $readmemh lines (Icarus testbench)");
    add_common(prog);
    uint64_t seed = 1;
    unsigned count = 10, length = 1000;
    auto* rnd = app.add_subcommand("random", "seeded random programs");
    rnd->add_option("--seed", seed, "first seed");
    rnd->add_option("--count", count, "number of programs");
    rnd->add_option("--length", length, "random steps per program");
    bool all_endings = false;
    rnd->add_flag("--require-all-endings", all_endings, "fail (exit 3) unless halt and every trap ending occurred");
    add_common(rnd);
    std::string preset = "tiny", quant = "q8";
    std::vector<int32_t> tokens = {1};
    int32_t context = 16;
    uint64_t model_seed = 5;
    auto* fw = app.add_subcommand("firmware", "the firmware forward pass of a generated model");
    fw->add_option("--preset", preset, "make-model preset (tiny, smollm2-135m)");
    fw->add_option("--quant", quant, "f32, q8, q8r, q8_0 or q4_0")
        ->check(CLI::IsMember({"f32", "q8", "q8r", "q8_0", "q4_0"}));
    fw->add_option("--tokens", tokens, "token ids, one forward pass each at positions 0, 1, ...")->delimiter(',');
    fw->add_option("--context", context, "KV-cache positions");
    fw->add_option("--model-seed", model_seed, "seed of the random weights");
    std::string fw_hex, fw_logits;
    fw->add_option("--hex", fw_hex, "no lockstep: write the memory image of the first token's forward pass as "
                                    "$readmemh lines for the Icarus testbench, and the ISS's logits to --logits-hex");
    fw->add_option("--logits-hex", fw_logits, "with --hex: the ISS's logits, one hex word per line");
    add_common(fw);
    CLI11_PARSE(app, argc, argv);
    try {
        if (prog->parsed()) return run_program(path, mem_size, entry, hex, o);
        if (rnd->parsed()) return run_random(seed, count, length, all_endings, o);
        if (fw_hex.empty() != fw_logits.empty()) fail("--hex and --logits-hex go together");
        return run_firmware(preset, quant, tokens, context, model_seed, fw_hex, fw_logits, o);
    } catch (const smol::error& e) {
        std::fprintf(stderr, "smol_cosim: %s\n", e.what());
        return 1;
    }
}
