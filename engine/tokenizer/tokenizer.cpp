#include "engine/tokenizer/tokenizer.h"

#include "common/error.h"
#include "common/input_file.h"
#include "engine/tokenizer/added_tokens.h"
#include "engine/tokenizer/bpe.h"
#include "engine/tokenizer/byte_level.h"
#include "engine/tokenizer/pre_tokenizer.h"
#include "engine/tokenizer/tokenizer_json.h"

#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace smol {

struct tokenizer::impl {
    explicit impl(const tokenizer_spec& s) : bpe(s), pre(s.pre_tokenizers), added(s.added_tokens) {}

    bpe_model bpe;
    pre_tokenizer pre;
    added_token_matcher added;
    std::vector<std::string> text;    // by id; empty where no token
    std::vector<std::string> bytes;   // decoded bytes by id
    std::vector<uint8_t> kind;        // 0 none, 1 token, 2 special
    std::unordered_map<std::string, int32_t> ids;
    std::vector<int32_t> post_prefix, post_suffix;
};

tokenizer::tokenizer(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
tokenizer::tokenizer(tokenizer&&) noexcept = default;
tokenizer& tokenizer::operator=(tokenizer&&) noexcept = default;
tokenizer::~tokenizer() = default;

tokenizer tokenizer::from_json(std::string_view json_text, const std::string& what) {
    const tokenizer_spec spec = parse_tokenizer_json(json_text, what);
    auto p = std::make_unique<impl>(spec);
    int32_t size = int32_t(spec.vocab.size());
    for (const added_token_spec& t : spec.added_tokens) size = std::max(size, t.id + 1);
    p->text.assign(size_t(size), std::string());
    p->bytes.assign(size_t(size), std::string());
    p->kind.assign(size_t(size), 0);
    for (size_t id = 0; id < spec.vocab.size(); ++id) {
        if (!spec.vocab_present[id]) continue;
        p->text[id] = spec.vocab[id];
        p->kind[id] = 1;
    }
    for (const added_token_spec& t : spec.added_tokens) {
        p->text[size_t(t.id)] = t.content;
        p->kind[size_t(t.id)] = t.special ? 2 : 1;
    }
    for (size_t id = 0; id < p->text.size(); ++id) {
        if (!p->kind[id]) continue;
        p->bytes[id] = byte_level_decode_token(p->text[id]);
        p->ids.emplace(p->text[id], int32_t(id));
    }
    p->post_prefix = spec.post_prefix_ids;
    p->post_suffix = spec.post_suffix_ids;
    for (int32_t id : p->post_prefix) {
        if (id >= size || !p->kind[size_t(id)]) fail("{}: post_processor: token id {} does not exist", what, id);
    }
    for (int32_t id : p->post_suffix) {
        if (id >= size || !p->kind[size_t(id)]) fail("{}: post_processor: token id {} does not exist", what, id);
    }
    return tokenizer(std::move(p));
}

// Far above any real vocabulary's file (SmolLM2's is 2 MB), low enough that a wrong file fails fast.
constexpr size_t max_tokenizer_json_bytes = size_t{256} << 20;

tokenizer tokenizer::load(const std::string& path) {
    return from_json(read_input_file(path, max_tokenizer_json_bytes), path);
}

std::vector<int32_t> tokenizer::encode(std::string_view input, bool parse_special) const {
    std::string repaired;
    std::string_view text = input;
    if (utf8_valid_prefix(input) != input.size()) {
        repaired = utf8_lossy(input);
        text = repaired;
    }
    std::vector<int32_t> out(impl_->post_prefix);
    out.reserve(text.size() / 3 + 8);
    std::vector<text_segment> segments;
    impl_->added.split(text, parse_special, segments);
    std::vector<std::string_view> pieces;
    std::deque<std::string> arena;
    bpe_model::scratch scratch;
    for (const text_segment& segment : segments) {
        if (segment.id >= 0) {
            out.push_back(segment.id);
            continue;
        }
        impl_->pre.split(segment.text, pieces, arena);
        for (std::string_view piece : pieces) impl_->bpe.encode_piece(piece, out, scratch);
    }
    out.insert(out.end(), impl_->post_suffix.begin(), impl_->post_suffix.end());
    return out;
}

void tokenizer::check_id(int32_t id) const {
    if (!is_valid(id)) fail("invalid token id {} (vocab size {})", id, size());
}

std::string tokenizer::decode(std::span<const int32_t> ids, bool skip_special) const {
    std::string raw;
    for (int32_t id : ids) {
        check_id(id);
        if (skip_special && impl_->kind[size_t(id)] == 2) continue;
        raw += impl_->bytes[size_t(id)];
    }
    return utf8_lossy(raw);
}

std::string tokenizer::token_bytes(int32_t id) const {
    check_id(id);
    return impl_->bytes[size_t(id)];
}

std::string_view tokenizer::generated_bytes(int32_t id) const {
    if (!is_valid(id) || is_special(id)) return {};
    return impl_->bytes[size_t(id)];
}

std::string tokenizer::token_text(int32_t id) const {
    check_id(id);
    return impl_->text[size_t(id)];
}

int32_t tokenizer::size() const { return int32_t(impl_->text.size()); }

std::optional<int32_t> tokenizer::find(std::string_view token) const {
    auto it = impl_->ids.find(std::string(token));
    if (it == impl_->ids.end()) return std::nullopt;
    return it->second;
}

bool tokenizer::is_special(int32_t id) const { return is_valid(id) && impl_->kind[size_t(id)] == 2; }

bool tokenizer::is_valid(int32_t id) const {
    return id >= 0 && id < size() && impl_->kind[size_t(id)] != 0;
}

tokenizer load_tokenizer_for_model(const std::string& model_path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(model_path, ec)) {
        const fs::path file = fs::path(model_path) / "tokenizer.json";
        if (!fs::exists(file, ec)) fail("{}: no tokenizer.json in this model directory", model_path);
        return tokenizer::load(file.string());
    }
    if (fs::path(model_path).filename() == "tokenizer.json") return tokenizer::load(model_path);
    // A converted model file: look for tokenizer.json beside it.
    const fs::path beside = fs::path(model_path).parent_path() / "tokenizer.json";
    if (fs::exists(beside, ec)) return tokenizer::load(beside.string());
    fail("{}: no tokenizer.json (give the HF model directory)", model_path);
}

}  // namespace smol
