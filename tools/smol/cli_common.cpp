#include "tools/smol/cli_common.h"

#include "common/error.h"

#include <charconv>

namespace smol::cli {

std::vector<int32_t> parse_id_list(const std::string& text, const char* flag) {
    std::vector<int32_t> ids;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        std::string item = text.substr(start, comma - start);
        int64_t value = 0;
        auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size() || value < INT32_MIN || value > INT32_MAX)
            fail("{}: '{}' is not a token id (expected comma-separated integers, e.g. 1,2,3)", flag, item);
        ids.push_back(static_cast<int32_t>(value));
        start = comma + 1;
    }
    return ids;
}

void model_options::add_to(CLI::App& command) {
    command.add_option("-m,--model", path, "HF checkpoint directory or smol32 model file")->required();
    command.add_option("--quant", quant, "weights: f32, q8 (per tensor) or q8r (per row)")
        ->check(CLI::IsMember({"f32", "q8", "q8r"}));
    command.add_option("-c,--ctx-size", context_length, "KV-cache positions (default: the model's maximum)");
}

loaded_model model_options::load() const {
    std::optional<quant_scheme> scheme;
    if (!quant.empty()) scheme = parse_quant_scheme(quant);
    return load_model(path, scheme);
}

int32_t model_options::context_for(const model_config& config, int64_t needed) const {
    const int32_t maximum = config.max_position_embeddings;
    if (context_length != -1 && (context_length < 1 || context_length > maximum))
        fail("--ctx-size {} is out of range 1..{} (the model's max_position_embeddings)", context_length, maximum);
    const int32_t context = context_length == -1 ? maximum : context_length;
    if (needed > context)
        fail("the run needs {} positions but the context holds {}{}", needed, context,
             context_length == -1 ? "" : " (--ctx-size)");
    return context;
}

}  // namespace smol::cli
