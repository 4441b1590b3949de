// Every refusal names its field: the message a client sees and the OpenAI "param".
#include "server/src/api_error.h"
#include "server/src/request_parsing.h"

#include <gtest/gtest.h>

namespace {

using nlohmann::json;
using namespace smol::serve;
using field_message = std::pair<std::string, std::string>;

// The (param, message) of the api_error `fn` throws.
template <typename Fn>
std::pair<std::string, std::string> refusal(Fn fn) {
    try {
        fn();
    } catch (const api_error& e) {
        EXPECT_EQ(e.status(), 400);
        return {e.param(), e.what()};
    }
    return {"", "no error"};
}

std::pair<std::string, std::string> completion_refusal(const std::string& body) {
    return refusal([&] { parse_completion_request(parse_json_body(body)); });
}

std::pair<std::string, std::string> chat_refusal(const std::string& body) {
    return refusal([&] { parse_chat_request(parse_json_body(body)); });
}

TEST(request_parsing, malformed_json_and_non_objects) {
    EXPECT_NE(completion_refusal(R"({"prompt": "x",)").second.find("not valid JSON"), std::string::npos);
    EXPECT_EQ(completion_refusal("[1, 2]").second, "the request body must be a JSON object, got an array");
    EXPECT_EQ(completion_refusal("").first, "");
}

TEST(request_parsing, wrong_types_name_the_field) {
    EXPECT_EQ(completion_refusal(R"({"prompt": "x", "max_tokens": "5"})"),
              (field_message{"max_tokens", "max_tokens: expected an integer, got a string"}));
    EXPECT_EQ(completion_refusal(R"({"prompt": "x", "temperature": 3})"),
              (field_message{"temperature", "temperature: 3 is out of range [0, 2]"}));
    EXPECT_EQ(completion_refusal(R"({"prompt": "x", "top_p": 0})").first, "top_p");
    EXPECT_EQ(completion_refusal(R"({"prompt": "x", "stream": 1})").second, "stream: expected a boolean, got an integer");
    EXPECT_EQ(completion_refusal(R"({"prompt": "x", "stop": ["a", 3]})").first, "stop[1]");
    EXPECT_EQ(completion_refusal(R"({"prompt": "x", "stop": ["a","b","c","d","e"]})").second, "stop: at most 4 sequences, got 5");
    EXPECT_EQ(completion_refusal(R"({"prompt": 5})").second, "prompt: expected a string or an array of token ids, got an integer");
    EXPECT_EQ(completion_refusal(R"({"prompt": [1, -2]})").second, "prompt[1]: -2 is out of range 0..2147483647");
    EXPECT_EQ(completion_refusal(R"({"prompt": ""})").first, "prompt");
    EXPECT_EQ(completion_refusal(R"({"max_tokens": 3})").second, "prompt: missing");
    EXPECT_EQ(completion_refusal(R"({"prompt": "x", "n": 2})").first, "n");
    EXPECT_EQ(completion_refusal(R"({"prompt": "x", "logprobs": 2})").first, "logprobs");
    EXPECT_EQ(completion_refusal(R"({"prompt": "x", "max_tokens": 0})").first, "max_tokens");
}

TEST(request_parsing, chat_messages_are_checked_one_by_one) {
    EXPECT_EQ(chat_refusal(R"({"messages": "hi"})").second, "messages: expected an array, got a string");
    EXPECT_EQ(chat_refusal(R"({"messages": []})").first, "messages");
    EXPECT_EQ(chat_refusal(R"({"messages": [{"role": "user", "content": "a"}, {"role": "wizard", "content": "b"}]})").first,
              "messages[1].role");
    EXPECT_EQ(chat_refusal(R"({"messages": [{"role": "user"}]})").second, "messages[0].content: missing");
    EXPECT_EQ(chat_refusal(R"({"messages": [{"role": "user", "content": [{"type": "image_url"}]}]})").first,
              "messages[0].content[0].type");
}

TEST(request_parsing, accepted_requests_keep_their_values) {
    const completion_request c = parse_completion_request(parse_json_body(
        R"({"model": "m", "prompt": [3, 4], "max_tokens": 7, "temperature": 0, "top_k": 5, "seed": -1, "stop": "x",
            "stream": true, "stream_options": {"include_usage": true}, "user": "ignored", "frequency_penalty": 0})"));
    EXPECT_EQ(c.model, "m");
    EXPECT_EQ(std::get<std::vector<int32_t>>(c.prompt), (std::vector<int32_t>{3, 4}));
    EXPECT_EQ(c.params.max_tokens, 7);
    EXPECT_EQ(c.params.sampling.temperature, 0.0f);
    EXPECT_EQ(c.params.sampling.top_k, 5);
    EXPECT_EQ(c.params.sampling.seed, UINT64_MAX);
    EXPECT_EQ(c.params.stop, std::vector<std::string>{"x"});
    EXPECT_TRUE(c.params.stream && c.params.include_usage);
    const chat_request r = parse_chat_request(parse_json_body(
        R"({"messages": [{"role": "developer", "content": "be brief"}, {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}]})"));
    ASSERT_EQ(r.messages.size(), 2u);
    EXPECT_EQ(r.messages[0].role, "system");
    EXPECT_EQ(r.messages[1].content, "ab");
    EXPECT_FALSE(r.params.max_tokens.has_value());  // chat: up to the end of the context
    EXPECT_EQ(r.params.sampling.temperature, 1.0f);  // the OpenAI default
}

}  // namespace
