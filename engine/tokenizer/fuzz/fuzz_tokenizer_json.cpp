// libFuzzer: tokenizer.json loading. Any input either loads or throws smol::error; nothing else.
#include "common/error.h"
#include "engine/tokenizer/tokenizer.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const smol::tokenizer t =
            smol::tokenizer::from_json(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
        const auto ids = t.encode("Hello <|endoftext|> 123 \xF0\x9F\x98\x80", true);
        (void)t.decode(ids, false);
    } catch (const smol::error&) {
    }
    return 0;
}
