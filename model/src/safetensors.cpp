// safetensors reader and writer. Reading follows one rule: nothing from the file is used (as a size, an
// offset or an allocation) until it has been checked against the bytes actually present.
#include "model/src/safetensors.h"

#include "common/error.h"
#include "common/output_file.h"
#include "common/strict_json.h"
#include "model/src/json_excerpt.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

namespace smol {

static_assert(std::endian::native == std::endian::little, "safetensors stores little-endian data");

namespace {

struct dtype_info {
    st_dtype dtype;
    std::string_view name;
    size_t size;
};

// Indexed by st_dtype; the static_assert below ties the table to the enum.
constexpr std::array dtype_table{
    dtype_info{st_dtype::BOOL, "BOOL", 1},       dtype_info{st_dtype::U8, "U8", 1},
    dtype_info{st_dtype::I8, "I8", 1},           dtype_info{st_dtype::I16, "I16", 2},
    dtype_info{st_dtype::U16, "U16", 2},         dtype_info{st_dtype::F16, "F16", 2},
    dtype_info{st_dtype::BF16, "BF16", 2},       dtype_info{st_dtype::I32, "I32", 4},
    dtype_info{st_dtype::U32, "U32", 4},         dtype_info{st_dtype::F32, "F32", 4},
    dtype_info{st_dtype::F64, "F64", 8},         dtype_info{st_dtype::I64, "I64", 8},
    dtype_info{st_dtype::U64, "U64", 8},         dtype_info{st_dtype::F8_E4M3, "F8_E4M3", 1},
    dtype_info{st_dtype::F8_E5M2, "F8_E5M2", 1},
};
static_assert(dtype_table.size() == static_cast<size_t>(st_dtype::F8_E5M2) + 1);
constexpr bool table_in_enum_order() {
    for (size_t i = 0; i < dtype_table.size(); ++i)
        if (static_cast<size_t>(dtype_table[i].dtype) != i) return false;
    return true;
}
static_assert(table_in_enum_order());

// A header larger than this is not a model header but an attempt to make us allocate.
constexpr uint64_t max_header_bytes = 100u * 1000u * 1000u;

const dtype_info* find_dtype(std::string_view name) {
    for (const dtype_info& d : dtype_table)
        if (d.name == name) return &d;
    return nullptr;
}

std::string shape_text(const std::vector<uint64_t>& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

// Shape product times element size, or nullopt when it does not fit in 64 bits.
std::optional<uint64_t> byte_size(const std::vector<uint64_t>& shape, size_t element_size) {
    uint64_t total = element_size;
    for (uint64_t dim : shape)
        if (__builtin_mul_overflow(total, dim, &total)) return std::nullopt;
    return total;
}

// The header's fields, parsed but not yet checked against the data region.
struct header_entry {
    std::string name;
    const dtype_info* dtype;
    std::vector<uint64_t> shape;
    uint64_t begin;
    uint64_t end;
};

class header_parser {
public:
    explicit header_parser(const std::string& source) : source_(source) {}

    // A non-negative JSON integer; floats, negatives, strings and >64-bit numbers are refused by name.
    uint64_t read_count(const nlohmann::json& value, const std::string& tensor, const char* field) const {
        if (value.is_number_unsigned()) return value.get<uint64_t>();
        if (value.is_number_integer() && value.get<int64_t>() >= 0) return value.get<uint64_t>();  // e.g. "-0"
        const char* problem = value.is_number_integer() ? "is negative"
                              : value.is_number_float() ? "is not an integer"
                                                        : "is not a number";
        fail("{}: tensor \"{}\": {} entry {} {} (expected a non-negative integer)", source_, tensor, field,
             json_excerpt(value), problem);
    }

    header_entry read_entry(const std::string& name, const nlohmann::json& info) const {
        if (!info.is_object())
            fail("{}: tensor \"{}\": entry must be an object, found {}", source_, name, json_excerpt(info));
        header_entry e{name, nullptr, {}, 0, 0};
        e.dtype = read_dtype(name, require(name, info, "dtype"));
        const nlohmann::json& shape = require(name, info, "shape");
        if (!shape.is_array()) fail("{}: tensor \"{}\": shape must be an array, found {}", source_, name, json_excerpt(shape));
        for (const nlohmann::json& dim : shape) e.shape.push_back(read_count(dim, name, "shape"));
        const nlohmann::json& offsets = require(name, info, "data_offsets");
        if (!offsets.is_array() || offsets.size() != 2)
            fail("{}: tensor \"{}\": data_offsets must be an array [begin, end], found {}", source_, name,
                 json_excerpt(offsets));
        e.begin = read_count(offsets[0], name, "data_offsets");
        e.end = read_count(offsets[1], name, "data_offsets");
        return e;
    }

    // The entry against the data region and its own shape; `data_size` is what the file really holds.
    void check_span(const header_entry& e, uint64_t data_size) const {
        const std::string where = fmt::format("{}: tensor \"{}\": data_offsets [{}, {}]", source_, e.name, e.begin, e.end);
        if (e.end < e.begin) fail("{} end before begin", where);
        if (e.end > data_size)
            fail("{} run past the data region of {} bytes (file truncated or offsets corrupt)", where, data_size);
        std::optional<uint64_t> needed = byte_size(e.shape, e.dtype->size);
        if (!needed)
            fail("{}: tensor \"{}\": shape {} of {} overflows 64 bits", source_, e.name, shape_text(e.shape), e.dtype->name);
        if (*needed != e.end - e.begin)
            fail("{} span {} bytes but shape {} of {} needs {}", where, e.end - e.begin, shape_text(e.shape),
                 e.dtype->name, *needed);
    }

    void read_metadata(const nlohmann::json& value, std::map<std::string, std::string>& out) const {
        if (value.is_null()) return;
        if (!value.is_object()) fail("{}: __metadata__ must be an object, found {}", source_, json_excerpt(value));
        for (const auto& [key, text] : value.items()) {
            if (!text.is_string())
                fail("{}: __metadata__ \"{}\" must be a string, found {}", source_, key, json_excerpt(text));
            out.emplace(key, text.get<std::string>());
        }
    }

private:
    const nlohmann::json& require(const std::string& name, const nlohmann::json& info, const char* key) const {
        auto it = info.find(key);
        if (it == info.end()) fail("{}: tensor \"{}\": missing field \"{}\"", source_, name, key);
        return *it;
    }

    const dtype_info* read_dtype(const std::string& name, const nlohmann::json& value) const {
        if (!value.is_string()) fail("{}: tensor \"{}\": dtype must be a string, found {}", source_, name, json_excerpt(value));
        const dtype_info* d = find_dtype(value.get_ref<const std::string&>());
        if (!d) fail("{}: tensor \"{}\": unknown dtype {}", source_, name, json_excerpt(value));
        return d;
    }

    const std::string& source_;
};

// Tensors must tile the data region exactly: sorted by begin, each starts where the previous ended and the
// last ends at the region's end. Anything else is overlap (aliasing) or unexplained bytes.
void check_tiling(std::vector<header_entry>& entries, uint64_t data_size, const std::string& source) {
    std::sort(entries.begin(), entries.end(),
              [](const header_entry& a, const header_entry& b) { return std::tie(a.begin, a.end) < std::tie(b.begin, b.end); });
    uint64_t cursor = 0;
    const header_entry* previous = nullptr;
    for (const header_entry& e : entries) {
        if (e.begin < cursor)
            fail("{}: tensor \"{}\": data_offsets [{}, {}] overlap tensor \"{}\" [{}, {}]", source, e.name, e.begin,
                 e.end, previous->name, previous->begin, previous->end);
        if (e.begin > cursor)
            fail("{}: tensor \"{}\": data_offsets [{}, {}] leave a gap of {} bytes at data offset {} not covered by any tensor",
                 source, e.name, e.begin, e.end, e.begin - cursor, cursor);
        cursor = e.end;
        previous = &e;
    }
    if (cursor != data_size)
        fail("{}: data bytes [{}, {}) are not covered by any tensor (trailing data or missing header entry)", source,
             cursor, data_size);
}

}  // namespace

std::string_view st_dtype_name(st_dtype dtype) { return dtype_table.at(static_cast<size_t>(dtype)).name; }
size_t st_dtype_size(st_dtype dtype) { return dtype_table.at(static_cast<size_t>(dtype)).size; }

uint64_t st_tensor::element_count() const {
    uint64_t n = 1;
    for (uint64_t dim : shape) n *= dim;  // cannot overflow: checked against the byte span when parsed
    return n;
}

const st_tensor* safetensors_file::find(std::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &tensors_[it->second];
}

safetensors_file safetensors_file::open(const std::string& path) {
    mapped_file file(path);
    safetensors_file result = parse(file.bytes(), path);
    result.file_ = std::move(file);  // the mapping moves, its address (and so every tensor span) does not
    return result;
}

safetensors_file safetensors_file::parse(std::span<const std::byte> bytes, const std::string& source) {
    if (bytes.size() < 8)
        fail("{}: file is {} bytes, too short for the 8-byte header length (truncated or not safetensors)", source,
             bytes.size());
    uint64_t header_size;
    std::memcpy(&header_size, bytes.data(), 8);
    const uint64_t available = bytes.size() - 8;
    if (header_size > max_header_bytes)
        fail("{}: header length {} exceeds the {} byte limit (corrupt or not safetensors)", source, header_size,
             max_header_bytes);
    if (header_size > available)
        fail("{}: header length {} exceeds the {} bytes after the length field (file truncated)", source, header_size,
             available);

    const std::string_view text(reinterpret_cast<const char*>(bytes.data() + 8), header_size);
    // The format pads the header with trailing spaces, which JSON treats as whitespace.
    const nlohmann::json header = parse_strict_json(text, source + " header");
    if (!header.is_object()) fail("{}: header must be a JSON object, found {}", source, header.type_name());

    safetensors_file result;
    result.source_ = source;
    const std::span<const std::byte> data = bytes.subspan(8 + header_size);
    header_parser parser(source);
    std::vector<header_entry> entries;
    for (const auto& [key, value] : header.items()) {
        if (key == "__metadata__") {
            parser.read_metadata(value, result.metadata_);
            continue;
        }
        entries.push_back(parser.read_entry(key, value));
        parser.check_span(entries.back(), data.size());
    }
    check_tiling(entries, data.size(), source);

    result.tensors_.reserve(entries.size());
    for (header_entry& e : entries) {
        // Keys are unique: parse_strict_json refuses duplicate keys rather than keeping the last one.
        result.index_.emplace(e.name, result.tensors_.size());
        result.tensors_.push_back(st_tensor{std::move(e.name), e.dtype->dtype, std::move(e.shape),
                                            data.subspan(e.begin, e.end - e.begin)});
    }
    return result;
}

void write_safetensors(const std::string& path, std::span<const st_tensor_to_write> tensors,
                       const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const st_tensor_to_write& t : tensors) {
        if (t.name == "__metadata__" || header.contains(t.name))
            fail("{}: cannot write tensor \"{}\": name reserved or used twice", path, t.name);
        std::optional<uint64_t> needed = byte_size(t.shape, st_dtype_size(t.dtype));
        if (!needed || *needed != t.data.size())
            fail("{}: cannot write tensor \"{}\": shape {} of {} does not match its {} data bytes", path, t.name,
                 shape_text(t.shape), st_dtype_name(t.dtype), t.data.size());
        header[t.name] = {{"dtype", st_dtype_name(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + *needed}}};
        offset += *needed;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');  // keeps the data region 8-byte aligned
    const uint64_t header_size = text.size();

    output_file out(path);
    out.write(&header_size, sizeof header_size);
    out.write(text.data(), text.size());
    for (const st_tensor_to_write& t : tensors) out.write(t.data);
    out.commit();
}

}  // namespace smol
