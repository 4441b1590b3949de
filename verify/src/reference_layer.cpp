#include "verify/src/reference_layer.h"

#include "common/error.h"
#include "common/npy.h"
#include "model/src/model_loader.h"
#include "verify/src/child_process.h"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace smol::verify {

std::optional<std::string> reference_unavailable(const std::string& model_path) {
    if (!is_hf_checkpoint_dir(model_path))
        return "the reference reads HF checkpoint directories (config.json + model.safetensors)";
    if (::access(SMOL_PYTHON, X_OK) != 0) return fmt::format("{} is missing", SMOL_PYTHON);
    if (!std::filesystem::exists(source_dir() + "/reference/smol_reference"))
        return fmt::format("no reference package under {} (set SMOL_SOURCE_DIR)", source_dir());
    return std::nullopt;
}

std::optional<layer_result> run_reference_layer(const std::string& model_dir, quant_scheme scheme,
                                                std::span<const int32_t> prompt, int32_t n,
                                                const std::string& work_dir, std::string& why) {
    const auto start = std::chrono::steady_clock::now();
    const std::string out = fmt::format("{}/reference.{}", work_dir, quant_scheme_name(scheme));
    const std::string what = fmt::format("reference.{}", quant_scheme_name(scheme));
    const child_exit e = run_child({SMOL_PYTHON, source_dir() + "/verify/scripts/reference_layer.py", model_dir,
                                    quant_scheme_name(scheme), fmt::format("{}", fmt::join(prompt, ",")),
                                    std::to_string(n), out},
                                   {"PYTHONPATH=" + source_dir() + "/reference"});
    if (e.exited && e.status == 3) {
        why = fmt::format("{} cannot import torch and numpy", SMOL_PYTHON);
        return std::nullopt;
    }
    if (!e.exited || e.status != 0)
        fail("{}: {} {} {} (its messages are above)", what, SMOL_PYTHON, e.exited ? "exited with status" : "was killed by signal",
             e.status);
    layer_result r;
    npy_f32 logits = npy_read_f32(out + ".npy");
    if (logits.shape.size() != 2 || logits.shape[0] != prompt.size() + size_t(n > 0 ? n - 1 : 0))
        fail("{}: {}.npy has an unexpected shape", what, out);
    r.vocab = logits.shape[1];
    r.logits = std::move(logits.data);
    std::ifstream in(out + ".json");
    const nlohmann::json j = nlohmann::json::parse(in);
    r.stream = j.at("stream").get<std::vector<int32_t>>();
    r.detail = "torch " + j.at("torch").get<std::string>();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

}  // namespace smol::verify
