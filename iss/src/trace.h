#pragma once
// The commit log (docs/trace.md): one line per retired (or trapping) instruction. The ISS and the RTL
// harness both fill a commit_record and print it with format_commit, so two logs compare with `diff`;
// first_difference compares two records field by field. Library smol_trace: depends only on smol_isa
// (the disassembler), so a harness links it without the ISS or the assembler.
#include <array>
#include <cstdint>
#include <optional>
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

// The writes in the order format_commit prints them (by kind, then register or address); the order in
// which an implementation produced them does not matter.
std::vector<const commit_write*> canonical_writes(const commit_record& record);

// Where two records of the same instruction disagree.
struct commit_difference {
    enum class part : uint8_t { seq, pc, bits, trap, trap_addr, write, write_count } where;
    std::size_t write_index = 0;  // part::write: index in canonical order
    std::string description;      // e.g. "write 1: x5=00000003 vs x5=00000004"
};
// The first difference, checking seq, pc, bits, trap and trap address, then the canonical writes one
// by one (kind, register or address, value; all 16 lanes for v registers and the accumulator);
// nullopt when the records are equal. A trapping record's writes are ignored (format_commit prints none).
std::optional<commit_difference> first_difference(const commit_record& a, const commit_record& b);

}  // namespace smol::iss
