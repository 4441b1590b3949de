#pragma once
// GGUF files (llama.cpp's model format, versions 2 and 3; docs/gguf.md): a header, typed metadata key/value
// pairs, tensor infos, then the tensor data at an aligned offset. The parser trusts nothing: every count,
// length, type, dimension and offset is checked against the file before use (docs/robustness.md item 8), and
// each error names the field and its byte offset.
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace smol {

inline constexpr uint32_t gguf_magic = 0x46554747;  // "GGUF" little-endian
inline constexpr uint32_t gguf_default_alignment = 32;
inline constexpr uint32_t gguf_max_dims = 4;  // GGML_MAX_DIMS

// Metadata value types (the numbers stored in the file).
enum class gguf_type : uint32_t {
    u8 = 0, i8 = 1, u16 = 2, i16 = 3, u32 = 4, i32 = 5, f32 = 6, boolean = 7, string = 8, array = 9, u64 = 10,
    i64 = 11, f64 = 12
};
const char* gguf_type_name(gguf_type type);

// Tensor element types (ggml_type numbers) this project reads and writes.
enum class ggml_type : uint32_t { f32 = 0, f16 = 1, q4_0 = 2, q8_0 = 8, bf16 = 30 };
inline constexpr int64_t ggml_block_elements = 32;  // Q8_0 and Q4_0 blocks
// Bytes of `elements` values of `type` (elements a multiple of the block size for block types).
uint64_t ggml_type_bytes(ggml_type type, uint64_t elements);
const char* ggml_type_name(ggml_type type);

// A metadata value. Arrays hold one element type; nested arrays are refused (llama.cpp writes none).
struct gguf_value {
    gguf_type type = gguf_type::u8;
    gguf_type element_type = gguf_type::u8;  // arrays only
    std::variant<uint64_t, int64_t, double, bool, std::string, std::vector<gguf_value>> data;
    uint64_t offset = 0;  // where the value starts in the file (for messages)

    bool is_integer() const;
    bool is_array_of(gguf_type element) const { return type == gguf_type::array && element_type == element; }
    const std::vector<gguf_value>& array() const { return std::get<std::vector<gguf_value>>(data); }
    const std::string& string() const { return std::get<std::string>(data); }
};

struct gguf_tensor_info {
    std::string name;
    std::vector<uint64_t> dims;  // ne[0] first: the fastest-varying (a row's length), as GGUF stores them
    ggml_type type = ggml_type::f32;
    uint64_t relative_offset = 0;  // from the start of the data section
    uint64_t info_offset = 0;      // where this tensor info starts in the file (for messages)
    std::span<const std::byte> data;
    uint64_t element_count() const;
};

class gguf_file {
public:
    // Validates the bytes; `bytes` must outlive the result. `source` (the path) prefixes every message.
    static gguf_file parse(std::span<const std::byte> bytes, const std::string& source);

    uint32_t version() const { return version_; }
    uint32_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; }
    const std::string& source() const { return source_; }
    const std::vector<gguf_tensor_info>& tensors() const { return tensors_; }
    const std::map<std::string, gguf_value, std::less<>>& metadata() const { return metadata_; }

    const gguf_value* find(std::string_view key) const;  // nullptr when absent
    const gguf_tensor_info* find_tensor(std::string_view name) const;
    // Typed getters: throw naming the key when absent or of another type.
    const gguf_value& require(std::string_view key) const;
    uint64_t require_uint(std::string_view key) const;  // any non-negative integer type
    double require_float(std::string_view key) const;   // f32 or f64
    std::string require_string(std::string_view key) const;

private:
    std::string source_;
    uint32_t version_ = 0;
    uint32_t alignment_ = gguf_default_alignment;
    uint64_t data_offset_ = 0;
    std::map<std::string, gguf_value, std::less<>> metadata_;
    std::vector<gguf_tensor_info> tensors_;
    std::map<std::string, size_t, std::less<>> tensor_index_;
};

bool has_gguf_magic(const std::string& path);  // the file exists and starts with "GGUF"

}  // namespace smol
