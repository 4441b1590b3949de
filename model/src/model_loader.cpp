#include "model/src/model_loader.h"

#include "common/error.h"
#include "model/src/gguf_model.h"
#include "model/src/hf_checkpoint.h"
#include "model/src/model_file.h"

#include <filesystem>

namespace smol {


std::span<const std::byte> loaded_model::image() const {
    if (built_.data()) return {built_.data(), built_.size()};
    return file_.bytes();
}

bool is_hf_checkpoint_dir(const std::string& path) { return std::filesystem::is_directory(path); }

loaded_model load_model(const std::string& path, std::optional<quant_scheme> quant) {
    loaded_model model;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) fail("{}: no such file or directory", path);
    // HF directories and GGUF files are converted in memory to the chosen scheme (default f32), the same way.
    auto build = [&](const model_config& config, const tensor_source& source) {
        quant_scheme scheme = quant.value_or(quant_scheme::f32);
        model_image_layout layout = plan_model_image(config, scheme);
        model.built_ = anonymous_buffer(layout.total_bytes);
        build_model_image(config, scheme, layout, source, {model.built_.data(), model.built_.size()});
        model.weights_ = view_model_image(model.image(), path);
    };
    if (is_hf_checkpoint_dir(path)) {
        hf_checkpoint checkpoint = hf_checkpoint::open(path);
        build(checkpoint.config(), [&](const tensor_entry& e) { return checkpoint.read_f32(hf_tensor_name(e)); });
    } else if (has_gguf_magic(path)) {
        // GGUF weights are widened or dequantized to float32 first, then --quant applies (docs/gguf.md).
        const mapped_file file(path);
        const gguf_file gguf = gguf_file::parse(file.bytes(), path);
        const model_config config = gguf_model_config(gguf);
        build(config, [&](const tensor_entry& e) { return gguf_read_tensor(gguf, config, e); });
    } else {
        model.file_ = mapped_file(path);
        model.weights_ = view_model_image(model.file_.bytes(), path);
        if (quant && *quant != model.weights_.quant)
            fail("{}: the file holds {} weights but --quant {} was asked; convert the HF checkpoint again instead",
                 path, quant_scheme_name(model.weights_.quant), quant_scheme_name(*quant));
    }
    return model;
}

}  // namespace smol
