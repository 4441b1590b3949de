// smol profile: the workload of one forward pass — per operation from the model's config (MACs, FLOPs,
// % of the total) — and what the firmware executes on the ISS, per kernel, at chosen positions.
#include "common/error.h"
#include "firmware/src/firmware_backend.h"
#include "firmware/src/iss_target.h"
#include "firmware/src/workload.h"
#include "tools/smol/cli_common.h"
#include "tools/smol/commands.h"

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

}  // namespace

void register_profile(CLI::App& app) {
    struct options {
        model_options model;
        std::string positions = "0,255";
        bool json = false;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("profile", "per-operation workload and per-kernel ISS instruction counts of a forward pass");
    opts->model.add_to(*cmd);
    cmd->add_option("--pos", opts->positions, "positions to profile, comma-separated (default 0,255)");
    cmd->add_flag("--json", opts->json, "print JSON instead of tables");
    cmd->footer("An HF directory is profiled with q8 weights unless --quant says f32 or q8r (the schemes the firmware runs).");
    cmd->callback([opts] {
        std::vector<int32_t> positions = parse_int32_list(opts->positions, "--pos", 0, INT32_MAX - 1);
        // The int8 firmware is the one built to be fast: an HF directory is quantized per tensor unless --quant says otherwise.
        model_options model_opts = opts->model;
        if (model_opts.quant.empty() && is_hf_checkpoint_dir(model_opts.path)) model_opts.quant = "q8";
        loaded_model model = model_opts.load();
        const model_config& c = model.config();
        const int32_t last = *std::max_element(positions.begin(), positions.end());
        firmware::firmware_backend iss(model.weights(), model.image(), model_opts.context_for(c, int64_t(last) + 1),
                                       firmware::iss_target_factory());
        // Any fixed token sequence will do: the instruction count does not depend on the ids.
        std::vector<int32_t> tokens;
        for (int32_t i = 0; i <= last; ++i) tokens.push_back(int32_t((int64_t(i) * 7919 + 1) % c.vocab_size));
        nlohmann::json out = nlohmann::json::array();
        if (!opts->json)
            fmt::print("model {}: {} layers, hidden {}, intermediate {}, {} heads / {} KV heads of {}, vocab {}, {}\n",
                       opts->model.path, c.n_layers, c.hidden_size, c.intermediate_size, c.n_heads, c.n_kv_heads,
                       c.head_dim, c.vocab_size, quant_scheme_name(model.weights().quant));
        std::sort(positions.begin(), positions.end());
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
