// libFuzzer target: any byte string is a candidate config.json. Parsing either yields a config that passes
// validate() (so later size products are safe) or throws smol::error; nothing else may escape.
#include "common/error.h"
#include "common/strict_json.h"
#include "model/src/model_config.h"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const smol::model_config config = smol::parse_hf_config(smol::parse_strict_json(text, "config.json"), "config.json");
        config.validate("config.json");
        if (config.parameter_count() <= 0) std::abort();
        (void)smol::hf_config_to_json(config);
    } catch (const smol::error&) {
    }
    return 0;
}
