// libFuzzer target: any byte string is a candidate GGUF file. The reader must either accept it with every
// tensor span inside the input (and then build the config, tokenizer.json and tensors or refuse them), or
// throw smol::error; anything else (crash, sanitizer report, other exception) is a bug.
#include "common/error.h"
#include "model/src/gguf_model.h"

#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    try {
        const smol::gguf_file file = smol::gguf_file::parse(bytes, "fuzz.gguf");
        for (const smol::gguf_tensor_info& t : file.tensors()) {
            const bool inside = t.data.data() >= bytes.data() && t.data.data() + t.data.size() <= bytes.data() + size;
            if (!inside || t.data.size() != smol::ggml_type_bytes(t.type, t.element_count())) std::abort();
        }
        try {
            (void)smol::gguf_tokenizer_json(file);
        } catch (const smol::error&) {
        }
        const smol::model_config config = smol::gguf_model_config(file);
        for (const smol::tensor_entry& e : smol::plan_model_image(config, smol::quant_scheme::f32).tensors)
            if (smol::gguf_read_tensor(file, config, e).size() != size_t(e.rows) * e.cols) std::abort();
        // The byte-for-byte path of the file's own block scheme (q8_0 / q4_0), as `-m` without --quant takes.
        const smol::quant_scheme scheme = smol::gguf_default_scheme(file);
        for (const smol::tensor_entry& e : smol::plan_model_image(config, scheme).tensors) {
            std::vector<std::byte> out(e.data_bytes);
            (void)smol::gguf_copy_stored_tensor(file, config, e, out);
        }
    } catch (const smol::error&) {
    }
    return 0;
}
