// libFuzzer: encode/decode of any bytes with the SmolLM2-shaped tokenizer. Checks the round trip: every
// byte has a token, so decode(encode(x)) is x with invalid UTF-8 replaced, with or without special parsing.
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/tokenizer_assets.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const smol::tokenizer t = smol::tokenizer::from_json(smol::smollm2_tokenizer_json(), "smollm2");
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string expected = smol::utf8_lossy(input);
    for (bool parse_special : {false, true}) {
        const auto ids = t.encode(input, parse_special);
        if (t.decode(ids, false) != expected) std::abort();
    }
    smol::utf8_stream stream;
    std::string streamed;
    for (size_t i = 0; i < size; i += 3) streamed += stream.push(input.substr(i, 3));
    streamed += stream.finish();
    if (streamed != expected) std::abort();
    return 0;
}
