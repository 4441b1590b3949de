// smol verify: the same prompt and greedy continuation through every layer of the chain that can run here,
// each link held against its bound (docs/verification.md). Exit 0 only when every link holds.
#include "common/error.h"
#include "common/input_file.h"
#include "common/output_file.h"
#include "engine/tokenizer/tokenizer.h"
#include "tools/smol/cli_common.h"
#include "tools/smol/commands.h"
#include "verify/src/plot.h"
#include "verify/src/report_json.h"
#include "verify/src/report_text.h"
#include "verify/src/verify_run.h"

#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace smol::cli {

namespace {

std::vector<std::string> split_layers(const std::string& text, const char* flag) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        if (item.empty()) fail("{}: an empty item in '{}'", flag, text);
        out.push_back(item);
    }
    return out;
}

std::vector<std::byte> read_whole(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.eof() && in.fail()) fail("{}: cannot read", path);
    std::vector<std::byte> out(bytes.size());
    std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
}

}  // namespace

void register_verify(CLI::App& app) {
    struct options {
        std::string model, prompt, ids, layers, skip, json, plot;
        int32_t n = 16;
        engine_options cpu;
        bool parse_special = true;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("verify", "run a prompt through every layer of the chain and check each link's bound");
    cmd->add_option("-m,--model", opts->model, "HF checkpoint directory (every layer), GGUF file or smol32 model file")->required();
    auto* p = cmd->add_option("-p,--prompt", opts->prompt, "prompt text (tokenized with the model's tokenizer.json)");
    cmd->add_option("--ids", opts->ids, "prompt token ids, comma-separated")->excludes(p);
    add_parse_special_flag(*cmd, opts->parse_special);
    add_integer_flag(*cmd, "-n,--n-predict", opts->n, 1, 4096, "greedy tokens after the prompt (default 16)");
    cmd->add_option("--layers", opts->layers,
                    "comma-separated layers or their prefixes (reference, engine.q8, iss, rtl.q8r, llama.cpp ...); "
                    "default: every layer that can run here");
    cmd->add_option("--skip", opts->skip, "comma-separated layers or prefixes to leave out (e.g. gates)");
    cmd->add_option("--json", opts->json, "write the whole report as JSON");
    cmd->add_option("--plot", opts->plot, "draw each link's error per position (PNG, log scale)");
    opts->cpu.add_to(*cmd);
    cmd->callback([opts] {
        if (opts->prompt.empty() && opts->ids.empty()) fail("verify needs a prompt: -p TEXT or --ids 1,2,3");
        verify::verify_request request;
        request.model_path = opts->model;
        request.n = opts->n;
        request.threads = opts->cpu.thread_count();
        if (!opts->layers.empty()) request.layers = split_layers(opts->layers, "--layers");
        if (!opts->skip.empty()) request.skip = split_layers(opts->skip, "--skip");
        std::optional<tokenizer> tok;
        if (!opts->prompt.empty()) {
            tok.emplace(load_tokenizer_for_model(opts->model));
            request.prompt = tok->encode(opts->prompt, opts->parse_special);
        } else {
            request.prompt = parse_id_list(opts->ids, "--ids");
            try {
                tok.emplace(load_tokenizer_for_model(opts->model));
            } catch (const smol::error&) {
                // No tokenizer: the top-5 tables show ids only.
            }
        }
        // Outputs are opened before the run, so a bad path fails at once; both are committed, or neither.
        std::optional<output_file> json_out, plot_out;
        if (!opts->json.empty()) json_out.emplace(opts->json);
        if (!opts->plot.empty()) plot_out.emplace(opts->plot);

        const verify::verify_report report = verify::run_verify(request);
        fmt::print("{}", verify::format_report(report, tok ? &*tok : nullptr));
        const std::string json = verify::report_to_json(report).dump(1) + "\n";
        if (plot_out) {
            char dir[] = "/tmp/smol-verify-plot.XXXXXX";
            if (!::mkdtemp(dir)) fail("cannot make a scratch directory for --plot");
            const std::string tmp_json = std::string(dir) + "/report.json", tmp_png = std::string(dir) + "/plot.png";
            std::ofstream(tmp_json) << json;
            std::vector<std::byte> png;
            try {
                verify::plot_report(tmp_json, tmp_png);
                png = read_whole(tmp_png);
            } catch (...) {
                std::remove(tmp_json.c_str()), std::remove(tmp_png.c_str()), ::rmdir(dir);
                throw;
            }
            std::remove(tmp_json.c_str()), std::remove(tmp_png.c_str()), ::rmdir(dir);
            plot_out->write(png);
        }
        if (json_out) json_out->write(json.data(), json.size());
        if (json_out) json_out->commit();
        if (plot_out) plot_out->commit();
        if (!report.all_hold()) {
            size_t failing = 0;
            for (const auto& l : report.links) failing += l.holds ? 0 : 1;
            fail("verify: {} of {} links do not hold their bounds", failing, report.links.size());
        }
        if (report.links.empty()) fail("verify: no link was checked (fewer than two layers ran)");
    });
}

}  // namespace smol::cli
