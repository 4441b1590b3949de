#include "firmware/src/iss_target.h"

namespace smol::firmware {

void iss_target::write_memory(uint64_t addr, std::span<const std::byte> bytes) {
    m_.mem().write(addr, bytes.data(), bytes.size());
}

void iss_target::read_memory(uint64_t addr, std::span<std::byte> out) const { m_.mem().read(addr, out.data(), out.size()); }

target_result iss_target::run(uint64_t max_instructions) {
    const uint64_t before = m_.stats().instret;
    const iss::run_result r = m_.run(max_instructions);
    target_result out;
    out.reason = r.reason == iss::stop_reason::halted    ? target_stop::halted
                 : r.reason == iss::stop_reason::trapped ? target_stop::trapped
                                                         : target_stop::limit;
    out.pc = r.pc;
    out.bits = r.bits;
    out.trap = r.trap;
    out.trap_addr = r.trap_addr;
    out.halt_value = m_.state().x[10];
    out.retired = m_.stats().instret - before;
    return out;
}

target_factory iss_target_factory(iss::q8_mac_fn q8_kernel) {
    return [q8_kernel](uint64_t memory_bytes) { return std::make_unique<iss_target>(memory_bytes, q8_kernel); };
}

}  // namespace smol::firmware
