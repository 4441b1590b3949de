#include "verify/src/llama_cpp_layer.h"

#include "common/error.h"
#include "common/output_file.h"
#include "model/src/gguf_writer.h"
#include "model/src/model_loader.h"
#include "verify/src/child_process.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace smol::verify {

namespace {

std::string oracles_dir() { return source_dir() + "/oracles"; }

bool node_on_path() {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && std::filesystem::exists(dir + "/node")) return true;
    return false;
}

}  // namespace

std::optional<std::string> llama_cpp_unavailable(const std::string& model_path) {
    if (!is_hf_checkpoint_dir(model_path))
        return "the GGUF for llama.cpp is written from an HF checkpoint directory";
    if (!node_on_path()) return "node is not on PATH";
    if (!std::filesystem::exists(oracles_dir() + "/node_modules/node-llama-cpp"))
        return fmt::format("node-llama-cpp is not installed in {} (scripts/install-deps.sh)", oracles_dir());
    return std::nullopt;
}

layer_result run_llama_cpp_layer(const std::string& model_dir, quant_scheme scheme, std::span<const int32_t> prompt,
                                 int32_t n, const std::string& work_dir) {
    const auto start = std::chrono::steady_clock::now();
    const std::string name = quant_scheme_name(scheme);
    const std::string gguf = fmt::format("{}/model-{}.gguf", work_dir, name);
    const std::string json = fmt::format("{}/llama.cpp.{}.json", work_dir, name);
    {
        output_file out(gguf);
        out.write(hf_checkpoint_to_gguf(model_dir, parse_gguf_scheme(name)));
        out.commit();
    }
    run_child_checked("llama.cpp." + name,
                      {"node", source_dir() + "/verify/scripts/llama_cpp_layer.mjs", oracles_dir(), gguf,
                       fmt::format("{}", fmt::join(prompt, ",")), std::to_string(n), std::to_string(llama_cpp_top_k), json});
    std::ifstream in(json);
    const nlohmann::json j = nlohmann::json::parse(in);
    layer_result r;
    r.stream = j.at("stream").get<std::vector<int32_t>>();
    for (const auto& position : j.at("top")) {
        std::vector<top_entry> list;
        for (const auto& e : position) list.push_back({e.at(0).get<int32_t>(), e.at(1).get<float>()});
        r.top.push_back(std::move(list));
    }
    const auto& release = j.at("llama_cpp");
    r.detail = "llama.cpp " + (release.is_string()                                       ? release.get<std::string>()
                             : release.is_object() && release.contains("release") ? release.at("release").get<std::string>()
                                                                                  : release.dump());
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

}  // namespace smol::verify
