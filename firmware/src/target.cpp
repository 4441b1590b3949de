#include "firmware/src/target.h"

#include <bit>

namespace smol::firmware {

static_assert(std::endian::native == std::endian::little, "target memory is little-endian, as is the host");

void target::write32(uint64_t addr, uint32_t value) { write_memory(addr, std::as_bytes(std::span(&value, 1))); }

uint32_t target::read32(uint64_t addr) const {
    uint32_t value = 0;
    read_memory(addr, std::as_writable_bytes(std::span(&value, 1)));
    return value;
}

}  // namespace smol::firmware
