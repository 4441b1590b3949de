#include "common/npy.h"

#include "common/error.h"
#include "common/mapped_file.h"
#include "common/output_file.h"

#include <cstring>
#include <fmt/format.h>
#include <string_view>

namespace smol {

void npy_write_f32(const std::string& path, std::span<const float> data, std::span<const size_t> shape) {
    size_t count = 1;
    std::string dims;
    for (size_t d : shape) {
        count *= d;
        dims += fmt::format("{}, ", d);
    }
    if (shape.size() > 1) dims.resize(dims.size() - 2);  // "(n,)" needs the comma; "(a, b)" does not
    if (count != data.size()) fail("{}: {} values do not fill shape ({})", path, data.size(), dims);
    std::string header = fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}), }}", dims);
    // Magic (6) + version (2) + length (2) + header + '\n', padded with spaces to a multiple of 64.
    size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    output_file out(path);
    const unsigned char preamble[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    out.write(preamble, sizeof preamble);
    const unsigned char length[2] = {static_cast<unsigned char>(header.size() & 0xff),
                                     static_cast<unsigned char>(header.size() >> 8)};
    out.write(length, 2);
    out.write(header.data(), header.size());
    out.write(data.data(), data.size_bytes());
    out.commit();
}

npy_f32 npy_read_f32(const std::string& path) {
    mapped_file file(path);
    auto bytes = file.bytes();
    if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY\x01\x00", 8) != 0)
        fail("{}: not a version 1.0 .npy file", path);
    size_t header_len = static_cast<size_t>(bytes[8]) | (static_cast<size_t>(bytes[9]) << 8);
    if (10 + header_len > bytes.size()) fail("{}: header length {} past end of file", path, header_len);
    std::string_view header(reinterpret_cast<const char*>(bytes.data()) + 10, header_len);
    if (header.find("'descr': '<f4'") == std::string_view::npos ||
        header.find("'fortran_order': False") == std::string_view::npos)
        fail("{}: only little-endian C-order float32 arrays are supported", path);
    size_t open = header.find("'shape': (");
    size_t close = header.find(')', open);
    if (open == std::string_view::npos || close == std::string_view::npos) fail("{}: no shape in header", path);
    npy_f32 result;
    size_t count = 1;
    std::string_view dims = header.substr(open + 10, close - open - 10);
    while (!dims.empty()) {
        size_t comma = dims.find(',');
        std::string_view item = dims.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        if (!item.empty()) {
            size_t value = 0;
            for (char c : item) {
                if (c < '0' || c > '9') fail("{}: bad shape entry '{}'", path, item);
                value = value * 10 + static_cast<size_t>(c - '0');
            }
            result.shape.push_back(value);
            count *= value;
        }
        if (comma == std::string_view::npos) break;
        dims.remove_prefix(comma + 1);
    }
    size_t payload = bytes.size() - 10 - header_len;
    if (payload != count * sizeof(float))
        fail("{}: data is {} bytes, shape needs {}", path, payload, count * sizeof(float));
    result.data.resize(count);
    std::memcpy(result.data.data(), bytes.data() + 10 + header_len, payload);
    return result;
}

}  // namespace smol
