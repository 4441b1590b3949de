#include "firmware/src/firmware_image.h"

#include "common/error.h"

#include <fmt/format.h>

namespace smol::firmware {

namespace {

const firmware_symbol* nearest(uint32_t pc, bool globals_only) {
    const firmware_symbol* best = nullptr;
    for (const firmware_symbol& s : firmware_symbols())
        if (s.address <= pc && (!globals_only || s.global)) best = &s;  // sorted: the last one wins
    return best;
}

}  // namespace

uint32_t symbol_address(std::string_view name) {
    for (const firmware_symbol& s : firmware_symbols())
        if (name == s.name) return s.address;
    fail("firmware: no symbol '{}'", name);
}

std::string locate(uint32_t pc, bool globals_only) {
    const firmware_symbol* s = nearest(pc, globals_only);
    if (!s) return fmt::format("{:#010x}", pc);
    return pc == s->address ? std::string(s->name) : fmt::format("{}+{:#x}", s->name, pc - s->address);
}

std::string_view kernel_of(uint32_t pc) {
    const firmware_symbol* s = nearest(pc, true);
    return s ? s->name : "";
}

}  // namespace smol::firmware
