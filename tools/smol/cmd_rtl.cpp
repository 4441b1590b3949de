// smol rtl: run a flat SMOL-32 image on the Verilated RTL core (docs/rtl.md), as `smol iss` does on the ISS:
// the same flags, exit statuses and commit log (--trace), plus the memory model (--latency, --bandwidth),
// a cycle bound (--max-cycles) and an FST waveform of a cycle window (--wave).
// Exit status: 0 halted with r10 == 0; 10 halted with r10 != 0; 11 trap; 12 --max-instructions reached;
// 13 --max-cycles reached; 1 usage or load error.
#include "asm/disasm.h"
#include "asm/output.h"
#include "common/error.h"
#include "common/mapped_file.h"
#include "dv/target/rtl_profile.h"
#include "dv/target/rtl_progress.h"
#include "dv/target/rtl_target.h"
#include "iss/src/trace.h"
#include "tools/smol/cli_numbers.h"
#include "tools/smol/cli_output.h"
#include "tools/smol/commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

namespace smol::cli {
namespace {

constexpr int exit_halt_fail = 10;
constexpr int exit_trap = 11;
constexpr int exit_instruction_limit = 12;
constexpr int exit_cycle_limit = 13;

// As `smol iss`: a runaway stops by default after 10^9 instructions, and here after 10^10 cycles (hours of
// simulation: a real program ends long before); 0 lifts either bound.
constexpr uint64_t default_max_instructions = 1'000'000'000;
constexpr uint64_t default_max_cycles = 10'000'000'000;
// Cycles between looks at the clock for the progress line.
constexpr uint64_t progress_slice = uint64_t{1} << 16;

struct file_closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

struct options {
    std::string image, mem_size = "256M", entry, load_addr = "0", max_instructions = std::to_string(default_max_instructions),
        max_cycles = std::to_string(default_max_cycles), trace, symbols, latency = "20", bandwidth = "16", wave,
        wave_from = "0", wave_cycles = "100000";
    bool profile = false;
};


// --symbols: the symbol at or below each pc, as `smol iss --profile` groups them.
std::vector<rtl::named_cycles> cycles_by_symbol(const rtl::cycle_profile& p, std::vector<assembler::map_symbol> symbols) {
    std::sort(symbols.begin(), symbols.end(), [](const auto& a, const auto& b) { return a.address < b.address; });
    std::vector<rtl::named_cycles> out(symbols.size() + 1);
    for (size_t i = 0; i < symbols.size(); ++i) out[i].name = symbols[i].name;
    out.back().name = "(before first symbol)";
    for (const auto& [pc, e] : p.per_pc()) {
        auto after = std::upper_bound(symbols.begin(), symbols.end(), pc, [](uint32_t v, const auto& s) { return v < s.address; });
        rtl::named_cycles& dst = after == symbols.begin() ? out.back() : out[size_t(after - symbols.begin() - 1)];
        dst.count.add(e.count);
    }
    std::erase_if(out, [](const rtl::named_cycles& n) { return n.count.instructions == 0; });
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.count.cycles > b.count.cycles; });
    return out;
}

int run(const options& o) {
    const uint64_t mem_size = parse_unsigned_flag(o.mem_size, "--mem-size", uint64_t{1} << 32, true);
    if (mem_size == 0 || mem_size % 4096 != 0) fail("--mem-size must be a positive multiple of 4096 (got '{}')", o.mem_size);
    const uint64_t load_addr = parse_unsigned_flag(o.load_addr, "--load-addr", 0xffffffffu, true);
    const uint64_t entry = o.entry.empty() ? load_addr : parse_unsigned_flag(o.entry, "--entry", 0xffffffffu, true);
    const uint64_t max_instructions = parse_unsigned_flag(o.max_instructions, "--max-instructions", UINT64_MAX, true);
    const uint64_t max_cycles = parse_unsigned_flag(o.max_cycles, "--max-cycles", UINT64_MAX, true);
    const uint64_t instruction_limit = max_instructions == 0 ? UINT64_MAX : max_instructions;
    const uint64_t cycle_limit = max_cycles == 0 ? UINT64_MAX : max_cycles;
    const rtl::memory_timing timing{unsigned(parse_integer_flag(o.latency, "--latency", 1, 1'000'000)),
                                    unsigned(parse_integer_flag(o.bandwidth, "--bandwidth", 1, 16))};
    const uint64_t wave_from = parse_unsigned_flag(o.wave_from, "--wave-from", UINT64_MAX, true);
    const uint64_t wave_cycles = parse_unsigned_flag(o.wave_cycles, "--wave-cycles", UINT64_MAX, true);
    if (o.wave.empty() && (o.wave_from != "0" || o.wave_cycles != "100000"))
        fail("--wave-from and --wave-cycles need --wave FILE.fst");
    if (!o.wave.empty() && wave_cycles == 0) fail("--wave-cycles must be at least 1");
    std::vector<assembler::map_symbol> symbols;
    if (!o.symbols.empty()) symbols = assembler::read_map(o.symbols);

    rtl::rtl_target core(mem_size, timing);
    {
        smol::mapped_file file(o.image);
        const auto bytes = file.bytes();
        if (bytes.empty()) fail("{}: the image is empty; there is nothing to run", o.image);
        if (load_addr > mem_size || bytes.size() > mem_size - load_addr)
            fail("image '{}' is {} bytes; loaded at {:#x} it would end at {:#x}, but memory is {} bytes ({:#x})", o.image,
                 bytes.size(), load_addr, load_addr + bytes.size(), mem_size, mem_size);
        core.write_memory(load_addr, bytes.data(), bytes.size());
    }
    core.reset(static_cast<uint32_t>(entry));
    if (!o.wave.empty()) {
        // Verilator's FST writer does not report an unwritable path: try it first.
        std::unique_ptr<std::FILE, file_closer> probe(std::fopen(o.wave.c_str(), "w"));
        if (!probe) fail("--wave {}: cannot open: {}", o.wave, std::strerror(errno));
        probe.reset();
        if (!core.open_wave(o.wave, wave_from, wave_cycles))
            fail("--wave: this build of the RTL model has no FST tracing (Verilator --trace-fst)");
    }

    std::unique_ptr<std::FILE, file_closer> trace_file;
    std::FILE* trace = nullptr;
    if (!o.trace.empty()) {
        if (o.trace == "-") {
            trace = stdout;
        } else {
            trace_file.reset(std::fopen(o.trace.c_str(), "w"));
            if (!trace_file) fail("--trace {}: cannot open: {}", o.trace, std::strerror(errno));
            trace = trace_file.get();
        }
    }
    auto write_trace = [trace](const iss::commit_record& r) {
        std::string line = iss::format_commit(r);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), trace);
    };
    std::optional<rtl::cycle_profile> profile;
    if (o.profile) profile.emplace(core, trace ? std::function<void(const iss::commit_record&)>(write_trace) : nullptr);
    else if (trace) core.set_commit_hook(write_trace);

    rtl::progress_line progress("smol rtl");
    if (max_cycles != 0 && o.max_cycles != std::to_string(default_max_cycles)) progress.expect(cycle_limit);
    const auto start = std::chrono::steady_clock::now();
    const rtl::run_counters& count = core.counters();
    rtl::run_result r;
    for (;;) {
        if (count.cycles >= cycle_limit) {
            r.reason = rtl::stop_reason::cycle_limit;
            break;
        }
        r = core.run(instruction_limit - count.instret, std::min(progress_slice, cycle_limit - count.cycles));
        if (r.reason != rtl::stop_reason::cycle_limit) break;
        progress.update(count.cycles, count.instret);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.finish(count.cycles, count.instret);
    if (profile) profile->detach();
    core.set_commit_hook(nullptr);
    if (trace_file && std::fclose(trace_file.release()) != 0)
        fail("--trace {}: write failed: {}", o.trace, std::strerror(errno));
    const uint64_t n = count.instret, cycles = count.cycles;
    if (profile) {
        fmt::print("instructions {}  cycles {}  CPI {:.2f}  memory latency {} cycles, {} bytes/cycle  time {:.3f} s  {:.0f} "
                   "cycles/s\n",
                   n, cycles, double(cycles) / double(std::max<uint64_t>(n, 1)), timing.latency, timing.bytes_per_cycle,
                   seconds, seconds > 0 ? double(cycles) / seconds : 0.0);
        const uint64_t total = profile->total().cycles;
        fmt::print("\n{}", rtl::format_cycle_table("opcode", rtl::cycles_by(*profile, rtl::opcode_of), total));
        fmt::print("\n{}", rtl::format_cycle_table("instruction class", rtl::cycles_by(*profile, rtl::section_of), total));
        if (!symbols.empty()) fmt::print("\n{}", rtl::format_cycle_table("symbol", cycles_by_symbol(*profile, symbols), total));
    }
    check_standard_output();  // the trace and the profile may have gone to stdout

    switch (r.reason) {
    case rtl::stop_reason::halted: {
        const uint32_t a0 = core.x10();
        fmt::print(stderr, "smol rtl: halted at pc {:#010x} after {} instructions, {} cycles, r10 = {:#x}\n", r.pc, n,
                   cycles, a0);
        return a0 == 0 ? 0 : exit_halt_fail;
    }
    case rtl::stop_reason::trapped:
        fmt::print(stderr,
                   "smol rtl: trap {} at pc {:#010x} (bits {:#010x}: {}), address {:#010x}, after {} instructions, {} cycles\n",
                   iss::trap_name(r.trap), r.pc, r.bits, disasm::format_instruction(r.bits, r.pc), r.trap_addr, n, cycles);
        return exit_trap;
    case rtl::stop_reason::instruction_limit:
        fmt::print(stderr, "smol rtl: stopped after --max-instructions {} at pc {:#010x}, {} cycles\n", n, r.pc, cycles);
        return exit_instruction_limit;
    case rtl::stop_reason::cycle_limit:
        fmt::print(stderr, "smol rtl: stopped after --max-cycles {} at pc {:#010x}, {} instructions\n", cycles, r.pc, n);
        return exit_cycle_limit;
    }
    return 1;
}

}  // namespace

void register_rtl(CLI::App& app) {
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("rtl", "run a flat SMOL-32 image on the RTL core (Verilated)");
    cmd->add_option("image", opts->image, "flat image (smol asm output)")->required();
    cmd->add_option("--mem-size", opts->mem_size, "memory bytes, multiple of 4096, up to 4G (default 256M)");
    cmd->add_option("--load-addr", opts->load_addr, "address of the image's first byte (default 0)");
    cmd->add_option("--entry", opts->entry, "first pc (default: the load address)");
    cmd->add_option("--max-instructions", opts->max_instructions,
                    fmt::format("stop after N instructions, exit status 12 (default {}; 0: no limit)", default_max_instructions));
    cmd->add_option("--max-cycles", opts->max_cycles,
                    fmt::format("stop after N cycles, exit status 13 (default {}; 0: no limit)", default_max_cycles));
    cmd->add_option("--latency", opts->latency, "memory read latency in cycles, 1..1000000 (default 20)");
    cmd->add_option("--bandwidth", opts->bandwidth, "memory bandwidth in bytes per cycle, 1..16 (default 16)");
    cmd->add_option("--trace", opts->trace, "write the commit log (docs/trace.md) to FILE ('-' for stdout)");
    cmd->add_flag("--profile", opts->profile, "print cycles per opcode and class (and with --symbols per symbol)");
    cmd->add_option("--symbols", opts->symbols, "symbol map from smol asm --map, for the profile");
    cmd->add_option("--wave", opts->wave, "write an FST waveform (GTKWave) of the core's signals to FILE");
    cmd->add_option("--wave-from", opts->wave_from, "first cycle of the waveform (default 0)");
    cmd->add_option("--wave-cycles", opts->wave_cycles, "cycles in the waveform (default 100000)");
    cmd->callback([opts] {
        int status = run(*opts);  // the core (and its waveform file) is closed here
        std::fflush(stderr);
        if (status != 0) std::exit(status);
    });
}

}  // namespace smol::cli
