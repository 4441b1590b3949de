#include "iss/src/machine.h"

#include "common/error.h"

#include <sys/mman.h>

#include <cstring>

namespace smol::iss {

memory::memory(uint64_t size) : size_(size) {
    if (size == 0 || size % 4096 != 0 || size > max_mem_size)
        fail("memory size {} bytes is invalid: want a multiple of 4096 bytes, at most 4 GiB", size);
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) fail("cannot reserve {} bytes of simulated memory: {}", size, std::strerror(errno));
    data_ = static_cast<uint8_t*>(p);
}

memory::~memory() { munmap(data_, size_); }

void memory::write(uint64_t addr, const void* src, uint64_t n) {
    if (!contains(addr, n))
        fail("host write of {} bytes at {:#x} is outside memory of {} bytes", n, addr, size_);
    if (n) std::memcpy(data_ + addr, src, n);
}

void memory::read(uint64_t addr, void* dst, uint64_t n) const {
    if (!contains(addr, n))
        fail("host read of {} bytes at {:#x} is outside memory of {} bytes", n, addr, size_);
    if (n) std::memcpy(dst, data_ + addr, n);
}

uint32_t memory::read32(uint64_t addr) const {
    uint32_t v;
    read(addr, &v, 4);
    return v;
}

void memory::write32(uint64_t addr, uint32_t value) { write(addr, &value, 4); }

}  // namespace smol::iss
