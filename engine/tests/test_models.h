#pragma once
// Small in-memory models for engine unit tests: a config and random weights in a model image, no files.
#include "common/mapped_file.h"
#include "model/src/model_file.h"
#include "engine/src/sampler.h"

namespace smol::testing {

inline model_config small_config(bool tied = true) {
    model_config c;
    c.vocab_size = 97;
    c.hidden_size = 32;
    c.intermediate_size = 48;
    c.n_layers = 2;
    c.n_heads = 4;
    c.n_kv_heads = 2;
    c.head_dim = 8;
    c.max_position_embeddings = 64;
    c.rope_theta = 10000.0f;
    c.rms_norm_eps = 1e-5f;
    c.tie_word_embeddings = tied;
    c.bos_token_id = 1;
    c.eos_token_ids = {2};
    return c;
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
