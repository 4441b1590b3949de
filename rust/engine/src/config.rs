//! The model's blueprint, as carried in the model file header, with the same consistency checks as the
//! C++ engine applies to an HF config.json (docs/model-format.md, "Validation").
use anyhow::{bail, Result};

#[derive(Clone, Debug, PartialEq)]
pub struct ModelConfig {
    pub vocab_size: i32,
    pub hidden_size: i32,
    pub intermediate_size: i32,
    pub n_layers: i32,
    pub n_heads: i32,
    pub n_kv_heads: i32,
    pub head_dim: i32,
    pub max_position_embeddings: i32,
    pub rope_theta: f32,
    pub rms_norm_eps: f32,
    pub tie_word_embeddings: bool,
    pub bos_token_id: i32, // -1: none
    pub eos_token_ids: Vec<i32>,
}

// Caps keep every size product far inside 64 bits and every per-row dimension inside i32.
const MAX_DIM: i64 = 1 << 20;
const MAX_VOCAB: i64 = 1 << 24;
const MAX_LAYERS: i64 = 1024;
const MAX_POSITIONS: i64 = 1 << 24;

fn check_size(source: &str, key: &str, value: i64, cap: i64) -> Result<()> {
    if value <= 0 || value > cap {
        bail!("{}: {} is {}, expected 1..{}", source, key, value, cap);
    }
    Ok(())
}

impl ModelConfig {
    pub fn q_dim(&self) -> usize {
        (self.n_heads * self.head_dim) as usize
    }
    pub fn kv_dim(&self) -> usize {
        (self.n_kv_heads * self.head_dim) as usize
    }

    pub fn validate(&self, source: &str) -> Result<()> {
        check_size(source, "vocab_size", self.vocab_size.into(), MAX_VOCAB)?;
        check_size(source, "hidden_size", self.hidden_size.into(), MAX_DIM)?;
        check_size(source, "intermediate_size", self.intermediate_size.into(), MAX_DIM)?;
        check_size(source, "num_hidden_layers", self.n_layers.into(), MAX_LAYERS)?;
        check_size(source, "num_attention_heads", self.n_heads.into(), MAX_DIM)?;
        check_size(source, "num_key_value_heads", self.n_kv_heads.into(), MAX_DIM)?;
        check_size(source, "head_dim", self.head_dim.into(), MAX_DIM)?;
        check_size(source, "max_position_embeddings", self.max_position_embeddings.into(), MAX_POSITIONS)?;
        let heads = i64::from(self.n_heads) * i64::from(self.head_dim);
        check_size(source, "num_attention_heads * head_dim", heads, MAX_DIM)?;
        let kv_heads = i64::from(self.n_kv_heads) * i64::from(self.head_dim);
        check_size(source, "num_key_value_heads * head_dim", kv_heads, MAX_DIM)?;
        if self.n_heads % self.n_kv_heads != 0 {
            bail!(
                "{}: num_attention_heads {} is not a multiple of num_key_value_heads {}",
                source, self.n_heads, self.n_kv_heads
            );
        }
        if self.head_dim % 2 != 0 {
            bail!("{}: head_dim {} must be even (RoPE rotates pairs)", source, self.head_dim);
        }
        if !(self.rope_theta > 0.0) || !self.rope_theta.is_finite() {
            bail!("{}: rope_theta {} must be positive and finite", source, self.rope_theta);
        }
        if !(self.rms_norm_eps > 0.0) || !self.rms_norm_eps.is_finite() {
            bail!("{}: rms_norm_eps {} must be positive and finite", source, self.rms_norm_eps);
        }
        if self.bos_token_id < -1 || self.bos_token_id >= self.vocab_size {
            bail!(
                "{}: bos_token_id {} is outside the vocabulary (vocab_size {})",
                source, self.bos_token_id, self.vocab_size
            );
        }
        for &id in &self.eos_token_ids {
            if id < 0 || id >= self.vocab_size {
                bail!("{}: eos_token_id {} is outside the vocabulary (vocab_size {})", source, id, self.vocab_size);
            }
        }
        Ok(())
    }
}
