#include "engine/chat/chat_template.h"

#include "engine/chat/builtins.h"
#include "engine/chat/evaluator.h"
#include "engine/chat/lexer.h"
#include "engine/chat/parser.h"

namespace smol {

struct chat_template::program {
    std::string source;
    chat_detail::stmt_list body;
};

chat_template chat_template::parse(std::string_view source) {
    auto p = std::make_shared<program>();
    p->source = std::string(source);
    p->body = chat_detail::parse_template(p->source, chat_detail::tokenize(p->source));
    return chat_template(std::move(p));
}

const std::string& chat_template::source() const { return program_->source; }

std::string chat_template::render(std::span<const chat_message> messages, bool add_generation_prompt,
                                  const std::string& bos_token, const std::string& eos_token) const {
    using namespace chat_detail;
    scope globals;
    for (auto& [name, v] : global_variables()) globals.set(name, std::move(v));
    value_list list;
    for (const chat_message& m : messages)
        list.push_back(value::make_object({{"role", value::make_string(m.role)}, {"content", value::make_string(m.content)}}));
    globals.set("messages", value::make_array(std::move(list)));
    globals.set("add_generation_prompt", value::make_bool(add_generation_prompt));
    globals.set("bos_token", value::make_string(bos_token));
    globals.set("eos_token", value::make_string(eos_token));
    return render_program(program_->source, program_->body, globals);
}

}  // namespace smol
