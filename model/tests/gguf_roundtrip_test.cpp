// smol's GGUF writer and reader against the HF directory they came from: f32 gives the very same model image
// (so the same logits, bit for bit); f16, q8_0 and q4_0 give logits within a stated bound of the HF ones.
// Q8_0 / Q4_0 tensors loaded as q8_0 / q4_0 are the file's own bytes (no dequantize and requantize).
#include "common/test_errors.h"
#include "engine/src/make_model.h"
#include "engine/src/transformer.h"
#include "engine/tokenizer/tokenizer.h"
#include "model/src/gguf_model.h"
#include "model/src/gguf_writer.h"
#include "model/src/model_loader.h"
#include "model/src/quantize.h"

#include <algorithm>
#include <cstring>
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

// The engine's view of one image tensor.
const smol::matrix_view& view_of(const smol::model_weights& w, const smol::tensor_entry& e) {
    using smol::tensor_kind;
    const smol::layer_weights& l = w.layers[e.layer];
    switch (e.kind) {
        case tensor_kind::wq: return l.wq;
        case tensor_kind::wk: return l.wk;
        case tensor_kind::wv: return l.wv;
        case tensor_kind::wo: return l.wo;
        case tensor_kind::w_gate: return l.w_gate;
        case tensor_kind::w_up: return l.w_up;
        case tensor_kind::w_down: return l.w_down;
        case tensor_kind::lm_head: return w.lm_head;
        default: return w.embed;
    }
}

// Halves every block's codes in place, keeping the scales: such blocks are valid but are not what the
// quantizer makes of their own values (the largest code no longer reaches the end of the range), so
// dequantizing and requantizing them would change their bytes.
void halve_block_codes(std::vector<std::byte>& bytes, smol::ggml_type type) {
    const smol::gguf_file f = smol::gguf_file::parse(bytes, "halved.gguf");
    for (const smol::gguf_tensor_info& t : f.tensors()) {
        if (t.type != type) continue;
        std::byte* data = bytes.data() + (t.data.data() - bytes.data());
        const size_t block = type == smol::ggml_type::q8_0 ? sizeof(smol::block_q8_0) : sizeof(smol::block_q4_0);
        for (size_t at = 0; at < t.data.size(); at += block)
            for (size_t j = 2; j < block; ++j) {
                const auto b = uint8_t(data[at + j]);
                if (type == smol::ggml_type::q8_0) {
                    data[at + j] = std::byte(uint8_t(int8_t(b) / 2));
                } else {
                    auto half = [](int code) { return (code - 8) / 2 + 8; };
                    data[at + j] = std::byte(uint8_t(half(b & 15) | half(b >> 4) << 4));
                }
            }
    }
}

std::string save(const std::vector<std::byte>& bytes, const fs::path& path) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    return path.string();
}

TEST_F(gguf_roundtrip, block_tensors_are_used_byte_for_byte) {
    const std::pair<smol::ggml_type, smol::quant_scheme> cases[] = {{smol::ggml_type::q8_0, smol::quant_scheme::q8_0},
                                                                    {smol::ggml_type::q4_0, smol::quant_scheme::q4_0}};
    for (auto [type, scheme] : cases) {
        std::vector<std::byte> bytes = smol::hf_checkpoint_to_gguf((dir / "hf").string(), type);
        halve_block_codes(bytes, type);
        const std::string path = save(bytes, dir / (std::string("halved_") + smol::ggml_type_name(type) + ".gguf"));
        const smol::gguf_file f = smol::gguf_file::parse(bytes, path);
        for (std::optional<smol::quant_scheme> asked : {std::optional<smol::quant_scheme>{}, std::optional{scheme}}) {
            const smol::loaded_model m = smol::load_model(path, asked);
            ASSERT_EQ(m.weights().quant, scheme) << "a " << smol::ggml_type_name(type) << " file loads as its own scheme";
            size_t copied = 0, requantized_differs = 0;
            for (const smol::tensor_entry& e : smol::plan_model_image(m.config(), scheme).tensors) {
                const smol::gguf_tensor_info* t = f.find_tensor(smol::gguf_tensor_name(e.kind, e.layer));
                if (t->type != type) continue;  // norms (F32) and the 176-wide ffn_down (F16)
                const smol::matrix_view& v = view_of(m.weights(), e);
                const size_t row = size_t(v.row_bytes());
                ASSERT_EQ(row * e.rows, t->data.size());
                const bool qk = e.kind == smol::tensor_kind::wq || e.kind == smol::tensor_kind::wk;
                for (size_t r = 0; r < e.rows; ++r) {
                    const size_t g = qk ? smol::qk_gguf_row(r, size_t(m.config().head_dim)) : r;
                    ASSERT_EQ(std::memcmp(v.blocks + r * row, t->data.data() + g * row, row), 0)
                        << smol::gguf_tensor_name(e.kind, e.layer) << " row " << r;
                }
                ++copied;
                // What dequantize + requantize would have given instead: different bytes, so the test can fail.
                std::vector<float> values = smol::gguf_read_tensor(f, m.config(), e);
                std::vector<std::byte> requantized(t->data.size());
                if (type == smol::ggml_type::q8_0)
                    smol::q8_0_quantize(values, {reinterpret_cast<smol::block_q8_0*>(requantized.data()), requantized.size() / 34});
                else
                    smol::q4_0_quantize(values, {reinterpret_cast<smol::block_q4_0*>(requantized.data()), requantized.size() / 18});
                requantized_differs += std::memcmp(requantized.data(), v.blocks, requantized.size()) != 0;
            }
            EXPECT_EQ(copied, 1 + 3 * 6u) << "token_embd and six block weights per layer";
            EXPECT_EQ(requantized_differs, copied);
        }
    }
}

TEST_F(gguf_roundtrip, default_scheme_follows_the_files_block_type) {
    const std::pair<smol::ggml_type, smol::quant_scheme> cases[] = {
        {smol::ggml_type::f32, smol::quant_scheme::f32}, {smol::ggml_type::f16, smol::quant_scheme::f32},
        {smol::ggml_type::bf16, smol::quant_scheme::f32}, {smol::ggml_type::q8_0, smol::quant_scheme::q8_0},
        {smol::ggml_type::q4_0, smol::quant_scheme::q4_0}};
    for (auto [type, scheme] : cases) {
        const std::vector<std::byte> bytes = smol::hf_checkpoint_to_gguf((dir / "hf").string(), type);
        EXPECT_EQ(smol::gguf_default_scheme(smol::gguf_file::parse(bytes, "t.gguf")), scheme) << smol::ggml_type_name(type);
    }
    // An explicit --quant still converts: a Q8_0 file as f32 is its dequantized values.
    const smol::loaded_model m = smol::load_model(write(smol::ggml_type::q8_0), smol::quant_scheme::f32);
    EXPECT_EQ(m.weights().quant, smol::quant_scheme::f32);
}

TEST_F(gguf_roundtrip, unaligned_block_data_dequantizes_the_same) {
    for (smol::ggml_type type : {smol::ggml_type::q8_0, smol::ggml_type::q4_0}) {
        const std::vector<std::byte> bytes = smol::hf_checkpoint_to_gguf((dir / "hf").string(), type);
        std::vector<std::byte> shifted(bytes.size() + 1);  // the same file one byte further: every block is odd
        std::memcpy(shifted.data() + 1, bytes.data(), bytes.size());
        const smol::gguf_file a = smol::gguf_file::parse(bytes, "a.gguf");
        const smol::gguf_file b = smol::gguf_file::parse(std::span(shifted).subspan(1), "b.gguf");
        ASSERT_EQ(reinterpret_cast<uintptr_t>(b.find_tensor("token_embd.weight")->data.data()) % 2, 1u);
        const smol::model_config c = smol::gguf_model_config(a);
        for (const smol::tensor_entry& e : smol::plan_model_image(c, smol::quant_scheme::f32).tensors)
            EXPECT_EQ(smol::gguf_read_tensor(a, c, e), smol::gguf_read_tensor(b, c, e)) << smol::gguf_tensor_name(e.kind, e.layer);
    }
}

TEST_F(gguf_roundtrip, non_finite_block_scale_is_refused) {
    std::vector<std::byte> bytes = smol::hf_checkpoint_to_gguf((dir / "hf").string(), smol::ggml_type::q8_0);
    const smol::gguf_file f = smol::gguf_file::parse(bytes, "t.gguf");
    const smol::gguf_tensor_info* t = f.find_tensor("blk.1.attn_v.weight");
    const size_t at = size_t(t->data.data() - bytes.data()) + 3 * sizeof(smol::block_q8_0);
    bytes[at] = std::byte(0x00), bytes[at + 1] = std::byte(0x7c);  // float16 +inf as block 3's scale
    const std::string path = save(bytes, dir / "inf_scale.gguf");
    smol::testing::expect_error([&] { smol::load_model(path, std::nullopt); },
                                {"inf_scale.gguf", "blk.1.attn_v.weight", "block 3", "scale that is not finite"});
}

}  // namespace
