//! The smol32 engine, ported to Rust from the project's documents: the model file (docs/model-format.md),
//! a LLaMA-family forward pass with a KV cache whose float32 numerics reproduce the C++ engine's summation
//! orders exactly (docs/rust.md), and the seeded sampler. Sections in dependency order: config, model file,
//! kernels, transformer, sampler, generation loop, .npy output.
pub mod config;
pub mod generate;
pub mod kernels;
pub mod model_file;
pub mod npy;
pub mod rope;
pub mod sampler;
pub mod transformer;
