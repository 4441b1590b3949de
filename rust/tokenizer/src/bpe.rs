//! The BPE merge engine: a piece's bytes -> token ids, as HF's BPE model with a ByteLevel alphabet. Every
//! byte becomes its token (a byte without one is dropped, or becomes unk if the file has an unk_token), then
//! the lowest-ranked adjacent pair is merged, leftmost first, until none applies: a heap over a linked list,
//! O(n log n) for a piece of n bytes.
use crate::byte_level;
use crate::json::TokenizerSpec;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

pub struct BpeModel {
    byte_ids: [i32; 256],
    merges: HashMap<(i32, i32), (u32, i32)>, // pair -> (rank, result); a repeated pair takes its later rank
    unk_id: Option<i32>,
    fuse_unk: bool,
    whole_words: Option<HashMap<Vec<u8>, i32>>, // raw bytes -> id, for ignore_merges
}

/// Words already encoded in one encode call.
#[derive(Default)]
pub struct WordCache {
    words: HashMap<Vec<u8>, Vec<i32>>,
}

const CACHEABLE_BYTES: usize = 256;
const CACHE_LIMIT: usize = 1 << 18;

impl BpeModel {
    pub fn new(spec: &TokenizerSpec) -> BpeModel {
        let mut ids: HashMap<&str, i32> = HashMap::new();
        for (id, t) in spec.vocab.iter().enumerate() {
            if let Some(t) = t {
                ids.insert(t.as_str(), id as i32);
            }
        }
        let mut byte_ids = [-1i32; 256];
        for (b, id) in byte_ids.iter_mut().enumerate() {
            *id = ids.get(byte_level::encode(&[b as u8]).as_str()).copied().unwrap_or(-1);
        }
        let mut merges = HashMap::with_capacity(spec.merges.len());
        for (rank, &(a, b)) in spec.merges.iter().enumerate() {
            let text = |id: i32| spec.vocab[id as usize].as_deref().unwrap_or("");
            let result = ids[format!("{}{}", text(a), text(b)).as_str()]; // checked by the parser
            merges.insert((a, b), (rank as u32, result));
        }
        let whole_words = spec.ignore_merges.then(|| {
            let mut words = HashMap::new();
            for (id, t) in spec.vocab.iter().enumerate() {
                if let Some(t) = t {
                    let raw = byte_level::decode_token(t);
                    if byte_level::encode(&raw) == *t {
                        words.insert(raw, id as i32);
                    }
                }
            }
            words
        });
        BpeModel { byte_ids, merges, unk_id: spec.unk_id, fuse_unk: spec.fuse_unk, whole_words }
    }

    fn initial_symbols(&self, piece: &[u8]) -> Vec<i32> {
        let mut symbols = Vec::with_capacity(piece.len());
        let mut previous_unk = false;
        for &b in piece {
            let id = self.byte_ids[b as usize];
            if id >= 0 {
                symbols.push(id);
                previous_unk = false;
            } else if let Some(unk) = self.unk_id {
                if !(self.fuse_unk && previous_unk) {
                    symbols.push(unk);
                }
                previous_unk = true;
            }
        }
        symbols
    }

    fn merge(&self, mut symbols: Vec<i32>) -> Vec<i32> {
        let n = symbols.len();
        let mut next: Vec<Option<usize>> = (0..n).map(|i| if i + 1 < n { Some(i + 1) } else { None }).collect();
        let mut prev: Vec<Option<usize>> = (0..n).map(|i| i.checked_sub(1)).collect();
        let mut alive = vec![true; n];
        // (rank, position): the smallest is the lowest rank, leftmost. A rank names one pair, so an entry is
        // current exactly when the pair now at its position still has that rank.
        let mut queue = BinaryHeap::new();
        let offer = |queue: &mut BinaryHeap<Reverse<(u32, usize)>>, symbols: &[i32], pos: usize, right: usize| {
            if let Some(&(rank, _)) = self.merges.get(&(symbols[pos], symbols[right])) {
                queue.push(Reverse((rank, pos)));
            }
        };
        for i in 0..n.saturating_sub(1) {
            offer(&mut queue, &symbols, i, i + 1);
        }
        while let Some(Reverse((rank, pos))) = queue.pop() {
            let right = match next[pos] {
                Some(r) if alive[pos] => r,
                _ => continue,
            };
            let (current_rank, result) = match self.merges.get(&(symbols[pos], symbols[right])) {
                Some(&m) => m,
                None => continue,
            };
            if current_rank != rank {
                continue; // stale: this pair has changed since it was queued
            }
            symbols[pos] = result;
            alive[right] = false;
            next[pos] = next[right];
            if let Some(after) = next[pos] {
                prev[after] = Some(pos);
                offer(&mut queue, &symbols, pos, after);
            }
            if let Some(before) = prev[pos] {
                offer(&mut queue, &symbols, before, pos);
            }
        }
        symbols.into_iter().zip(alive).filter(|(_, a)| *a).map(|(s, _)| s).collect()
    }

    /// Appends the ids of one pre-tokenized piece.
    pub fn encode_piece(&self, piece: &[u8], out: &mut Vec<i32>, cache: &mut WordCache) {
        let cacheable = piece.len() <= CACHEABLE_BYTES;
        if cacheable {
            if let Some(ids) = cache.words.get(piece) {
                out.extend_from_slice(ids);
                return;
            }
        }
        let ids = match self.whole_words.as_ref().and_then(|w| w.get(piece)) {
            Some(&id) => vec![id],
            None => self.merge(self.initial_symbols(piece)),
        };
        out.extend_from_slice(&ids);
        if cacheable && cache.words.len() < CACHE_LIMIT {
            cache.words.insert(piece.to_vec(), ids);
        }
    }
}
