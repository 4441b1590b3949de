#include "dv/target/rtl_profile.h"

#include "common/error.h"
#include "dv/target/rtl_firmware_target.h"
#include "firmware/src/firmware_image.h"
#include "isa/generated/smol32_isa.h"

#include <algorithm>
#include <chrono>
#include <map>

#include <fmt/format.h>

namespace smol::rtl {

void cycle_count::add(const cycle_count& o) {
    instructions += o.instructions;
    cycles += o.cycles;
    stalls.memory += o.stalls.memory;
    stalls.dependency += o.stalls.dependency;
    stalls.multicycle += o.stalls.multicycle;
}

cycle_profile::cycle_profile(rtl_target& core, std::function<void(const iss::commit_record&)> also)
    : core_(&core), also_(std::move(also)) {
    core.set_commit_hook([this](const iss::commit_record& r) {
        const uint64_t now = core_->counters().cycles;
        const rtl_stall_counts& stalls = core_->stall_counts();
        if (r.seq == 1) last_cycles_ = 0, last_stalls_ = {};  // the first retirement after a reset: counters restarted
        cycle_count charge;
        charge.instructions = 1;
        charge.cycles = now - last_cycles_;
        charge.stalls = {stalls.memory - last_stalls_.memory, stalls.dependency - last_stalls_.dependency,
                         stalls.multicycle - last_stalls_.multicycle};
        pc_entry& e = per_pc_[r.pc];
        e.bits = r.bits;
        e.count.add(charge);
        total_.add(charge);
        last_cycles_ = now;
        last_stalls_ = stalls;
        if (also_) also_(r);
    });
}

cycle_profile::~cycle_profile() { detach(); }

void cycle_profile::detach() {
    if (core_) core_->set_commit_hook(nullptr);
    core_ = nullptr;
}

std::vector<named_cycles> cycles_by(const cycle_profile& p, std::string (*name_of)(uint32_t pc, uint32_t bits)) {
    std::map<std::string, cycle_count> sums;
    for (const auto& [pc, e] : p.per_pc()) sums[name_of(pc, e.bits)].add(e.count);
    std::vector<named_cycles> out;
    for (auto& [name, c] : sums) out.push_back({name, c});
    std::stable_sort(out.begin(), out.end(),
                     [](const named_cycles& a, const named_cycles& b) { return a.count.cycles > b.count.cycles; });
    return out;
}

std::string format_cycle_table(const char* what, const std::vector<named_cycles>& rows, uint64_t total) {
    std::string out = fmt::format("{:<24} {:>12} {:>12} {:>7} {:>7} {:>12} {:>12} {:>12}\n", what, "instructions",
                                  "cycles", "%", "CPI", "stall:memory", "dependency", "multi-cycle");
    for (const auto& r : rows)
        out += fmt::format("{:<24} {:>12} {:>12} {:>6.2f}% {:>7.2f} {:>12} {:>12} {:>12}\n", r.name, r.count.instructions,
                           r.count.cycles, 100.0 * double(r.count.cycles) / double(std::max<uint64_t>(total, 1)),
                           double(r.count.cycles) / double(std::max<uint64_t>(r.count.instructions, 1)),
                           r.count.stalls.memory, r.count.stalls.dependency, r.count.stalls.multicycle);
    return out;
}

std::string opcode_of(uint32_t, uint32_t bits) {
    const isa::opcode op = isa::decode(bits);
    return op == isa::opcode::invalid ? "(illegal)" : std::string(isa::describe(op).mnemonic);
}

std::string section_of(uint32_t, uint32_t bits) {
    const isa::opcode op = isa::decode(bits);
    if (op == isa::opcode::invalid) return "(illegal)";
    switch (isa::describe(op).sec) {
    case isa::section::int_: return "integer";
    case isa::section::mem: return "load/store";
    case isa::section::ctrl: return "control";
    case isa::section::fp: return "scalar fp";
    case isa::section::vec: return "vector";
    case isa::section::q8: return "q8";
    }
    return "?";
}

std::string kernel_of(uint32_t pc, uint32_t) {
    std::string name(firmware::kernel_of(pc));
    return name.empty() ? "(outside the firmware)" : name;
}

std::vector<rtl_forward_profile> profile_forward_rtl(firmware::firmware_backend& fw, const std::vector<int32_t>& tokens,
                                                     const std::vector<int32_t>& positions) {
    auto* target = dynamic_cast<rtl_firmware_target*>(&fw.target());
    if (!target) fail("profile: cycle counts need the RTL target, not {}", fw.target().name());
    std::vector<rtl_forward_profile> out;
    std::vector<uint64_t> per_token;
    size_t next = 0;
    for (int32_t pos = 0; pos < int32_t(tokens.size()) && next < positions.size(); ++pos) {
        if (positions[next] != pos) {
            fw.forward(tokens[size_t(pos)], pos);
            per_token.push_back(target->last_run_cycles());
            continue;
        }
        cycle_profile prof(target->core());
        const auto start = std::chrono::steady_clock::now();
        fw.forward(tokens[size_t(pos)], pos);
        rtl_forward_profile p;
        p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        prof.detach();
        per_token.push_back(target->last_run_cycles());
        p.pos = pos;
        p.timing = target->options().timing;
        p.total = prof.total();
        p.cycles_per_token = per_token;
        p.kernels = cycles_by(prof, kernel_of);
        p.classes = cycles_by(prof, section_of);
        out.push_back(std::move(p));
        ++next;
    }
    if (next != positions.size()) fail("internal error: profile position {} is past the tokens", positions[next]);
    return out;
}

}  // namespace smol::rtl
