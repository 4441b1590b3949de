#include "engine/tokenizer/tokenizer_assets.h"

#include "common/output_file.h"

namespace smol {

// Defined in the build tree's tokenizer_assets_data.cpp, generated from assets/ by embed_assets.cmake.
extern const unsigned char smol_asset_smollm2_tokenizer_json[];
extern const unsigned long smol_asset_smollm2_tokenizer_json_size;
extern const unsigned char smol_asset_tokenizer_config_json[];
extern const unsigned long smol_asset_tokenizer_config_json_size;

std::string_view smollm2_tokenizer_json() {
    return {reinterpret_cast<const char*>(smol_asset_smollm2_tokenizer_json), smol_asset_smollm2_tokenizer_json_size};
}

std::string_view smollm2_tokenizer_config_json() {
    return {reinterpret_cast<const char*>(smol_asset_tokenizer_config_json), smol_asset_tokenizer_config_json_size};
}

namespace {

void write_text(const std::string& path, std::string_view text) {
    output_file out(path);
    out.write(text.data(), text.size());
    out.commit();
}

}  // namespace

void write_tokenizer_files(const std::string& out_dir) {
    write_text(out_dir + "/tokenizer.json", smollm2_tokenizer_json());
    write_text(out_dir + "/tokenizer_config.json", smollm2_tokenizer_config_json());
}

}  // namespace smol
