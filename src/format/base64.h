// Standard base64 (RFC 4648 alphabet, '=' padding), as used by SRI hashes,
// narinfo signatures and public keys.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::format {

// Always padded to a multiple of four characters.
std::string base64Encode(std::span<const uint8_t> bytes);
std::string base64Encode(std::string_view bytes);

// Padded length for `bytes` bytes.
size_t base64Length(size_t bytes);

// Strict RFC 4648 decoding: length a multiple of four, padding only at the
// end, no stray characters, unused trailing bits zero.
std::optional<std::vector<uint8_t>> base64Decode(std::string_view s);

// Nix's own, forgiving decoder, which hash parsing must mirror exactly:
// stops at the first '=', skips '\n', tolerates missing padding and
// ignores leftover bits. nullopt only on a character outside the alphabet.
std::optional<std::vector<uint8_t>> base64DecodeLenient(std::string_view s);

} // namespace bastion::format
