// safetensors parsing: valid files round-trip through write_safetensors; every malformed header, offset,
// shape and dtype of docs/robustness.md items 1-5 and 7 is refused with a message naming the problem.
#include "common/error.h"
#include "common/test_errors.h"
#include "model/src/safetensors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>

namespace smol {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards: fixtures never depend on files outside the build.
class temp_dir {
public:
    temp_dir() {
        std::string pattern = (fs::temp_directory_path() / "smol-safetensors-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

using smol::testing::error_of;

// Every part must appear in the message: the test states what a user needs to read to fix the file.
template <typename F>
void expect_error(F&& action, std::initializer_list<std::string_view> parts) {
    const std::string message = error_of(action);
    for (std::string_view part : parts)
        EXPECT_NE(message.find(part), std::string::npos) << "message: " << message << "\nmissing: " << part;
}

// A hand-made file: 8-byte length (the header's own unless overridden), header text, `data_bytes` bytes.
std::vector<std::byte> raw_file(std::string_view header, size_t data_bytes, std::optional<uint64_t> length = {}) {
    std::vector<std::byte> out(8 + header.size() + data_bytes, std::byte{0x5a});
    uint64_t n = length.value_or(header.size());
    std::memcpy(out.data(), &n, 8);
    std::memcpy(out.data() + 8, header.data(), header.size());
    return out;
}

safetensors_file parse_bytes(const std::vector<std::byte>& bytes) {
    return safetensors_file::parse(bytes, "test.safetensors");
}

void expect_parse_error(std::string_view header, size_t data_bytes, std::initializer_list<std::string_view> parts) {
    const std::vector<std::byte> bytes = raw_file(header, data_bytes);
    expect_error([&] { parse_bytes(bytes); }, parts);
}

std::vector<std::byte> read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(chars.size());
    if (!chars.empty()) std::memcpy(out.data(), chars.data(), chars.size());
    return out;
}

void write_all(const std::string& path, std::span<const std::byte> bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// --- valid files -------------------------------------------------------------------------------------

TEST(safetensors, round_trip_through_writer) {
    temp_dir dir;
    const std::vector<float> matrix{1.5f, -2.0f, 0.0f, 3.25f, 1e-30f, -7.0f};
    const std::vector<uint16_t> bf16{0x3f80, 0xbf80, 0x7f80, 0x0001};
    const std::vector<int32_t> ints{7, -9, 11};
    const st_tensor_to_write tensors[] = {
        {"b.matrix", st_dtype::F32, {2, 3}, std::as_bytes(std::span(matrix))},
        {"a.bf16", st_dtype::BF16, {4}, std::as_bytes(std::span(bf16))},
        {"empty", st_dtype::F16, {0, 5}, {}},
        {"c.ints", st_dtype::I32, {3, 1}, std::as_bytes(std::span(ints))},
    };
    const std::string path = dir.file("model.safetensors");
    write_safetensors(path, tensors, {{"format", "pt"}});

    const std::vector<std::byte> bytes = read_all(path);
    uint64_t header_size;
    std::memcpy(&header_size, bytes.data(), 8);
    EXPECT_EQ(header_size % 8, 0u) << "data region must start 8-byte aligned";
    EXPECT_EQ(bytes.size(), 8 + header_size + 24 + 8 + 12);

    safetensors_file file = safetensors_file::open(path);
    EXPECT_EQ(file.source(), path);
    EXPECT_EQ(file.metadata(), (std::map<std::string, std::string>{{"format", "pt"}}));
    ASSERT_EQ(file.tensors().size(), 4u);
    // Tensors come back in data order, which is the order they were written in.
    for (size_t i = 0; i < 4; ++i) {
        const st_tensor& t = file.tensors()[i];
        EXPECT_EQ(t.name, tensors[i].name);
        EXPECT_EQ(t.dtype, tensors[i].dtype);
        EXPECT_EQ(t.shape, tensors[i].shape);
        ASSERT_EQ(t.data.size(), tensors[i].data.size());
        EXPECT_TRUE(std::equal(t.data.begin(), t.data.end(), tensors[i].data.begin())) << t.name;
    }
    EXPECT_EQ(file.find("empty")->element_count(), 0u);
    EXPECT_EQ(file.find("b.matrix")->element_count(), 6u);
    EXPECT_EQ(file.find("missing"), nullptr);
}

TEST(safetensors, writer_without_metadata_and_no_tensors) {
    temp_dir dir;
    const std::string path = dir.file("empty.safetensors");
    write_safetensors(path, {});
    safetensors_file file = safetensors_file::open(path);
    EXPECT_TRUE(file.tensors().empty());
    EXPECT_TRUE(file.metadata().empty());
}

TEST(safetensors, writer_refuses_mismatched_data_and_leaves_no_file) {
    temp_dir dir;
    const std::vector<float> three{1, 2, 3};
    const st_tensor_to_write bad[] = {{"w", st_dtype::F32, {4}, std::as_bytes(std::span(three))}};
    const std::string path = dir.file("bad.safetensors");
    expect_error([&] { write_safetensors(path, bad); }, {"bad.safetensors", "\"w\"", "shape [4] of F32", "12 data bytes"});
    EXPECT_FALSE(fs::exists(path));
    const st_tensor_to_write twice[] = {{"w", st_dtype::F32, {3}, std::as_bytes(std::span(three))},
                                        {"w", st_dtype::F32, {3}, std::as_bytes(std::span(three))}};
    expect_error([&] { write_safetensors(path, twice); }, {"\"w\"", "used twice"});
}

TEST(safetensors, zero_size_dimensions_load) {
    const std::vector<std::byte> bytes = raw_file(
        R"({"a":{"dtype":"F32","shape":[3,0,2],"data_offsets":[0,0]},"b":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})", 2);
    safetensors_file f = parse_bytes(bytes);
    ASSERT_NE(f.find("a"), nullptr);
    EXPECT_EQ(f.find("a")->element_count(), 0u);
    EXPECT_TRUE(f.find("a")->data.empty());
    EXPECT_EQ(f.find("b")->data.size(), 2u);
}

TEST(safetensors, header_padded_with_spaces_and_extra_fields_accepted) {
    const std::vector<std::byte> bytes =
        raw_file(R"({"__metadata__":{"k":"v"},"t":{"dtype":"I16","shape":[],"data_offsets":[0,2],"extra":1}}      )", 2);
    safetensors_file f = parse_bytes(bytes);
    EXPECT_EQ(f.metadata().at("k"), "v");
    EXPECT_EQ(f.find("t")->element_count(), 1u);  // a scalar
}

TEST(safetensors, dtype_names_and_sizes) {
    EXPECT_EQ(st_dtype_name(st_dtype::BF16), "BF16");
    EXPECT_EQ(st_dtype_size(st_dtype::BF16), 2u);
    EXPECT_EQ(st_dtype_name(st_dtype::F8_E5M2), "F8_E5M2");
    EXPECT_EQ(st_dtype_size(st_dtype::F8_E5M2), 1u);
    EXPECT_EQ(st_dtype_size(st_dtype::U64), 8u);
    EXPECT_EQ(st_dtype_size(st_dtype::BOOL), 1u);
}

// --- robustness item 1: length field ----------------------------------------------------------------

TEST(safetensors_robustness, file_shorter_than_eight_bytes) {
    for (size_t size : {0, 1, 7}) {
        const std::vector<std::byte> bytes(size, std::byte{0});
        expect_error([&] { parse_bytes(bytes); }, {"test.safetensors", fmt::format("file is {} bytes", size), "too short"});
    }
    temp_dir dir;
    const std::string path = dir.file("tiny.safetensors");
    write_all(path, std::vector<std::byte>(7));
    expect_error([&] { safetensors_file::open(path); }, {"tiny.safetensors", "too short"});
}

TEST(safetensors_robustness, header_length_beyond_file_or_cap_rejected_before_allocating) {
    // These lengths would exhaust memory if anything were sized by them before the check.
    const std::vector<std::byte> beyond = raw_file("{}", 10, 1000);
    expect_error([&] { parse_bytes(beyond); }, {"header length 1000", "exceeds the 12 bytes", "truncated"});
    for (uint64_t huge : {uint64_t(100'000'001), uint64_t(1) << 40, ~uint64_t(0)}) {
        const std::vector<std::byte> bytes = raw_file("{}", 0, huge);
        expect_error([&] { parse_bytes(bytes); }, {fmt::format("header length {}", huge), "100000000 byte limit"});
    }
}

// --- robustness item 2: header text ------------------------------------------------------------------

TEST(safetensors_robustness, header_not_utf8) {
    expect_parse_error("{\"t\xff\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0,
                       {"test.safetensors header", "invalid JSON", "UTF-8"});
    expect_parse_error("{\"__metadata__\":{\"k\":\"\xc3\x28\"}}", 0, {"test.safetensors header", "UTF-8"});
}

TEST(safetensors_robustness, header_not_json_or_not_object) {
    expect_parse_error("not json", 0, {"test.safetensors header", "invalid JSON"});
    expect_parse_error("", 0, {"test.safetensors header", "invalid JSON"});
    expect_parse_error("{} trailing", 0, {"test.safetensors header", "invalid JSON"});
    expect_parse_error("[1, 2]", 0, {"test.safetensors", "header must be a JSON object, found array"});
    expect_parse_error("\"text\"", 0, {"header must be a JSON object, found string"});
    expect_parse_error(R"({"t": [0, 1]})", 1, {"tensor \"t\"", "entry must be an object"});
}

// Quoting the offending value must not recurse through it (a stack overflow while reporting the error).
TEST(safetensors_robustness, deeply_nested_or_huge_values_quoted_briefly) {
    const size_t depth = 300'000;
    expect_parse_error("{\"t\":" + std::string(depth, '[') + std::string(depth, ']') + "}", 0,
                       {"tensor \"t\": entry must be an object, found an array of 1 entries"});
    expect_parse_error(R"({"t":{"dtype":")" + std::string(5000, 'X') + R"(","shape":[1],"data_offsets":[0,1]}})", 1,
                       {"tensor \"t\": unknown dtype a string of 5000 bytes"});
}

TEST(safetensors_robustness, duplicate_tensor_names_refused) {
    expect_parse_error(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})",
                       2, {"test.safetensors header", "duplicate key \"w\""});
}

TEST(safetensors_robustness, metadata_must_map_strings_to_strings) {
    expect_parse_error(R"({"__metadata__":{"format":1}})", 0, {"__metadata__ \"format\"", "must be a string", "found 1"});
    expect_parse_error(R"({"__metadata__":["a"]})", 0, {"__metadata__ must be an object"});
}

TEST(safetensors_robustness, missing_or_mistyped_fields_named) {
    expect_parse_error(R"({"t":{"dtype":"U8","data_offsets":[0,1]}})", 1, {"tensor \"t\"", "missing field \"shape\""});
    expect_parse_error(R"({"t":{"shape":[1],"data_offsets":[0,1]}})", 1, {"tensor \"t\"", "missing field \"dtype\""});
    expect_parse_error(R"({"t":{"dtype":"U8","shape":[1]}})", 1, {"tensor \"t\"", "missing field \"data_offsets\""});
    expect_parse_error(R"({"t":{"dtype":8,"shape":[1],"data_offsets":[0,1]}})", 1, {"tensor \"t\"", "dtype must be a string"});
    expect_parse_error(R"({"t":{"dtype":"U8","shape":1,"data_offsets":[0,1]}})", 1, {"tensor \"t\"", "shape must be an array"});
    expect_parse_error(R"({"t":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}})", 1,
                       {"tensor \"t\"", "shape entry -1 is negative"});
    expect_parse_error(R"({"t":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}})", 1,
                       {"tensor \"t\"", "shape entry 1.0 is not an integer"});
    expect_parse_error(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}})", 1,
                       {"tensor \"t\"", "data_offsets must be an array [begin, end]"});
}

// --- robustness item 3: offsets ----------------------------------------------------------------------

TEST(safetensors_robustness, offsets_end_before_begin) {
    expect_parse_error(R"({"t":{"dtype":"U8","shape":[0],"data_offsets":[4,2]}})", 4,
                       {"tensor \"t\"", "data_offsets [4, 2] end before begin"});
}

TEST(safetensors_robustness, offsets_negative_non_integer_or_not_numbers) {
    expect_parse_error(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}})", 1,
                       {"tensor \"t\"", "data_offsets entry -1 is negative"});
    expect_parse_error(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1.5]}})", 1,
                       {"tensor \"t\"", "data_offsets entry 1.5 is not an integer"});
    expect_parse_error(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,"1"]}})", 1,
                       {"tensor \"t\"", "data_offsets entry \"1\" is not a number"});
    // Beyond 64 bits the JSON number is a float: still refused, never wrapped.
    expect_parse_error(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,18446744073709551616]}})", 1,
                       {"tensor \"t\"", "data_offsets entry", "is not an integer"});
}

TEST(safetensors_robustness, offsets_out_of_file) {
    expect_parse_error(R"({"t":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}})", 4,
                       {"tensor \"t\"", "data_offsets [0, 8]", "past the data region of 4 bytes"});
    expect_parse_error(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[18446744073709551614,18446744073709551615]}})", 4,
                       {"tensor \"t\"", "past the data region"});
}

TEST(safetensors_robustness, overlapping_tensors) {
    expect_parse_error(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})",
                       6, {"tensor \"b\"", "[2, 6] overlap tensor \"a\" [0, 4]"});
    // Two names for the same bytes are an overlap too.
    expect_parse_error(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})",
                       4, {"overlap tensor \"a\""});
}

TEST(safetensors_robustness, gap_between_tensors) {
    expect_parse_error(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[3,5]}})",
                       5, {"tensor \"b\"", "gap of 1 bytes at data offset 2"});
    expect_parse_error(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})", 4, {"tensor \"a\"", "gap of 2 bytes at data offset 0"});
}

TEST(safetensors_robustness, trailing_uncovered_byte) {
    expect_parse_error(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})", 3,
                       {"test.safetensors", "data bytes [2, 3) are not covered by any tensor"});
    expect_parse_error("{}", 1, {"data bytes [0, 1) are not covered"});
}

// --- robustness item 4: shape x dtype ----------------------------------------------------------------

TEST(safetensors_robustness, shape_times_dtype_overflows_64_bits) {
    expect_parse_error(R"({"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", 0,
                       {"tensor \"t\"", "shape [4294967296, 4294967296] of F32 overflows 64 bits"});
    // 2^62 elements fit, times 4 bytes they do not.
    expect_parse_error(R"({"t":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}})", 0,
                       {"tensor \"t\"", "overflows 64 bits"});
    // Overflow that wraps to exactly the span must not pass: 2^63 * 2 wraps to 0.
    expect_parse_error(R"({"t":{"dtype":"BF16","shape":[9223372036854775808],"data_offsets":[0,0]}})", 0,
                       {"overflows 64 bits"});
}

TEST(safetensors_robustness, shape_disagrees_with_span) {
    expect_parse_error(R"({"model.norm.weight":{"dtype":"BF16","shape":[64],"data_offsets":[0,100]}})", 100,
                       {"test.safetensors: tensor \"model.norm.weight\": data_offsets [0, 100] span 100 bytes but shape "
                        "[64] of BF16 needs 128"});
}

// --- robustness item 5: dtype ------------------------------------------------------------------------

TEST(safetensors_robustness, unknown_dtype_names_tensor_and_dtype) {
    expect_parse_error(R"({"model.embed_tokens.weight":{"dtype":"Q4_K","shape":[1],"data_offsets":[0,1]}})", 1,
                       {"tensor \"model.embed_tokens.weight\"", "unknown dtype \"Q4_K\""});
    expect_parse_error(R"({"t":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}})", 4, {"unknown dtype \"f32\""});
}

// --- robustness item 7: truncation -------------------------------------------------------------------

TEST(safetensors_robustness, truncated_file_by_half_and_by_one_byte) {
    temp_dir dir;
    const std::vector<float> values(64, 0.5f);
    const st_tensor_to_write tensors[] = {{"a", st_dtype::F32, {8, 8}, std::as_bytes(std::span(values))},
                                          {"b", st_dtype::F32, {64}, std::as_bytes(std::span(values))}};
    const std::string path = dir.file("whole.safetensors");
    write_safetensors(path, tensors);
    const std::vector<std::byte> whole = read_all(path);
    ASSERT_NO_THROW(safetensors_file::open(path));

    const std::string half = dir.file("half.safetensors"), short_one = dir.file("short.safetensors");
    write_all(half, std::span(whole).first(whole.size() / 2));
    write_all(short_one, std::span(whole).first(whole.size() - 1));
    expect_error([&] { safetensors_file::open(half); }, {"half.safetensors", "tensor \"", "truncated"});
    expect_error([&] { safetensors_file::open(short_one); },
                 {"short.safetensors", "tensor \"b\"", "data_offsets [256, 512]", "past the data region of 511 bytes", "truncated"});

    // A cut inside the header is caught by the length check.
    const std::string in_header = dir.file("in_header.safetensors");
    write_all(in_header, std::span(whole).first(20));
    expect_error([&] { safetensors_file::open(in_header); }, {"in_header.safetensors", "header length", "truncated"});
}

TEST(safetensors_robustness, missing_file_and_directory) {
    temp_dir dir;
    expect_error([&] { safetensors_file::open(dir.file("absent.safetensors")); }, {"absent.safetensors", "cannot open"});
    expect_error([&] { safetensors_file::open(dir.file("")); }, {"is a directory"});
}

}  // namespace
}  // namespace smol
