#include "model/src/gguf.h"

#include "common/error.h"
#include "common/input_file.h"
#include "model/src/byte_io.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace smol {

namespace {

// Refuse counts and sizes no real model has before any table is sized by them.
constexpr uint64_t max_tensors = 1u << 20;
constexpr uint64_t max_keys = 1u << 20;
constexpr uint64_t max_array_depth = 1;  // arrays of arrays are refused

size_t gguf_scalar_bytes(gguf_type type) {
    switch (type) {
        case gguf_type::u8: case gguf_type::i8: case gguf_type::boolean: return 1;
        case gguf_type::u16: case gguf_type::i16: return 2;
        case gguf_type::u32: case gguf_type::i32: case gguf_type::f32: return 4;
        case gguf_type::u64: case gguf_type::i64: case gguf_type::f64: return 8;
        case gguf_type::string: return 8;  // at least its length
        case gguf_type::array: return 12;  // at least its element type and count
    }
    return 0;
}

// A bounds-checked cursor over the file: every read names what it reads and where.
class cursor {
public:
    cursor(std::span<const std::byte> bytes, const std::string& source) : bytes_(bytes), source_(source) {}

    uint64_t position() const { return pos_; }
    uint64_t remaining() const { return bytes_.size() - pos_; }

    template <typename T>
    T read(std::string_view field) {
        need(sizeof(T), field);
        T value = load_field<T>(bytes_, pos_);
        pos_ += sizeof(T);
        return value;
    }
    std::string read_string(std::string_view field) {
        const uint64_t at = pos_;
        const uint64_t length = read<uint64_t>(field);
        if (length > remaining())
            fail("{}: {} at offset {}: string length {} runs past the end of the file ({} bytes left)", source_, field,
                 at, length, remaining());
        std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), length);
        pos_ += length;
        return s;
    }
    void need(uint64_t n, std::string_view field) const {
        if (n > remaining())
            fail("{}: {} at offset {}: needs {} bytes but the file ends after {}", source_, field, pos_, n, remaining());
    }

private:
    std::span<const std::byte> bytes_;
    const std::string& source_;
    uint64_t pos_ = 0;
};

gguf_value read_value(cursor& in, gguf_type type, const std::string& field, int depth, const std::string& source) {
    gguf_value v;
    v.type = type;
    v.offset = in.position();
    switch (type) {
        case gguf_type::u8: v.data = uint64_t{in.read<uint8_t>(field)}; break;
        case gguf_type::u16: v.data = uint64_t{in.read<uint16_t>(field)}; break;
        case gguf_type::u32: v.data = uint64_t{in.read<uint32_t>(field)}; break;
        case gguf_type::u64: v.data = in.read<uint64_t>(field); break;
        case gguf_type::i8: v.data = int64_t{in.read<int8_t>(field)}; break;
        case gguf_type::i16: v.data = int64_t{in.read<int16_t>(field)}; break;
        case gguf_type::i32: v.data = int64_t{in.read<int32_t>(field)}; break;
        case gguf_type::i64: v.data = in.read<int64_t>(field); break;
        case gguf_type::f32: v.data = double{in.read<float>(field)}; break;
        case gguf_type::f64: v.data = in.read<double>(field); break;
        case gguf_type::boolean: {
            const uint8_t b = in.read<uint8_t>(field);
            if (b > 1) fail("{}: {} at offset {}: a bool must be 0 or 1, not {}", source, field, v.offset, b);
            v.data = b == 1;
            break;
        }
        case gguf_type::string: v.data = in.read_string(field); break;
        case gguf_type::array: {
            const uint32_t element = in.read<uint32_t>(field + " (array element type)");
            if (element > uint32_t(gguf_type::f64))
                fail("{}: {} at offset {}: unknown array element type {}", source, field, v.offset, element);
            if (depth >= int(max_array_depth) && gguf_type(element) == gguf_type::array)
                fail("{}: {} at offset {}: arrays of arrays are not supported", source, field, v.offset);
            const uint64_t count = in.read<uint64_t>(field + " (array length)");
            const uint64_t least = gguf_scalar_bytes(gguf_type(element));
            if (count > in.remaining() / least)
                fail("{}: {} at offset {}: array of {} {} elements cannot fit in the {} bytes left", source, field,
                     v.offset, count, gguf_type_name(gguf_type(element)), in.remaining());
            v.element_type = gguf_type(element);
            std::vector<gguf_value> items;
            items.reserve(count);
            for (uint64_t i = 0; i < count; ++i)
                items.push_back(read_value(in, v.element_type, field, depth + 1, source));
            v.data = std::move(items);
            break;
        }
        default: fail("{}: {} at offset {}: unknown value type {}", source, field, v.offset, uint32_t(type));
    }
    return v;
}

bool known_ggml_type(uint32_t t) {
    switch (ggml_type(t)) {
        case ggml_type::f32: case ggml_type::f16: case ggml_type::q4_0: case ggml_type::q8_0: case ggml_type::bf16:
            return true;
    }
    return false;
}

}  // namespace

const char* gguf_type_name(gguf_type type) {
    switch (type) {
        case gguf_type::u8: return "uint8";
        case gguf_type::i8: return "int8";
        case gguf_type::u16: return "uint16";
        case gguf_type::i16: return "int16";
        case gguf_type::u32: return "uint32";
        case gguf_type::i32: return "int32";
        case gguf_type::f32: return "float32";
        case gguf_type::boolean: return "bool";
        case gguf_type::string: return "string";
        case gguf_type::array: return "array";
        case gguf_type::u64: return "uint64";
        case gguf_type::i64: return "int64";
        case gguf_type::f64: return "float64";
    }
    return "unknown";
}

const char* ggml_type_name(ggml_type type) {
    switch (type) {
        case ggml_type::f32: return "F32";
        case ggml_type::f16: return "F16";
        case ggml_type::q4_0: return "Q4_0";
        case ggml_type::q8_0: return "Q8_0";
        case ggml_type::bf16: return "BF16";
    }
    return "unknown";
}

uint64_t ggml_type_bytes(ggml_type type, uint64_t elements) {
    switch (type) {
        case ggml_type::f32: return elements * 4;
        case ggml_type::f16: case ggml_type::bf16: return elements * 2;
        case ggml_type::q8_0: return elements / ggml_block_elements * 34;  // f16 scale + 32 int8
        case ggml_type::q4_0: return elements / ggml_block_elements * 18;  // f16 scale + 16 bytes of nibbles
    }
    return 0;
}

bool gguf_value::is_integer() const {
    switch (type) {
        case gguf_type::u8: case gguf_type::i8: case gguf_type::u16: case gguf_type::i16: case gguf_type::u32:
        case gguf_type::i32: case gguf_type::u64: case gguf_type::i64: return true;
        default: return false;
    }
}

uint64_t gguf_tensor_info::element_count() const {
    uint64_t n = 1;
    for (uint64_t d : dims) n *= d;
    return n;
}

gguf_file gguf_file::parse(std::span<const std::byte> bytes, const std::string& source) {
    gguf_file f;
    f.source_ = source;
    cursor in(bytes, f.source_);
    const uint32_t magic = in.read<uint32_t>("magic");
    if (magic != gguf_magic) fail("{}: magic at offset 0 is 0x{:08x}, not \"GGUF\"", source, magic);
    f.version_ = in.read<uint32_t>("version");
    if (f.version_ != 2 && f.version_ != 3)
        fail("{}: version at offset 4 is {}; GGUF versions 2 and 3 are supported", source, f.version_);
    const uint64_t tensor_count = in.read<uint64_t>("tensor_count");
    const uint64_t key_count = in.read<uint64_t>("metadata_kv_count");
    if (tensor_count > max_tensors || tensor_count > in.remaining() / 24)
        fail("{}: tensor_count at offset 8 is {}, more than the file can hold", source, tensor_count);
    if (key_count > max_keys || key_count > in.remaining() / 13)
        fail("{}: metadata_kv_count at offset 16 is {}, more than the file can hold", source, key_count);

    for (uint64_t k = 0; k < key_count; ++k) {
        const uint64_t at = in.position();
        const std::string key = in.read_string(fmt::format("metadata key {}", k));
        const std::string field = fmt::format("metadata '{}'", key);
        const uint32_t type = in.read<uint32_t>(field + " (type)");
        if (type > uint32_t(gguf_type::f64))
            fail("{}: {} at offset {}: unknown value type {}", source, field, in.position() - 4, type);
        gguf_value v = read_value(in, gguf_type(type), field, 0, f.source_);
        if (!f.metadata_.emplace(key, std::move(v)).second)
            fail("{}: metadata key '{}' at offset {} appears twice", source, key, at);
    }

    if (const gguf_value* a = f.find("general.alignment")) {
        if (a->type != gguf_type::u32)
            fail("{}: general.alignment at offset {} is a {}, not a uint32", source, a->offset, gguf_type_name(a->type));
        const uint64_t align = std::get<uint64_t>(a->data);
        if (align == 0 || (align & (align - 1)) != 0)
            fail("{}: general.alignment at offset {} is {}, not a power of two", source, a->offset, align);
        f.alignment_ = uint32_t(align);
    }

    for (uint64_t t = 0; t < tensor_count; ++t) {
        gguf_tensor_info info;
        info.info_offset = in.position();
        info.name = in.read_string(fmt::format("tensor {} name", t));
        const std::string field = fmt::format("tensor {} ('{}')", t, info.name);
        const uint64_t dims_at = in.position();
        const uint32_t n_dims = in.read<uint32_t>(field + " n_dims");
        if (n_dims < 1 || n_dims > gguf_max_dims)
            fail("{}: {} n_dims at offset {} is {}, not in 1..{}", source, field, dims_at, n_dims, gguf_max_dims);
        uint64_t elements = 1;
        for (uint32_t d = 0; d < n_dims; ++d) {
            const uint64_t at = in.position();
            const uint64_t n = in.read<uint64_t>(field + " dimension");
            if (n == 0 || n > (uint64_t{1} << 40) || elements > (uint64_t{1} << 40) / n)
                fail("{}: {} dimension {} at offset {} is {} (empty or absurdly large)", source, field, d, at, n);
            elements *= n;
            info.dims.push_back(n);
        }
        const uint64_t type_at = in.position();
        const uint32_t type = in.read<uint32_t>(field + " type");
        if (!known_ggml_type(type))
            fail("{}: {} type at offset {} is ggml type {}; supported: F32 (0), F16 (1), Q4_0 (2), Q8_0 (8), BF16 (30)",
                 source, field, type_at, type);
        info.type = ggml_type(type);
        if ((info.type == ggml_type::q8_0 || info.type == ggml_type::q4_0) && info.dims[0] % ggml_block_elements != 0)
            fail("{}: {} is {} but its row length {} is not a multiple of {}", source, field, ggml_type_name(info.type),
                 info.dims[0], ggml_block_elements);
        const uint64_t offset_at = in.position();
        info.relative_offset = in.read<uint64_t>(field + " offset");
        if (info.relative_offset % f.alignment_ != 0)
            fail("{}: {} offset at offset {} is {}, not a multiple of the alignment {}", source, field, offset_at,
                 info.relative_offset, f.alignment_);
        if (!f.tensor_index_.emplace(info.name, f.tensors_.size()).second)
            fail("{}: {} at offset {}: a tensor of that name came before", source, field, info.info_offset);
        f.tensors_.push_back(std::move(info));
    }

    const uint64_t end_of_infos = in.position();
    f.data_offset_ = (end_of_infos + f.alignment_ - 1) / f.alignment_ * f.alignment_;
    if (f.data_offset_ > bytes.size() && !f.tensors_.empty())
        fail("{}: the data section would start at offset {}, past the end of the file ({} bytes)", source,
             f.data_offset_, bytes.size());
    const uint64_t data_bytes = bytes.size() >= f.data_offset_ ? bytes.size() - f.data_offset_ : 0;

    std::vector<size_t> by_offset(f.tensors_.size());
    for (size_t i = 0; i < by_offset.size(); ++i) by_offset[i] = i;
    for (gguf_tensor_info& t : f.tensors_) {
        const uint64_t size = ggml_type_bytes(t.type, t.element_count());
        if (t.relative_offset > data_bytes || size > data_bytes - t.relative_offset)
            fail("{}: tensor '{}' (info at offset {}): data [{}, {}) of the data section runs past the end of the "
                 "file (the data section has {} bytes)",
                 source, t.name, t.info_offset, t.relative_offset, t.relative_offset + size, data_bytes);
        t.data = bytes.subspan(f.data_offset_ + t.relative_offset, size);
    }
    std::sort(by_offset.begin(), by_offset.end(),
              [&](size_t a, size_t b) { return f.tensors_[a].relative_offset < f.tensors_[b].relative_offset; });
    for (size_t i = 1; i < by_offset.size(); ++i) {
        const gguf_tensor_info& prev = f.tensors_[by_offset[i - 1]];
        const gguf_tensor_info& next = f.tensors_[by_offset[i]];
        if (prev.relative_offset + prev.data.size() > next.relative_offset)
            fail("{}: tensors '{}' (data offset {}, {} bytes) and '{}' (data offset {}) overlap", source, prev.name,
                 prev.relative_offset, prev.data.size(), next.name, next.relative_offset);
    }
    return f;
}

const gguf_value* gguf_file::find(std::string_view key) const {
    auto it = metadata_.find(key);
    return it == metadata_.end() ? nullptr : &it->second;
}

const gguf_tensor_info* gguf_file::find_tensor(std::string_view name) const {
    auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const gguf_value& gguf_file::require(std::string_view key) const {
    const gguf_value* v = find(key);
    if (!v) fail("{}: metadata '{}' is missing", source_, key);
    return *v;
}

uint64_t gguf_file::require_uint(std::string_view key) const {
    const gguf_value& v = require(key);
    if (!v.is_integer())
        fail("{}: metadata '{}' at offset {} is a {}, not an integer", source_, key, v.offset, gguf_type_name(v.type));
    if (const int64_t* i = std::get_if<int64_t>(&v.data); i && *i < 0)
        fail("{}: metadata '{}' at offset {} is negative ({})", source_, key, v.offset, *i);
    if (const int64_t* i = std::get_if<int64_t>(&v.data)) return uint64_t(*i);
    return std::get<uint64_t>(v.data);
}

double gguf_file::require_float(std::string_view key) const {
    const gguf_value& v = require(key);
    if (v.type != gguf_type::f32 && v.type != gguf_type::f64)
        fail("{}: metadata '{}' at offset {} is a {}, not a float", source_, key, v.offset, gguf_type_name(v.type));
    return std::get<double>(v.data);
}

std::string gguf_file::require_string(std::string_view key) const {
    const gguf_value& v = require(key);
    if (v.type != gguf_type::string)
        fail("{}: metadata '{}' at offset {} is a {}, not a string", source_, key, v.offset, gguf_type_name(v.type));
    return v.string();
}

bool has_gguf_magic(const std::string& path) {
    // A directory (an HF checkpoint) or a missing path is simply not GGUF; anything else goes through the one
    // input opener, so a FIFO or device named by -m is refused here, never blocked on.
    std::error_code ec;
    const std::filesystem::file_status st = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(st) || std::filesystem::is_directory(st)) return false;
    const int fd = open_regular_input(path);
    char magic[4] = {};
    size_t got = 0;
    while (got < sizeof magic) {
        const ssize_t n = ::read(fd, magic + got, sizeof magic - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += size_t(n);
    }
    ::close(fd);
    return got == sizeof magic && std::string_view(magic, 4) == "GGUF";
}

}  // namespace smol
