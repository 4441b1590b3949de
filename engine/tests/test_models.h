#pragma once
// Small in-memory models for engine unit tests: a config and random weights in a model image, no files.
#include "common/mapped_file.h"
#include "model/src/model_file.h"
#include "engine/src/sampler.h"

namespace smol::testing {

// GQA (4 query heads on 2 KV heads), a vocabulary that is no multiple of 16.
inline model_config small_config(bool tied = true) {
    return llama_config({.vocab_size = 97, .hidden_size = 32, .intermediate_size = 48, .n_layers = 2, .n_heads = 4,
                         .n_kv_heads = 2, .tie_word_embeddings = tied});
}

struct image_model {
    anonymous_buffer image;
    model_weights weights;
};

inline image_model random_image_model(const model_config& c, quant_scheme quant, uint64_t seed = 7) {
    image_model m;
    model_image_layout layout = plan_model_image(c, quant);
    m.image = anonymous_buffer(layout.total_bytes);
    build_model_image(c, quant, layout,
                      [&](const tensor_entry& e) {
                          random_generator rng(seed * 1000 + uint64_t(e.kind) * 100 + e.layer);
                          std::vector<float> v(size_t(e.rows) * e.cols);
                          bool norm = e.rows == 1;
                          for (float& x : v) x = norm ? 1.0f + 0.1f * float(rng.uniform() - 0.5) : 0.3f * float(rng.uniform() - 0.5);
                          return v;
                      },
                      {m.image.data(), m.image.size()});
    m.weights = view_model_image({m.image.data(), m.image.size()}, "test image");
    return m;
}

}  // namespace smol::testing
