//! Options shared by the subcommands that run a model, spelled as `smol`'s (tools/smol/cli_common.cpp).
use anyhow::{bail, Result};
use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};
use smol_engine::config::ModelConfig;
use smol_engine::kernels::Simd;
use smol_engine::model_file::{ModelFile, QuantScheme};
use std::path::PathBuf;

/// "1,2,3" -> [1, 2, 3]; the bad item named (ids are range-checked by the model).
pub fn parse_id_list(text: &str, flag: &str) -> Result<Vec<i32>> {
    text.split(',')
        .map(|item| match item.parse::<i64>() {
            Ok(v) if !item.starts_with('+') && i32::try_from(v).is_ok() => Ok(v as i32),
            _ => bail!("{}: '{}' is not a token id (expected comma-separated integers, e.g. 1,2,3)", flag, item),
        })
        .collect()
}

pub fn add_model_args(cmd: Command) -> Command {
    cmd.arg(Arg::new("model").short('m').long("model").required(true).value_parser(value_parser!(PathBuf))
        .help("smol32 model file (`smol convert` makes one)"))
        .arg(Arg::new("quant").long("quant").value_parser(["f32", "q8", "q8r"])
            .help("the scheme the file must hold (a model file is never requantized)"))
        .arg(Arg::new("ctx-size").short('c').long("ctx-size").value_parser(value_parser!(i64))
            .help("KV-cache positions (default: the model's maximum)"))
        .arg(Arg::new("simd").long("simd").value_parser(["portable", "avx2", "avx512"])
            .help("kernel tier, as smol's: portable, avx2 or avx512 (default: SMOL_SIMD, else the best the CPU has)"))
        .arg(Arg::new("no-simd").long("no-simd").action(ArgAction::SetTrue)
            .help("use the portable kernels (as --simd portable)"))
}

pub struct ModelOptions {
    pub path: PathBuf,
    pub quant: Option<QuantScheme>,
    pub context: Option<i64>,
    pub simd: Simd,
}

impl ModelOptions {
    pub fn from(m: &ArgMatches) -> Result<ModelOptions> {
        let tier = m.get_one::<String>("simd");
        let simd = match (m.get_flag("no-simd"), tier) {
            (true, Some(t)) if t != "portable" => bail!("--no-simd contradicts --simd {}", t),
            (true, _) => Simd::Portable,
            (false, Some(t)) => Simd::parse(t).map_err(|e| anyhow::anyhow!("--simd: {}", e))?,
            (false, None) => Simd::detect()?,
        };
        let quant = m.get_one::<String>("quant").map(|q| QuantScheme::parse(q)).transpose()?;
        Ok(ModelOptions {
            path: m.get_one::<PathBuf>("model").unwrap().clone(),
            quant,
            context: m.get_one::<i64>("ctx-size").copied(),
            simd,
        })
    }

    pub fn open(&self) -> Result<ModelFile> {
        ModelFile::open(&self.path)
    }

    pub fn check_quant(&self, found: QuantScheme) -> Result<()> {
        match self.quant {
            Some(want) if want != found => bail!(
                "{}: the file holds {} weights; --quant {} would need requantizing, which a converted file never is",
                self.path.display(), found.name(), want.name()
            ),
            _ => Ok(()),
        }
    }

    /// The KV-cache length for a run needing `needed` positions: one that cannot fit is refused, naming both.
    pub fn context_for(&self, c: &ModelConfig, needed: i64) -> Result<usize> {
        let maximum = i64::from(c.max_position_embeddings);
        if let Some(n) = self.context {
            if n < 1 || n > maximum {
                bail!("--ctx-size {} is out of range 1..{} (the model's max_position_embeddings)", n, maximum);
            }
        }
        let context = self.context.unwrap_or(maximum);
        if needed > context {
            let why = if self.context.is_some() { " (--ctx-size)" } else { "" };
            bail!("the run needs {} positions but the context holds {}{}", needed, context, why);
        }
        Ok(context as usize)
    }
}
