#include "dv/target/rtl_target.h"

#include "common/error.h"

#include "Vsmol_core.h"
#include "verilated.h"
#if VM_TRACE_FST
#include "verilated_fst_c.h"
#endif

#include <array>
#include <cstring>
#include <deque>

namespace smol::rtl {

namespace {

static_assert(static_cast<int>(iss::trap_kind::store_fault) == 7, "the retire port's trap codes are trap_kind's");

struct pending_read {
    uint64_t due;  // cycle in which the response is presented
    bool id;
    std::array<uint32_t, 4> data;
};

}  // namespace

struct rtl_target::impl {
    explicit impl(uint64_t mem_size, memory_timing t) : mem(mem_size), timing(t) {
        if (t.latency < 1) fail("memory latency must be at least 1 cycle");
        if (t.bytes_per_cycle < 1 || t.bytes_per_cycle > 16) fail("memory bandwidth must be 1..16 bytes per cycle");
        if (mem_size > (uint64_t{1} << 32)) fail("memory size {} exceeds the 32-bit address space", mem_size);
        ctx.reset(new VerilatedContext);
        ctx->randReset(2);  // --x-initial unique builds draw their initial values from here
        top.reset(new Vsmol_core(ctx.get()));
    }
    ~impl() {
#if VM_TRACE_FST
        if (fst) fst->close();
#endif
        top->final();
    }

    iss::memory mem;
    memory_timing timing;
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vsmol_core> top;
    std::function<void(const iss::commit_record&)> hook;
    iss::commit_record rec;
    run_counters count;
    rtl_stall_counts stalls;
    std::deque<pending_read> reads;
    unsigned credit = 16;
    uint64_t cycle = 0;   // cycles since construction (the read responses are timed by these)
    uint32_t x10 = 0;
    bool stopped = true;
#if VM_TRACE_FST
    std::unique_ptr<VerilatedFstC> fst;
#endif
    uint64_t wave_from = 0, wave_to = 0, wave_last = 0;
    bool wave_dumped = false;

    // The wave window and the dump times count cycles since the last reset (what a run reports), two
    // time steps per cycle; a window that a later reset would revisit is not dumped twice.
    void dump(bool rising) {
#if VM_TRACE_FST
        const uint64_t c = count.cycles - (rising ? 1 : 0);
        const uint64_t t = 2 * c + (rising ? 1 : 0);
        if (fst && c >= wave_from && c < wave_to && (t > wave_last || !wave_dumped)) {
            fst->dump(t);
            wave_last = t;
            wave_dumped = true;
        }
#else
        (void)rising;
#endif
    }

    // One clock cycle: present this cycle's response and ready, accept a request, then the rising edge.
    void tick() {
        Vsmol_core& c = *top;
        c.mem_rsp_valid_i = 0;
        c.mem_rsp_id_i = 0;
        if (!reads.empty() && reads.front().due <= cycle) {
            const pending_read& r = reads.front();
            c.mem_rsp_valid_i = 1;
            c.mem_rsp_id_i = r.id;
            for (int k = 0; k < 4; ++k) c.mem_rsp_rdata_i[k] = r.data[size_t(k)];
            reads.pop_front();
        }
        credit = std::min(credit + timing.bytes_per_cycle, 32u);
        const bool ready = credit >= 16;
        c.mem_req_ready_i = ready;
        c.clk_i = 0;
        c.eval();
        dump(false);
        if (c.rst_ni && c.mem_req_valid_o && ready) accept(c);  // the memory is held in reset too
        count_stall(c.stall_o);
        ++cycle;
        ++count.cycles;
        c.clk_i = 1;
        c.eval();
        dump(true);
    }

    void count_stall(unsigned cause) {
        switch (cause) {
            case 1: ++stalls.memory; break;
            case 2: ++stalls.dependency; break;
            case 3: ++stalls.multicycle; break;
            default: break;  // 0: none
        }
    }

    // The request seen in this cycle: a write lands now, a read is answered `latency` cycles later with
    // the data as of now (the port is in order, so later requests see earlier writes).
    void accept(Vsmol_core& c) {
        credit -= 16;
        const uint64_t addr = uint64_t{c.mem_req_line_o} << 4;
        if (addr + 16 > mem.size())
            fail("internal error: the core requested line {:#x} outside memory ({} bytes)", addr, mem.size());
        uint8_t* line = mem.data() + addr;
        if (c.mem_req_we_o) {
            ++count.mem_writes;
            uint8_t bytes[16];
            for (int k = 0; k < 4; ++k) std::memcpy(bytes + 4 * k, &c.mem_req_wdata_o[k], 4);
            for (int b = 0; b < 16; ++b)
                if ((c.mem_req_be_o >> b) & 1u) line[b] = bytes[b];
        } else {
            ++count.mem_reads;
            pending_read r{cycle + timing.latency, c.mem_req_id_o != 0, {}};
            std::memcpy(r.data.data(), line, 16);
            reads.push_back(r);
        }
    }

    // The retire port's record, in the ISS's commit_record form.
    void fill_record(const Vsmol_core& c) {
        rec.clear();
        rec.seq = count.instret + 1;
        rec.pc = c.rvfi_pc_o;
        rec.bits = c.rvfi_insn_o;
        auto lanes = [](const auto& wide) {
            std::array<uint32_t, 16> l{};
            for (size_t k = 0; k < 16; ++k) l[k] = wide[k];
            return l;
        };
        if (c.rvfi_trap_o) {
            rec.trap = static_cast<iss::trap_kind>(c.rvfi_trap_o);
            rec.trap_addr = c.rvfi_trap_addr_o;
            return;
        }
        using iss::write_kind;
        if (c.rvfi_x_we_o) {
            rec.writes.push_back({write_kind::xreg, c.rvfi_x_addr_o, c.rvfi_x_wdata_o, {}});
            if (c.rvfi_x_addr_o == 10) x10 = c.rvfi_x_wdata_o;
        }
        if (c.rvfi_f_we_o) rec.writes.push_back({write_kind::freg, c.rvfi_f_addr_o, c.rvfi_f_wdata_o, {}});
        if (c.rvfi_v_we_o) rec.writes.push_back({write_kind::vreg, c.rvfi_v_addr_o, 0, lanes(c.rvfi_v_lanes_o)});
        if (c.rvfi_vl_we_o) rec.writes.push_back({write_kind::vl, 0, c.rvfi_vl_o, {}});
        if (c.rvfi_qscale_we_o) rec.writes.push_back({write_kind::qscale, 0, c.rvfi_qscale_o, {}});
        if (c.rvfi_qw_we_o) rec.writes.push_back({write_kind::qwptr, 0, c.rvfi_qw_o, {}});
        if (c.rvfi_qa_we_o) rec.writes.push_back({write_kind::qaptr, 0, c.rvfi_qa_o, {}});
        if (c.rvfi_acc_we_o) rec.writes.push_back({write_kind::acc, 0, 0, lanes(c.rvfi_acc_o)});
        if (c.rvfi_mem_byte_o)
            rec.writes.push_back({write_kind::mem8, c.rvfi_mem_addr_o, c.rvfi_mem_wdata_o[0] & 0xffu, {}});
        for (uint32_t k = 0; k < c.rvfi_mem_words_o; ++k)
            rec.writes.push_back({write_kind::mem32, c.rvfi_mem_addr_o + 4 * k, c.rvfi_mem_wdata_o[k], {}});
    }
};

rtl_target::rtl_target(uint64_t mem_size, memory_timing timing) : p_(std::make_unique<impl>(mem_size, timing)) {
    reset(0);
}

rtl_target::~rtl_target() = default;

uint64_t rtl_target::mem_size() const { return p_->mem.size(); }
void rtl_target::write_memory(uint64_t addr, const void* src, uint64_t n) { p_->mem.write(addr, src, n); }
void rtl_target::read_memory(uint64_t addr, void* dst, uint64_t n) const { p_->mem.read(addr, dst, n); }
iss::memory& rtl_target::memory() { return p_->mem; }
void rtl_target::set_commit_hook(std::function<void(const iss::commit_record&)> hook) { p_->hook = std::move(hook); }
const run_counters& rtl_target::counters() const { return p_->count; }
const rtl_stall_counts& rtl_target::stall_counts() const { return p_->stalls; }
uint32_t rtl_target::x10() const { return p_->x10; }

void rtl_target::reset(uint32_t entry) {
    impl& p = *p_;
    Vsmol_core& c = *p.top;
    // Drain what is in flight (a previous run may have stopped with prefetches outstanding).
    p.reads.clear();
    c.boot_pc_i = entry;
    const uint64_t size = p.mem.size();
    c.mem_size_i = size;
    c.rst_ni = 0;
    for (int k = 0; k < 2; ++k) p.tick();
    c.rst_ni = 1;
    p.reads.clear();
    p.count = {};
    p.stalls = {};
    p.x10 = 0;
    p.stopped = false;
}

run_result rtl_target::run(uint64_t max_instructions, uint64_t max_cycles) {
    impl& p = *p_;
    Vsmol_core& c = *p.top;
    run_result r;
    if (p.stopped) fail("internal error: run() after the core stopped; reset() first");
    const uint64_t end_cycles = max_cycles > UINT64_MAX - p.count.cycles ? UINT64_MAX : p.count.cycles + max_cycles;
    uint64_t retired = 0;
    while (retired < max_instructions) {
        if (p.count.cycles >= end_cycles) {
            r.reason = stop_reason::cycle_limit;
            r.pc = c.rvfi_pc_o;
            return r;
        }
        p.tick();
        if (!c.rvfi_valid_o) continue;
        p.fill_record(c);
        if (p.hook) p.hook(p.rec);
        r.pc = p.rec.pc;
        r.bits = p.rec.bits;
        if (p.rec.trap != iss::trap_kind::none) {
            r.reason = stop_reason::trapped;
            r.trap = p.rec.trap;
            r.trap_addr = p.rec.trap_addr;
            p.stopped = true;
            return r;
        }
        ++p.count.instret;
        ++retired;
        if (c.rvfi_halt_o) {
            r.reason = stop_reason::halted;
            p.stopped = true;
            return r;
        }
    }
    r.reason = stop_reason::instruction_limit;
    return r;
}

bool rtl_target::open_wave(const std::string& path, uint64_t from, uint64_t count) {
#if VM_TRACE_FST
    p_->ctx->traceEverOn(true);
    p_->fst = std::make_unique<VerilatedFstC>();
    p_->top->trace(p_->fst.get(), 99);
    p_->fst->open(path.c_str());
    p_->wave_from = from;
    p_->wave_to = count > UINT64_MAX - from ? UINT64_MAX : from + count;
    return true;
#else
    (void)path, (void)from, (void)count;
    return false;
#endif
}

}  // namespace smol::rtl
