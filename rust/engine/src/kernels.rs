//! The forward pass's numerical building blocks on float32 activations. Two paths, chosen once at run time
//! like the C++ engine's (SMOL_SIMD=portable forces the portable one): `Portable`, eight interleaved partial
//! sums added pairwise, products and sums rounded separately; and `Avx2`, the same lanes with fused
//! multiply-adds, plus a Cephes exp for softmax and SiLU. Each path reproduces the summation order and the
//! rounding of the C++ kernel it stands beside (docs/rust.md, "Numerics"), so logits are bit-identical to
//! the engine's on the same path, not merely close.
use crate::model_file::{Matrix, Weights};
use anyhow::{bail, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Simd {
    Portable,
    Avx2,
    /// The C++ engine's AVX-512 tier: its matrix kernels sum in sixteen lanes (reproduced here with pairs of
    /// AVX2 registers, the same sums in the same order); attention, softmax and SiLU are the AVX2 ones.
    Avx512,
}

impl Simd {
    /// Whether this CPU has what the tier needs (as the C++ engine decides: avx2 = AVX2 + FMA + F16C,
    /// avx512 = that and AVX-512 F/BW/VL/DQ).
    pub fn available(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            let avx2 = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") && is_x86_feature_detected!("f16c");
            match self {
                Simd::Portable => true,
                Simd::Avx2 => avx2,
                Simd::Avx512 => {
                    avx2 && is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512bw")
                        && is_x86_feature_detected!("avx512vl") && is_x86_feature_detected!("avx512dq")
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            self == Simd::Portable
        }
    }

    pub fn parse(name: &str) -> Result<Simd> {
        let tier = match name {
            "portable" => Simd::Portable,
            "avx2" => Simd::Avx2,
            "avx512" => Simd::Avx512,
            _ => bail!("unknown SIMD tier '{}' (valid: portable, avx2, avx512)", name),
        };
        if !tier.available() {
            bail!("SIMD tier {} is not available: this CPU lacks its extensions", name);
        }
        Ok(tier)
    }

    /// SMOL_SIMD's tier when set (an error if unknown or unavailable), else the best the CPU has.
    pub fn detect() -> Result<Simd> {
        match std::env::var("SMOL_SIMD") {
            Ok(name) if !name.is_empty() => Simd::parse(&name).map_err(|e| anyhow::anyhow!("SMOL_SIMD: {}", e)),
            _ => Ok([Simd::Avx512, Simd::Avx2].into_iter().find(|t| t.available()).unwrap_or(Simd::Portable)),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Simd::Portable => "portable",
            Simd::Avx2 => "avx2",
            Simd::Avx512 => "avx512",
        }
    }
}

const LANES: usize = 8;

/// (l0+l4 + l1+l5) + (l2+l6 + l3+l7): how both paths reduce a dot product's lanes.
fn reduce_lanes(a: &[f32; LANES]) -> f32 {
    ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]))
}

mod portable {
    use super::{reduce_lanes, LANES};

    pub fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
        let mut acc = [0.0f32; LANES];
        for (j, (x, y)) in a.iter().zip(b).enumerate() {
            acc[j % LANES] += x * y;
        }
        reduce_lanes(&acc)
    }

    pub fn dot_q8(w: &[i8], x: &[f32]) -> f32 {
        let mut acc = [0.0f32; LANES];
        for (j, (q, v)) in w.iter().zip(x).enumerate() {
            acc[j % LANES] += f32::from(*q) * v;
        }
        reduce_lanes(&acc)
    }

    pub fn softmax(x: &mut [f32]) {
        let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0f32;
        for v in x.iter_mut() {
            *v = (*v - max).exp();
            sum += *v;
        }
        for v in x.iter_mut() {
            *v /= sum;
        }
    }

    pub fn silu_mul(gate: &mut [f32], up: &[f32]) {
        for (g, u) in gate.iter_mut().zip(up) {
            *g = *g / (1.0 + (-*g).exp()) * u;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! Every function here requires AVX2 and FMA (checked by Simd::detect before any call).
    use super::reduce_lanes;
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx2,fma")]
    unsafe fn lanes(v: __m256) -> [f32; 8] {
        let mut out = [0.0f32; 8];
        _mm256_storeu_ps(out.as_mut_ptr(), v);
        out
    }

    #[target_feature(enable = "avx2,fma")]
    unsafe fn hsum(v: __m256) -> f32 {
        reduce_lanes(&lanes(v))
    }

    /// Up to eight floats, zero-padded: the masked loads of a row's tail.
    fn tail8(values: &[f32]) -> [f32; 8] {
        let mut out = [0.0f32; 8];
        out[..values.len()].copy_from_slice(values);
        out
    }

    #[target_feature(enable = "avx2,fma")]
    unsafe fn widen_q8(p: *const i8) -> __m256 {
        _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(p as *const __m128i)))
    }

    /// Lane sums of R rows against x: acc[r] = fma over k in steps of eight.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn rows_f32<const R: usize>(rows: [&[f32]; R], x: &[f32]) -> [f32; R] {
        let n = x.len();
        let mut acc = [_mm256_setzero_ps(); R];
        let mut k = 0;
        while k + 8 <= n {
            let xv = _mm256_loadu_ps(x.as_ptr().add(k));
            for r in 0..R {
                acc[r] = _mm256_fmadd_ps(_mm256_loadu_ps(rows[r].as_ptr().add(k)), xv, acc[r]);
            }
            k += 8;
        }
        if k < n {
            let xt = tail8(&x[k..]);
            let xv = _mm256_loadu_ps(xt.as_ptr());
            for r in 0..R {
                let wt = tail8(&rows[r][k..]);
                acc[r] = _mm256_fmadd_ps(_mm256_loadu_ps(wt.as_ptr()), xv, acc[r]);
            }
        }
        let mut out = [0.0f32; R];
        for r in 0..R {
            out[r] = hsum(acc[r]);
        }
        out
    }

    #[target_feature(enable = "avx2,fma")]
    unsafe fn rows_q8<const R: usize>(rows: [&[i8]; R], x: &[f32]) -> [f32; R] {
        let n = x.len();
        let mut acc = [_mm256_setzero_ps(); R];
        let mut k = 0;
        while k + 8 <= n {
            let xv = _mm256_loadu_ps(x.as_ptr().add(k));
            for r in 0..R {
                acc[r] = _mm256_fmadd_ps(widen_q8(rows[r].as_ptr().add(k)), xv, acc[r]);
            }
            k += 8;
        }
        if k < n {
            let xt = tail8(&x[k..]);
            let xv = _mm256_loadu_ps(xt.as_ptr());
            for r in 0..R {
                let mut bytes = [0i8; 8];
                bytes[..n - k].copy_from_slice(&rows[r][k..]);
                acc[r] = _mm256_fmadd_ps(widen_q8(bytes.as_ptr()), xv, acc[r]);
            }
        }
        let mut out = [0.0f32; R];
        for r in 0..R {
            out[r] = hsum(acc[r]);
        }
        out
    }

    /// The AVX-512 tier's order: sixteen lanes (as two registers, element j in lane j mod 16), ascending,
    /// zero-padded tail; the halves added lane by lane, then reduced as hsum.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn row16_f32(row: &[f32], x: &[f32]) -> f32 {
        let n = x.len();
        let (mut lo, mut hi) = (_mm256_setzero_ps(), _mm256_setzero_ps());
        let mut k = 0;
        while k + 16 <= n {
            lo = _mm256_fmadd_ps(_mm256_loadu_ps(row.as_ptr().add(k)), _mm256_loadu_ps(x.as_ptr().add(k)), lo);
            hi = _mm256_fmadd_ps(_mm256_loadu_ps(row.as_ptr().add(k + 8)), _mm256_loadu_ps(x.as_ptr().add(k + 8)), hi);
            k += 16;
        }
        if k < n {
            let (mut w16, mut x16) = ([0.0f32; 16], [0.0f32; 16]);
            w16[..n - k].copy_from_slice(&row[k..n]);
            x16[..n - k].copy_from_slice(&x[k..]);
            lo = _mm256_fmadd_ps(_mm256_loadu_ps(w16.as_ptr()), _mm256_loadu_ps(x16.as_ptr()), lo);
            hi = _mm256_fmadd_ps(_mm256_loadu_ps(w16.as_ptr().add(8)), _mm256_loadu_ps(x16.as_ptr().add(8)), hi);
        }
        hsum(_mm256_add_ps(lo, hi))
    }

    #[target_feature(enable = "avx2,fma")]
    unsafe fn row16_q8(row: &[i8], x: &[f32]) -> f32 {
        let n = x.len();
        let (mut lo, mut hi) = (_mm256_setzero_ps(), _mm256_setzero_ps());
        let mut k = 0;
        while k + 16 <= n {
            lo = _mm256_fmadd_ps(widen_q8(row.as_ptr().add(k)), _mm256_loadu_ps(x.as_ptr().add(k)), lo);
            hi = _mm256_fmadd_ps(widen_q8(row.as_ptr().add(k + 8)), _mm256_loadu_ps(x.as_ptr().add(k + 8)), hi);
            k += 16;
        }
        if k < n {
            let (mut w16, mut x16) = ([0i8; 16], [0.0f32; 16]);
            w16[..n - k].copy_from_slice(&row[k..n]);
            x16[..n - k].copy_from_slice(&x[k..]);
            lo = _mm256_fmadd_ps(widen_q8(w16.as_ptr()), _mm256_loadu_ps(x16.as_ptr()), lo);
            hi = _mm256_fmadd_ps(widen_q8(w16.as_ptr().add(8)), _mm256_loadu_ps(x16.as_ptr().add(8)), hi);
        }
        hsum(_mm256_add_ps(lo, hi))
    }

    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn matvec16(out: &mut [f32], x: &[f32], m: &crate::model_file::Matrix, scratch: &mut [f32]) {
        use crate::model_file::Weights;
        let cols = m.cols;
        for (r, o) in out.iter_mut().enumerate() {
            let s = match m.w {
                Weights::F32(w) => row16_f32(&w[r * cols..(r + 1) * cols], x),
                Weights::Q8 { q, .. } => row16_q8(&q[r * cols..(r + 1) * cols], x),
                _ => {
                    m.row_f32(r, &mut scratch[..cols]);
                    row16_f32(&scratch[..cols], x)
                }
            };
            *o = s * m.scale(r);
        }
    }

    /// out[r] = dot(row r, x) * scale(r), four rows at a time sharing each load of x.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn matvec(out: &mut [f32], x: &[f32], m: &crate::model_file::Matrix, scratch: &mut [f32]) {
        use crate::model_file::Weights;
        let cols = m.cols;
        let mut r = 0;
        match m.w {
            Weights::F32(w) => {
                let row = |i: usize| &w[i * cols..(i + 1) * cols];
                while r + 4 <= m.rows {
                    let s = rows_f32([row(r), row(r + 1), row(r + 2), row(r + 3)], x);
                    out[r..r + 4].copy_from_slice(&s);
                    r += 4;
                }
                while r < m.rows {
                    out[r] = rows_f32([row(r)], x)[0];
                    r += 1;
                }
            }
            Weights::Q8 { q, .. } => {
                let row = |i: usize| &q[i * cols..(i + 1) * cols];
                while r + 4 <= m.rows {
                    let s = rows_q8([row(r), row(r + 1), row(r + 2), row(r + 3)], x);
                    for i in 0..4 {
                        out[r + i] = s[i] * m.scale(r + i);
                    }
                    r += 4;
                }
                while r < m.rows {
                    out[r] = rows_q8([row(r)], x)[0] * m.scale(r);
                    r += 1;
                }
            }
            // Blocks: each weight code x scale (exact in float32), then the float32 sum.
            Weights::Q8_0(_) | Weights::Q4_0(_) => {
                for (r, o) in out.iter_mut().enumerate() {
                    m.row_f32(r, &mut scratch[..cols]);
                    *o = rows_f32([&scratch[..cols]], x)[0];
                }
            }
        }
    }

    /// scores[s] = scale * dot(q, key s), the lanes reduced as the engine's transpose by horizontal adds:
    /// ((l0+l1)+(l2+l3)) + ((l4+l5)+(l6+l7)).
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn attention_scores(scores: &mut [f32], q: &[f32], keys: &[f32], stride: usize, scale: f32) {
        let head_dim = q.len();
        for (s, score) in scores.iter_mut().enumerate() {
            let k = &keys[s * stride..s * stride + head_dim];
            let mut acc = _mm256_setzero_ps();
            let mut d = 0;
            while d + 8 <= head_dim {
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(q.as_ptr().add(d)), _mm256_loadu_ps(k.as_ptr().add(d)), acc);
                d += 8;
            }
            if d < head_dim {
                let (qt, kt) = (tail8(&q[d..]), tail8(&k[d..head_dim]));
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(qt.as_ptr()), _mm256_loadu_ps(kt.as_ptr()), acc);
            }
            let l = lanes(acc);
            let sum = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
            *score = sum * scale;
        }
    }

    /// out[i] = sum_s weights[s] * values[s][i], one fused multiply-add per position, in position order.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn attention_values(out: &mut [f32], weights: &[f32], values: &[f32], stride: usize) {
        let head_dim = out.len();
        out.fill(0.0);
        for (s, &w) in weights.iter().enumerate() {
            let v = &values[s * stride..s * stride + head_dim];
            let wv = _mm256_set1_ps(w);
            let mut i = 0;
            while i + 8 <= head_dim {
                let y = _mm256_loadu_ps(out.as_ptr().add(i));
                _mm256_storeu_ps(out.as_mut_ptr().add(i), _mm256_fmadd_ps(wv, _mm256_loadu_ps(v.as_ptr().add(i)), y));
                i += 8;
            }
            // The engine's scalar tail, `y += a * x`, is contracted to a fused multiply-add by GCC (C++ code
            // defaults to -ffp-contract=fast and the file is built with -mfma).
            while i < head_dim {
                out[i] = w.mul_add(v[i], out[i]);
                i += 1;
            }
        }
    }

    /// Cephes expf, eight at a time: range reduction by ln 2 in two parts and a degree-5 polynomial.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn exp8(x: __m256) -> __m256 {
        let x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-88.3762626647949f32)), _mm256_set1_ps(88.3762626647949f32));
        let fx = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f32), _mm256_set1_ps(0.5)));
        let x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f32), x);
        let x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f32), x);
        let mut y = _mm256_set1_ps(1.9875691500e-4f32);
        y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f32));
        y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f32));
        y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f32));
        y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f32));
        y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f32));
        y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.0)));
        let pow2n = _mm256_slli_epi32::<23>(_mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(127)));
        _mm256_mul_ps(y, _mm256_castsi256_ps(pow2n))
    }

    /// exp8 on every element (the tail zero-padded), their sum in eight lanes reduced as hsum, then a division.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn softmax(x: &mut [f32]) {
        let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let max8 = _mm256_set1_ps(max);
        let mut sum = _mm256_setzero_ps();
        for chunk in x.chunks_mut(8) {
            let n = chunk.len();
            let padded = tail8(chunk);
            let mut e = lanes(exp8(_mm256_sub_ps(_mm256_loadu_ps(padded.as_ptr()), max8)));
            e[n..].fill(0.0); // masked lanes add nothing
            chunk.copy_from_slice(&e[..n]);
            sum = _mm256_add_ps(sum, _mm256_loadu_ps(e.as_ptr()));
        }
        let total = hsum(sum);
        for v in x.iter_mut() {
            *v /= total;
        }
    }

    /// silu(g) * up with exp8 on whole groups of eight; the tail, as in the engine, with libm's expf.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn silu_mul(gate: &mut [f32], up: &[f32]) {
        let one = _mm256_set1_ps(1.0);
        let whole = gate.len() / 8 * 8;
        let mut i = 0;
        while i < whole {
            let g = _mm256_loadu_ps(gate.as_ptr().add(i));
            let silu = _mm256_div_ps(g, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), g))));
            _mm256_storeu_ps(gate.as_mut_ptr().add(i), _mm256_mul_ps(silu, _mm256_loadu_ps(up.as_ptr().add(i))));
            i += 8;
        }
        super::portable::silu_mul(&mut gate[whole..], &up[whole..]);
    }
}

impl Simd {
    /// out[r] = sum_j W[r, j] * x[j] (times the row's scale for int8 weights), for every row; `scratch`
    /// holds one dequantized row (m.cols floats) of a block matrix.
    pub fn matvec(self, out: &mut [f32], x: &[f32], m: &Matrix, scratch: &mut [f32]) {
        assert!(out.len() == m.rows && x.len() == m.cols && scratch.len() >= m.cols, "matvec shape");
        #[cfg(target_arch = "x86_64")]
        match self {
            // SAFETY: the AVX tiers are only chosen when Simd::available says the CPU has AVX2 and FMA.
            Simd::Avx2 => return unsafe { avx2::matvec(out, x, m, scratch) },
            Simd::Avx512 => return unsafe { avx2::matvec16(out, x, m, scratch) },
            Simd::Portable => {}
        }
        let cols = m.cols;
        for (r, o) in out.iter_mut().enumerate() {
            *o = match m.w {
                Weights::F32(w) => portable::dot_f32(&w[r * cols..(r + 1) * cols], x),
                Weights::Q8 { q, .. } => portable::dot_q8(&q[r * cols..(r + 1) * cols], x) * m.scale(r),
                Weights::Q8_0(_) | Weights::Q4_0(_) => {
                    m.row_f32(r, &mut scratch[..cols]);
                    portable::dot_f32(&scratch[..cols], x)
                }
            };
        }
    }

    /// One head's attention scores over `scores.len()` cached keys `stride` floats apart.
    pub fn attention_scores(self, scores: &mut [f32], q: &[f32], keys: &[f32], stride: usize, scale: f32) {
        #[cfg(target_arch = "x86_64")]
        if self != Simd::Portable {
            // SAFETY: as in matvec.
            return unsafe { avx2::attention_scores(scores, q, keys, stride, scale) };
        }
        for (s, score) in scores.iter_mut().enumerate() {
            *score = portable::dot_f32(q, &keys[s * stride..s * stride + q.len()]) * scale;
        }
    }

    /// out[i] = sum_s weights[s] * values[s * stride + i].
    pub fn attention_values(self, out: &mut [f32], weights: &[f32], values: &[f32], stride: usize) {
        #[cfg(target_arch = "x86_64")]
        if self != Simd::Portable {
            // SAFETY: as in matvec.
            return unsafe { avx2::attention_values(out, weights, values, stride) };
        }
        out.fill(0.0);
        for (s, &w) in weights.iter().enumerate() {
            for (o, v) in out.iter_mut().zip(&values[s * stride..]) {
                *o += w * v;
            }
        }
    }

    pub fn softmax(self, x: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if self != Simd::Portable {
            // SAFETY: as in matvec.
            return unsafe { avx2::softmax(x) };
        }
        portable::softmax(x)
    }

    /// gate[i] = silu(gate[i]) * up[i]
    pub fn silu_mul(self, gate: &mut [f32], up: &[f32]) {
        #[cfg(target_arch = "x86_64")]
        if self != Simd::Portable {
            // SAFETY: as in matvec.
            return unsafe { avx2::silu_mul(gate, up) };
        }
        portable::silu_mul(gate, up)
    }
}

/// out = weight * (x * rsqrt(mean(x^2) + eps)), the mean accumulated in double (both paths).
pub fn rmsnorm(out: &mut [f32], x: &[f32], weight: &[f32], eps: f32) {
    let sum_squares: f64 = x.iter().fold(0.0, |s, &v| s + f64::from(v) * f64::from(v));
    let mean = (sum_squares / x.len() as f64) as f32;
    let inv_rms = 1.0f32 / (mean + eps).sqrt();
    for ((o, &v), &w) in out.iter_mut().zip(x).zip(weight) {
        *o = w * (v * inv_rms);
    }
}

/// Rotates each head's two halves (HF's rotate_half convention) by one position's angles.
pub fn rope(x: &mut [f32], head_dim: usize, cos: &[f32], sin: &[f32]) {
    let half = head_dim / 2;
    for head in x.chunks_mut(head_dim) {
        for i in 0..half {
            let (a, b) = (head[i], head[i + half]);
            head[i] = a * cos[i] - b * sin[i];
            head[i + half] = b * cos[i] + a * sin[i];
        }
    }
}

/// Row `token` of the embedding, int8 rows dequantized as q * scale.
pub fn embedding_row(out: &mut [f32], embed: &Matrix, token: usize) {
    let cols = embed.cols;
    match embed.w {
        Weights::Q8 { q, .. } => {
            let scale = embed.scale(token);
            for (o, &v) in out.iter_mut().zip(&q[token * cols..(token + 1) * cols]) {
                *o = f32::from(v) * scale;
            }
        }
        _ => embed.row_f32(token, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed pseudo-random sequence in [-1, 1).
    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s >> 40) as f32 / (1u64 << 23) as f32 - 1.0
            })
            .collect()
    }

    fn paths() -> Vec<Simd> {
        [Simd::Portable, Simd::Avx2, Simd::Avx512].into_iter().filter(|t| t.available()).collect()
    }

    #[test]
    fn matvec_matches_a_double_precision_sum_on_both_paths() {
        for cols in [1usize, 7, 8, 13, 64, 100] {
            let (rows, w, x) = (9usize, values(9 * cols, cols as u64), values(cols, 99));
            let q: Vec<i8> = w.iter().map(|v| (v * 127.0).round() as i8).collect();
            let scales = vec![0.5f32];
            for simd in paths() {
                let mut out = vec![0.0f32; rows];
                simd.matvec(&mut out, &x, &Matrix { rows, cols, w: Weights::F32(&w) }, &mut vec![0.0; cols]);
                let mut out_q = vec![0.0f32; rows];
                simd.matvec(&mut out_q, &x, &Matrix { rows, cols, w: Weights::Q8 { q: &q, scales: &scales } }, &mut vec![0.0; cols]);
                for r in 0..rows {
                    let exact: f64 = (0..cols).map(|j| f64::from(w[r * cols + j]) * f64::from(x[j])).sum();
                    assert!((f64::from(out[r]) - exact).abs() < 1e-5, "{:?} cols {} row {}", simd, cols, r);
                    let exact_q: f64 = (0..cols).map(|j| f64::from(q[r * cols + j]) * f64::from(x[j])).sum::<f64>() * 0.5;
                    assert!((f64::from(out_q[r]) - exact_q).abs() < 1e-3, "{:?} q8 cols {} row {}", simd, cols, r);
                }
            }
        }
    }

    #[test]
    fn softmax_and_silu_match_double_precision_on_both_paths() {
        for n in [1usize, 5, 8, 17, 300] {
            let x: Vec<f32> = values(n, n as u64).iter().map(|v| v * 30.0).collect();
            let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let total: f64 = x.iter().map(|&v| (f64::from(v) - f64::from(max)).exp()).sum();
            for simd in paths() {
                let mut p = x.clone();
                simd.softmax(&mut p);
                for (pi, &xi) in p.iter().zip(&x) {
                    let want = (f64::from(xi) - f64::from(max)).exp() / total;
                    // x - max is rounded to float first: up to |x - max| * 2^-24 relative error in exp.
                    assert!((f64::from(*pi) - want).abs() <= 1e-5 * want + 1e-37, "{:?} n {}", simd, n);
                }
                let up = values(n, 7);
                let mut g = x.clone();
                simd.silu_mul(&mut g, &up);
                for i in 0..n {
                    let v = f64::from(x[i]);
                    let want = v / (1.0 + (-v).exp()) * f64::from(up[i]);
                    assert!((f64::from(g[i]) - want).abs() <= 1e-5 * want.abs().max(1e-6), "{:?} silu n {}", simd, n);
                }
            }
        }
    }

    #[test]
    fn attention_kernels_agree_with_their_definition() {
        let (head_dim, stride, count) = (12usize, 20usize, 9usize);
        let q = values(head_dim, 1);
        let keys = values(stride * count, 2);
        let weights = values(count, 3);
        for simd in paths() {
            let mut scores = vec![0.0f32; count];
            simd.attention_scores(&mut scores, &q, &keys, stride, 0.25);
            let mut out = vec![0.0f32; head_dim];
            simd.attention_values(&mut out, &weights, &keys, stride);
            for s in 0..count {
                let exact: f64 = (0..head_dim).map(|d| f64::from(q[d]) * f64::from(keys[s * stride + d])).sum();
                assert!((f64::from(scores[s]) - 0.25 * exact).abs() < 1e-6, "{:?}", simd);
            }
            for i in 0..head_dim {
                let exact: f64 = (0..count).map(|s| f64::from(weights[s]) * f64::from(keys[s * stride + i])).sum();
                assert!((f64::from(out[i]) - exact).abs() < 1e-6, "{:?}", simd);
            }
        }
    }
}
