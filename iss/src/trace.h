#pragma once
// The commit log (docs/trace.md): one line per retired (or trapping) instruction. The ISS and the RTL
// harness both fill a commit_record and print it with format_commit, so two logs compare with `diff`.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smol::iss {

enum class trap_kind : uint8_t {
    none,
    illegal_instruction,
    fetch_misaligned,  // entry point or jalr target not a multiple of 4
    fetch_fault,       // pc outside memory
    load_misaligned,
    load_fault,
    store_misaligned,
    store_fault,
};
std::string_view trap_name(trap_kind kind);

// Printed in this order (sorted by format_commit): x, f, v, vl, q8 state, memory by address.
enum class write_kind : uint8_t { xreg, freg, vreg, vl, qscale, qwptr, qaptr, acc, mem8, mem32 };

struct commit_write {
    write_kind kind;
    uint32_t where;  // register number, or byte address for memory
    uint32_t value;  // the value written (fp32 as bits); unused for vreg/acc
    std::array<uint32_t, 16> lanes{};  // vreg and acc: all 16 lanes after the write
};

struct commit_record {
    uint64_t seq = 0;  // 1 for the first instruction executed
    uint32_t pc = 0;
    uint32_t bits = 0;
    std::vector<commit_write> writes;
    trap_kind trap = trap_kind::none;
    uint32_t trap_addr = 0;  // faulting address (memory traps, jalr target), else pc

    void clear() {
        writes.clear();
        trap = trap_kind::none;
        trap_addr = 0;
    }
};

// One line, without the newline.
std::string format_commit(const commit_record& record);

}  // namespace smol::iss
