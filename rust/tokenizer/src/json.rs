//! tokenizer.json read into a checked description of the pipeline. What byte-level BPE files (GPT-2,
//! SmolLM2, LLaMA-3 style) use is accepted; anything else is an error naming the entry, never a silent
//! difference from HF.
use anyhow::{bail, Result};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

pub const MAX_ID: i64 = (1 << 24) - 1;

pub const GPT2_SPLIT_PATTERN: &str =
    r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

#[derive(Clone, Debug)]
pub struct AddedTokenSpec {
    pub id: i32,
    pub content: String,
    pub special: bool,
    pub single_word: bool,
    pub lstrip: bool,
    pub rstrip: bool,
    pub normalized: bool,
}

/// How a Split keeps its matches (HF SplitDelimiterBehavior).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitBehavior {
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}

#[derive(Clone, Debug)]
pub enum PreTokenizerSpec {
    ByteLevel { add_prefix_space: bool, use_regex: bool },
    Digits { individual_digits: bool },
    Split { pattern: String, is_regex: bool, behavior: SplitBehavior, invert: bool },
}

#[derive(Default)]
pub struct TokenizerSpec {
    pub vocab: Vec<Option<String>>,    // by id, as spelled in the file
    pub merges: Vec<(i32, i32)>,       // in rank order
    pub unk_id: Option<i32>,
    pub fuse_unk: bool,
    pub ignore_merges: bool,
    pub added_tokens: Vec<AddedTokenSpec>,
    pub pre_tokenizers: Vec<PreTokenizerSpec>, // flattened Sequence; ByteLevel is the last
    pub post_prefix_ids: Vec<i32>,
    pub post_suffix_ids: Vec<i32>,
}

struct Reader<'a> {
    what: &'a str,
}

impl<'a> Reader<'a> {
    fn member<'v>(&self, object: &'v Value, key: &str, where_: &str) -> Result<&'v Value> {
        let map = match object.as_object() {
        Some(v) => v,
        None => bail!("{}: {} is not an object", self.what, where_),
    };
        match map.get(key) {
            Some(v) => Ok(v),
            None => bail!("{}: {} has no \"{}\"", self.what, where_, key),
        }
    }
    fn flag(&self, object: &Value, key: &str, fallback: bool, where_: &str) -> Result<bool> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(fallback),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => bail!("{}: {}.{} is not a boolean", self.what, where_, key),
        }
    }
    fn text(&self, value: &Value, where_: &str) -> Result<String> {
        match value.as_str() {
            Some(s) => Ok(s.to_string()),
            None => bail!("{}: {} is not a string", self.what, where_),
        }
    }
    fn id(&self, value: &Value, where_: &str) -> Result<i32> {
        let v = match (value.as_i64(), value.as_u64()) {
            (Some(v), _) => v,
            (None, Some(_)) => i64::MAX,
            _ => bail!("{}: {} is not an integer id", self.what, where_),
        };
        if !(0..=MAX_ID).contains(&v) {
            bail!("{}: {} = {} is out of range (ids must be in 0..{})", self.what, where_, v, MAX_ID);
        }
        Ok(v as i32)
    }
    fn type_of(&self, object: &Value, where_: &str) -> Result<String> {
        self.text(self.member(object, "type", where_)?, &format!("{}.type", where_))
    }
}

fn read_vocab(r: &Reader, model: &Value, spec: &mut TokenizerSpec, ids: &mut HashMap<String, i32>) -> Result<()> {
    let vocab = match r.member(model, "vocab", "model")?.as_object() {
        Some(v) => v,
        None => bail!("{}: model.vocab is not an object", r.what),
    };
    let mut max_id = -1;
    for (token, id) in vocab {
        max_id = max_id.max(r.id(id, &format!("model.vocab[\"{}\"]", token))?);
    }
    // Ids may leave holes, but tables are sized by the highest: refuse one far beyond the entries.
    let limit = 4 * vocab.len() as i64 + 1024;
    if i64::from(max_id) >= limit {
        bail!(
            "{}: model.vocab: id {} is far beyond its {} entries (a sparse vocabulary is not supported)",
            r.what, max_id, vocab.len()
        );
    }
    spec.vocab = vec![None; (max_id + 1) as usize];
    for (token, id) in vocab {
        let id = r.id(id, "model.vocab")?;
        if token.is_empty() {
            bail!("{}: model.vocab has an empty token (id {})", r.what, id);
        }
        if let Some(other) = &spec.vocab[id as usize] {
            bail!("{}: model.vocab: id {} is used by both \"{}\" and \"{}\"", r.what, id, other, token);
        }
        spec.vocab[id as usize] = Some(token.clone());
        ids.insert(token.clone(), id);
    }
    Ok(())
}

fn read_merges(r: &Reader, model: &Value, spec: &mut TokenizerSpec, ids: &HashMap<String, i32>) -> Result<()> {
    let merges = match model.get("merges") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(m)) => m,
        Some(_) => bail!("{}: model.merges is not an array", r.what),
    };
    for (rank, entry) in merges.iter().enumerate() {
        let where_ = format!("model.merges[{}]", rank);
        let (a, b) = match entry {
            Value::String(line) => {
                let parts: Vec<&str> = line.split(' ').collect();
                if parts.len() != 2 {
                    bail!("{}: {} \"{}\" is not two tokens separated by one space", r.what, where_, line);
                }
                (parts[0].to_string(), parts[1].to_string())
            }
            Value::Array(pair) if pair.len() == 2 => {
                (r.text(&pair[0], &format!("{}[0]", where_))?, r.text(&pair[1], &format!("{}[1]", where_))?)
            }
            _ => bail!("{}: {} is neither \"a b\" nor [\"a\", \"b\"]", r.what, where_),
        };
        let find = |token: &str| match ids.get(token) {
            Some(&id) => Ok(id),
            None => bail!(
                "{}: {} (\"{}\", \"{}\") refers to \"{}\", which is not in the vocabulary",
                r.what, where_, a, b, token
            ),
        };
        spec.merges.push((find(&a)?, find(&b)?));
        find(&format!("{}{}", a, b))?;
    }
    Ok(())
}

fn read_model(r: &Reader, root: &Value, spec: &mut TokenizerSpec, ids: &mut HashMap<String, i32>) -> Result<()> {
    let model = r.member(root, "model", "the file")?;
    if !model.is_object() {
        bail!("{}: model is not an object", r.what);
    }
    if let Some(t) = model.get("type") {
        let name = r.text(t, "model.type")?;
        if name != "BPE" {
            bail!("{}: unknown or unsupported model type \"{}\" (only BPE is supported)", r.what, name);
        }
    }
    read_vocab(r, model, spec, ids)?;
    read_merges(r, model, spec, ids)?;
    let nonempty = |key: &str| match model.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    };
    if nonempty("continuing_subword_prefix") || nonempty("end_of_word_suffix") {
        bail!("{}: model.continuing_subword_prefix / end_of_word_suffix are not supported", r.what);
    }
    if r.flag(model, "byte_fallback", false, "model")? {
        bail!("{}: model.byte_fallback is not supported", r.what);
    }
    if !matches!(model.get("dropout"), None | Some(Value::Null)) {
        bail!("{}: model.dropout is not supported (encoding would not be deterministic)", r.what);
    }
    spec.fuse_unk = r.flag(model, "fuse_unk", false, "model")?;
    spec.ignore_merges = r.flag(model, "ignore_merges", false, "model")?;
    if let Some(unk) = model.get("unk_token").filter(|v| !v.is_null()) {
        let token = r.text(unk, "model.unk_token")?;
        match ids.get(&token) {
            Some(&id) => spec.unk_id = Some(id),
            None => bail!("{}: model.unk_token \"{}\" is not in the vocabulary", r.what, token),
        }
    }
    Ok(())
}

fn read_added_tokens(r: &Reader, root: &Value, spec: &mut TokenizerSpec, ids: &HashMap<String, i32>) -> Result<()> {
    let list = match root.get("added_tokens") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(list)) => list,
        Some(_) => bail!("{}: added_tokens is not an array", r.what),
    };
    let mut by_id: HashMap<i32, String> = HashMap::new();
    let mut contents = HashSet::new();
    for (i, entry) in list.iter().enumerate() {
        let where_ = format!("added_tokens[{}]", i);
        let id = r.id(r.member(entry, "id", &where_)?, &format!("{}.id", where_))?;
        let content = r.text(r.member(entry, "content", &where_)?, &format!("{}.content", where_))?;
        if content.is_empty() {
            bail!("{}: {} has empty content", r.what, where_);
        }
        let special = r.flag(entry, "special", false, &where_)?;
        let t = AddedTokenSpec {
            id,
            special,
            single_word: r.flag(entry, "single_word", false, &where_)?,
            lstrip: r.flag(entry, "lstrip", false, &where_)?,
            rstrip: r.flag(entry, "rstrip", false, &where_)?,
            normalized: r.flag(entry, "normalized", !special, &where_)?,
            content,
        };
        let tokens = spec.vocab.len() + list.len();
        if i64::from(id) >= 4 * tokens as i64 + 1024 {
            bail!("{}: {} \"{}\": id {} is far beyond the {} tokens of the file", r.what, where_, t.content, id, tokens);
        }
        if let Some(other) = by_id.get(&id) {
            bail!("{}: {} \"{}\": id {} is already used by added token \"{}\"", r.what, where_, t.content, id, other);
        }
        by_id.insert(id, t.content.clone());
        if !contents.insert(t.content.clone()) {
            bail!("{}: {} \"{}\" is a duplicate added token", r.what, where_, t.content);
        }
        if let Some(Some(v)) = spec.vocab.get(id as usize) {
            if *v != t.content {
                bail!("{}: {} \"{}\": id {} is the vocabulary's \"{}\"", r.what, where_, t.content, id, v);
            }
        }
        if let Some(&in_vocab) = ids.get(&t.content) {
            if in_vocab != id {
                bail!("{}: {} \"{}\" has id {} but the vocabulary gives it {}", r.what, where_, t.content, id, in_vocab);
            }
        }
        spec.added_tokens.push(t);
    }
    Ok(())
}

fn read_behavior(r: &Reader, value: &Value, where_: &str) -> Result<SplitBehavior> {
    let name = r.text(value, where_)?;
    Ok(match name.as_str() {
        "Removed" => SplitBehavior::Removed,
        "Isolated" => SplitBehavior::Isolated,
        "MergedWithPrevious" => SplitBehavior::MergedWithPrevious,
        "MergedWithNext" => SplitBehavior::MergedWithNext,
        "Contiguous" => SplitBehavior::Contiguous,
        _ => bail!("{}: {} \"{}\" is not a split behaviour", r.what, where_, name),
    })
}

fn read_pre_tokenizer(r: &Reader, node: &Value, where_: &str, spec: &mut TokenizerSpec) -> Result<()> {
    let kind = r.type_of(node, where_)?;
    let step = match kind.as_str() {
        "Sequence" => {
            let list = match r.member(node, "pretokenizers", where_)?.as_array() {
                Some(v) => v,
                None => bail!("{}: {}.pretokenizers is not an array", r.what, where_),
            };
            for (i, item) in list.iter().enumerate() {
                read_pre_tokenizer(r, item, &format!("{}.pretokenizers[{}]", where_, i), spec)?;
            }
            return Ok(());
        }
        "ByteLevel" => PreTokenizerSpec::ByteLevel {
            add_prefix_space: r.flag(node, "add_prefix_space", true, where_)?,
            use_regex: r.flag(node, "use_regex", true, where_)?,
        },
        "Digits" => PreTokenizerSpec::Digits { individual_digits: r.flag(node, "individual_digits", false, where_)? },
        "Split" => {
            let pattern = r.member(node, "pattern", where_)?;
            let (text, is_regex) = if let Some(p) = pattern.get("Regex") {
                (r.text(p, &format!("{}.pattern.Regex", where_))?, true)
            } else if let Some(p) = pattern.get("String") {
                let s = r.text(p, &format!("{}.pattern.String", where_))?;
                if s.is_empty() {
                    bail!("{}: {}.pattern.String is empty", r.what, where_);
                }
                (s, false)
            } else {
                bail!("{}: {}.pattern is neither {{\"Regex\": ...}} nor {{\"String\": ...}}", r.what, where_);
            };
            PreTokenizerSpec::Split {
                pattern: text,
                is_regex,
                behavior: read_behavior(r, r.member(node, "behavior", where_)?, &format!("{}.behavior", where_))?,
                invert: r.flag(node, "invert", false, where_)?,
            }
        }
        _ => bail!("{}: unsupported pre_tokenizer type \"{}\" at {}", r.what, kind, where_),
    };
    spec.pre_tokenizers.push(step);
    Ok(())
}

fn read_post_processor(r: &Reader, node: &Value, where_: &str, spec: &mut TokenizerSpec) -> Result<()> {
    if node.is_null() {
        return Ok(());
    }
    let kind = r.type_of(node, where_)?;
    match kind.as_str() {
        "ByteLevel" => return Ok(()), // adjusts offsets only
        "Sequence" => {
            let list = match r.member(node, "processors", where_)?.as_array() {
                Some(v) => v,
                None => bail!("{}: {}.processors is not an array", r.what, where_),
            };
            for (i, item) in list.iter().enumerate() {
                read_post_processor(r, item, &format!("{}.processors[{}]", where_, i), spec)?;
            }
            return Ok(());
        }
        "TemplateProcessing" => {}
        _ => bail!("{}: unsupported post_processor type \"{}\" at {}", r.what, kind, where_),
    }
    let single = match r.member(node, "single", where_)?.as_array() {
        Some(v) => v,
        None => bail!("{}: {}.single is not an array", r.what, where_),
    };
    let specials = r.member(node, "special_tokens", where_)?;
    let mut seen_sequence = false;
    for (i, item) in single.iter().enumerate() {
        let at = format!("{}.single[{}]", where_, i);
        if item.get("Sequence").is_some() {
            seen_sequence = true;
            continue;
        }
        let special = r.member(item, "SpecialToken", &at)?;
        let name = r.text(r.member(special, "id", &format!("{}.SpecialToken", at))?, &format!("{}.SpecialToken.id", at))?;
        let entry = r.member(specials, &name, &format!("{}.special_tokens", where_))?;
        let token_ids = match r.member(entry, "ids", &format!("{}.special_tokens.{}", where_, name))?.as_array() {
        Some(v) => v,
        None => bail!("{}: {}.special_tokens.{}.ids is not an array", r.what, where_, name),
    };
        for v in token_ids {
            let id = r.id(v, &format!("{}.special_tokens.{}.ids[]", where_, name))?;
            if seen_sequence { &mut spec.post_suffix_ids } else { &mut spec.post_prefix_ids }.push(id);
        }
    }
    Ok(())
}

pub fn parse_tokenizer_json(text: &str, what: &str) -> Result<TokenizerSpec> {
    let root: Value = serde_json::from_str(text).map_err(|e| anyhow::anyhow!("{}: invalid JSON: {}", what, e))?;
    let r = Reader { what };
    if !root.is_object() {
        bail!("{}: not a JSON object", what);
    }
    let mut spec = TokenizerSpec::default();
    let mut ids = HashMap::new();
    read_model(&r, &root, &mut spec, &mut ids)?;
    read_added_tokens(&r, &root, &mut spec, &ids)?;
    if let Some(n) = root.get("normalizer").filter(|v| !v.is_null()) {
        bail!("{}: unsupported normalizer type \"{}\" (byte-level BPE files have none)", what, r.type_of(n, "normalizer")?);
    }
    if let Some(p) = root.get("pre_tokenizer").filter(|v| !v.is_null()) {
        read_pre_tokenizer(&r, p, "pre_tokenizer", &mut spec)?;
    }
    let n = spec.pre_tokenizers.len();
    for (i, p) in spec.pre_tokenizers.iter().enumerate() {
        if matches!(p, PreTokenizerSpec::ByteLevel { .. }) != (i + 1 == n) {
            bail!("{}: pre_tokenizer: ByteLevel must come exactly once, last", what);
        }
    }
    if n == 0 {
        bail!("{}: pre_tokenizer: no ByteLevel step (not a byte-level BPE)", what);
    }
    if let Some(p) = root.get("post_processor") {
        read_post_processor(&r, p, "post_processor", &mut spec)?;
    }
    match root.get("decoder").filter(|v| !v.is_null()) {
        None => bail!("{}: no decoder (byte-level BPE needs ByteLevel)", what),
        Some(d) => {
            let kind = r.type_of(d, "decoder")?;
            if kind != "ByteLevel" {
                bail!("{}: unsupported decoder type \"{}\" (only ByteLevel)", what, kind);
            }
        }
    }
    Ok(spec)
}
