#pragma once
// Opens a model for inference: an HF checkpoint directory or a GGUF file (both converted in memory to the
// chosen scheme) or a smol32 model file (mmapped as is). Both end as the same validated image, viewed the same way.
#include "common/mapped_file.h"
#include "model/src/model_weights.h"

#include <optional>
#include <string>

namespace smol {

class loaded_model {
public:
    const model_weights& weights() const { return weights_; }
    const model_config& config() const { return weights_.config; }
    // The image bytes (what `smol convert` writes and the ISS memory image is built from).
    std::span<const std::byte> image() const;
    // A converted file (mmapped as is, its scheme fixed), not an HF directory converted at load.
    bool is_converted_file() const { return built_.data() == nullptr; }

private:
    friend loaded_model load_model(const std::string&, std::optional<quant_scheme>);
    mapped_file file_;          // a converted model file, or
    anonymous_buffer built_;    // an image converted from an HF checkpoint
    model_weights weights_;
};

// `quant` chooses the scheme for an HF directory (default f32) or a GGUF file (default gguf_default_scheme: q8_0
// for a Q8_0 file, q4_0 for a Q4_0 one, else f32); for a model file it must match the file's own scheme when given
// (a file is never requantized).
loaded_model load_model(const std::string& path, std::optional<quant_scheme> quant);

bool is_hf_checkpoint_dir(const std::string& path);

}  // namespace smol
