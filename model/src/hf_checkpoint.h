#pragma once
// An HF LLaMA-family checkpoint directory: config.json plus model.safetensors or a sharded set named by
// model.safetensors.index.json. Opening it validates that every tensor the config implies is present once,
// with the expected shape and a supported dtype (F32, F16, BF16), and that nothing unsupported (biases,
// unknown tensors) is there.
#include "model/src/model_config.h"
#include "model/src/safetensors.h"

#include <string>
#include <vector>

namespace smol {

// HF tensor names. Layer tensors take the layer index.
std::string hf_tensor_name_embed();                  // model.embed_tokens.weight
std::string hf_tensor_name_final_norm();             // model.norm.weight
std::string hf_tensor_name_lm_head();                // lm_head.weight
std::string hf_tensor_name_layer(int layer, const char* suffix);  // model.layers.{i}.{suffix}
struct tensor_entry;
std::string hf_tensor_name(const tensor_entry& entry);  // the HF name of a model-image tensor

class hf_checkpoint {
public:
    static hf_checkpoint open(const std::string& directory);

    const model_config& config() const { return config_; }
    const std::string& directory() const { return directory_; }
    const st_tensor& tensor(const std::string& name) const;  // throws naming the missing tensor

    // Converts a F32/F16/BF16 tensor to float32 values (row-major, as stored).
    std::vector<float> read_f32(const std::string& name) const;

private:
    std::string directory_;
    model_config config_;
    std::vector<safetensors_file> shards_;
    std::map<std::string, const st_tensor*, std::less<>> tensors_;
};

}  // namespace smol
