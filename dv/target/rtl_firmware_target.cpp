#include "dv/target/rtl_firmware_target.h"

#include "common/error.h"
#include "dv/target/rtl_progress.h"
#include "firmware/src/firmware_image.h"

#include <algorithm>
#include <optional>

namespace smol::rtl {

namespace {

// Cycles simulated between two looks at the clock for the progress line (about a second at the slowest).
constexpr uint64_t progress_slice = uint64_t{1} << 16;

}  // namespace

rtl_firmware_target::rtl_firmware_target(uint64_t memory_bytes, const rtl_run_options& options)
    : core_(memory_bytes, options.timing), options_(options) {
    if (options.max_cycles == 0) fail("--max-cycles must be at least 1");
}

void rtl_firmware_target::write_memory(uint64_t addr, std::span<const std::byte> bytes) {
    core_.write_memory(addr, bytes.data(), bytes.size());
}

void rtl_firmware_target::read_memory(uint64_t addr, std::span<std::byte> out) const {
    core_.read_memory(addr, out.data(), out.size());
}

firmware::target_result rtl_firmware_target::run(uint64_t max_instructions) {
    const run_counters& count = core_.counters();
    const uint64_t cycles0 = count.cycles, instret0 = count.instret;
    std::optional<progress_line> progress;
    if (!options_.progress_label.empty()) {
        progress.emplace(options_.progress_label);
        progress->expect(last_cycles_);  // the next forward pass takes about as long as the last one
    }
    run_result r;
    for (;;) {
        const uint64_t used = count.cycles - cycles0, retired = count.instret - instret0;
        if (used >= options_.max_cycles) {
            last_cycles_ = used;
            fail("the RTL core did not halt within --max-cycles {} cycles ({} instructions; pc {:#010x} in {})",
                 options_.max_cycles, retired, r.pc, firmware::locate(r.pc));
        }
        r = core_.run(max_instructions - retired, std::min(progress_slice, options_.max_cycles - used));
        if (r.reason != stop_reason::cycle_limit) break;
        if (progress) progress->update(count.cycles - cycles0, count.instret - instret0);
    }
    last_cycles_ = count.cycles - cycles0;
    if (progress) progress->finish(last_cycles_, count.instret - instret0);
    firmware::target_result out;
    out.reason = r.reason == stop_reason::halted    ? firmware::target_stop::halted
                 : r.reason == stop_reason::trapped ? firmware::target_stop::trapped
                                                    : firmware::target_stop::limit;
    out.pc = r.pc;
    out.bits = r.bits;
    out.trap = r.trap;
    out.trap_addr = r.trap_addr;
    out.halt_value = core_.x10();
    out.retired = count.instret - instret0;
    return out;
}

firmware::target_factory rtl_target_factory(const rtl_run_options& options) {
    return [options](uint64_t memory_bytes) { return std::make_unique<rtl_firmware_target>(memory_bytes, options); };
}

}  // namespace smol::rtl
