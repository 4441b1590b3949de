#pragma once
// Unaligned little-endian field access in byte buffers (model images are little-endian, as is the host).
#include <bit>
#include <cstddef>
#include <cstring>
#include <span>

namespace smol {

static_assert(std::endian::native == std::endian::little, "smol32 model images are little-endian");

template <typename T>
T load_field(std::span<const std::byte> in, size_t offset) {
    T value;
    std::memcpy(&value, in.data() + offset, sizeof value);
    return value;
}

template <typename T>
void store_field(std::span<std::byte> out, size_t offset, T value) {
    std::memcpy(out.data() + offset, &value, sizeof value);
}

}  // namespace smol
