#pragma once
// What runs the firmware. The host (firmware/src/firmware_backend.h) owns everything a model run needs
// besides: the memory map, the descriptor, loading the code and the model image, halt codes and trap
// reports. A target only holds memory and executes SMOL-32 code, so the ISS (iss_target.h, the golden
// model) and the RTL core (its Verilator model, next) are interchangeable and run the same host and the
// same comparison suite (docs/firmware.md, "Targets").
//
// A target implements, with these exact semantics:
//   memory_size()        bytes of memory, [0, size); the host asks for a size (multiple of 4 KiB, <= 4 GiB)
//                        when it creates the target and never touches memory outside it.
//   write_memory/read_memory
//                        host access, any time the target is not running; out-of-range access throws
//                        smol::error. Writes that overwrite code must take effect at the next reset().
//   reset(entry)         architectural reset (docs/isa.md, "Reset"): every register 0, sp (x2) = size - 16,
//                        vl = 16, Q8 scale 1.0, pc = entry. Memory is kept (it holds the KV cache).
//   run(limit)           executes until `halt`, a trap, or `limit` more retired instructions, and reports
//                        which in a target_result; a trap stops before the trapping instruction changes state.
//   set_commit_hook(f)   while set, f is called once per executed instruction (the trapping one too) with
//                        its commit record (docs/trace.md); an empty function removes the hook.
#include "iss/src/trace.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

namespace smol::firmware {

enum class target_stop : uint8_t { halted, trapped, limit };

struct target_result {
    target_stop reason = target_stop::limit;
    uint32_t pc = 0;        // the halt, the trapping, or the next instruction
    uint32_t bits = 0;      // its encoding (0 when it could not be fetched)
    iss::trap_kind trap = iss::trap_kind::none;
    uint32_t trap_addr = 0;   // the faulting address of a memory trap, else the pc
    uint32_t halt_value = 0;  // x10 (a0) when halted: the firmware's halt code
    uint64_t retired = 0;     // instructions retired by this run (a trapping one is not counted)
};

using commit_hook = std::function<void(const iss::commit_record&)>;

class target {
public:
    virtual ~target() = default;
    virtual std::string_view name() const = 0;
    virtual uint64_t memory_size() const = 0;
    virtual void write_memory(uint64_t addr, std::span<const std::byte> bytes) = 0;
    virtual void read_memory(uint64_t addr, std::span<std::byte> out) const = 0;
    virtual void reset(uint32_t entry) = 0;
    virtual target_result run(uint64_t max_instructions) = 0;
    virtual void set_commit_hook(commit_hook hook) = 0;

    // Conveniences over write_memory/read_memory (little-endian words).
    void write32(uint64_t addr, uint32_t value);
    uint32_t read32(uint64_t addr) const;
};

// Makes a target with `memory_bytes` of memory; each back end is one of these.
using target_factory = std::function<std::unique_ptr<target>(uint64_t memory_bytes)>;

}  // namespace smol::firmware
