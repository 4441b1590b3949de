#pragma once
// GPT-2's byte <-> unicode map: byte-level BPE vocabularies spell every byte as one printable character.
// Bytes '!'..'~', 0xA1..0xAC and 0xAE..0xFF stand for themselves; the other 68 map, in increasing order,
// to U+0100 + n (space -> U+0120 'Ġ', '\n' -> U+010A 'Ċ').
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smol {

char32_t byte_level_char(uint8_t byte);
std::optional<uint8_t> byte_level_byte(char32_t c);

// The vocabulary spelling of raw bytes (each byte becomes its character, UTF-8 encoded).
std::string byte_level_encode(std::string_view bytes);

// HF's ByteLevel decoder on one token: its characters mapped back to bytes, or, if any character is outside
// the map (added tokens may hold any text), the token's own UTF-8 bytes.
std::string byte_level_decode_token(std::string_view token);

}  // namespace smol
