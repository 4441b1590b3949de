//! The forward pass: LLaMA blocks (RMSNorm, grouped-query attention with RoPE, SwiGLU MLP) over one token at a
//! time, keys and values kept in a cache. Every buffer is allocated once, in `new`; a prompt is evaluated
//! token by token, which gives the same values as the C++ engine's batched prefill (each of its outputs sums
//! in the same order whatever the batch).
use crate::config::ModelConfig;
use crate::kernels::{embedding_row, rmsnorm, rope, Simd};
use crate::model_file::ModelWeights;
use crate::rope::RopeTables;
use anyhow::{bail, Result};

pub struct Transformer<'a> {
    w: &'a ModelWeights<'a>,
    simd: Simd,
    context: usize,
    x: Vec<f32>,       // (hidden) residual stream
    xb: Vec<f32>,      // (hidden) normed input of a block, then its output
    q: Vec<f32>,       // (q_dim)
    att: Vec<f32>,     // (q_dim) attention output before o_proj
    hb: Vec<f32>,      // (intermediate) gate, then silu(gate) * up
    hb2: Vec<f32>,     // (intermediate) up
    scores: Vec<f32>,  // (context) one head's attention weights
    row: Vec<f32>,     // (widest input) one dequantized row of a block matrix
    keys: Vec<f32>,    // (layer, context, kv_dim)
    values: Vec<f32>,  // (layer, context, kv_dim)
    rope: RopeTables,  // (context, head_dim / 2)
}

impl<'a> Transformer<'a> {
    /// `context`: positions the KV cache holds (1..=max_position_embeddings).
    pub fn new(w: &'a ModelWeights<'a>, context: usize, simd: Simd) -> Result<Transformer<'a>> {
        let c = &w.config;
        if context < 1 || context > c.max_position_embeddings as usize {
            bail!("context length {} is out of range 1..{} (max_position_embeddings)", context, c.max_position_embeddings);
        }
        let hidden = c.hidden_size as usize;
        let inter = c.intermediate_size as usize;
        let cache = c.n_layers as usize * context * c.kv_dim();
        Ok(Transformer {
            w,
            simd,
            context,
            x: vec![0.0; hidden],
            xb: vec![0.0; hidden],
            q: vec![0.0; c.q_dim()],
            att: vec![0.0; c.q_dim()],
            hb: vec![0.0; inter],
            hb2: vec![0.0; inter],
            scores: vec![0.0; context],
            row: vec![0.0; hidden.max(inter).max(c.q_dim())],
            keys: vec![0.0; cache],
            values: vec![0.0; cache],
            rope: RopeTables::new(c, context),
        })
    }

    pub fn config(&self) -> &ModelConfig {
        &self.w.config
    }
    pub fn context_length(&self) -> usize {
        self.context
    }

    /// Evaluates `tokens` at positions start_pos.. and writes the logits of the last one to `logits`, or of
    /// every one (n_tokens x vocab) when `all_logits`.
    pub fn eval(&mut self, tokens: &[i32], start_pos: usize, logits: &mut [f32], all_logits: bool) -> Result<()> {
        let vocab = self.w.config.vocab_size as usize;
        if tokens.is_empty() {
            bail!("no tokens to evaluate");
        }
        if start_pos + tokens.len() > self.context {
            bail!(
                "context full: positions {}..{} do not fit the context length {}",
                start_pos,
                start_pos + tokens.len() - 1,
                self.context
            );
        }
        for &t in tokens {
            if t < 0 || t >= self.w.config.vocab_size {
                bail!("invalid token id {} (vocab size {})", t, vocab);
            }
        }
        let want = if all_logits { tokens.len() * vocab } else { vocab };
        assert_eq!(logits.len(), want, "logits buffer size");
        for (i, &t) in tokens.iter().enumerate() {
            self.forward(t as usize, start_pos + i);
            if all_logits {
                self.lm_head(&mut logits[i * vocab..(i + 1) * vocab]);
            } else if i + 1 == tokens.len() {
                self.lm_head(logits);
            }
        }
        Ok(())
    }

    fn lm_head(&mut self, out: &mut [f32]) {
        let c = &self.w.config;
        rmsnorm(&mut self.xb, &self.x, self.w.final_norm, c.rms_norm_eps);
        self.simd.matvec(out, &self.xb, &self.w.lm_head, &mut self.row);
    }

    fn forward(&mut self, token: usize, pos: usize) {
        let w = self.w;
        let c = &w.config;
        let simd = self.simd;
        let (head_dim, kv_dim, q_dim) = (c.head_dim as usize, c.kv_dim(), c.q_dim());
        embedding_row(&mut self.x, &w.embed, token);
        for (layer, l) in w.layers.iter().enumerate() {
            rmsnorm(&mut self.xb, &self.x, l.attn_norm, c.rms_norm_eps);
            let row = (layer * self.context + pos) * kv_dim;
            simd.matvec(&mut self.q, &self.xb, &l.wq, &mut self.row);
            simd.matvec(&mut self.keys[row..row + kv_dim], &self.xb, &l.wk, &mut self.row);
            simd.matvec(&mut self.values[row..row + kv_dim], &self.xb, &l.wv, &mut self.row);
            let (cos, sin) = self.rope.at(pos);
            rope(&mut self.q, head_dim, cos, sin);
            rope(&mut self.keys[row..row + kv_dim], head_dim, cos, sin);
            self.attention(layer, pos);
            simd.matvec(&mut self.xb, &self.att, &l.wo, &mut self.row);
            add(&mut self.x, &self.xb);

            rmsnorm(&mut self.xb, &self.x, l.ffn_norm, c.rms_norm_eps);
            simd.matvec(&mut self.hb, &self.xb, &l.w_gate, &mut self.row);
            simd.matvec(&mut self.hb2, &self.xb, &l.w_up, &mut self.row);
            simd.silu_mul(&mut self.hb, &self.hb2);
            simd.matvec(&mut self.xb, &self.hb, &l.w_down, &mut self.row);
            add(&mut self.x, &self.xb);
        }
        debug_assert_eq!(self.q.len(), q_dim);
    }

    /// Causal grouped-query attention of the query at `pos` over cache positions 0..=pos.
    fn attention(&mut self, layer: usize, pos: usize) {
        let c = &self.w.config;
        let (head_dim, kv_dim) = (c.head_dim as usize, c.kv_dim());
        let group = (c.n_heads / c.n_kv_heads) as usize;
        let scale = 1.0f32 / (head_dim as f32).sqrt();
        let visible = pos + 1;
        let base = layer * self.context * kv_dim;
        for h in 0..c.n_heads as usize {
            let kv_offset = base + (h / group) * head_dim;
            let q = &self.q[h * head_dim..(h + 1) * head_dim];
            let scores = &mut self.scores[..visible];
            self.simd.attention_scores(scores, q, &self.keys[kv_offset..], kv_dim, scale);
            self.simd.softmax(scores);
            let out = &mut self.att[h * head_dim..(h + 1) * head_dim];
            self.simd.attention_values(out, scores, &self.values[kv_offset..], kv_dim);
        }
    }
}

fn add(x: &mut [f32], y: &[f32]) {
    for (a, b) in x.iter_mut().zip(y) {
        *a += b;
    }
}
