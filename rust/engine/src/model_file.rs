//! The smol32 model file (docs/model-format.md): a 128-byte header holding the config, a directory of
//! 48-byte tensor entries, then 64-byte-aligned tensor data. The loader recomputes the whole layout from the
//! header's config and quant scheme and requires every directory field to match it, so nothing read from the
//! file is trusted before it is checked against the file's length. Weights are used in place, mmapped.
use crate::config::ModelConfig;
use anyhow::{bail, Context, Result};
use std::fs::File;
use std::path::Path;

pub const MAGIC: &[u8; 8] = b"SMOL32MF";
pub const VERSION: u32 = 1;
pub const ALIGNMENT: u64 = 64;
pub const HEADER_BYTES: usize = 128;
pub const ENTRY_BYTES: usize = 48;
pub const MAX_EOS: u32 = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuantScheme {
    F32 = 0,
    Q8 = 1,  // int8, one scale per tensor
    Q8r = 2, // int8, one scale per output row
    Q8_0 = 3, // blocks of 32: float16 scale + 32 int8 codes (GGML Q8_0)
    Q4_0 = 4, // blocks of 32: float16 scale + 32 4-bit codes (GGML Q4_0)
}

/// Weights per block of the q8_0 / q4_0 schemes, and bytes per block.
pub const BLOCK: usize = 32;
pub const Q8_0_BLOCK_BYTES: usize = 34;
pub const Q4_0_BLOCK_BYTES: usize = 18;

impl QuantScheme {
    pub fn name(self) -> &'static str {
        match self {
            QuantScheme::F32 => "f32",
            QuantScheme::Q8 => "q8",
            QuantScheme::Q8r => "q8r",
            QuantScheme::Q8_0 => "q8_0",
            QuantScheme::Q4_0 => "q4_0",
        }
    }
    pub fn parse(name: &str) -> Result<QuantScheme> {
        match name {
            "f32" => Ok(QuantScheme::F32),
            "q8" => Ok(QuantScheme::Q8),
            "q8r" => Ok(QuantScheme::Q8r),
            "q8_0" => Ok(QuantScheme::Q8_0),
            "q4_0" => Ok(QuantScheme::Q4_0),
            _ => bail!("unknown quant scheme '{}' (valid: f32, q8, q8r, q8_0, q4_0)", name),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TensorKind {
    Embed = 0,
    AttnNorm,
    Wq,
    Wk,
    Wv,
    Wo,
    FfnNorm,
    WGate,
    WUp,
    WDown,
    FinalNorm,
    LmHead,
}

const KIND_NAMES: [&str; 12] = [
    "embed", "attn_norm", "wq", "wk", "wv", "wo", "ffn_norm", "w_gate", "w_up", "w_down", "final_norm", "lm_head",
];

impl TensorKind {
    pub fn name(self) -> &'static str {
        KIND_NAMES[self as usize]
    }
    fn is_norm(self) -> bool {
        matches!(self, TensorKind::AttnNorm | TensorKind::FfnNorm | TensorKind::FinalNorm)
    }
}

const LAYER_KINDS: [TensorKind; 9] = [
    TensorKind::AttnNorm,
    TensorKind::Wq,
    TensorKind::Wk,
    TensorKind::Wv,
    TensorKind::Wo,
    TensorKind::FfnNorm,
    TensorKind::WGate,
    TensorKind::WUp,
    TensorKind::WDown,
];

/// One directory entry, as the file holds it (dtype: 0 f32, 1 int8, 2 q8_0 blocks, 3 q4_0 blocks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorEntry {
    pub kind: u32,
    pub layer: u32,
    pub dtype: u32,
    pub rows: u32,
    pub cols: u32,
    pub scale_count: u32,
    pub data_offset: u64,
    pub data_bytes: u64,
    pub scales_offset: u64,
}

fn align_up(v: u64) -> u64 {
    (v + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT
}

fn shape(c: &ModelConfig, kind: TensorKind) -> (u32, u32) {
    let u = |v: i32| v as u32;
    match kind {
        TensorKind::Embed | TensorKind::LmHead => (u(c.vocab_size), u(c.hidden_size)),
        TensorKind::AttnNorm | TensorKind::FfnNorm | TensorKind::FinalNorm => (1, u(c.hidden_size)),
        TensorKind::Wq => (c.q_dim() as u32, u(c.hidden_size)),
        TensorKind::Wk | TensorKind::Wv => (c.kv_dim() as u32, u(c.hidden_size)),
        TensorKind::Wo => (u(c.hidden_size), c.q_dim() as u32),
        TensorKind::WGate | TensorKind::WUp => (u(c.intermediate_size), u(c.hidden_size)),
        TensorKind::WDown => (u(c.hidden_size), u(c.intermediate_size)),
    }
}

/// The tensors a config and scheme imply, in file order, with their offsets: the only layout a file may have.
pub fn plan_layout(c: &ModelConfig, quant: QuantScheme) -> (Vec<(TensorKind, TensorEntry)>, u64) {
    let mut kinds = vec![(TensorKind::Embed, 0u32)];
    for layer in 0..c.n_layers as u32 {
        kinds.extend(LAYER_KINDS.iter().map(|&k| (k, layer)));
    }
    kinds.push((TensorKind::FinalNorm, 0));
    if !c.tie_word_embeddings {
        kinds.push((TensorKind::LmHead, 0));
    }
    let mut at = align_up((HEADER_BYTES + kinds.len() * ENTRY_BYTES) as u64);
    let mut out = Vec::with_capacity(kinds.len());
    for (kind, layer) in kinds {
        let (rows, cols) = shape(c, kind);
        // A block scheme stores a tensor whose rows are not whole blocks as q8r does (int8, a scale per row).
        let blocks = matches!(quant, QuantScheme::Q8_0 | QuantScheme::Q4_0) && cols as usize % BLOCK == 0;
        let (dtype, scale_count, data_bytes) = match (kind.is_norm(), quant) {
            (true, _) | (_, QuantScheme::F32) => (0, 0, u64::from(rows) * u64::from(cols) * 4),
            _ if blocks => {
                let (dtype, size) = if quant == QuantScheme::Q8_0 { (2, Q8_0_BLOCK_BYTES) } else { (3, Q4_0_BLOCK_BYTES) };
                (dtype, 0, u64::from(rows) * u64::from(cols) / BLOCK as u64 * size as u64)
            }
            (_, QuantScheme::Q8) => (1, 1, u64::from(rows) * u64::from(cols)),
            _ => (1, rows, u64::from(rows) * u64::from(cols)),
        };
        let data_offset = at;
        at = align_up(at + data_bytes);
        let mut scales_offset = 0;
        if scale_count > 0 {
            scales_offset = at;
            at = align_up(at + u64::from(scale_count) * 4);
        }
        let entry = TensorEntry {
            kind: kind as u32,
            layer,
            dtype,
            rows,
            cols,
            scale_count,
            data_offset,
            data_bytes,
            scales_offset,
        };
        out.push((kind, entry));
    }
    (out, at)
}

/// A [rows, cols] row-major weight matrix viewed in the file.
#[derive(Clone, Copy)]
pub enum Weights<'a> {
    F32(&'a [f32]),
    /// int8 values and their scales: one per tensor, or one per row.
    Q8 { q: &'a [i8], scales: &'a [f32] },
    /// Rows of 32-weight blocks, each a little-endian float16 scale then its codes.
    Q8_0(&'a [u8]),
    Q4_0(&'a [u8]),
}

#[derive(Clone, Copy)]
pub struct Matrix<'a> {
    pub rows: usize,
    pub cols: usize,
    pub w: Weights<'a>,
}

impl<'a> Matrix<'a> {
    /// The scale of an int8 row's dot product (1 for the others: a block carries its own).
    pub fn scale(&self, row: usize) -> f32 {
        match self.w {
            Weights::Q8 { scales, .. } => scales[if scales.len() == 1 { 0 } else { row }],
            _ => 1.0,
        }
    }

    /// Row `row` as float32 into `out` (int8 rows unscaled, block rows as code x scale, exact in float32).
    pub fn row_f32(&self, row: usize, out: &mut [f32]) {
        let cols = self.cols;
        match self.w {
            Weights::F32(w) => out.copy_from_slice(&w[row * cols..(row + 1) * cols]),
            Weights::Q8 { q, .. } => {
                for (o, &v) in out.iter_mut().zip(&q[row * cols..(row + 1) * cols]) {
                    *o = f32::from(v);
                }
            }
            Weights::Q8_0(b) => {
                let bytes = &b[row * cols / BLOCK * Q8_0_BLOCK_BYTES..][..cols / BLOCK * Q8_0_BLOCK_BYTES];
                for (block, o) in bytes.chunks_exact(Q8_0_BLOCK_BYTES).zip(out.chunks_exact_mut(BLOCK)) {
                    let d = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
                    for (o, &q) in o.iter_mut().zip(&block[2..]) {
                        *o = f32::from(q as i8) * d;
                    }
                }
            }
            Weights::Q4_0(b) => {
                let bytes = &b[row * cols / BLOCK * Q4_0_BLOCK_BYTES..][..cols / BLOCK * Q4_0_BLOCK_BYTES];
                for (block, o) in bytes.chunks_exact(Q4_0_BLOCK_BYTES).zip(out.chunks_exact_mut(BLOCK)) {
                    let d = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
                    for (j, &q) in block[2..].iter().enumerate() {
                        o[j] = f32::from((q & 15) as i8 - 8) * d;
                        o[j + 16] = f32::from((q >> 4) as i8 - 8) * d;
                    }
                }
            }
        }
    }
}

/// IEEE float16 bits -> float32, exact (subnormals normalised, infinities and NaNs kept).
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let exponent = u32::from((h >> 10) & 0x1f);
    let mantissa = u32::from(h & 0x3ff);
    let bits = match (exponent, mantissa) {
        (0x1f, m) => sign | 0x7f80_0000 | (m << 13),
        (0, 0) => sign,
        (0, m) => {
            let shift = m.leading_zeros() - 21; // bring the leading 1 to bit 10
            sign | ((113 - shift) << 23) | (((m << shift) & 0x3ff) << 13)
        }
        (e, m) => sign | ((e + 112) << 23) | (m << 13),
    };
    f32::from_bits(bits)
}



pub struct LayerWeights<'a> {
    pub attn_norm: &'a [f32],
    pub wq: Matrix<'a>,
    pub wk: Matrix<'a>,
    pub wv: Matrix<'a>,
    pub wo: Matrix<'a>,
    pub ffn_norm: &'a [f32],
    pub w_gate: Matrix<'a>,
    pub w_up: Matrix<'a>,
    pub w_down: Matrix<'a>,
}

pub struct ModelWeights<'a> {
    pub config: ModelConfig,
    pub quant: QuantScheme,
    pub embed: Matrix<'a>,
    pub layers: Vec<LayerWeights<'a>>,
    pub final_norm: &'a [f32],
    pub lm_head: Matrix<'a>, // the embedding itself when tied
}

/// A model file mapped into memory; `weights()` validates it and views the tensors in place.
pub struct ModelFile {
    path: String,
    map: memmap2::Mmap,
}

impl ModelFile {
    pub fn open(path: &Path) -> Result<ModelFile> {
        let name = path.display().to_string();
        if path.is_dir() {
            bail!("{}: is a directory; smol-rs reads smol32 model files (make one with `smol convert`)", name);
        }
        let file = File::open(path).with_context(|| format!("{}: cannot open", name))?;
        // SAFETY: the mapping is read-only and private; the file is not expected to change under us (as the
        // C++ engine's mapped_file assumes).
        let map = unsafe { memmap2::Mmap::map(&file) }.with_context(|| format!("{}: cannot map", name))?;
        Ok(ModelFile { path: name, map })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    pub fn weights(&self) -> Result<ModelWeights<'_>> {
        view_model_image(&self.map, &self.path)
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
fn i32_at(b: &[u8], at: usize) -> i32 {
    i32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
fn f32_at(b: &[u8], at: usize) -> f32 {
    f32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

fn read_config(b: &[u8], source: &str) -> Result<ModelConfig> {
    let size = |i: usize| i32_at(b, 32 + 4 * i);
    let tied = u32_at(b, 72);
    if tied > 1 {
        bail!("{}: header field tie_word_embeddings is {}, expected 0 or 1", source, tied);
    }
    let eos_count = u32_at(b, 80);
    if eos_count > MAX_EOS {
        bail!("{}: header field eos_count is {}, at most {}", source, eos_count, MAX_EOS);
    }
    let c = ModelConfig {
        vocab_size: size(0),
        hidden_size: size(1),
        intermediate_size: size(2),
        n_layers: size(3),
        n_heads: size(4),
        n_kv_heads: size(5),
        head_dim: size(6),
        max_position_embeddings: size(7),
        rope_theta: f32_at(b, 64),
        rms_norm_eps: f32_at(b, 68),
        tie_word_embeddings: tied == 1,
        bos_token_id: i32_at(b, 76),
        eos_token_ids: (0..eos_count as usize).map(|i| i32_at(b, 84 + 4 * i)).collect(),
    };
    c.validate(source)?;
    Ok(c)
}

fn read_entry(b: &[u8], at: usize) -> TensorEntry {
    TensorEntry {
        kind: u32_at(b, at),
        layer: u32_at(b, at + 4),
        dtype: u32_at(b, at + 8),
        rows: u32_at(b, at + 12),
        cols: u32_at(b, at + 16),
        scale_count: u32_at(b, at + 20),
        data_offset: u64_at(b, at + 24),
        data_bytes: u64_at(b, at + 32),
        scales_offset: u64_at(b, at + 40),
    }
}

fn check_entry(found: &TensorEntry, want: &TensorEntry, index: usize, kind: TensorKind, source: &str) -> Result<()> {
    let fields: [(&str, u64, u64); 9] = [
        ("kind", found.kind.into(), want.kind.into()),
        ("layer", found.layer.into(), want.layer.into()),
        ("dtype", found.dtype.into(), want.dtype.into()),
        ("rows", found.rows.into(), want.rows.into()),
        ("cols", found.cols.into(), want.cols.into()),
        ("scale_count", found.scale_count.into(), want.scale_count.into()),
        ("data_offset", found.data_offset, want.data_offset),
        ("data_bytes", found.data_bytes, want.data_bytes),
        ("scales_offset", found.scales_offset, want.scales_offset),
    ];
    for (field, got, expected) in fields {
        if got != expected {
            bail!(
                "{}: tensor {} ({} of layer {}): field {} is {}, expected {}",
                source, index, kind.name(), want.layer, field, got, expected
            );
        }
    }
    Ok(())
}

/// Reinterprets a 4-byte-aligned, in-bounds byte range (checked by the layout) as f32 values.
fn f32_slice(b: &[u8], offset: u64, count: usize) -> &[f32] {
    let bytes = &b[offset as usize..offset as usize + 4 * count];
    // SAFETY: every bit pattern is a valid f32; align_to gives an empty prefix for an aligned range.
    let (prefix, values, _) = unsafe { bytes.align_to::<f32>() };
    assert!(prefix.is_empty(), "model data is not 4-byte aligned");
    &values[..count]
}

fn i8_slice(b: &[u8], offset: u64, count: usize) -> &[i8] {
    let bytes = &b[offset as usize..offset as usize + count];
    // SAFETY: i8 and u8 have the same size and alignment, and every bit pattern is valid.
    unsafe { std::slice::from_raw_parts(bytes.as_ptr() as *const i8, count) }
}

fn matrix<'a>(e: &TensorEntry, b: &'a [u8]) -> Matrix<'a> {
    let (rows, cols) = (e.rows as usize, e.cols as usize);
    let blocks = &b[e.data_offset as usize..(e.data_offset + e.data_bytes) as usize];
    let w = match e.dtype {
        0 => Weights::F32(f32_slice(b, e.data_offset, rows * cols)),
        1 => Weights::Q8 {
            q: i8_slice(b, e.data_offset, rows * cols),
            scales: f32_slice(b, e.scales_offset, e.scale_count as usize),
        },
        2 => Weights::Q8_0(blocks),
        _ => Weights::Q4_0(blocks),
    };
    Matrix { rows, cols, w }
}

/// Validates a model image (every field, offset and size, against the bytes' length) and views its tensors.
pub fn view_model_image<'a>(b: &'a [u8], source: &str) -> Result<ModelWeights<'a>> {
    if b.len() < HEADER_BYTES {
        bail!(
            "{}: {} bytes is too short for a smol32 model file (header is {} bytes)",
            source, b.len(), HEADER_BYTES
        );
    }
    if &b[0..8] != MAGIC {
        bail!("{}: not a smol32 model file (bad magic)", source);
    }
    let version = u32_at(b, 8);
    if version != VERSION {
        bail!("{}: model file version {} is not supported (this build reads version {})", source, version, VERSION);
    }
    let quant = match u32_at(b, 12) {
        0 => QuantScheme::F32,
        1 => QuantScheme::Q8,
        2 => QuantScheme::Q8r,
        3 => QuantScheme::Q8_0,
        4 => QuantScheme::Q4_0,
        other => bail!("{}: header field quant is {}, expected 0..4 (f32, q8, q8r, q8_0, q4_0)", source, other),
    };
    let file_bytes = u64_at(b, 24);
    if file_bytes != b.len() as u64 {
        bail!("{}: file is {} bytes but its header says {} (truncated or padded)", source, b.len(), file_bytes);
    }
    let config = read_config(b, source)?;
    let (layout, total) = plan_layout(&config, quant);
    let tensor_count = u32_at(b, 16);
    if tensor_count as usize != layout.len() {
        bail!("{}: header field tensor_count is {}, the config implies {}", source, tensor_count, layout.len());
    }
    if total != b.len() as u64 {
        bail!("{}: file is {} bytes, the config and quant scheme imply {}", source, b.len(), total);
    }
    for (i, (kind, want)) in layout.iter().enumerate() {
        check_entry(&read_entry(b, HEADER_BYTES + i * ENTRY_BYTES), want, i, *kind, source)?;
    }

    let hidden = config.hidden_size as usize;
    let vector = |e: &TensorEntry| f32_slice(b, e.data_offset, hidden);
    let mut entries = layout.iter();
    let mut next = |want: TensorKind| {
        let (kind, e) = entries.next().expect("layout checked above");
        assert_eq!(*kind, want, "layout order");
        e
    };
    let embed = matrix(next(TensorKind::Embed), b);
    let mut layers = Vec::with_capacity(config.n_layers as usize);
    for _ in 0..config.n_layers {
        layers.push(LayerWeights {
            attn_norm: vector(next(TensorKind::AttnNorm)),
            wq: matrix(next(TensorKind::Wq), b),
            wk: matrix(next(TensorKind::Wk), b),
            wv: matrix(next(TensorKind::Wv), b),
            wo: matrix(next(TensorKind::Wo), b),
            ffn_norm: vector(next(TensorKind::FfnNorm)),
            w_gate: matrix(next(TensorKind::WGate), b),
            w_up: matrix(next(TensorKind::WUp), b),
            w_down: matrix(next(TensorKind::WDown), b),
        });
    }
    let final_norm = vector(next(TensorKind::FinalNorm));
    let lm_head = if config.tie_word_embeddings { embed } else { matrix(next(TensorKind::LmHead), b) };
    Ok(ModelWeights { config, quant, embed, layers, final_norm, lm_head })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_config() -> ModelConfig {
        ModelConfig {
            vocab_size: 11,
            hidden_size: 8,
            intermediate_size: 12,
            n_layers: 2,
            n_heads: 2,
            n_kv_heads: 1,
            head_dim: 4,
            max_position_embeddings: 16,
            rope_theta: 10000.0,
            rms_norm_eps: 1e-5,
            tie_word_embeddings: false,
            bos_token_id: 1,
            eos_token_ids: vec![2, 3],
        }
    }

    /// A model image written from the layout (zero weights, unit scales), as docs/model-format.md describes.
    fn image(c: &ModelConfig, quant: QuantScheme) -> Vec<u8> {
        let (layout, total) = plan_layout(c, quant);
        let mut b = vec![0u8; total as usize];
        b[0..8].copy_from_slice(MAGIC);
        let mut put = |at: usize, bytes: &[u8]| b[at..at + bytes.len()].copy_from_slice(bytes);
        put(8, &VERSION.to_le_bytes());
        put(12, &(quant as u32).to_le_bytes());
        put(16, &(layout.len() as u32).to_le_bytes());
        put(24, &total.to_le_bytes());
        let sizes = [c.vocab_size, c.hidden_size, c.intermediate_size, c.n_layers, c.n_heads, c.n_kv_heads,
                     c.head_dim, c.max_position_embeddings];
        for (i, v) in sizes.iter().enumerate() {
            put(32 + 4 * i, &v.to_le_bytes());
        }
        put(64, &c.rope_theta.to_le_bytes());
        put(68, &c.rms_norm_eps.to_le_bytes());
        put(72, &(c.tie_word_embeddings as u32).to_le_bytes());
        put(76, &c.bos_token_id.to_le_bytes());
        put(80, &(c.eos_token_ids.len() as u32).to_le_bytes());
        for (i, v) in c.eos_token_ids.iter().enumerate() {
            put(84 + 4 * i, &v.to_le_bytes());
        }
        for (i, (_, e)) in layout.iter().enumerate() {
            let at = HEADER_BYTES + i * ENTRY_BYTES;
            for (j, v) in [e.kind, e.layer, e.dtype, e.rows, e.cols, e.scale_count].iter().enumerate() {
                put(at + 4 * j, &v.to_le_bytes());
            }
            put(at + 24, &e.data_offset.to_le_bytes());
            put(at + 32, &e.data_bytes.to_le_bytes());
            put(at + 40, &e.scales_offset.to_le_bytes());
        }
        b
    }

    #[test]
    fn layout_is_aligned_and_in_the_documented_order() {
        let c = tiny_config();
        for quant in [QuantScheme::F32, QuantScheme::Q8, QuantScheme::Q8r] {
            let (layout, total) = plan_layout(&c, quant);
            assert_eq!(layout.len(), 1 + 9 * 2 + 2);
            assert_eq!(layout[2].0, TensorKind::Wq);
            assert_eq!(layout.last().unwrap().0, TensorKind::LmHead);
            let mut end = (HEADER_BYTES + layout.len() * ENTRY_BYTES) as u64;
            for (kind, e) in &layout {
                assert_eq!(e.data_offset % ALIGNMENT, 0);
                assert!(e.data_offset >= end, "{:?} overlaps", kind);
                end = e.data_offset + e.data_bytes;
                if e.scale_count > 0 {
                    assert_eq!(e.scales_offset % ALIGNMENT, 0);
                    assert!(e.scales_offset >= end);
                    end = e.scales_offset + 4 * u64::from(e.scale_count);
                }
            }
            assert_eq!(total % ALIGNMENT, 0);
            let b = image(&c, quant);
            let w = view_model_image(&b, "m.smol").unwrap();
            assert_eq!(w.config, c);
            assert_eq!(w.quant, quant);
            assert_eq!(w.layers.len(), 2);
            assert_eq!((w.lm_head.rows, w.lm_head.cols), (11, 8));
        }
    }

    #[test]
    fn tied_file_has_no_lm_head_and_reuses_the_embedding() {
        let mut c = tiny_config();
        c.tie_word_embeddings = true;
        let b = image(&c, QuantScheme::Q8);
        let w = view_model_image(&b, "m.smol").unwrap();
        assert!(matches!(w.lm_head.w, Weights::Q8 { .. }));
        assert_eq!(w.lm_head.rows, c.vocab_size as usize);
    }

    #[test]
    fn every_deviation_is_named() {
        let c = tiny_config();
        let good = image(&c, QuantScheme::Q8r);
        let err = |b: &[u8]| view_model_image(b, "m.smol").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err(&good[..100]).contains("too short"));
        assert!(err(&good[..good.len() - 64]).contains("truncated or padded"));
        let mut b = good.clone();
        b[128 + 2 * 48 + 24] ^= 0x40; // wq's data_offset
        assert!(err(&b).starts_with("m.smol: tensor 2 (wq of layer 0): field data_offset is"), "{}", err(&b));
        let mut b = good.clone();
        b[128 + 5 * 48 + 20] = 1; // wo's scale_count: per tensor in a per-row file
        assert!(err(&b).contains("tensor 5 (wo of layer 0): field scale_count is 1, expected 8"), "{}", err(&b));
        let mut b = good.clone();
        b[32 + 4 * 4] = 3; // 3 heads, 1 kv head: fine; head_dim 4 * 3 = 12 rows of wq, so the layout moves
        assert!(err(&b).contains("bytes, the config and quant scheme imply"), "{}", err(&b));
        let mut b = good;
        b[32 + 4 * 6] = 5; // odd head_dim
        assert!(err(&b).contains("head_dim 5 must be even"), "{}", err(&b));
    }

    #[test]
    fn float16_widens_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24)); // smallest subnormal
        assert_eq!(f16_to_f32(0x03ff), 1023.0 * 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x8000).to_bits(), 0x8000_0000);
        assert!(f16_to_f32(0x7c00).is_infinite() && f16_to_f32(0x7e00).is_nan());
    }

    /// f32 -> f16 bits for values exactly representable in float16 (the test's scales are).
    fn exact_f16(v: f32) -> u16 {
        let h = (0..=0xffffu16).find(|&h| f16_to_f32(h) == v).expect("representable");
        h
    }

    #[test]
    fn block_rows_decode_as_code_times_scale() {
        // One row of two blocks each: q8_0 codes j - 16 with d = 0.25, q4_0 codes (j % 16) with d = -0.5.
        let d8 = exact_f16(0.25).to_le_bytes();
        let mut q8 = Vec::new();
        for _ in 0..2 {
            q8.extend_from_slice(&d8);
            q8.extend((0..32).map(|j| (j as i8 - 16) as u8));
        }
        let m = Matrix { rows: 1, cols: 64, w: Weights::Q8_0(&q8) };
        let mut out = vec![0.0f32; 64];
        m.row_f32(0, &mut out);
        for j in 0..64 {
            assert_eq!(out[j], ((j % 32) as f32 - 16.0) * 0.25);
        }
        let d4 = exact_f16(-0.5).to_le_bytes();
        let mut q4 = Vec::new();
        for _ in 0..2 {
            q4.extend_from_slice(&d4);
            q4.extend((0..16u8).map(|j| j | ((15 - j) << 4))); // weight j: code j, weight j + 16: code 15 - j
        }
        let m = Matrix { rows: 1, cols: 64, w: Weights::Q4_0(&q4) };
        m.row_f32(0, &mut out);
        for j in 0..16 {
            assert_eq!(out[j], (j as f32 - 8.0) * -0.5);
            assert_eq!(out[j + 16], ((15 - j) as f32 - 8.0) * -0.5);
        }
        assert_eq!(m.scale(0), 1.0);
    }

    #[test]
    fn block_schemes_keep_rows_that_are_not_whole_blocks_as_int8() {
        let mut c = tiny_config();
        c.hidden_size = 64;
        c.head_dim = 32;
        c.intermediate_size = 40; // w_down's rows are 40 wide: int8 with a scale per row
        for (quant, dtype, block) in [(QuantScheme::Q8_0, 2, 34u64), (QuantScheme::Q4_0, 3, 18)] {
            let (layout, _) = plan_layout(&c, quant);
            for (kind, e) in &layout {
                if kind.is_norm() {
                    assert_eq!(e.dtype, 0);
                } else if e.cols % 32 == 0 {
                    assert_eq!((e.dtype, e.scale_count, e.data_bytes), (dtype, 0, u64::from(e.rows * e.cols) / 32 * block));
                } else {
                    assert_eq!(*kind, TensorKind::WDown);
                    assert_eq!((e.dtype, e.scale_count), (1, e.rows));
                }
            }
            let bytes = image(&c, quant);
            let w = view_model_image(&bytes, "m.smol").unwrap();
            assert!(matches!(w.layers[0].w_down.w, Weights::Q8 { .. }));
            assert!(matches!(w.layers[0].wq.w, Weights::Q8_0(_) | Weights::Q4_0(_)));
        }
    }
}
