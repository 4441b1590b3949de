// smol profile: the workload of one forward pass — per operation from the model's config (MACs, FLOPs,
// % of the total) — and what the firmware executes on the ISS, per kernel, at chosen positions; with
// --backend rtl, where the RTL core's cycles go (per kernel, per instruction class, per token).
#include "backends/src/registry.h"
#include "common/error.h"
#include "firmware/src/firmware_backend.h"
#include "firmware/src/iss_target.h"
#include "firmware/src/workload.h"
#include "tools/smol/cli_common.h"
#include "tools/smol/commands.h"
#if SMOL_HAVE_RTL
#include "dv/target/rtl_profile.h"
#endif

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace smol::cli {

namespace {

void print_costs(const model_config& c, int32_t pos) {
    auto ops = firmware::forward_costs(c, pos);
    uint64_t total_flops = 0, total_macs = 0;
    for (const auto& op : ops) total_flops += op.flops, total_macs += op.macs;
    fmt::print("\nworkload of one token at position {} (from the config)\n", pos);
    fmt::print("{:<34} {:>14} {:>14} {:>8}\n", "operation", "MACs", "FLOPs", "% FLOPs");
    for (const auto& op : ops)
        fmt::print("{:<34} {:>14} {:>14} {:>7.2f}%\n", op.name, op.macs, op.flops, 100.0 * op.flops / total_flops);
    fmt::print("{:<34} {:>14} {:>14} {:>7.2f}%\n", "total", total_macs, total_flops, 100.0);
}

void print_profile(const firmware::forward_profile& p) {
    fmt::print("\nISS, one forward pass at position {}: {} instructions, {} MACs, {} FLOPs, {:.3f} s (profiling on)\n",
               p.pos, p.instructions, p.macs, p.flops, p.seconds);
    if (p.pos > 0)
        fmt::print("ISS wall time per token while filling positions 0..{} (profiling off): {:.3f} s\n", p.pos - 1,
                   p.fill_seconds_per_token);
    fmt::print("{:<24} {:>14} {:>8} {:>14} {:>14}\n", "kernel", "instructions", "%", "MACs", "FLOPs");
    for (const auto& k : p.kernels)
        fmt::print("{:<24} {:>14} {:>7.2f}% {:>14} {:>14}\n", k.kernel, k.instructions,
                   100.0 * k.instructions / std::max<uint64_t>(p.instructions, 1), k.macs, k.flops);
}

nlohmann::json to_json(const model_config& c, int32_t pos, const firmware::forward_profile& p) {
    nlohmann::json ops = nlohmann::json::array();
    for (const auto& op : firmware::forward_costs(c, pos))
        ops.push_back({{"operation", op.name}, {"macs", op.macs}, {"flops", op.flops}});
    nlohmann::json kernels = nlohmann::json::array();
    for (const auto& k : p.kernels)
        kernels.push_back({{"kernel", k.kernel}, {"instructions", k.instructions}, {"macs", k.macs}, {"flops", k.flops}});
    return {{"pos", pos}, {"operations", ops},
            {"iss", {{"instructions", p.instructions}, {"macs", p.macs}, {"flops", p.flops}, {"seconds", p.seconds},
                     {"fill_seconds_per_token", p.fill_seconds_per_token},
                     {"kernels", kernels}}}};
}

#if SMOL_HAVE_RTL
void print_rtl_profile(const rtl::rtl_forward_profile& p) {
    const uint64_t cycles = p.total.cycles;
    fmt::print("\nRTL core (memory latency {} cycles, {} bytes/cycle), one forward pass at position {}: {} instructions, "
               "{} cycles ({:.2f} per instruction), {:.1f} s simulated at {:.0f} cycles/s\n",
               p.timing.latency, p.timing.bytes_per_cycle, p.pos, p.total.instructions, cycles,
               double(cycles) / double(std::max<uint64_t>(p.total.instructions, 1)), p.seconds,
               p.seconds > 0 ? double(cycles) / p.seconds : 0.0);
    fmt::print("cycles per token at positions 0..{}:", p.pos);
    for (uint64_t c : p.cycles_per_token) fmt::print(" {}", c);
    const rtl::rtl_stall_counts& s = p.total.stalls;
    fmt::print("stall cycles: memory {}, dependency {}, multi-cycle unit {} ({:.1f}% of all)\n", s.memory, s.dependency,
               s.multicycle, 100.0 * double(s.memory + s.dependency + s.multicycle) / double(std::max<uint64_t>(cycles, 1)));
    fmt::print("{}\n{}", rtl::format_cycle_table("kernel", p.kernels, cycles),
               rtl::format_cycle_table("instruction class", p.classes, cycles));
}

nlohmann::json stalls_json(const rtl::rtl_stall_counts& s) {
    return {{"memory", s.memory}, {"dependency", s.dependency}, {"multicycle", s.multicycle}};
}

nlohmann::json cycles_json(const std::vector<rtl::named_cycles>& rows, const char* key) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows)
        out.push_back({{key, r.name}, {"instructions", r.count.instructions}, {"cycles", r.count.cycles},
                       {"stalls", stalls_json(r.count.stalls)}});
    return out;
}

nlohmann::json rtl_json(const model_config& c, const rtl::rtl_forward_profile& p) {
    nlohmann::json ops = nlohmann::json::array();
    for (const auto& op : firmware::forward_costs(c, p.pos))
        ops.push_back({{"operation", op.name}, {"macs", op.macs}, {"flops", op.flops}});
    return {{"pos", p.pos}, {"operations", ops},
            {"rtl", {{"latency", p.timing.latency}, {"bytes_per_cycle", p.timing.bytes_per_cycle},
                     {"instructions", p.total.instructions}, {"cycles", p.total.cycles}, {"seconds", p.seconds},
                     {"stalls", stalls_json(p.total.stalls)},
                     {"cycles_per_token", p.cycles_per_token}, {"kernels", cycles_json(p.kernels, "kernel")},
                     {"classes", cycles_json(p.classes, "class")}}}};
}
#endif

}  // namespace

void register_profile(CLI::App& app) {
    struct options {
        model_options model;
        backend_options backend;
        std::string positions;
        bool json = false;
    };
    auto opts = std::make_shared<options>();
    opts->backend.name = "iss";
    auto* cmd = app.add_subcommand("profile", "per-operation workload and per-kernel ISS instruction counts (or RTL "
                                              "cycles) of a forward pass");
    opts->model.add_to(*cmd);
    opts->backend.add_to(*cmd, true);
    cmd->add_option("--pos", opts->positions,
                    "positions to profile, comma-separated (default 0,255 on iss; 0 on rtl, where each position "
                    "before the last costs a simulated forward pass)");
    cmd->add_flag("--json", opts->json, "print JSON instead of tables");
    cmd->footer("An HF directory is profiled with q8 weights unless --quant says f32, q8r, q8_0 or q4_0 (the schemes the firmware "
                "runs, on the ISS and the RTL core).");
    cmd->callback([opts] {
        const bool on_rtl = opts->backend.name == "rtl";
        std::vector<int32_t> positions =
            parse_int32_list(opts->positions.empty() ? (on_rtl ? "0" : "0,255") : opts->positions, "--pos", 0, INT32_MAX - 1);
        smol::backend_options run_options;
        opts->backend.apply_rtl(run_options);  // refuses --latency and the others without --backend rtl
        // The int8 firmware is the one built to be fast: an HF directory is quantized per tensor unless --quant says otherwise.
        model_options model_opts = opts->model;
        if (model_opts.quant.empty() && is_hf_checkpoint_dir(model_opts.path)) model_opts.quant = "q8";
        loaded_model model = model_opts.load();
        const model_config& c = model.config();
        const int32_t last = *std::max_element(positions.begin(), positions.end());
        run_options.context = model_opts.context_for(c, int64_t(last) + 1);
        // Any fixed token sequence will do: the instruction count does not depend on the ids.
        std::vector<int32_t> tokens;
        for (int32_t i = 0; i <= last; ++i) tokens.push_back(int32_t((int64_t(i) * 7919 + 1) % c.vocab_size));
        nlohmann::json out = nlohmann::json::array();
        if (!opts->json)
            fmt::print("model {}: {} layers, hidden {}, intermediate {}, {} heads / {} KV heads of {}, vocab {}, {}\n",
                       opts->model.path, c.n_layers, c.hidden_size, c.intermediate_size, c.n_heads, c.n_kv_heads,
                       c.head_dim, c.vocab_size, quant_scheme_name(model.weights().quant));
        std::sort(positions.begin(), positions.end());
        positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
#if SMOL_HAVE_RTL
        if (on_rtl) {
            auto backend = make_backend("rtl", model, run_options);
            auto& fw = dynamic_cast<firmware::firmware_backend&>(*backend);
            for (const rtl::rtl_forward_profile& p : rtl::profile_forward_rtl(fw, tokens, positions)) {
                if (opts->json) {
                    out.push_back(rtl_json(c, p));
                } else {
                    print_costs(c, p.pos);
                    print_rtl_profile(p);
                }
            }
            if (opts->json) fmt::print("{}\n", out.dump(2));
            return;
        }
#endif
        firmware::firmware_backend iss(model.weights(), model.image(), run_options.context,
                                       firmware::iss_target_factory());
        for (int32_t p : positions) {
            firmware::forward_profile prof =
                firmware::profile_forward(iss, std::vector<int32_t>(tokens.begin(), tokens.begin() + p + 1));
            if (opts->json) {
                out.push_back(to_json(c, p, prof));
            } else {
                print_costs(c, p);
                print_profile(prof);
            }
        }
        if (opts->json) fmt::print("{}\n", out.dump(2));
    });
}

}  // namespace smol::cli
