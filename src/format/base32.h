// Nix's base-32 ("nix32"), used in store paths and `sha256:` hashes.
//
// It is not RFC 4648 base32: the alphabet drops e, o, u and t (to avoid
// accidental words), and the input is read as one little-endian bit string
// printed most-significant digit first, so the *last* byte drives the
// *first* character.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::format {

inline constexpr std::string_view kNix32Alphabet = "0123456789abcdfghijklmnpqrsvwxyz";

// Characters needed for `bytes` bytes: ceil(bytes * 8 / 5); 0 for 0.
size_t nix32Length(size_t bytes);

bool isNix32Char(char c);

std::string nix32Encode(std::span<const uint8_t> bytes);

// Decodes floor(len * 5 / 8) bytes, the inverse of nix32Encode for every
// length it produces. nullopt on a character outside the alphabet or when
// the string carries set bits beyond the last whole byte (Nix refuses
// those too: they would mean a longer digest than the length implies).
std::optional<std::vector<uint8_t>> nix32Decode(std::string_view s);

} // namespace bastion::format
