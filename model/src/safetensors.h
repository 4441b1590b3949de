#pragma once
// safetensors files: an 8-byte little-endian header length, a JSON header, then tensor data. The parser
// trusts nothing: every length, offset, shape and dtype is checked before use (docs/robustness.md 1-5, 7).
#include "common/mapped_file.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smol {

enum class st_dtype { BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64, F8_E4M3, F8_E5M2 };

std::string_view st_dtype_name(st_dtype dtype);
size_t st_dtype_size(st_dtype dtype);

struct st_tensor {
    std::string name;
    st_dtype dtype;
    std::vector<uint64_t> shape;
    std::span<const std::byte> data;  // exactly product(shape) * dtype size bytes, inside the file
    uint64_t element_count() const;
};

class safetensors_file {
public:
    // Maps and validates the file; throws smol::error naming the path, tensor and field at fault.
    static safetensors_file open(const std::string& path);
    // Validates a header+data image already in memory (tests, fuzzing). `bytes` must outlive the result.
    static safetensors_file parse(std::span<const std::byte> bytes, const std::string& source);

    const std::vector<st_tensor>& tensors() const { return tensors_; }
    const st_tensor* find(std::string_view name) const;  // nullptr when absent
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    const std::string& source() const { return source_; }

private:
    mapped_file file_;
    std::string source_;
    std::vector<st_tensor> tensors_;
    std::map<std::string, size_t, std::less<>> index_;
    std::map<std::string, std::string> metadata_;
};

// Writes a safetensors file atomically; tensors are laid out in the order given.
struct st_tensor_to_write {
    std::string name;
    st_dtype dtype;
    std::vector<uint64_t> shape;
    std::span<const std::byte> data;
};
void write_safetensors(const std::string& path, std::span<const st_tensor_to_write> tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace smol
