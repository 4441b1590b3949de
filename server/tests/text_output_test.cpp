// Stop sequences end the text before them, across token boundaries, and streamed pieces add up to exactly
// the non-streamed text.
#include "server/src/text_output.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

// A byte-level tokenizer with one token per byte value is enough: text_output only concatenates bytes.
smol::tokenizer byte_tokenizer() {
    std::string vocab = "{";
    auto byte_char = [](int b) {  // GPT-2's byte-to-unicode map, as JSON
        if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255)) return b;
        int n = 0;
        for (int x = 0; x < b; ++x)
            if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || (x >= 174 && x <= 255))) ++n;
        return 256 + n;
    };
    for (int b = 0; b < 256; ++b) vocab += fmt::format("{}\"\\u{:04x}\": {}", b ? "," : "", byte_char(b), b);
    vocab += "}";
    const std::string json = fmt::format(
        R"({{"version": "1.0", "added_tokens": [], "normalizer": null,
            "pre_tokenizer": {{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}},
            "post_processor": null, "decoder": {{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}},
            "model": {{"type": "BPE", "vocab": {}, "merges": []}}}})",
        vocab);
    return smol::tokenizer::from_json(json, "byte tokenizer");
}

std::string run(const smol::tokenizer& tok, const std::string& generated, std::vector<std::string> stop, bool* stopped) {
    smol::serve::text_output out(tok, std::move(stop));
    std::string text;
    for (unsigned char c : generated) text += out.push(int32_t(c));
    text += out.finish();
    *stopped = out.stopped();
    return text;
}

TEST(text_output, ends_before_the_first_stop_sequence) {
    const smol::tokenizer tok = byte_tokenizer();
    bool stopped = false;
    EXPECT_EQ(run(tok, "Hello world. Bye", {"."}, &stopped), "Hello world");
    EXPECT_TRUE(stopped);
    EXPECT_EQ(run(tok, "abcSTOPdef", {"zz", "STOP"}, &stopped), "abc");
    EXPECT_TRUE(stopped);
    EXPECT_EQ(run(tok, "abcST", {"STOP"}, &stopped), "abcST");  // an unfinished stop sequence is text
    EXPECT_FALSE(stopped);
}

TEST(text_output, holds_back_only_what_may_start_a_stop_sequence) {
    const smol::tokenizer tok = byte_tokenizer();
    smol::serve::text_output out(tok, {"END"});
    EXPECT_EQ(out.push('a'), "a");
    EXPECT_EQ(out.push('E'), "");
    EXPECT_EQ(out.push('N'), "");
    EXPECT_EQ(out.push('x'), "ENx");
    EXPECT_EQ(out.push('E'), "");
    EXPECT_EQ(out.push('N'), "");
    EXPECT_EQ(out.push('D'), "");
    EXPECT_TRUE(out.stopped());
    EXPECT_EQ(out.push('z'), "");
}

TEST(text_output, sends_only_whole_utf8) {
    const smol::tokenizer tok = byte_tokenizer();
    smol::serve::text_output out(tok, {});
    const std::string e_acute = "\xc3\xa9";
    EXPECT_EQ(out.push(0xc3), "");
    EXPECT_EQ(out.push(0xa9), e_acute);
    EXPECT_EQ(out.push(0xe2), "");
    EXPECT_EQ(out.finish(), "\xef\xbf\xbd");  // an unfinished sequence at the end is U+FFFD
}

}  // namespace
