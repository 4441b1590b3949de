// The GGUF reader's robustness (docs/robustness.md item 8): one test per malformed-file check, each asserting
// the error names the field and its offset, plus the block quantizers and the Q/K permutation.
#include "common/test_errors.h"
#include "model/src/gguf.h"
#include "model/src/gguf_model.h"
#include "model/src/gguf_writer.h"
#include "model/src/half.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <gtest/gtest.h>
#include <random>

namespace {

using smol::testing::expect_error;

// Raw little-endian bytes, for files the builder would never write.
struct raw {
    std::vector<std::byte> b;
    template <typename T>
    raw& put(T v) {
        const size_t at = b.size();
        b.resize(at + sizeof v);
        std::memcpy(b.data() + at, &v, sizeof v);
        return *this;
    }
    raw& str(const std::string& s) {
        put<uint64_t>(s.size());
        for (char c : s) b.push_back(std::byte(c));
        return *this;
    }
    raw& header(uint64_t tensors, uint64_t keys, uint32_t version = 3) {
        return put<uint32_t>(smol::gguf_magic).put<uint32_t>(version).put<uint64_t>(tensors).put<uint64_t>(keys);
    }
    raw& pad_to(size_t n) {
        b.resize(n);
        return *this;
    }
};

smol::gguf_file parse(const std::vector<std::byte>& bytes) { return smol::gguf_file::parse(bytes, "t.gguf"); }

// One tensor info: name, dims, type, offset.
raw& tensor_info(raw& r, const std::string& name, std::vector<uint64_t> dims, uint32_t type, uint64_t offset) {
    r.str(name).put<uint32_t>(uint32_t(dims.size()));
    for (uint64_t d : dims) r.put<uint64_t>(d);
    return r.put<uint32_t>(type).put<uint64_t>(offset);
}

TEST(gguf, reads_every_metadata_type_and_tensor_offsets) {
    raw r;
    r.header(2, 13, 2);
    r.str("a.u8").put<uint32_t>(0).put<uint8_t>(200);
    r.str("a.i8").put<uint32_t>(1).put<int8_t>(-5);
    r.str("a.u16").put<uint32_t>(2).put<uint16_t>(60000);
    r.str("a.i16").put<uint32_t>(3).put<int16_t>(-300);
    r.str("a.u32").put<uint32_t>(4).put<uint32_t>(4000000000u);
    r.str("a.i32").put<uint32_t>(5).put<int32_t>(-70000);
    r.str("a.f32").put<uint32_t>(6).put<float>(0.5f);
    r.str("a.bool").put<uint32_t>(7).put<uint8_t>(1);
    r.str("a.str").put<uint32_t>(8).str("hello");
    r.str("a.arr").put<uint32_t>(9).put<uint32_t>(8).put<uint64_t>(2).str("x").str("yz");
    r.str("a.u64").put<uint32_t>(10).put<uint64_t>(1ull << 40);
    r.str("a.i64").put<uint32_t>(11).put<int64_t>(-(1ll << 40));
    r.str("general.alignment").put<uint32_t>(4).put<uint32_t>(64);
    tensor_info(r, "first", {4, 2}, 0, 0);
    tensor_info(r, "second", {32}, 8, 64);
    const size_t data = (r.b.size() + 63) / 64 * 64;
    r.pad_to(data + 64 + 34);
    const smol::gguf_file f = parse(r.b);
    EXPECT_EQ(f.version(), 2u);
    EXPECT_EQ(f.alignment(), 64u);
    EXPECT_EQ(f.data_offset(), data);
    EXPECT_EQ(f.require_uint("a.u8"), 200u);
    EXPECT_EQ(std::get<int64_t>(f.require("a.i8").data), -5);
    EXPECT_EQ(f.require_uint("a.u16"), 60000u);
    EXPECT_EQ(std::get<int64_t>(f.require("a.i16").data), -300);
    EXPECT_EQ(f.require_uint("a.u32"), 4000000000u);
    EXPECT_EQ(std::get<int64_t>(f.require("a.i32").data), -70000);
    EXPECT_EQ(f.require_float("a.f32"), 0.5);
    EXPECT_TRUE(std::get<bool>(f.require("a.bool").data));
    EXPECT_EQ(f.require_string("a.str"), "hello");
    ASSERT_TRUE(f.require("a.arr").is_array_of(smol::gguf_type::string));
    EXPECT_EQ(f.require("a.arr").array()[1].string(), "yz");
    EXPECT_EQ(f.require_uint("a.u64"), 1ull << 40);
    EXPECT_EQ(std::get<int64_t>(f.require("a.i64").data), -(1ll << 40));
    ASSERT_EQ(f.tensors().size(), 2u);
    EXPECT_EQ(f.tensors()[0].data.data(), r.b.data() + data);
    EXPECT_EQ(f.tensors()[0].data.size(), 32u);
    EXPECT_EQ(f.tensors()[1].data.data(), r.b.data() + data + 64);
    EXPECT_EQ(f.tensors()[1].data.size(), 34u);
    expect_error([&] { f.require_uint("a.i8"); }, {"'a.i8'", "negative"});
    expect_error([&] { f.require_string("a.u8"); }, {"'a.u8'", "not a string"});
}

TEST(gguf, refuses_bad_magic) {
    raw r;
    r.put<uint32_t>(0x46554746).put<uint32_t>(3).put<uint64_t>(0).put<uint64_t>(0);
    expect_error([&] { parse(r.b); }, {"t.gguf", "magic at offset 0"});
}

TEST(gguf, refuses_versions_other_than_2_and_3) {
    for (uint32_t v : {1u, 4u}) {
        raw r;
        r.header(0, 0, v);
        expect_error([&] { parse(r.b); }, {"version at offset 4", std::to_string(v)});
    }
}

TEST(gguf, refuses_absurd_tensor_count) {
    raw r;
    r.header(1ull << 40, 0).pad_to(4096);
    expect_error([&] { parse(r.b); }, {"tensor_count at offset 8"});
}

TEST(gguf, refuses_absurd_key_count) {
    raw r;
    r.header(0, 1000).pad_to(1000);
    expect_error([&] { parse(r.b); }, {"metadata_kv_count at offset 16"});
}

TEST(gguf, refuses_string_length_past_the_file) {
    raw r;
    r.header(0, 1).put<uint64_t>(1000).pad_to(60);
    expect_error([&] { parse(r.b); }, {"metadata key 0 at offset 24", "string length 1000"});
    raw v;
    v.header(0, 1).str("k").put<uint32_t>(8).put<uint64_t>(1ull << 62);
    expect_error([&] { parse(v.b); }, {"metadata 'k' at offset 37", "runs past the end"});
}

TEST(gguf, refuses_array_longer_than_the_file) {
    raw r;
    r.header(0, 1).str("k").put<uint32_t>(9).put<uint32_t>(5).put<uint64_t>(1ull << 60);
    expect_error([&] { parse(r.b); }, {"metadata 'k' at offset 37", "cannot fit"});
}

TEST(gguf, refuses_unknown_value_types_and_bad_bools) {
    raw r;
    r.header(0, 1).str("k").put<uint32_t>(13).put<uint32_t>(0);
    expect_error([&] { parse(r.b); }, {"metadata 'k'", "unknown value type 13"});
    raw b;
    b.header(0, 1).str("k").put<uint32_t>(7).put<uint8_t>(2);
    expect_error([&] { parse(b.b); }, {"metadata 'k' at offset 37", "bool"});
}

TEST(gguf, refuses_duplicate_keys) {
    raw r;
    r.header(0, 2).str("k").put<uint32_t>(4).put<uint32_t>(1).str("k").put<uint32_t>(4).put<uint32_t>(2);
    expect_error([&] { parse(r.b); }, {"'k' at offset 41", "twice"});
}

TEST(gguf, refuses_bad_alignment) {
    raw r;
    r.header(0, 1).str("general.alignment").put<uint32_t>(4).put<uint32_t>(48);
    expect_error([&] { parse(r.b); }, {"general.alignment at offset 53", "power of two"});
    raw z;
    z.header(0, 1).str("general.alignment").put<uint32_t>(4).put<uint32_t>(0);
    expect_error([&] { parse(z.b); }, {"general.alignment", "power of two"});
    raw t;
    t.header(0, 1).str("general.alignment").put<uint32_t>(10).put<uint64_t>(32);
    expect_error([&] { parse(t.b); }, {"general.alignment", "not a uint32"});
}

TEST(gguf, refuses_n_dims_out_of_range) {
    for (uint32_t n : {0u, 5u}) {
        raw r;
        r.header(1, 0).str("w").put<uint32_t>(n).pad_to(200);
        expect_error([&] { parse(r.b); }, {"tensor 0 ('w') n_dims at offset 33", "not in 1..4"});
    }
}

TEST(gguf, refuses_empty_or_huge_dimensions_and_unknown_types) {
    raw r;
    r.header(1, 0);
    tensor_info(r, "w", {4, 0}, 0, 0).pad_to(200);
    expect_error([&] { parse(r.b); }, {"tensor 0 ('w') dimension 1 at offset 45"});
    raw t;
    t.header(1, 0);
    tensor_info(t, "w", {4}, 12, 0).pad_to(200);
    expect_error([&] { parse(t.b); }, {"tensor 0 ('w') type at offset 45", "ggml type 12"});
    raw q;
    q.header(1, 0);
    tensor_info(q, "w", {33}, 8, 0).pad_to(200);
    expect_error([&] { parse(q.b); }, {"'w'", "not a multiple of 32"});
}

TEST(gguf, refuses_unaligned_tensor_offset) {
    raw r;
    r.header(1, 0);
    tensor_info(r, "w", {4}, 0, 8).pad_to(200);
    expect_error([&] { parse(r.b); }, {"tensor 0 ('w') offset at offset 49", "multiple of the alignment 32"});
}

TEST(gguf, refuses_tensor_data_past_the_file) {
    raw r;
    r.header(1, 0);
    tensor_info(r, "w", {64}, 0, 0).pad_to(64 + 100);
    expect_error([&] { parse(r.b); }, {"tensor 'w' (info at offset 24)", "runs past the end"});
}

TEST(gguf, refuses_overlapping_tensors) {
    raw r;
    r.header(2, 0);
    tensor_info(r, "a", {16}, 0, 0);
    tensor_info(r, "b", {8}, 0, 32);
    r.pad_to(128 + 96);
    expect_error([&] { parse(r.b); }, {"'a' (data offset 0, 64 bytes) and 'b' (data offset 32) overlap"});
}

TEST(gguf, refuses_duplicate_tensor_names) {
    raw r;
    r.header(2, 0);
    tensor_info(r, "a", {8}, 0, 0);
    tensor_info(r, "a", {8}, 0, 32);
    r.pad_to(128 + 64);
    expect_error([&] { parse(r.b); }, {"tensor 1 ('a') at offset 57"});
}

smol::gguf_builder tokenizer_base() {
    smol::gguf_builder b;
    b.add_string("tokenizer.ggml.model", "gpt2");
    b.add_string("tokenizer.ggml.pre", "smollm");
    b.add_string_array("tokenizer.ggml.tokens", {"a", "b", "ab", "<|im_end|>"});
    b.add_string_array("tokenizer.ggml.merges", {"a b"});
    return b;
}

TEST(gguf, builds_tokenizer_json_from_tokenizer_ggml) {
    smol::gguf_builder b = tokenizer_base();
    b.add_i32_array("tokenizer.ggml.token_type", {1, 1, 1, 3});
    const std::vector<std::byte> bytes = b.bytes();
    const std::string json = smol::gguf_tokenizer_json(parse(bytes));
    EXPECT_NE(json.find(R"("vocab":{"a":0,"b":1,"ab":2,"<|im_end|>":3})"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("merges":["a b"])"), std::string::npos) << json;
    EXPECT_NE(json.find(R"({"id":3,"content":"<|im_end|>")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("special":true)"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("type":"Digits")"), std::string::npos) << json;
}

TEST(gguf, refuses_token_type_of_wrong_length) {
    smol::gguf_builder b = tokenizer_base();
    b.add_i32_array("tokenizer.ggml.token_type", {1, 1, 1});
    const std::vector<std::byte> bytes = b.bytes();
    expect_error([&] { smol::gguf_tokenizer_json(parse(bytes)); },
                 {"'tokenizer.ggml.token_type' at offset", "has 3 entries but tokenizer.ggml.tokens has 4"});
}

TEST(gguf, refuses_tokenizer_arrays_of_wrong_type) {
    smol::gguf_builder b;
    b.add_string("tokenizer.ggml.model", "gpt2");
    b.add_i32_array("tokenizer.ggml.tokens", {1, 2});
    b.add_string_array("tokenizer.ggml.merges", {});
    const std::vector<std::byte> bytes = b.bytes();
    expect_error([&] { smol::gguf_tokenizer_json(parse(bytes)); },
                 {"'tokenizer.ggml.tokens' at offset", "array of string, not a array of int32"});
    smol::gguf_builder t = tokenizer_base();
    t.add_string_array("tokenizer.ggml.token_type", {"1", "1", "1", "1"});
    const std::vector<std::byte> tb = t.bytes();
    expect_error([&] { smol::gguf_tokenizer_json(parse(tb)); }, {"'tokenizer.ggml.token_type'", "array of int32"});
}

TEST(gguf, refuses_bad_token_types_merges_and_pre_tokenizers) {
    smol::gguf_builder b = tokenizer_base();
    b.add_i32_array("tokenizer.ggml.token_type", {1, 1, 9, 1});
    const std::vector<std::byte> bytes = b.bytes();
    expect_error([&] { smol::gguf_tokenizer_json(parse(bytes)); }, {"tokenizer.ggml.token_type[2] at offset", "9"});
    smol::gguf_builder m;
    m.add_string("tokenizer.ggml.model", "gpt2");
    m.add_string_array("tokenizer.ggml.tokens", {"a", "a"});
    m.add_string_array("tokenizer.ggml.merges", {"ab"});
    const std::vector<std::byte> mb = m.bytes();
    expect_error([&] { smol::gguf_tokenizer_json(parse(mb)); }, {"tokenizer.ggml.tokens[1] at offset", "repeats token 0"});
    smol::gguf_builder u;
    u.add_string("tokenizer.ggml.model", "gpt2");
    u.add_string_array("tokenizer.ggml.tokens", {"a", "\x90x", "\xed\xa0\x80"});  // found by gguf_fuzz
    u.add_string_array("tokenizer.ggml.merges", {});
    const std::vector<std::byte> ub = u.bytes();
    expect_error([&] { smol::gguf_tokenizer_json(parse(ub)); }, {"tokenizer.ggml.tokens[1] at offset", "not valid UTF-8"});
    smol::gguf_builder p;
    p.add_string("tokenizer.ggml.model", "gpt2");
    p.add_string("tokenizer.ggml.pre", "qwen2");
    p.add_string_array("tokenizer.ggml.tokens", {"a"});
    p.add_string_array("tokenizer.ggml.merges", {});
    const std::vector<std::byte> pb = p.bytes();
    expect_error([&] { smol::gguf_tokenizer_json(parse(pb)); }, {"tokenizer.ggml.pre 'qwen2' is not supported"});
}

TEST(gguf, pre_tokenizer_names_are_llama_cpps) {
    auto with_pre = [](const char* pre) {
        smol::gguf_builder b;
        b.add_string("tokenizer.ggml.model", "gpt2");
        if (pre) b.add_string("tokenizer.ggml.pre", pre);
        b.add_string_array("tokenizer.ggml.tokens", {"a", "b", "ab"});
        b.add_string_array("tokenizer.ggml.merges", {"a b"});
        return b.bytes();
    };
    const std::vector<std::byte> gpt2 = with_pre("gpt-2");
    const std::string json = smol::gguf_tokenizer_json(parse(gpt2));
    EXPECT_NE(json.find(R"("pre_tokenizer":{"type":"ByteLevel")"), std::string::npos) << json;
    // "gpt2" is no llama.cpp name (it refuses the file); "default", also llama.cpp's choice when the key is
    // absent, splits punctuation and digit runs first, unlike any HF GPT-2 tokenizer.
    for (const char* pre : {"gpt2", "default"}) {
        const std::vector<std::byte> bytes = with_pre(pre);
        expect_error([&] { smol::gguf_tokenizer_json(parse(bytes)); },
                     {fmt::format("tokenizer.ggml.pre '{}' is not supported (supported: smollm, gpt-2)", pre)});
    }
    const std::vector<std::byte> absent = with_pre(nullptr);
    expect_error([&] { smol::gguf_tokenizer_json(parse(absent)); }, {"tokenizer.ggml.pre 'default' is not supported"});
}

TEST(gguf, qk_permutation_matches_llama_cpp_and_inverts) {
    // 2 heads of head_dim 4, 1 column: llama.cpp's permute maps HF rows [0 1 2 3 | 4 5 6 7] to [0 2 1 3 | 4 6 5 7].
    std::vector<float> rows = {0, 1, 2, 3, 4, 5, 6, 7};
    smol::permute_qk_rows_to_gguf(rows, 2, 1);
    EXPECT_EQ(rows, (std::vector<float>{0, 2, 1, 3, 4, 6, 5, 7}));
    smol::unpermute_qk_rows_from_gguf(rows, 2, 1);
    EXPECT_EQ(rows, (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(gguf, f32_to_f16_rounds_to_nearest_even) {
    std::mt19937 rng(3);
    for (uint32_t h = 0; h < 0x10000; ++h) {
        const float f = smol::f16_to_f32(uint16_t(h));
        if (std::isnan(f)) continue;
        ASSERT_EQ(smol::f32_to_f16(f), h) << h;  // every half survives the round trip
    }
    EXPECT_EQ(smol::f32_to_f16(1.0f + 1.0f / 2048), 0x3c00);  // a tie rounds to the even mantissa
    EXPECT_EQ(smol::f32_to_f16(1.0f + 3.0f / 2048), 0x3c02);
    EXPECT_EQ(smol::f32_to_f16(70000.0f), 0x7c00);
}

TEST(gguf, block_quantizers_stay_within_half_a_step) {
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> x(32 * 8);
    for (float& v : x) v = normal(rng);
    for (smol::ggml_type type : {smol::ggml_type::q8_0, smol::ggml_type::q4_0}) {
        const std::vector<std::byte> bytes = smol::encode_tensor(x, type);
        smol::gguf_builder b;
        b.add_tensor("t", {32, 8}, type, bytes);
        const std::vector<std::byte> file = b.bytes();
        const smol::gguf_file f = parse(file);
        const auto& d = f.tensors()[0].data;
        const size_t block_bytes = type == smol::ggml_type::q8_0 ? 34 : 18;
        for (size_t blk = 0; blk < 8; ++blk) {
            uint16_t h;
            std::memcpy(&h, &d[blk * block_bytes], 2);
            const float scale = std::fabs(smol::f16_to_f32(h));
            for (size_t j = 0; j < 32; ++j) {
                const size_t i = blk * 32 + j;
                float q;
                if (type == smol::ggml_type::q8_0) {
                    q = float(int8_t(d[blk * 34 + 2 + j]));
                } else {
                    const uint8_t byte = uint8_t(d[blk * 18 + 2 + j % 16]);
                    q = float(int(j < 16 ? byte & 15 : byte >> 4) - 8) * (std::signbit(smol::f16_to_f32(h)) ? -1.0f : 1.0f);
                }
                // One step of error at most (d is rounded to f16 after quantizing, as llama.cpp does).
                EXPECT_LE(std::fabs(q * scale - x[i]), scale * 1.01f) << smol::ggml_type_name(type) << " " << i;
            }
        }
    }
}

}  // namespace
