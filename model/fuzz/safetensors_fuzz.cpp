// libFuzzer target: any byte string is a candidate safetensors file. The parser must either accept it
// with every tensor span inside the input, or throw smol::error; anything else (crash, sanitizer report,
// other exception) is a bug.
#include "common/error.h"
#include "model/src/safetensors.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    try {
        smol::safetensors_file file = smol::safetensors_file::parse(bytes, "fuzz.safetensors");
        for (const smol::st_tensor& t : file.tensors()) {
            const bool inside = t.data.empty() || (t.data.data() >= bytes.data() && t.data.data() + t.data.size() <= bytes.data() + size);
            if (!inside || t.data.size() != t.element_count() * smol::st_dtype_size(t.dtype)) std::abort();
        }
    } catch (const smol::error&) {
    }
    return 0;
}
