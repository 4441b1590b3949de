#include "engine/tokenizer/pre_tokenizer.h"

namespace smol {
namespace {

struct segment {
    size_t begin, end;
    bool is_match;
};

// HF's NormalizedString::split: the piece cut into matches and gaps, then regrouped by the behaviour.
void split_by_behavior(std::string_view piece, const std::vector<segment>& segments, split_behavior behavior,
                       std::vector<std::string_view>& out) {
    std::vector<segment> kept;
    kept.reserve(segments.size());
    bool previous_match = false;
    switch (behavior) {
        case split_behavior::isolated:
            kept = segments;
            for (auto& s : kept) s.is_match = false;
            break;
        case split_behavior::removed:
            kept = segments;
            break;
        case split_behavior::contiguous:
            for (const segment& s : segments) {
                if (s.is_match == previous_match && !kept.empty()) {
                    kept.back().end = s.end;
                } else {
                    kept.push_back({s.begin, s.end, false});
                }
                previous_match = s.is_match;
            }
            break;
        case split_behavior::merged_with_previous:
            for (const segment& s : segments) {
                if (s.is_match && !previous_match && !kept.empty()) {
                    kept.back().end = s.end;
                } else {
                    kept.push_back({s.begin, s.end, false});
                }
                previous_match = s.is_match;
            }
            break;
        case split_behavior::merged_with_next:
            for (size_t i = segments.size(); i-- > 0;) {
                const segment& s = segments[i];
                if (s.is_match && !previous_match && !kept.empty()) {
                    kept.back().begin = s.begin;
                } else {
                    kept.push_back({s.begin, s.end, false});
                }
                previous_match = s.is_match;
            }
            std::reverse(kept.begin(), kept.end());
            break;
    }
    for (const segment& s : kept)
        if (!s.is_match && s.end > s.begin) out.push_back(piece.substr(s.begin, s.end - s.begin));
}

// Matches and the gaps between them, covering the whole piece (HF Pattern::find_matches).
void find_segments(const unicode_regex& regex, std::string_view piece, bool invert, std::vector<segment>& out) {
    out.clear();
    size_t previous = 0;
    regex.for_each_match(piece, [&](size_t begin, size_t end) {
        if (begin != previous) out.push_back({previous, begin, invert});
        out.push_back({begin, end, !invert});
        previous = end;
    });
    if (previous != piece.size()) out.push_back({previous, piece.size(), invert});
}

void find_string_segments(std::string_view needle, std::string_view piece, bool invert, std::vector<segment>& out) {
    out.clear();
    size_t previous = 0;
    for (size_t at = piece.find(needle); at != std::string_view::npos; at = piece.find(needle, at + needle.size())) {
        if (at != previous) out.push_back({previous, at, invert});
        out.push_back({at, at + needle.size(), !invert});
        previous = at + needle.size();
    }
    if (previous != piece.size()) out.push_back({previous, piece.size(), invert});
}

}  // namespace

pre_tokenizer::pre_tokenizer(const std::vector<pre_tokenizer_spec>& specs) {
    for (const pre_tokenizer_spec& spec : specs) {
        step s{spec, nullptr};
        switch (spec.type) {
            case pre_tokenizer_spec::kind::digits:
                // Rust's char::is_numeric is exactly \p{N} (Nd, Nl, No), one character per match.
                s.regex = std::make_unique<unicode_regex>("\\p{N}");
                break;
            case pre_tokenizer_spec::kind::split:
                if (spec.pattern_is_regex) s.regex = std::make_unique<unicode_regex>(spec.pattern);
                break;
            case pre_tokenizer_spec::kind::byte_level:
                if (spec.use_regex) s.regex = std::make_unique<unicode_regex>(gpt2_split_pattern);
                break;
        }
        steps_.push_back(std::move(s));
    }
}

void pre_tokenizer::apply(const step& s, std::string_view piece, std::vector<std::string_view>& out,
                          std::deque<std::string>& arena) const {
    thread_local std::vector<segment> segments;
    switch (s.spec.type) {
        case pre_tokenizer_spec::kind::digits:
            find_segments(*s.regex, piece, false, segments);
            split_by_behavior(piece, segments,
                              s.spec.individual_digits ? split_behavior::isolated : split_behavior::contiguous, out);
            break;
        case pre_tokenizer_spec::kind::split:
            if (s.regex) {
                find_segments(*s.regex, piece, s.spec.invert, segments);
            } else {
                find_string_segments(s.spec.pattern, piece, s.spec.invert, segments);
            }
            split_by_behavior(piece, segments, s.spec.behavior, out);
            break;
        case pre_tokenizer_spec::kind::byte_level:
            if (s.spec.add_prefix_space && piece.front() != ' ') {
                arena.push_back(" " + std::string(piece));
                piece = arena.back();
            }
            if (!s.regex) {
                out.push_back(piece);
                break;
            }
            find_segments(*s.regex, piece, false, segments);
            split_by_behavior(piece, segments, split_behavior::isolated, out);
            break;
    }
}

void pre_tokenizer::split(std::string_view text, std::vector<std::string_view>& pieces,
                          std::deque<std::string>& arena) const {
    pieces.clear();
    if (text.empty()) return;
    pieces.push_back(text);
    std::vector<std::string_view> next;
    for (const step& s : steps_) {
        next.clear();
        for (std::string_view piece : pieces) apply(s, piece, next, arena);
        pieces.swap(next);
    }
}

}  // namespace smol
