// Byte-for-byte comparison with @huggingface/jinja on every (template, conversation, add_generation_prompt)
// case that tests/render_oracle.js rendered into the build tree. A case where the reference raised must raise
// here too, with the reference's raise_exception message in ours.
#include "common/strict_json.h"
#include "engine/chat/chat_template.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

nlohmann::json load_cases() {
    std::ifstream in(SMOL_CHAT_ORACLE_JSON, std::ios::binary);
    if (!in) throw std::runtime_error("missing " SMOL_CHAT_ORACLE_JSON " (run the chat.oracle_render fixture)");
    std::ostringstream text;
    text << in.rdbuf();
    return smol::parse_strict_json(text.str(), SMOL_CHAT_ORACLE_JSON).at("cases");
}

std::vector<smol::chat_message> messages_of(const nlohmann::json& c) {
    std::vector<smol::chat_message> out;
    for (const auto& m : c.at("messages")) out.push_back({m.at("role"), m.at("content")});
    return out;
}

TEST(chat_oracle, every_case_is_byte_identical) {
    const nlohmann::json cases = load_cases();
    ASSERT_GE(cases.size(), 50u);
    int rendered = 0, raised = 0;
    for (const auto& c : cases) {
        SCOPED_TRACE(c.at("name").get<std::string>());
        const auto tmpl = smol::chat_template::parse(c.at("source").get<std::string>());
        const auto messages = messages_of(c);
        const auto render = [&] {
            return tmpl.render(messages, c.at("add_generation_prompt"), c.at("bos_token"), c.at("eos_token"));
        };
        if (c.contains("error")) {
            const std::string expected = c.at("error");
            try {
                const std::string got = render();
                ADD_FAILURE() << "reference raised '" << expected << "' but we rendered:\n" << got;
            } catch (const smol::error& e) {
                EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
                ++raised;
            }
            continue;
        }
        try {
            EXPECT_EQ(render(), c.at("output").get<std::string>());
            ++rendered;
        } catch (const smol::error& e) {
            ADD_FAILURE() << "we raised where the reference rendered: " << e.what();
        }
    }
    std::cout << rendered << " cases byte-identical, " << raised << " raising the reference's error\n";
}

}  // namespace

namespace {

// One-line edge cases: where the reference raises we must raise; where it renders we must render the same
// bytes, or refuse with an explicit "unsupported" (never render something else).
TEST(chat_oracle, snippets_match_or_are_refused) {
    std::ifstream in(SMOL_CHAT_ORACLE_JSON, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const auto snippets = smol::parse_strict_json(text.str(), SMOL_CHAT_ORACLE_JSON).at("snippets");
    ASSERT_FALSE(snippets.empty());
    int identical = 0, both_raise = 0, refused = 0;
    for (const auto& c : snippets) {
        const std::string source = c.at("source");
        SCOPED_TRACE(source);
        std::string got, error;
        try {
            got = smol::chat_template::parse(source).render(messages_of(c), c.at("add_generation_prompt"),
                                                             c.at("bos_token"), c.at("eos_token"));
        } catch (const smol::error& e) {
            error = e.what();
        }
        if (c.contains("error")) {
            EXPECT_FALSE(error.empty()) << "reference raised '" << c.at("error").get<std::string>() << "', we rendered '"
                                        << got << "'";
            ++both_raise;
        } else if (!error.empty()) {
            EXPECT_NE(error.find("unsupported"), std::string::npos) << "we raised '" << error << "', reference rendered '"
                                                                    << c.at("output").get<std::string>() << "'";
            ++refused;
            std::cout << "refused: " << source << "  ->  " << error << "\n";
        } else {
            EXPECT_EQ(got, c.at("output").get<std::string>());
            ++identical;
        }
    }
    std::cout << identical << " snippets byte-identical, " << both_raise << " raise in both, " << refused
              << " refused as unsupported\n";
}

}  // namespace
