//! HF's pre-tokenizers for byte-level BPE, applied in sequence to each piece of the previous step (empty
//! pieces dropped): Digits, Split (regex or string, five behaviours, invert) and ByteLevel (optional prefix
//! space, GPT-2's regex). Regexes are Oniguruma's, with Ruby syntax, as in HF.
use crate::json::{PreTokenizerSpec, SplitBehavior, GPT2_SPLIT_PATTERN};
use anyhow::{anyhow, Result};
use onig::{Regex, RegexOptions, Syntax};
use std::borrow::Cow;

pub fn compile(pattern: &str) -> Result<Regex> {
    Regex::with_options(pattern, RegexOptions::REGEX_OPTION_NONE, Syntax::ruby())
        .map_err(|e| anyhow!("invalid regex \"{}\": {}", pattern, e.description()))
}

struct Step {
    spec: PreTokenizerSpec,
    regex: Option<Regex>, // Digits, Split with a Regex, ByteLevel with use_regex
}

pub struct PreTokenizer {
    steps: Vec<Step>,
}

#[derive(Clone, Copy)]
struct Segment {
    begin: usize,
    end: usize,
    is_match: bool,
}

/// Matches and the gaps between them, covering the whole piece (HF Pattern::find_matches).
fn regex_segments(regex: &Regex, piece: &str, invert: bool) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut previous = 0;
    for (begin, end) in regex.find_iter(piece) {
        if begin != previous {
            out.push(Segment { begin: previous, end: begin, is_match: invert });
        }
        out.push(Segment { begin, end, is_match: !invert });
        previous = end;
    }
    if previous != piece.len() {
        out.push(Segment { begin: previous, end: piece.len(), is_match: invert });
    }
    out
}

fn string_segments(needle: &str, piece: &str, invert: bool) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut previous = 0;
    for (at, _) in piece.match_indices(needle) {
        if at != previous {
            out.push(Segment { begin: previous, end: at, is_match: invert });
        }
        out.push(Segment { begin: at, end: at + needle.len(), is_match: !invert });
        previous = at + needle.len();
    }
    if previous != piece.len() {
        out.push(Segment { begin: previous, end: piece.len(), is_match: invert });
    }
    out
}

/// HF's NormalizedString::split: segments regrouped by the behaviour; `is_match` then means "removed".
fn regroup(segments: Vec<Segment>, behavior: SplitBehavior) -> Vec<Segment> {
    let mut kept: Vec<Segment> = Vec::with_capacity(segments.len());
    let mut previous_match = false;
    match behavior {
        SplitBehavior::Isolated => {
            kept = segments.into_iter().map(|s| Segment { is_match: false, ..s }).collect();
        }
        SplitBehavior::Removed => kept = segments,
        SplitBehavior::Contiguous => {
            for s in segments {
                match kept.last_mut() {
                    Some(last) if s.is_match == previous_match => last.end = s.end,
                    _ => kept.push(Segment { is_match: false, ..s }),
                }
                previous_match = s.is_match;
            }
        }
        SplitBehavior::MergedWithPrevious => {
            for s in segments {
                match kept.last_mut() {
                    Some(last) if s.is_match && !previous_match => last.end = s.end,
                    _ => kept.push(Segment { is_match: false, ..s }),
                }
                previous_match = s.is_match;
            }
        }
        SplitBehavior::MergedWithNext => {
            for s in segments.into_iter().rev() {
                match kept.last_mut() {
                    Some(last) if s.is_match && !previous_match => last.begin = s.begin,
                    _ => kept.push(Segment { is_match: false, ..s }),
                }
                previous_match = s.is_match;
            }
            kept.reverse();
        }
    }
    kept
}

fn push_pieces<'t>(piece: &Cow<'t, str>, segments: Vec<Segment>, out: &mut Vec<Cow<'t, str>>) {
    for s in segments {
        if !s.is_match && s.end > s.begin {
            out.push(match piece {
                Cow::Borrowed(p) => Cow::Borrowed(&p[s.begin..s.end]),
                Cow::Owned(p) => Cow::Owned(p[s.begin..s.end].to_string()),
            });
        }
    }
}

impl PreTokenizer {
    pub fn new(specs: &[PreTokenizerSpec]) -> Result<PreTokenizer> {
        let mut steps = Vec::new();
        for spec in specs {
            let regex = match spec {
                // Rust's char::is_numeric, which HF's Digits uses, is exactly \p{N}.
                PreTokenizerSpec::Digits { .. } => Some(compile(r"\p{N}")?),
                PreTokenizerSpec::Split { pattern, is_regex: true, .. } => Some(compile(pattern)?),
                PreTokenizerSpec::ByteLevel { use_regex: true, .. } => Some(compile(GPT2_SPLIT_PATTERN)?),
                _ => None,
            };
            steps.push(Step { spec: spec.clone(), regex });
        }
        Ok(PreTokenizer { steps })
    }

    /// Splits valid UTF-8 text into pieces.
    pub fn split<'t>(&self, text: &'t str) -> Vec<Cow<'t, str>> {
        let mut pieces = Vec::new();
        if text.is_empty() {
            return pieces;
        }
        pieces.push(Cow::Borrowed(text));
        for step in &self.steps {
            let mut next = Vec::with_capacity(pieces.len());
            for piece in &pieces {
                self.apply(step, piece, &mut next);
            }
            pieces = next;
        }
        pieces
    }

    fn apply<'t>(&self, step: &Step, piece: &Cow<'t, str>, out: &mut Vec<Cow<'t, str>>) {
        match &step.spec {
            PreTokenizerSpec::Digits { individual_digits } => {
                let behavior = if *individual_digits { SplitBehavior::Isolated } else { SplitBehavior::Contiguous };
                let segments = regex_segments(step.regex.as_ref().unwrap(), piece, false);
                push_pieces(piece, regroup(segments, behavior), out);
            }
            PreTokenizerSpec::Split { pattern, behavior, invert, .. } => {
                let segments = match &step.regex {
                    Some(regex) => regex_segments(regex, piece, *invert),
                    None => string_segments(pattern, piece, *invert),
                };
                push_pieces(piece, regroup(segments, *behavior), out);
            }
            PreTokenizerSpec::ByteLevel { add_prefix_space, .. } => {
                let piece: Cow<'t, str> = if *add_prefix_space && !piece.starts_with(' ') {
                    Cow::Owned(format!(" {}", piece))
                } else {
                    piece.clone()
                };
                match &step.regex {
                    None => out.push(piece),
                    Some(regex) => {
                        let segments = regex_segments(regex, &piece, false);
                        push_pieces(&piece, regroup(segments, SplitBehavior::Isolated), out);
                    }
                }
            }
        }
    }
}
