//! Added tokens (special or not) cut out of the text before pre-tokenization, as HF's AddedVocabulary does:
//! leftmost-longest and non-overlapping; tokens with normalized=false are matched first over the whole text,
//! then those with normalized=true in the gaps (there is no normalizer, so both see the same text).
//! single_word / lstrip / rstrip follow HF: word characters are regex \w, whitespace is White_Space. With
//! parse_special off, special tokens are not matched at all.
use crate::json::AddedTokenSpec;
use crate::pre_tokenizer::compile;
use anyhow::Result;
use onig::{Regex, SearchOptions};

pub enum Segment<'t> {
    Text(&'t str),
    Token(i32),
}

pub struct AddedTokenMatcher {
    tokens: Vec<AddedTokenSpec>,
    groups: [[Vec<usize>; 2]; 2], // [parse_special][normalized] -> indices into tokens
    word_char: Regex,
    space_char: Regex,
}

fn matches_whole(regex: &Regex, text: &str) -> bool {
    regex.match_with_options(text, 0, SearchOptions::SEARCH_OPTION_NONE, None) == Some(text.len())
}

fn previous_char(text: &str, pos: usize) -> usize {
    let mut p = pos - 1;
    while !text.is_char_boundary(p) {
        p -= 1;
    }
    p
}

fn char_len(text: &str, pos: usize) -> usize {
    text[pos..].chars().next().map_or(1, char::len_utf8)
}

impl AddedTokenMatcher {
    pub fn new(tokens: &[AddedTokenSpec]) -> Result<AddedTokenMatcher> {
        let mut groups: [[Vec<usize>; 2]; 2] = Default::default();
        for (i, t) in tokens.iter().enumerate() {
            groups[1][t.normalized as usize].push(i);
            if !t.special {
                groups[0][t.normalized as usize].push(i);
            }
        }
        Ok(AddedTokenMatcher {
            tokens: tokens.to_vec(),
            groups,
            word_char: compile(r"[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]")?,
            space_char: compile(r"\p{White_Space}")?,
        })
    }

    /// Cuts valid UTF-8 text into plain-text segments and added tokens.
    pub fn split<'t>(&self, text: &'t str, parse_special: bool) -> Vec<Segment<'t>> {
        let groups = &self.groups[parse_special as usize];
        let mut out = Vec::new();
        for segment in self.split_pass(text, &groups[0]) {
            match segment {
                Segment::Text(t) => out.extend(self.split_pass(t, &groups[1])),
                token => out.push(token),
            }
        }
        out
    }

    /// The longest token of the group starting at `pos`: (index, length).
    fn longest_at(&self, text: &str, pos: usize, group: &[usize]) -> Option<(usize, usize)> {
        let rest = &text.as_bytes()[pos..];
        let mut best: Option<(usize, usize)> = None;
        for &i in group {
            let content = self.tokens[i].content.as_bytes();
            if rest.starts_with(content) && best.map_or(true, |(_, len)| content.len() > len) {
                best = Some((i, content.len()));
            }
        }
        best
    }

    fn is_single_word(&self, text: &str, start: usize, stop: usize) -> bool {
        if start > 0 {
            let p = previous_char(text, start);
            if matches_whole(&self.word_char, &text[p..start]) {
                return false;
            }
        }
        !(stop < text.len() && matches_whole(&self.word_char, &text[stop..stop + char_len(text, stop)]))
    }

    fn strip_left(&self, text: &str, mut start: usize, floor: usize) -> usize {
        while start > floor {
            let p = previous_char(text, start);
            if !matches_whole(&self.space_char, &text[p..start]) {
                break;
            }
            start = p;
        }
        start
    }

    fn strip_right(&self, text: &str, mut stop: usize) -> usize {
        while stop < text.len() {
            let n = char_len(text, stop);
            if !matches_whole(&self.space_char, &text[stop..stop + n]) {
                break;
            }
            stop += n;
        }
        stop
    }

    fn split_pass<'t>(&self, text: &'t str, group: &[usize]) -> Vec<Segment<'t>> {
        let mut out = Vec::new();
        if group.is_empty() {
            if !text.is_empty() {
                out.push(Segment::Text(text));
            }
            return out;
        }
        let mut emitted = 0; // text before this has been emitted
        let mut pos = 0;
        while pos < text.len() {
            let (index, length) = match self.longest_at(text, pos, group) {
                Some(found) => found,
                None => {
                    pos += 1;
                    continue;
                }
            };
            let token = &self.tokens[index];
            let (mut start, mut stop) = (pos, pos + length);
            pos = stop;
            if token.single_word && !self.is_single_word(text, start, stop) {
                continue;
            }
            if token.lstrip {
                start = self.strip_left(text, start, emitted);
            }
            if token.rstrip {
                stop = self.strip_right(text, stop);
                pos = stop;
            }
            if start > emitted {
                out.push(Segment::Text(&text[emitted..start]));
            }
            out.push(Segment::Token(token.id));
            emitted = stop;
        }
        if emitted < text.len() {
            out.push(Segment::Text(&text[emitted..]));
        }
        out
    }
}
