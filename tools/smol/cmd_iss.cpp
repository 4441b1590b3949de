// smol iss: run a flat SMOL-32 image on the golden ISS (docs/isa.md, docs/trace.md).
// Exit status: 0 halted with r10 == 0; 10 halted with r10 != 0; 11 trap; 12 --max-instructions reached;
// 1 usage or load error.
#include "asm/disasm.h"
#include "asm/output.h"
#include "common/error.h"
#include "iss/src/loader.h"
#include "iss/src/machine.h"
#include "iss/src/profile.h"
#include "tools/smol/cli_numbers.h"
#include "tools/smol/cli_output.h"
#include "tools/smol/commands.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>

namespace smol::cli {
namespace {

constexpr int exit_halt_fail = 10;
constexpr int exit_trap = 11;
constexpr int exit_limit = 12;

// A runaway program stops by default after this many instructions (seconds on the ISS),
// like --max-cycles on the RTL; --max-instructions 0 lifts the bound.
constexpr uint64_t default_max_instructions = 1'000'000'000;

struct file_closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

void register_iss(CLI::App& app) {
    struct options {
        std::string image, mem_size = "256M", entry, load_addr = "0", max_instructions = std::to_string(default_max_instructions), trace,
            symbols;
        bool profile = false;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("iss", "run a flat SMOL-32 image on the instruction-set simulator");
    cmd->add_option("image", opts->image, "flat image (smol asm output)")->required();
    cmd->add_option("--mem-size", opts->mem_size, "memory bytes, multiple of 4096, up to 4G (default 256M)");
    cmd->add_option("--load-addr", opts->load_addr, "address of the image's first byte (default 0)");
    cmd->add_option("--entry", opts->entry, "first pc (default: the load address)");
    cmd->add_option("--max-instructions", opts->max_instructions, fmt::format("stop after N instructions, exit status 12 (default {}; 0: no limit)", default_max_instructions));
    cmd->add_option("--trace", opts->trace, "write the commit log (docs/trace.md) to FILE ('-' for stdout)");
    cmd->add_flag("--profile", opts->profile, "print per-opcode (and with --symbols per-symbol) counts");
    cmd->add_option("--symbols", opts->symbols, "symbol map from smol asm --map, for the profile");
    cmd->callback([opts] {
        const uint64_t mem_size = parse_unsigned_flag(opts->mem_size, "--mem-size", uint64_t{1} << 32, true);
        const uint64_t load_addr = parse_unsigned_flag(opts->load_addr, "--load-addr", 0xffffffffu, true);
        const uint64_t entry =
            opts->entry.empty() ? load_addr : parse_unsigned_flag(opts->entry, "--entry", 0xffffffffu, true);
        const uint64_t max_instructions = parse_unsigned_flag(opts->max_instructions, "--max-instructions", UINT64_MAX, true);
        const uint64_t limit = max_instructions == 0 ? std::numeric_limits<uint64_t>::max() : max_instructions;
        std::vector<smol::iss::symbol> symbols;
        if (!opts->symbols.empty())
            for (auto& s : smol::assembler::read_map(opts->symbols)) symbols.push_back({s.address, s.name});

        smol::iss::machine m(mem_size);
        if (smol::iss::load_image_file(m, opts->image, load_addr) == 0)
            fail("{}: the image is empty; there is nothing to run", opts->image);
        m.reset(static_cast<uint32_t>(entry));

        std::unique_ptr<std::FILE, file_closer> trace_file;
        std::FILE* trace = nullptr;
        if (!opts->trace.empty()) {
            if (opts->trace == "-") {
                trace = stdout;
            } else {
                trace_file.reset(std::fopen(opts->trace.c_str(), "w"));
                if (!trace_file) fail("--trace {}: cannot open: {}", opts->trace, std::strerror(errno));
                trace = trace_file.get();
            }
            m.set_commit_hook([trace](const smol::iss::commit_record& r) {
                std::string line = smol::iss::format_commit(r);
                line += '\n';
                std::fwrite(line.data(), 1, line.size(), trace);
            });
        }
        if (opts->profile) m.enable_pc_profile(true);

        auto start = std::chrono::steady_clock::now();
        smol::iss::run_result r = m.run(limit);
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (trace_file && std::fclose(trace_file.release()) != 0)
            fail("--trace {}: write failed: {}", opts->trace, std::strerror(errno));
        if (opts->profile) {
            std::string report = smol::iss::format_profile(m, symbols, seconds);
            std::fwrite(report.data(), 1, report.size(), stdout);
        }
        check_standard_output();  // the trace and the profile may have gone to stdout

        const uint64_t n = m.stats().instret;
        int status = 0;
        switch (r.reason) {
        case smol::iss::stop_reason::halted: {
            uint32_t a0 = m.state().x[10];
            fmt::print(stderr, "smol iss: halted at pc {:#010x} after {} instructions, r10 = {:#x}\n", r.pc, n, a0);
            status = a0 == 0 ? 0 : exit_halt_fail;
            break;
        }
        case smol::iss::stop_reason::trapped:
            fmt::print(stderr, "smol iss: trap {} at pc {:#010x} (bits {:#010x}: {}), address {:#010x}, after {} instructions\n",
                       smol::iss::trap_name(r.trap), r.pc, r.bits, smol::disasm::format_instruction(r.bits, r.pc),
                       r.trap_addr, n);
            status = exit_trap;
            break;
        case smol::iss::stop_reason::limit:
            fmt::print(stderr, "smol iss: stopped after --max-instructions {} at pc {:#010x}\n", n, r.pc);
            status = exit_limit;
            break;
        }
        std::fflush(stderr);
        if (status != 0) std::exit(status);
    });
}

}  // namespace smol::cli
