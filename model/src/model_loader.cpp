#include "model/src/model_loader.h"

#include "common/error.h"
#include "model/src/gguf_model.h"
#include "model/src/hf_checkpoint.h"
#include "model/src/model_file.h"
#include "common/finite_check.h"

#include <fmt/format.h>

#include <filesystem>

namespace smol {

namespace {

void check_matrix(const matrix_view& m, const std::string& path, const std::string& name) {
    const size_t count = size_t(m.rows) * size_t(m.cols);
    if (m.dtype == weight_dtype::f32) check_finite({m.f32, count}, fmt::format("{}: tensor {}", path, name));
    else check_finite({m.scales, size_t(m.scale_count)}, fmt::format("{}: scales of tensor {}", path, name));
}

// A converted file is checked as it is mapped: f32 tensors and every q8 scale (int8 values are always finite).
void check_finite_weights(const model_weights& w, const std::string& path) {
    const size_t hidden = size_t(w.config.hidden_size);
    check_matrix(w.embed, path, hf_tensor_name_embed());
    for (size_t i = 0; i < w.layers.size(); ++i) {
        const layer_weights& l = w.layers[i];
        const int layer = int(i);
        check_finite({l.attn_norm, hidden}, fmt::format("{}: tensor {}", path, hf_tensor_name_layer(layer, "input_layernorm.weight")));
        check_finite({l.ffn_norm, hidden},
                     fmt::format("{}: tensor {}", path, hf_tensor_name_layer(layer, "post_attention_layernorm.weight")));
        check_matrix(l.wq, path, hf_tensor_name_layer(layer, "self_attn.q_proj.weight"));
        check_matrix(l.wk, path, hf_tensor_name_layer(layer, "self_attn.k_proj.weight"));
        check_matrix(l.wv, path, hf_tensor_name_layer(layer, "self_attn.v_proj.weight"));
        check_matrix(l.wo, path, hf_tensor_name_layer(layer, "self_attn.o_proj.weight"));
        check_matrix(l.w_gate, path, hf_tensor_name_layer(layer, "mlp.gate_proj.weight"));
        check_matrix(l.w_up, path, hf_tensor_name_layer(layer, "mlp.up_proj.weight"));
        check_matrix(l.w_down, path, hf_tensor_name_layer(layer, "mlp.down_proj.weight"));
    }
    check_finite({w.final_norm, hidden}, fmt::format("{}: tensor {}", path, hf_tensor_name_final_norm()));
    if (w.lm_head.f32 != w.embed.f32 || w.lm_head.q8 != w.embed.q8) check_matrix(w.lm_head, path, hf_tensor_name_lm_head());
}

}  // namespace

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
    auto build = [&](const model_config& config, quant_scheme scheme, const tensor_source& source,
                     const stored_tensor_source& stored = {}) {
        model_image_layout layout = plan_model_image(config, scheme);
        model.built_ = anonymous_buffer(layout.total_bytes);
        build_model_image(config, scheme, layout, source, {model.built_.data(), model.built_.size()}, stored);
        model.weights_ = view_model_image(model.image(), path);
    };
    if (is_hf_checkpoint_dir(path)) {
        hf_checkpoint checkpoint = hf_checkpoint::open(path);
        build(checkpoint.config(), quant.value_or(quant_scheme::f32), [&](const tensor_entry& e) {
            const std::string name = hf_tensor_name(e);
            std::vector<float> values = checkpoint.read_f32(name);
            check_finite(values, fmt::format("{}: tensor {}", path, name));
            release_mapped_pages(checkpoint.tensor(name).data);  // read once (RSS budget)
            return values;
        });
    } else if (has_gguf_magic(path)) {
        // A tensor the image stores in the file's own block type is copied byte for byte; any other is widened
        // or dequantized to float32 first, then --quant applies (docs/gguf.md).
        const mapped_file file(path);
        const gguf_file gguf = gguf_file::parse(file.bytes(), path);
        const model_config config = gguf_model_config(gguf);
        build(
            config, quant.value_or(gguf_default_scheme(gguf)),
            [&](const tensor_entry& e) {
                std::vector<float> values = gguf_read_tensor(gguf, config, e);
                check_finite(values, fmt::format("{}: tensor {}", path, hf_tensor_name(e)));
                return values;
            },
            [&](const tensor_entry& e, std::span<std::byte> data) { return gguf_copy_stored_tensor(gguf, config, e, data); });
    } else {
        model.file_ = mapped_file(path);
        model.weights_ = view_model_image(model.file_.bytes(), path);
        check_finite_weights(model.weights_, path);
        if (quant && *quant != model.weights_.quant)
            fail("{}: the file holds {} weights but --quant {} was asked; convert the HF checkpoint again instead",
                 path, quant_scheme_name(model.weights_.quant), quant_scheme_name(*quant));
    }
    return model;
}

}  // namespace smol
