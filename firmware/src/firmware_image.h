#pragma once
// The assembled firmware (firmware/firmware.s), embedded at build time: code bytes for address 0 and the
// symbol map, for entry points and for naming the kernel a trap happened in.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace smol::firmware {

struct firmware_symbol {
    uint32_t address;
    const char* name;  // scoped locals as outer.inner
    bool global;
};

std::span<const uint8_t> firmware_code();
std::span<const firmware_symbol> firmware_symbols();  // sorted by address

// The address of a symbol; throws smol::error when the firmware has none of that name.
uint32_t symbol_address(std::string_view name);
// "matvec_q8.row+0x8": the nearest symbol at or below pc (any symbol when `globals_only` is false).
std::string locate(uint32_t pc, bool globals_only = false);
// The global symbol an address belongs to, or "" before the first one.
std::string_view kernel_of(uint32_t pc);

}  // namespace smol::firmware
