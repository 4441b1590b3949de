//! The generation loop, as the C++ engine runs it: evaluate the prompt, then sample and evaluate one token at a
//! time until -n tokens, a stop token, or the end of the context.
use crate::sampler::Sampler;
use crate::transformer::Transformer;
use anyhow::{bail, Result};
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    Length,
    StopToken,
    ContextFull,
}

impl StopReason {
    pub fn name(self) -> &'static str {
        match self {
            StopReason::Length => "length",
            StopReason::StopToken => "stop token",
            StopReason::ContextFull => "context full",
        }
    }
}

pub struct GenerationStats {
    pub prompt_tokens: usize,
    pub generated_tokens: usize,
    pub prompt_seconds: f64,
    pub generate_seconds: f64,
    pub reason: StopReason,
}

/// Calls `on_token` for each generated token as soon as it is sampled; a stop token is reported, then ends it.
pub fn generate(
    model: &mut Transformer,
    prompt: &[i32],
    max_new_tokens: usize,
    stop_tokens: &[i32],
    sampler: &mut Sampler,
    on_token: &mut dyn FnMut(i32) -> Result<()>,
) -> Result<GenerationStats> {
    if prompt.is_empty() {
        bail!("empty prompt: at least one token is needed to start generation");
    }
    let mut logits = vec![0.0f32; model.config().vocab_size as usize];
    let start = Instant::now();
    model.eval(prompt, 0, &mut logits, false)?;
    let mut stats = GenerationStats {
        prompt_tokens: prompt.len(),
        generated_tokens: 0,
        prompt_seconds: start.elapsed().as_secs_f64(),
        generate_seconds: 0.0,
        reason: StopReason::Length,
    };
    let mut pos = prompt.len();
    let start = Instant::now();
    for i in 0..max_new_tokens {
        let token = sampler.sample(&logits);
        stats.generated_tokens += 1;
        on_token(token)?;
        if stop_tokens.contains(&token) {
            stats.reason = StopReason::StopToken;
            break;
        }
        if i + 1 == max_new_tokens {
            break;
        }
        if pos >= model.context_length() {
            stats.reason = StopReason::ContextFull;
            break;
        }
        model.eval(&[token], pos, &mut logits, false)?;
        pos += 1;
    }
    stats.generate_seconds = start.elapsed().as_secs_f64();
    Ok(stats)
}
