// smol's GGUF writer and reader against the HF directory they came from: f32 gives the very same model image
// (so the same logits, bit for bit); f16, q8_0 and q4_0 give logits within a stated bound of the HF ones.
#include "common/test_errors.h"
#include "engine/src/make_model.h"
#include "engine/src/transformer.h"
#include "engine/tokenizer/tokenizer.h"
#include "model/src/gguf_model.h"
#include "model/src/gguf_writer.h"
#include "model/src/model_loader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

struct gguf_roundtrip : ::testing::Test {
    static void SetUpTestSuite() {
        dir = fs::temp_directory_path() / ("smol_gguf_" + std::to_string(::getpid()));
        fs::remove_all(dir);
        smol::make_model(smol::make_model_preset("tiny"), 1, (dir / "hf").string());
    }
    static void TearDownTestSuite() { fs::remove_all(dir); }

    static std::string write(smol::ggml_type scheme) {
        const std::vector<std::byte> bytes = smol::hf_checkpoint_to_gguf((dir / "hf").string(), scheme);
        const std::string path = (dir / (std::string(smol::ggml_type_name(scheme)) + ".gguf")).string();
        std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        return path;
    }
    static std::vector<float> logits(const std::string& path, std::span<const int32_t> ids) {
        const smol::loaded_model m = smol::load_model(path, std::nullopt);
        smol::transformer t(m.weights(), int32_t(ids.size()));
        std::vector<float> out(ids.size() * size_t(m.config().vocab_size));
        t.eval(ids, 0, out, true);
        return out;
    }
    static inline fs::path dir;
};

const std::vector<int32_t> prompt = {1, 17, 300, 4, 99, 2000, 8, 512, 33, 0};

TEST_F(gguf_roundtrip, f32_gives_the_hf_model_image_bit_for_bit) {
    const smol::loaded_model hf = smol::load_model((dir / "hf").string(), std::nullopt);
    const smol::loaded_model gg = smol::load_model(write(smol::ggml_type::f32), std::nullopt);
    ASSERT_EQ(hf.image().size(), gg.image().size());
    EXPECT_TRUE(std::equal(hf.image().begin(), hf.image().end(), gg.image().begin()));
}

TEST_F(gguf_roundtrip, quantized_schemes_stay_within_their_logit_bounds) {
    const std::vector<float> ref = logits((dir / "hf").string(), prompt);
    float ref_max = 0;
    for (float v : ref) ref_max = std::max(ref_max, std::fabs(v));
    // Bounds relative to the largest |logit|: f16 and bf16 rounding (the tiny checkpoint is BF16, so bf16 is
    // exact), 8-bit blocks (measured 0.063: per-weight error as the engine's q8r, which gives 0.039), 4-bit blocks.
    const std::pair<smol::ggml_type, float> schemes[] = {
        {smol::ggml_type::f16, 1e-5f}, {smol::ggml_type::bf16, 0.0f}, {smol::ggml_type::q8_0, 0.1f}, {smol::ggml_type::q4_0, 0.8f}};
    for (auto [scheme, bound] : schemes) {
        const std::vector<float> got = logits(write(scheme), prompt);
        float worst = 0;
        for (size_t i = 0; i < ref.size(); ++i) worst = std::max(worst, std::fabs(got[i] - ref[i]));
        EXPECT_LE(worst, bound * ref_max) << smol::ggml_type_name(scheme) << " max |dlogit| " << worst;
        RecordProperty(std::string("max_dlogit_") + smol::ggml_type_name(scheme), std::to_string(worst));
    }
}

TEST_F(gguf_roundtrip, tokenizer_and_chat_template_come_back) {
    const std::string path = write(smol::ggml_type::f32);
    const smol::mapped_file file(path);
    const smol::gguf_file f = smol::gguf_file::parse(file.bytes(), path);
    const smol::tokenizer from_gguf = smol::tokenizer::from_json(smol::gguf_tokenizer_json(f), path);
    const smol::tokenizer from_hf = smol::load_tokenizer_for_model((dir / "hf").string());
    for (const char* text : {"Hello world 12345!", "<|im_start|>user\nhi<|im_end|>", "  tabs\tand\nnewlines  ", "café ünïcode 😀"})
        for (bool special : {false, true})
            EXPECT_EQ(from_gguf.encode(text, special), from_hf.encode(text, special)) << text;
    const smol::gguf_chat_template t = smol::gguf_chat_template_of(f);
    EXPECT_NE(t.source.find("im_start"), std::string::npos);
    EXPECT_EQ(smol::gguf_model_config(f).vocab_size, smol::load_model((dir / "hf").string(), std::nullopt).config().vocab_size);
}

}  // namespace
