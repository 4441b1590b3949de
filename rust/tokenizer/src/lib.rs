//! Byte-level BPE loaded from HF's tokenizer.json, giving the ids HF `tokenizers` gives (checked on the
//! conformance corpus). A port of engine/tokenizer from its README: input bytes are made valid UTF-8 with
//! one U+FFFD per maximal invalid subpart, added tokens are cut out, pre-tokenizers split the rest, and each
//! piece's bytes are merged by rank. Regexes run on Oniguruma, HF's engine.
mod added_tokens;
mod bpe;
mod byte_level;
mod json;
mod pre_tokenizer;
mod utf8;

pub use utf8::Utf8Stream;

use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::path::Path;

pub struct Tokenizer {
    added: added_tokens::AddedTokenMatcher,
    pre: pre_tokenizer::PreTokenizer,
    bpe: bpe::BpeModel,
    bytes: Vec<Option<Vec<u8>>>, // decoded bytes by id; None where no token
    special: Vec<bool>,
    ids: HashMap<String, i32>,
    post_prefix: Vec<i32>,
    post_suffix: Vec<i32>,
}

impl Tokenizer {
    pub fn load(path: &Path) -> Result<Tokenizer> {
        let what = path.display().to_string();
        if !path.is_file() {
            bail!("{}: not a readable file", what);
        }
        let text = std::fs::read(path).with_context(|| format!("{}: cannot read", what))?;
        let text = String::from_utf8(text).map_err(|e| anyhow::anyhow!("{}: not UTF-8 text ({})", what, e))?;
        Tokenizer::from_json(&text, &what)
    }

    /// `what` names the source in messages.
    pub fn from_json(text: &str, what: &str) -> Result<Tokenizer> {
        let spec = json::parse_tokenizer_json(text, what)?;
        let mut size = spec.vocab.len();
        for t in &spec.added_tokens {
            size = size.max(t.id as usize + 1);
        }
        let mut text_by_id: Vec<Option<String>> = spec.vocab.clone();
        text_by_id.resize(size, None);
        let mut special = vec![false; size];
        for t in &spec.added_tokens {
            text_by_id[t.id as usize] = Some(t.content.clone());
            special[t.id as usize] = t.special;
        }
        let mut ids = HashMap::new();
        let mut bytes = Vec::with_capacity(size);
        for (id, t) in text_by_id.iter().enumerate() {
            bytes.push(t.as_ref().map(|t| byte_level::decode_token(t)));
            if let Some(t) = t {
                ids.entry(t.clone()).or_insert(id as i32);
            }
        }
        for &id in spec.post_prefix_ids.iter().chain(&spec.post_suffix_ids) {
            if id as usize >= size || bytes[id as usize].is_none() {
                bail!("{}: post_processor: token id {} does not exist", what, id);
            }
        }
        Ok(Tokenizer {
            added: added_tokens::AddedTokenMatcher::new(&spec.added_tokens)?,
            pre: pre_tokenizer::PreTokenizer::new(&spec.pre_tokenizers)?,
            bpe: bpe::BpeModel::new(&spec),
            bytes,
            special,
            ids,
            post_prefix: spec.post_prefix_ids.clone(),
            post_suffix: spec.post_suffix_ids.clone(),
        })
    }

    /// Any bytes in. parse_special: special-token text becomes those tokens, else it is ordinary text
    /// (non-special added tokens always match, as in HF).
    pub fn encode(&self, input: &[u8], parse_special: bool) -> Vec<i32> {
        let text = String::from_utf8_lossy(input);
        let mut out = self.post_prefix.clone();
        let mut cache = bpe::WordCache::default();
        for segment in self.added.split(&text, parse_special) {
            match segment {
                added_tokens::Segment::Token(id) => out.push(id),
                added_tokens::Segment::Text(t) => {
                    for piece in self.pre.split(t) {
                        self.bpe.encode_piece(piece.as_bytes(), &mut out, &mut cache);
                    }
                }
            }
        }
        out.extend_from_slice(&self.post_suffix);
        out
    }

    /// Byte-level decoding of the concatenated tokens, then lossy UTF-8 as HF's decoder.
    pub fn decode(&self, ids: &[i32], skip_special: bool) -> Result<String> {
        let mut raw = Vec::new();
        for &id in ids {
            let bytes = self.token_bytes(id)?;
            if skip_special && self.special[id as usize] {
                continue;
            }
            raw.extend_from_slice(bytes);
        }
        Ok(String::from_utf8_lossy(&raw).into_owned())
    }

    pub fn token_bytes(&self, id: i32) -> Result<&[u8]> {
        match usize::try_from(id).ok().and_then(|i| self.bytes.get(i)).and_then(|b| b.as_deref()) {
            Some(b) => Ok(b),
            None => bail!("invalid token id {} (vocab size {})", id, self.size()),
        }
    }

    /// What a generated token adds to streamed text: its bytes, or nothing for a special token or an id the
    /// tokenizer lacks (a model's vocabulary may have rows past the tokenizer's; HF's decode skips them).
    pub fn generated_bytes(&self, id: i32) -> &[u8] {
        match self.token_bytes(id) {
            Ok(b) if !self.special[id as usize] => b,
            _ => &[],
        }
    }

    pub fn size(&self) -> usize {
        self.bytes.len()
    }

    pub fn find(&self, token: &str) -> Option<i32> {
        self.ids.get(token).copied()
    }
}

/// The tokenizer of an HF directory (its tokenizer.json), or a tokenizer.json given directly.
pub fn load_tokenizer_for_model(path: &Path) -> Result<Tokenizer> {
    if path.is_dir() {
        let file = path.join("tokenizer.json");
        if !file.exists() {
            bail!("{}: no tokenizer.json in this model directory", path.display());
        }
        return Tokenizer::load(&file);
    }
    Tokenizer::load(path)
}
