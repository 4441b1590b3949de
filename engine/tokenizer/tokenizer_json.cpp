#include "engine/tokenizer/tokenizer_json.h"

#include "common/error.h"
#include "common/strict_json.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <unordered_map>

namespace smol {

const char* const gpt2_split_pattern =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

namespace {

using json = nlohmann::json;

struct reader {
    const std::string& what;

    const json& member(const json& object, const char* key, const std::string& where) const {
        if (!object.is_object()) fail("{}: {} is not an object", what, where);
        auto it = object.find(key);
        if (it == object.end()) fail("{}: {} has no \"{}\"", what, where, key);
        return *it;
    }
    bool flag(const json& object, const char* key, bool fallback, const std::string& where) const {
        auto it = object.find(key);
        if (it == object.end() || it->is_null()) return fallback;
        if (!it->is_boolean()) fail("{}: {}.{} is not a boolean", what, where, key);
        return it->get<bool>();
    }
    std::string text(const json& value, const std::string& where) const {
        if (!value.is_string()) fail("{}: {} is not a string", what, where);
        return value.get<std::string>();
    }
    int32_t id(const json& value, const std::string& where) const {
        if (!value.is_number_integer()) fail("{}: {} is not an integer id", what, where);
        const int64_t v = value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(INT64_MAX)
                              ? INT64_MAX
                              : value.get<int64_t>();
        if (v < 0 || v > tokenizer_max_id)
            fail("{}: {} = {} is out of range (ids must be in 0..{})", what, where, v, tokenizer_max_id);
        return int32_t(v);
    }
    std::string type_of(const json& object, const std::string& where) const {
        return text(member(object, "type", where), where + ".type");
    }
};

void read_vocab(const reader& r, const json& model, tokenizer_spec& spec,
                std::unordered_map<std::string, int32_t>& ids) {
    const json& vocab = r.member(model, "vocab", "model");
    if (!vocab.is_object()) fail("{}: model.vocab is not an object", r.what);
    int32_t max_id = -1;
    for (auto it = vocab.begin(); it != vocab.end(); ++it)
        max_id = std::max(max_id, r.id(it.value(), "model.vocab[\"" + it.key() + "\"]"));
    // Ids may leave holes, but tables are sized by the highest: refuse one far beyond the entries.
    const int64_t limit = 4 * int64_t(vocab.size()) + 1024;
    if (max_id >= limit)
        fail("{}: model.vocab: id {} is far beyond its {} entries (a sparse vocabulary is not supported)", r.what,
             max_id, vocab.size());
    spec.vocab.assign(size_t(max_id + 1), std::string());
    spec.vocab_present.assign(size_t(max_id + 1), false);
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        const int32_t id = it.value().get<int32_t>();
        if (it.key().empty()) fail("{}: model.vocab has an empty token (id {})", r.what, id);
        if (spec.vocab_present[size_t(id)])
            fail("{}: model.vocab: id {} is used by both \"{}\" and \"{}\"", r.what, id, spec.vocab[size_t(id)],
                 it.key());
        spec.vocab[size_t(id)] = it.key();
        spec.vocab_present[size_t(id)] = true;
        ids.emplace(it.key(), id);
    }
}

void read_merges(const reader& r, const json& model, tokenizer_spec& spec,
                 const std::unordered_map<std::string, int32_t>& ids) {
    auto it = model.find("merges");
    if (it == model.end() || it->is_null()) return;
    if (!it->is_array()) fail("{}: model.merges is not an array", r.what);
    spec.merges.reserve(it->size());
    size_t rank = 0;
    for (const json& entry : *it) {
        const std::string where = fmt::format("model.merges[{}]", rank++);
        std::string a, b;
        if (entry.is_string()) {
            const std::string line = entry.get<std::string>();
            const size_t space = line.find(' ');
            if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
                fail("{}: {} \"{}\" is not two tokens separated by one space", r.what, where, line);
            a = line.substr(0, space);
            b = line.substr(space + 1);
        } else if (entry.is_array() && entry.size() == 2) {
            a = r.text(entry[0], where + "[0]");
            b = r.text(entry[1], where + "[1]");
        } else {
            fail("{}: {} is neither \"a b\" nor [\"a\", \"b\"]", r.what, where);
        }
        const auto find = [&](const std::string& token) {
            auto found = ids.find(token);
            if (found == ids.end())
                fail("{}: {} (\"{}\", \"{}\") refers to \"{}\", which is not in the vocabulary", r.what, where, a,
                     b, token);
            return found->second;
        };
        spec.merges.emplace_back(find(a), find(b));
        find(a + b);
    }
}

void read_model(const reader& r, const json& root, tokenizer_spec& spec,
                std::unordered_map<std::string, int32_t>& ids) {
    const json& model = r.member(root, "model", "the file");
    if (!model.is_object()) fail("{}: model is not an object", r.what);
    const auto type = model.find("type");
    if (type != model.end()) {
        const std::string name = r.text(*type, "model.type");
        if (name != "BPE") fail("{}: unknown or unsupported model type \"{}\" (only BPE is supported)", r.what, name);
    }
    read_vocab(r, model, spec, ids);
    read_merges(r, model, spec, ids);
    const auto nonempty = [&](const char* key) {
        auto v = model.find(key);
        return v != model.end() && !v->is_null() && !(v->is_string() && v->get<std::string>().empty());
    };
    if (nonempty("continuing_subword_prefix") || nonempty("end_of_word_suffix"))
        fail("{}: model.continuing_subword_prefix / end_of_word_suffix are not supported", r.what);
    if (r.flag(model, "byte_fallback", false, "model")) fail("{}: model.byte_fallback is not supported", r.what);
    if (auto d = model.find("dropout"); d != model.end() && !d->is_null())
        fail("{}: model.dropout is not supported (encoding would not be deterministic)", r.what);
    spec.fuse_unk = r.flag(model, "fuse_unk", false, "model");
    spec.ignore_merges = r.flag(model, "ignore_merges", false, "model");
    if (auto unk = model.find("unk_token"); unk != model.end() && !unk->is_null()) {
        const std::string token = r.text(*unk, "model.unk_token");
        auto found = ids.find(token);
        if (found == ids.end()) fail("{}: model.unk_token \"{}\" is not in the vocabulary", r.what, token);
        spec.unk_id = found->second;
    }
}

void read_added_tokens(const reader& r, const json& root, tokenizer_spec& spec,
                       const std::unordered_map<std::string, int32_t>& ids) {
    auto it = root.find("added_tokens");
    if (it == root.end() || it->is_null()) return;
    if (!it->is_array()) fail("{}: added_tokens is not an array", r.what);
    std::map<int32_t, std::string> by_id;
    std::set<std::string> contents;
    for (size_t i = 0; i < it->size(); ++i) {
        const json& entry = (*it)[i];
        const std::string where = fmt::format("added_tokens[{}]", i);
        added_token_spec t;
        t.id = r.id(r.member(entry, "id", where), where + ".id");
        t.content = r.text(r.member(entry, "content", where), where + ".content");
        if (t.content.empty()) fail("{}: {} has empty content", r.what, where);
        t.special = r.flag(entry, "special", false, where);
        t.single_word = r.flag(entry, "single_word", false, where);
        t.lstrip = r.flag(entry, "lstrip", false, where);
        t.rstrip = r.flag(entry, "rstrip", false, where);
        t.normalized = r.flag(entry, "normalized", !t.special, where);
        if (int64_t(t.id) >= 4 * int64_t(spec.vocab.size() + it->size()) + 1024)
            fail("{}: {} \"{}\": id {} is far beyond the {} tokens of the file", r.what, where, t.content, t.id,
                 spec.vocab.size() + it->size());
        if (!by_id.emplace(t.id, t.content).second)
            fail("{}: {} \"{}\": id {} is already used by added token \"{}\"", r.what, where, t.content, t.id,
                 by_id[t.id]);
        if (!contents.insert(t.content).second)
            fail("{}: {} \"{}\" is a duplicate added token", r.what, where, t.content);
        if (size_t(t.id) < spec.vocab.size() && spec.vocab_present[size_t(t.id)] &&
            spec.vocab[size_t(t.id)] != t.content)
            fail("{}: {} \"{}\": id {} is the vocabulary's \"{}\"", r.what, where, t.content, t.id,
                 spec.vocab[size_t(t.id)]);
        if (auto in_vocab = ids.find(t.content); in_vocab != ids.end() && in_vocab->second != t.id)
            fail("{}: {} \"{}\" has id {} but the vocabulary gives it {}", r.what, where, t.content, t.id,
                 in_vocab->second);
        spec.added_tokens.push_back(std::move(t));
    }
}

split_behavior read_behavior(const reader& r, const json& value, const std::string& where) {
    const std::string name = r.text(value, where);
    if (name == "Removed") return split_behavior::removed;
    if (name == "Isolated") return split_behavior::isolated;
    if (name == "MergedWithPrevious") return split_behavior::merged_with_previous;
    if (name == "MergedWithNext") return split_behavior::merged_with_next;
    if (name == "Contiguous") return split_behavior::contiguous;
    fail("{}: {} \"{}\" is not a split behaviour", r.what, where, name);
}

void read_pre_tokenizer(const reader& r, const json& node, const std::string& where, tokenizer_spec& spec) {
    const std::string type = r.type_of(node, where);
    pre_tokenizer_spec p;
    if (type == "Sequence") {
        const json& list = r.member(node, "pretokenizers", where);
        if (!list.is_array()) fail("{}: {}.pretokenizers is not an array", r.what, where);
        for (size_t i = 0; i < list.size(); ++i)
            read_pre_tokenizer(r, list[i], fmt::format("{}.pretokenizers[{}]", where, i), spec);
        return;
    } else if (type == "ByteLevel") {
        p.type = pre_tokenizer_spec::kind::byte_level;
        p.add_prefix_space = r.flag(node, "add_prefix_space", true, where);
        p.use_regex = r.flag(node, "use_regex", true, where);
    } else if (type == "Digits") {
        p.type = pre_tokenizer_spec::kind::digits;
        p.individual_digits = r.flag(node, "individual_digits", false, where);
    } else if (type == "Split") {
        p.type = pre_tokenizer_spec::kind::split;
        const json& pattern = r.member(node, "pattern", where);
        if (pattern.contains("Regex")) {
            p.pattern = r.text(pattern["Regex"], where + ".pattern.Regex");
        } else if (pattern.contains("String")) {
            p.pattern = r.text(pattern["String"], where + ".pattern.String");
            p.pattern_is_regex = false;
            if (p.pattern.empty()) fail("{}: {}.pattern.String is empty", r.what, where);
        } else {
            fail("{}: {}.pattern is neither {{\"Regex\": ...}} nor {{\"String\": ...}}", r.what, where);
        }
        p.behavior = read_behavior(r, r.member(node, "behavior", where), where + ".behavior");
        p.invert = r.flag(node, "invert", false, where);
    } else {
        fail("{}: unsupported pre_tokenizer type \"{}\" at {}", r.what, type, where);
    }
    spec.pre_tokenizers.push_back(std::move(p));
}

void read_post_processor(const reader& r, const json& node, const std::string& where, tokenizer_spec& spec) {
    if (node.is_null()) return;
    const std::string type = r.type_of(node, where);
    if (type == "ByteLevel") return;  // adjusts offsets only
    if (type == "Sequence") {
        const json& list = r.member(node, "processors", where);
        if (!list.is_array()) fail("{}: {}.processors is not an array", r.what, where);
        for (size_t i = 0; i < list.size(); ++i)
            read_post_processor(r, list[i], fmt::format("{}.processors[{}]", where, i), spec);
        return;
    }
    if (type != "TemplateProcessing") fail("{}: unsupported post_processor type \"{}\" at {}", r.what, type, where);
    const json& single = r.member(node, "single", where);
    const json& specials = r.member(node, "special_tokens", where);
    if (!single.is_array()) fail("{}: {}.single is not an array", r.what, where);
    bool seen_sequence = false;
    for (size_t i = 0; i < single.size(); ++i) {
        const std::string item = fmt::format("{}.single[{}]", where, i);
        if (single[i].contains("Sequence")) {
            seen_sequence = true;
            continue;
        }
        const json& special = r.member(single[i], "SpecialToken", item);
        const std::string name = r.text(r.member(special, "id", item + ".SpecialToken"), item + ".SpecialToken.id");
        const json& entry = r.member(specials, name.c_str(), where + ".special_tokens");
        const json& token_ids = r.member(entry, "ids", where + ".special_tokens." + name);
        if (!token_ids.is_array()) fail("{}: {}.special_tokens.{}.ids is not an array", r.what, where, name);
        for (const json& v : token_ids) {
            const int32_t id = r.id(v, where + ".special_tokens." + name + ".ids[]");
            (seen_sequence ? spec.post_suffix_ids : spec.post_prefix_ids).push_back(id);
        }
    }
}

void read_decoder(const reader& r, const json& root) {
    auto it = root.find("decoder");
    if (it == root.end() || it->is_null()) fail("{}: no decoder (byte-level BPE needs ByteLevel)", r.what);
    const std::string type = r.type_of(*it, "decoder");
    if (type != "ByteLevel") fail("{}: unsupported decoder type \"{}\" (only ByteLevel)", r.what, type);
}

}  // namespace

tokenizer_spec parse_tokenizer_json(std::string_view text, const std::string& what) {
    const json root = parse_strict_json(text, what);
    const reader r{what};
    if (!root.is_object()) fail("{}: not a JSON object", what);
    tokenizer_spec spec;
    std::unordered_map<std::string, int32_t> ids;
    read_model(r, root, spec, ids);
    read_added_tokens(r, root, spec, ids);
    if (auto n = root.find("normalizer"); n != root.end() && !n->is_null())
        fail("{}: unsupported normalizer type \"{}\" (byte-level BPE files have none)", what,
             r.type_of(*n, "normalizer"));
    if (auto p = root.find("pre_tokenizer"); p != root.end() && !p->is_null())
        read_pre_tokenizer(r, *p, "pre_tokenizer", spec);
    for (size_t i = 0; i < spec.pre_tokenizers.size(); ++i) {
        const bool byte_level = spec.pre_tokenizers[i].type == pre_tokenizer_spec::kind::byte_level;
        if (byte_level != (i + 1 == spec.pre_tokenizers.size()))
            fail("{}: pre_tokenizer: ByteLevel must come exactly once, last", what);
    }
    if (spec.pre_tokenizers.empty()) fail("{}: pre_tokenizer: no ByteLevel step (not a byte-level BPE)", what);
    if (auto p = root.find("post_processor"); p != root.end()) read_post_processor(r, *p, "post_processor", spec);
    read_decoder(r, root);
    return spec;
}

}  // namespace smol
