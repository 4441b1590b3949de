//! smol-rs: the Rust port's command line, with `smol`'s flags and outputs for the subcommands it ports.
//!   smol-rs generate -m MODEL (-p TEXT --tokenizer TOK | --ids 1,2,3) [-n N] [--temp T --top-k K --top-p P --seed S]
//!   smol-rs logits   -m MODEL --ids 1,2,3 -o OUT.npy
mod cli_common;
mod cmd_generate;
mod cmd_logits;

use clap::Command;

fn main() {
    let app = Command::new("smol-rs")
        .about("The smol32 engine's Rust port (docs/rust.md)")
        .subcommand_required(true)
        .subcommand(cmd_generate::command())
        .subcommand(cmd_logits::command());
    let matches = app.get_matches();
    let result = match matches.subcommand() {
        Some(("generate", m)) => cmd_generate::run(m),
        Some(("logits", m)) => cmd_logits::run(m),
        _ => unreachable!("subcommand_required"),
    };
    if let Err(e) = result {
        eprintln!("smol-rs: error: {:#}", e);
        std::process::exit(1);
    }
}
