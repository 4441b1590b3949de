//! smol-rs logits: float32 logits [n_tokens, vocab] of every prompt position, as .npy.
use crate::cli_common::{add_model_args, parse_id_list, ModelOptions};
use anyhow::Result;
use clap::{value_parser, Arg, ArgMatches, Command};
use smol_engine::npy::write_npy_f32;
use smol_engine::transformer::Transformer;
use std::path::PathBuf;

pub fn command() -> Command {
    add_model_args(Command::new("logits").about("write the logits of every prompt position to a .npy file"))
        .arg(Arg::new("ids").long("ids").required(true).help("prompt token ids, comma-separated"))
        .arg(Arg::new("out").short('o').long("out").required(true).value_parser(value_parser!(PathBuf))
            .help("output .npy file"))
}

pub fn run(m: &ArgMatches) -> Result<()> {
    let ids = parse_id_list(m.get_one::<String>("ids").unwrap(), "--ids")?;
    let model = ModelOptions::from(m)?;
    let file = model.open()?;
    let weights = file.weights()?;
    model.check_quant(weights.quant)?;
    let context = model.context_for(&weights.config, ids.len() as i64)?;
    let mut engine = Transformer::new(&weights, context, model.simd)?;
    let vocab = weights.config.vocab_size as usize;
    let mut logits = vec![0.0f32; ids.len() * vocab];
    engine.eval(&ids, 0, &mut logits, true)?;
    write_npy_f32(m.get_one::<PathBuf>("out").unwrap(), &logits, &[ids.len(), vocab])
}
