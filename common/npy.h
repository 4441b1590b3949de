#pragma once
// NumPy .npy (format 1.0) for float32 tensors: what `smol logits -o` writes and tests read back.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace smol {

void npy_write_f32(const std::string& path, std::span<const float> data, std::span<const size_t> shape);

struct npy_f32 {
    std::vector<size_t> shape;
    std::vector<float> data;
};
npy_f32 npy_read_f32(const std::string& path);

}  // namespace smol
