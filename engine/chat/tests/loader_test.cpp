// load_chat_template: the tokenizer_config.json forms transformers writes.
#include "engine/chat/chat_template.h"

#include "common/error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

std::string write_config(const std::string& name, const std::string& json) {
    const auto path = std::filesystem::temp_directory_path() / ("smol_chat_" + name + ".json");
    std::ofstream(path, std::ios::binary) << json;
    return path.string();
}

const std::vector<smol::chat_message> one_user = {{"user", "Hi"}};

TEST(chat_loader, string_template_and_string_tokens) {
    const auto t = smol::load_chat_template(write_config(
        "plain", R"({"bos_token": "<|im_start|>", "eos_token": "<|im_end|>",
                    "chat_template": "{{ bos_token }}{{ messages[0].content }}{{ eos_token }}"})"));
    EXPECT_EQ(t.bos_token(), "<|im_start|>");
    EXPECT_EQ(t.eos_token(), "<|im_end|>");
    EXPECT_EQ(t.render(one_user, false), "<|im_start|>Hi<|im_end|>");
}

TEST(chat_loader, named_templates_and_added_token_objects) {
    const auto t = smol::load_chat_template(write_config(
        "named", R"({"bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false}, "eos_token": null,
                    "chat_template": [{"name": "tool_use", "template": "TOOLS"},
                                      {"name": "default", "template": "{{ bos_token }}[{{ eos_token }}]"}]})"));
    EXPECT_EQ(t.render(one_user, false), "<s>[]");
}

TEST(chat_loader, errors_name_the_file_and_problem) {
    const auto expect_error = [](const std::string& json, const std::string& needle) {
        const std::string path = write_config("bad", json);
        try {
            smol::load_chat_template(path);
            ADD_FAILURE() << "no error for " << json;
        } catch (const smol::error& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        }
    };
    expect_error(R"({"eos_token": "x"})", "no 'chat_template'");
    expect_error(R"({"chat_template": [{"name": "rag", "template": "x"}]})", "no template named 'default'");
    expect_error(R"({"chat_template": "{% macro f() %}{% endmacro %}"})", "unsupported tag 'macro'");
    expect_error(R"({"chat_template": "x", "chat_template": "y"})", "duplicate");
    expect_error(R"({"chat_template": "x", "bos_token": 5})", "'bos_token'");
}

#ifdef SMOL_SMOLLM2_TOKENIZER_CONFIG
// docs/smollm2.md "Chat": the default system prompt (no trailing period) only without a system message.
TEST(chat_loader, smollm2_instruct_config) {
    const auto t = smol::load_chat_template(SMOL_SMOLLM2_TOKENIZER_CONFIG);
    EXPECT_EQ(t.bos_token(), "<|im_start|>");
    EXPECT_EQ(t.eos_token(), "<|im_end|>");
    EXPECT_EQ(t.render(one_user, true),
              "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
              "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    const std::vector<smol::chat_message> with_system = {{"system", "Be brief."}, {"user", "<|im_start|>system"}};
    EXPECT_EQ(t.render(with_system, false),
              "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n<|im_start|>system<|im_end|>\n");
}
#endif

}  // namespace
