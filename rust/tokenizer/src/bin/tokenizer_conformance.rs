//! Compares the port's tokenizer with HF `tokenizers` on every line of an oracle file made by
//! engine/tokenizer/tools/conformance_oracle.mjs: ids with special tokens parsed and not, decoded text with
//! and without specials. All must be identical; prints the counts and the first mismatches.
//!   tokenizer_conformance tokenizer.json oracle.jsonl
use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;
use smol_tokenizer::Tokenizer;
use std::io::BufRead;
use std::path::Path;

fn from_hex(hex: &str) -> Result<Vec<u8>> {
    (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| anyhow!("hex: {}", e))).collect()
}

fn ids_of(v: &Value, key: &str) -> Result<Vec<i32>> {
    v[key].as_array().ok_or_else(|| anyhow!("no \"{}\"", key))?.iter()
        .map(|x| x.as_i64().map(|x| x as i32).ok_or_else(|| anyhow!("bad id in \"{}\"", key))).collect()
}

fn run(tokenizer: &str, oracle: &str) -> Result<bool> {
    let tok = Tokenizer::load(Path::new(tokenizer))?;
    let file = std::fs::File::open(oracle).with_context(|| format!("{}: cannot open", oracle))?;
    let (mut total, mut mismatches) = (0usize, 0usize);
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.is_empty() {
            continue;
        }
        let expect: Value = serde_json::from_str(&line).with_context(|| format!("{}:{}", oracle, n + 1))?;
        let input = from_hex(expect["hex"].as_str().ok_or_else(|| anyhow!("{}:{}: no hex", oracle, n + 1))?)?;
        let (ids, plain) = (ids_of(&expect, "ids")?, ids_of(&expect, "plain")?);
        total += 1;
        let got = tok.encode(&input, true);
        let got_plain = tok.encode(&input, false);
        let text = tok.decode(&ids, false)?;
        let skip = tok.decode(&ids, true)?;
        if got == ids && got_plain == plain && expect["text"] == text.as_str() && expect["skip"] == skip.as_str() {
            continue;
        }
        mismatches += 1;
        if mismatches <= 12 {
            println!("mismatch #{} on {:?}", mismatches, String::from_utf8_lossy(&input));
            if got != ids {
                println!("  ids:   HF {:?}\n         us {:?}", ids, got);
            }
            if got_plain != plain {
                println!("  plain: HF {:?}\n         us {:?}", plain, got_plain);
            }
            println!("  text:  HF {}\n         us {:?}\n  skip:  HF {}\n         us {:?}", expect["text"], text, expect["skip"], skip);
        }
    }
    let verdict = if mismatches == 0 { "100% identical to HF" } else { "FAIL" };
    println!("{}: {} strings, {} mismatches ({})", tokenizer, total, mismatches, verdict);
    if total < 20000 {
        bail!("too few strings: {} < 20000", total);
    }
    Ok(mismatches == 0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: {} tokenizer.json oracle.jsonl", args[0]);
        std::process::exit(2);
    }
    match run(&args[1], &args[2]) {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {:#}", e);
            std::process::exit(1);
        }
    }
}
