//! smol-rs generate: continue a prompt given as text (-p, streams text) or as token ids (--ids, prints ids).
use crate::cli_common::{add_model_args, parse_id_list, ModelOptions};
use anyhow::{bail, Result};
use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};
use smol_engine::generate::{generate, GenerationStats};
use smol_engine::sampler::{Sampler, SamplingParams};
use smol_engine::transformer::Transformer;
use smol_tokenizer::{load_tokenizer_for_model, Tokenizer, Utf8Stream};
use std::io::Write;
use std::path::PathBuf;

pub fn command() -> Command {
    add_model_args(Command::new("generate").about("generate a continuation of a prompt").allow_negative_numbers(true))
        .arg(Arg::new("prompt").short('p').long("prompt").conflicts_with("ids").help("prompt text (streams text out)"))
        .arg(Arg::new("ids").long("ids").help("prompt token ids, comma-separated (prints ids out)"))
        .arg(Arg::new("n-predict").short('n').long("n-predict").value_parser(value_parser!(i64)).default_value("128")
            .help("maximum number of tokens to generate"))
        .arg(Arg::new("tokenizer").long("tokenizer").value_parser(value_parser!(PathBuf))
            .help("tokenizer.json or an HF directory (a model file carries none)"))
        .arg(Arg::new("parse-special").long("parse-special").action(ArgAction::SetTrue)
            .help("treat special-token text in the prompt as special tokens"))
        .arg(Arg::new("temp").long("temp").value_parser(value_parser!(f32)).default_value("0")
            .help("temperature; 0 = greedy (default)"))
        .arg(Arg::new("top-k").long("top-k").value_parser(value_parser!(i32)).default_value("0")
            .help("keep the k most probable tokens; 0 = off"))
        .arg(Arg::new("top-p").long("top-p").value_parser(value_parser!(f32)).default_value("1")
            .help("nucleus: keep the smallest set with this probability; 1 = off"))
        .arg(Arg::new("seed").long("seed").value_parser(value_parser!(u64)).help("sampling seed (default: random, printed)"))
        .arg(Arg::new("ignore-eos").long("ignore-eos").action(ArgAction::SetTrue)
            .help("do not stop at end-of-sequence tokens"))
}

fn random_seed() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.finish()
}

/// The model's eos ids, plus the tokenizer's end-of-turn and end-of-text tokens when it has them.
fn stop_tokens(eos: &[i32], tok: Option<&Tokenizer>, ignore_eos: bool) -> Vec<i32> {
    if ignore_eos {
        return Vec::new();
    }
    let mut stops = eos.to_vec();
    if let Some(tok) = tok {
        for text in ["<|im_end|>", "<|endoftext|>"] {
            if let Some(id) = tok.find(text) {
                if !stops.contains(&id) {
                    stops.push(id);
                }
            }
        }
    }
    stops
}

fn print_stats(stats: &GenerationStats, seed: u64) {
    eprintln!(
        "prompt: {} tokens, {:.1} tok/s; generated: {} tokens, {:.1} tok/s; stop: {}; seed {}",
        stats.prompt_tokens,
        stats.prompt_tokens as f64 / stats.prompt_seconds.max(1e-9),
        stats.generated_tokens,
        stats.generated_tokens as f64 / stats.generate_seconds.max(1e-9),
        stats.reason.name(),
        seed
    );
}

pub fn run(m: &ArgMatches) -> Result<()> {
    let prompt = m.get_one::<String>("prompt");
    let text_mode = prompt.is_some();
    let ids = m.get_one::<String>("ids");
    if !text_mode && ids.is_none() {
        bail!("give a prompt: -p TEXT or --ids 1,2,3");
    }
    let params = SamplingParams {
        temperature: *m.get_one::<f32>("temp").unwrap(),
        top_k: *m.get_one::<i32>("top-k").unwrap(),
        top_p: *m.get_one::<f32>("top-p").unwrap(),
        seed: m.get_one::<u64>("seed").copied().unwrap_or_else(random_seed),
    };
    params.validate()?;
    let n_predict = *m.get_one::<i64>("n-predict").unwrap();
    if n_predict < 0 {
        bail!("-n {} is out of range: expected >= 0", n_predict);
    }
    let model = ModelOptions::from(m)?;
    let file = model.open()?;
    let weights = file.weights()?;
    model.check_quant(weights.quant)?;
    let tok = match (text_mode, m.get_one::<PathBuf>("tokenizer")) {
        (false, _) => None,
        (true, Some(path)) => Some(load_tokenizer_for_model(path)?),
        (true, None) => bail!(
            "{}: a converted model file carries no tokenizer; pass --tokenizer with the HF directory",
            model.path.display()
        ),
    };
    let prompt_ids = match (&tok, prompt) {
        (Some(tok), Some(text)) => tok.encode(text.as_bytes(), m.get_flag("parse-special")),
        _ => parse_id_list(ids.unwrap(), "--ids")?,
    };
    let context = model.context_for(&weights.config, prompt_ids.len() as i64 + n_predict)?;
    let mut engine = Transformer::new(&weights, context, model.simd)?;
    let mut sampler = Sampler::new(params)?;
    let stops = stop_tokens(&weights.config.eos_token_ids, tok.as_ref(), m.get_flag("ignore-eos"));

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut text = Utf8Stream::default();
    let mut first = true;
    let stats = generate(&mut engine, &prompt_ids, n_predict as usize, &stops, &mut sampler, &mut |token| {
        match &tok {
            Some(tok) => write!(out, "{}", text.push(tok.generated_bytes(token)))?,
            None => write!(out, "{}{}", if first { "" } else { "," }, token)?,
        }
        first = false;
        out.flush()?;
        Ok(())
    })?;
    writeln!(out, "{}", text.finish())?;
    out.flush()?;
    print_stats(&stats, params.seed);
    Ok(())
}
