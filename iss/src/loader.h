#pragma once
#include "iss/src/machine.h"

#include <cstdint>
#include <span>
#include <string>

namespace smol::iss {

// Copies a flat image into memory at `load_addr`; throws smol::error naming both sizes when it does
// not fit (robustness item 20). Returns the image size in bytes.
uint64_t load_image(machine& m, std::span<const std::byte> image, uint64_t load_addr, const std::string& what);
uint64_t load_image_file(machine& m, const std::string& path, uint64_t load_addr);

}  // namespace smol::iss
