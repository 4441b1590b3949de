//! GPT-2's byte <-> character map: bytes '!'..'~', 0xA1..0xAC and 0xAE..0xFF stand for themselves, the other
//! 68 map in increasing order to U+0100 + n (space -> 'Ġ' U+0120, '\n' -> 'Ċ' U+010A).

const fn is_self(b: u8) -> bool {
    (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE
}

const fn tables() -> ([u32; 256], [i16; 0x144]) {
    let mut to_char = [0u32; 256];
    let mut to_byte = [-1i16; 0x144];
    let (mut b, mut n) = (0usize, 0u32);
    while b < 256 {
        to_char[b] = if is_self(b as u8) { b as u32 } else { n += 1; 0xFF + n };
        to_byte[to_char[b] as usize] = b as i16;
        b += 1;
    }
    (to_char, to_byte)
}

const TABLES: ([u32; 256], [i16; 0x144]) = tables();

pub fn byte_char(byte: u8) -> char {
    char::from_u32(TABLES.0[byte as usize]).expect("U+0000..U+0143")
}

fn char_byte(c: char) -> Option<u8> {
    match TABLES.1.get(c as usize) {
        Some(&b) if b >= 0 => Some(b as u8),
        _ => None,
    }
}

/// The vocabulary spelling of raw bytes.
pub fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| byte_char(b)).collect()
}

/// HF's ByteLevel decoder on one token: its characters mapped back to bytes, or the token's own UTF-8 when
/// a character is outside the map (added tokens may hold any text).
pub fn decode_token(token: &str) -> Vec<u8> {
    token.chars().map(char_byte).collect::<Option<Vec<u8>>>().unwrap_or_else(|| token.as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    #[test]
    fn map_is_gpt2s() {
        assert_eq!(super::byte_char(b' '), '\u{120}');
        assert_eq!(super::byte_char(b'\n'), '\u{10A}');
        assert_eq!(super::byte_char(b'a'), 'a');
        assert_eq!(super::byte_char(0xAD), '\u{143}');
        for b in 0..=255u8 {
            assert_eq!(super::decode_token(&super::encode(&[b])), vec![b]);
        }
        assert_eq!(super::decode_token("<|im_start|>"), b"<|im_start|>".to_vec());
    }
}
