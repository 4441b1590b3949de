//! Picks the next token: greedy at temperature 0, else temperature + top-k + top-p from a seeded
//! xoshiro256** generator (seeded through splitmix64), so a seed gives the same stream as the C++ engine.
use anyhow::{bail, Result};
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug)]
pub struct SamplingParams {
    pub temperature: f32, // 0: greedy
    pub top_k: i32,       // 0: off
    pub top_p: f32,       // 1: off
    pub seed: u64,
}

impl SamplingParams {
    pub fn validate(&self) -> Result<()> {
        if !(self.temperature >= 0.0) || !self.temperature.is_finite() {
            bail!("--temp {} is out of range: expected a finite value >= 0 (0 = greedy)", self.temperature);
        }
        if self.top_k < 0 {
            bail!("--top-k {} is out of range: expected >= 0 (0 = off)", self.top_k);
        }
        if !(self.top_p > 0.0 && self.top_p <= 1.0) {
            bail!("--top-p {} is out of range: expected a value in (0, 1]", self.top_p);
        }
        Ok(())
    }
}

pub struct RandomGenerator {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl RandomGenerator {
    pub fn new(seed: u64) -> RandomGenerator {
        let mut state = seed;
        let mut s = [0u64; 4];
        for word in &mut s {
            *word = splitmix64(&mut state);
        }
        RandomGenerator { s }
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// [0, 1) with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

pub struct Sampler {
    params: SamplingParams,
    rng: RandomGenerator,
    candidates: Vec<(f32, i32)>, // (unnormalised probability, id), reused across calls
}

/// The first index of the largest value (`<` comparisons, as std::max_element).
pub fn argmax(logits: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in logits.iter().enumerate() {
        if logits[best] < v {
            best = i;
        }
    }
    best
}

/// Most probable first; equal probabilities by id, so the order never depends on the sort algorithm.
fn by_probability(a: &(f32, i32), b: &(f32, i32)) -> Ordering {
    if a.0 != b.0 {
        if a.0 > b.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        }
    } else {
        a.1.cmp(&b.1)
    }
}

impl Sampler {
    pub fn new(params: SamplingParams) -> Result<Sampler> {
        params.validate()?;
        Ok(Sampler { params, rng: RandomGenerator::new(params.seed), candidates: Vec::new() })
    }

    pub fn sample(&mut self, logits: &[f32]) -> i32 {
        let p = self.params;
        if p.temperature == 0.0 {
            return argmax(logits) as i32;
        }
        // Unnormalised softmax of logits / temperature; the target is scaled by the kept mass instead.
        let max_logit = logits[argmax(logits)];
        self.candidates.clear();
        for (i, &l) in logits.iter().enumerate() {
            let prob = ((f64::from(l) - f64::from(max_logit)) / f64::from(p.temperature)).exp();
            self.candidates.push((prob as f32, i as i32));
        }
        let mut keep = self.candidates.len();
        if p.top_k > 0 && (p.top_k as usize) < keep {
            keep = p.top_k as usize;
            self.candidates.select_nth_unstable_by(keep - 1, by_probability);
            self.candidates[..keep].sort_unstable_by(by_probability);
        } else {
            self.candidates.sort_unstable_by(by_probability);
        }
        let kept = &self.candidates[..keep];
        let mut kept_mass: f64 = kept.iter().fold(0.0, |s, c| s + f64::from(c.0));
        if p.top_p < 1.0 {
            // The smallest prefix whose probability reaches top_p of what top-k kept (renormalised, as HF).
            let threshold = f64::from(p.top_p) * kept_mass;
            let mut cumulative = 0.0f64;
            for (i, c) in kept.iter().enumerate() {
                cumulative += f64::from(c.0);
                if cumulative >= threshold {
                    keep = i + 1;
                    kept_mass = cumulative;
                    break;
                }
            }
        }
        let target = self.rng.uniform() * kept_mass;
        let mut cumulative = 0.0f64;
        for c in &self.candidates[..keep] {
            cumulative += f64::from(c.0);
            if target < cumulative {
                return c.1;
            }
        }
        self.candidates[keep - 1].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // splitmix64's published first output for seed 0 (Vigna's reference implementation): a check of the
    // seeding that does not come from our own code.
    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        let mut state = 0u64;
        assert_eq!(splitmix64(&mut state), 0xe220_a839_7b1d_cdaf);
        assert_eq!(splitmix64(&mut state), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn uniform_is_in_unit_interval_and_reproducible() {
        let mut a = RandomGenerator::new(42);
        let mut b = RandomGenerator::new(42);
        for _ in 0..1000 {
            let u = a.uniform();
            assert!((0.0..1.0).contains(&u));
            assert_eq!(u.to_bits(), b.uniform().to_bits());
        }
        assert_ne!(RandomGenerator::new(1).next_u64(), RandomGenerator::new(2).next_u64());
    }

    #[test]
    fn greedy_takes_the_first_maximum() {
        let mut s = Sampler::new(SamplingParams { temperature: 0.0, top_k: 0, top_p: 1.0, seed: 0 }).unwrap();
        assert_eq!(s.sample(&[0.5, 2.0, -1.0, 2.0]), 1);
    }

    #[test]
    fn top_k_one_is_greedy_whatever_the_seed() {
        let logits = [0.1, 0.3, 3.0, 0.2, 2.9];
        for seed in 0..50 {
            let mut s = Sampler::new(SamplingParams { temperature: 1.5, top_k: 1, top_p: 1.0, seed }).unwrap();
            assert_eq!(s.sample(&logits), 2);
        }
    }

    #[test]
    fn top_p_keeps_only_the_nucleus() {
        // Probabilities at T=1 of [10, 0, 0, 0]: the first holds > 99.9%, so top_p 0.9 keeps it alone.
        let logits = [10.0, 0.0, 0.0, 0.0];
        for seed in 0..50 {
            let mut s = Sampler::new(SamplingParams { temperature: 1.0, top_k: 0, top_p: 0.9, seed }).unwrap();
            assert_eq!(s.sample(&logits), 0);
        }
    }

    #[test]
    fn sampling_follows_the_distribution() {
        // Two equal logits: each should come up about half the time over 4000 draws.
        let mut s = Sampler::new(SamplingParams { temperature: 1.0, top_k: 0, top_p: 1.0, seed: 7 }).unwrap();
        let ones = (0..4000).filter(|_| s.sample(&[1.0, 1.0]) == 1).count();
        assert!((1800..2200).contains(&ones), "{} of 4000", ones);
    }

    #[test]
    fn bad_parameters_are_refused_by_flag() {
        let bad = |t: f32, k: i32, p: f32| {
            Sampler::new(SamplingParams { temperature: t, top_k: k, top_p: p, seed: 0 }).err().unwrap().to_string()
        };
        assert!(bad(-1.0, 0, 1.0).starts_with("--temp"));
        assert!(bad(f32::NAN, 0, 1.0).starts_with("--temp"));
        assert!(bad(1.0, -3, 1.0).starts_with("--top-k"));
        assert!(bad(1.0, 0, 0.0).starts_with("--top-p"));
        assert!(bad(1.0, 0, 1.5).starts_with("--top-p"));
    }
}
