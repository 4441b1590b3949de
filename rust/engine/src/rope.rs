//! RoPE angles as HF computes them in float32: inv_freq[i] = 1 / theta^(2i/d) (the power taken in double),
//! angle = pos * inv_freq[i] in float, its cosine and sine taken in double and rounded to float.
use crate::config::ModelConfig;

pub struct RopeTables {
    pub half: usize,
    pub cos: Vec<f32>, // (context, head_dim / 2)
    pub sin: Vec<f32>,
}

impl RopeTables {
    pub fn new(c: &ModelConfig, context: usize) -> RopeTables {
        let half = (c.head_dim / 2) as usize;
        let inv_freq: Vec<f32> = (0..half)
            .map(|i| {
                let exponent = (2 * i) as f32 / c.head_dim as f32;
                1.0f32 / f64::from(c.rope_theta).powf(f64::from(exponent)) as f32
            })
            .collect();
        let mut cos = Vec::with_capacity(context * half);
        let mut sin = Vec::with_capacity(context * half);
        for pos in 0..context {
            for &f in &inv_freq {
                let angle = pos as f32 * f; // pos < 2^24: exact in float
                cos.push(f64::from(angle).cos() as f32);
                sin.push(f64::from(angle).sin() as f32);
            }
        }
        RopeTables { half, cos, sin }
    }

    pub fn at(&self, pos: usize) -> (&[f32], &[f32]) {
        let range = pos * self.half..(pos + 1) * self.half;
        (&self.cos[range.clone()], &self.sin[range])
    }
}
