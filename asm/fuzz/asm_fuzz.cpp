// libFuzzer target: any byte string is a candidate source file. The assembler must report errors or
// produce a program; a program's instructions must disassemble to text that assembles back to the same
// words (the round-trip property of docs/asm.md, here on whatever the fuzzer reaches).
#include "asm/assembler.h"
#include "asm/disasm.h"
#include "isa/generated/smol32_isa.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {

void check_round_trip(const smol::assembler::listing_entry& entry) {
    for (size_t i = 0; i + 4 <= entry.bytes.size(); i += 4) {
        uint32_t bits;
        std::memcpy(&bits, entry.bytes.data() + i, 4);
        const uint32_t pc = entry.address + static_cast<uint32_t>(i);
        const std::string text = ".org " + std::to_string(pc) + "\n" + smol::disasm::format_instruction(bits, pc) + "\n";
        auto again = smol::assembler::assemble_string(text, "round_trip.s");
        if (smol::isa::decode(bits) == smol::isa::opcode::invalid) continue;  // printed as .word: nothing to prove
        if (!again.ok() || again.prog.image.size() != 4 || std::memcmp(again.prog.image.data(), &bits, 4) != 0)
            std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    smol::assembler::options opts;
    opts.max_image_bytes = 1 << 20;  // keep .space/.org from asking for the whole default memory
    // A name in a folder that does not exist: a relative .include finds nothing.
    auto result = smol::assembler::assemble_string(std::string_view(reinterpret_cast<const char*>(data), size),
                                                   "/nonexistent/fuzz.s", opts);
    if (!result.ok()) {
        if (result.errors.front().text().empty()) std::abort();
        return 0;
    }
    for (const auto& entry : result.prog.listing)
        if (entry.code) check_round_trip(entry);
    return 0;
}
