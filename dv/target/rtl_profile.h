#pragma once
// Where the RTL core's cycles go (`smol profile --backend rtl`, `smol rtl --profile`). Each retirement is
// charged the cycles since the previous one: its own execution plus whatever it waited for (memory, a
// dependency, a multi-cycle unit). Summed by pc, the charges give cycles per kernel and per instruction
// class (the ISA table's sections); their total is the run's cycles up to its last retirement. The stall
// cycles the core reports by cause (stall_o, rtl_target::stall_counts) are charged the same way.
#include "dv/target/rtl_target.h"
#include "firmware/src/firmware_backend.h"

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace smol::rtl {

struct cycle_count {
    uint64_t instructions = 0, cycles = 0;
    rtl_stall_counts stalls;  // the part of `cycles` spent stalled, by cause

    void add(const cycle_count& o);
};

class cycle_profile {
public:
    // Takes over the core's commit hook until detach() (or destruction); `also` is called after each record
    // is counted (a trace writer, say).
    explicit cycle_profile(rtl_target& core, std::function<void(const iss::commit_record&)> also = {});
    ~cycle_profile();
    cycle_profile(const cycle_profile&) = delete;
    cycle_profile& operator=(const cycle_profile&) = delete;
    void detach();

    struct pc_entry {
        uint32_t bits = 0;  // the encoding retired at this pc (the last one, should code change)
        cycle_count count;
    };
    const std::unordered_map<uint32_t, pc_entry>& per_pc() const { return per_pc_; }
    const cycle_count& total() const { return total_; }

private:
    rtl_target* core_;
    std::function<void(const iss::commit_record&)> also_;
    std::unordered_map<uint32_t, pc_entry> per_pc_;
    cycle_count total_;
    uint64_t last_cycles_ = 0;
    rtl_stall_counts last_stalls_;
};

struct named_cycles {
    std::string name;
    cycle_count count;
};

// By the symbol at or below each pc (`symbol_of`), by opcode mnemonic, by ISA section; each sorted by
// decreasing cycles.
std::vector<named_cycles> cycles_by(const cycle_profile& p, std::string (*name_of)(uint32_t pc, uint32_t bits));
std::string opcode_of(uint32_t pc, uint32_t bits);
std::string section_of(uint32_t pc, uint32_t bits);
std::string kernel_of(uint32_t pc, uint32_t bits);  // the firmware's global symbol

// A table of `rows`: instructions, cycles, % of `total` cycles, cycles per instruction, and the stall
// cycles by cause (memory, dependency, multi-cycle unit).
std::string format_cycle_table(const char* what, const std::vector<named_cycles>& rows, uint64_t total);

struct rtl_forward_profile {
    int32_t pos = 0;
    memory_timing timing;
    cycle_count total;
    double seconds = 0;                        // wall time of the profiled forward pass
    std::vector<uint64_t> cycles_per_token;    // positions 0..pos
    std::vector<named_cycles> kernels, classes;
};

// Runs `tokens` at positions 0.. on a back end whose target is the RTL core, profiling the forward pass at
// each position of `positions` (sorted, each < tokens.size()); one sweep, so the KV cache is filled once.
std::vector<rtl_forward_profile> profile_forward_rtl(firmware::firmware_backend& fw, const std::vector<int32_t>& tokens,
                                                     const std::vector<int32_t>& positions);

}  // namespace smol::rtl
