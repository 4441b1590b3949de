// libFuzzer target: any byte string is a program (32-bit little-endian words at address 0 of a 64 KiB
// machine, so the memory edge is near). Two machines, one with the AVX2 Q8 (and block-MAC) kernels and one with the
// portable kernel, run it in lockstep through the commit log; they must agree on every retired
// instruction, every trap and the final state, and the run must end in a halt, a trap or the limit.
#include "iss/src/machine.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr uint64_t mem_bytes = 64 << 10;
constexpr uint64_t max_instructions = 4096;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace smol::iss;
    if (size > mem_bytes) return 0;
    machine fast(mem_bytes, q8_mac_best());
    machine portable(mem_bytes, q8_mac_portable);
    std::vector<std::string> log;  // the fast machine's commit log, one line per instruction
    fast.set_commit_hook([&](const commit_record& r) { log.push_back(format_commit(r)); });
    size_t next = 0;
    portable.set_commit_hook([&](const commit_record& r) {
        if (next >= log.size() || log[next] != format_commit(r)) std::abort();
        ++next;
    });
    for (machine* m : {&fast, &portable}) {
        m->mem().write(0, data, size);
        m->reset(0);
    }
    const run_result a = fast.run(max_instructions);
    const run_result b = portable.run(max_instructions);
    if (next != log.size() || a.reason != b.reason || a.pc != b.pc || a.trap != b.trap) std::abort();
    if (fast.stats().instret > max_instructions) std::abort();
    if (std::memcmp(&fast.state(), &portable.state(), sizeof(arch_state)) != 0) std::abort();
    if (std::memcmp(fast.mem().data(), portable.mem().data(), mem_bytes) != 0) std::abort();
    return 0;
}
