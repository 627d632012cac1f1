#include "format/base32.h"

#include <array>

namespace bastion::format {

namespace {

constexpr uint8_t kInvalid = 0xff;

constexpr std::array<uint8_t, 256> kReverse = [] {
  std::array<uint8_t, 256> table{};
  table.fill(kInvalid);
  for (size_t i = 0; i < kNix32Alphabet.size(); ++i)
    table[static_cast<uint8_t>(kNix32Alphabet[i])] = static_cast<uint8_t>(i);
  return table;
}();

} // namespace

size_t nix32Length(size_t bytes) { return (bytes * 8 + 4) / 5; }

bool isNix32Char(char c) { return kReverse[static_cast<uint8_t>(c)] != kInvalid; }

std::string nix32Encode(std::span<const uint8_t> bytes) {
  size_t len = nix32Length(bytes.size());
  std::string out;
  out.reserve(len);
  // Character k (counted from the right) holds bits [5k, 5k+5) of the
  // little-endian bit string, possibly straddling two bytes.
  for (size_t k = len; k-- > 0;) {
    size_t bit = k * 5;
    size_t i = bit / 8;
    unsigned shift = bit % 8;
    unsigned v = bytes[i] >> shift;
    if (i + 1 < bytes.size())
      v |= unsigned(bytes[i + 1]) << (8 - shift);
    out.push_back(kNix32Alphabet[v & 0x1f]);
  }
  return out;
}

std::optional<std::vector<uint8_t>> nix32Decode(std::string_view s) {
  std::vector<uint8_t> out(s.size() * 5 / 8);
  for (size_t k = 0; k < s.size(); ++k) {
    uint8_t digit = kReverse[static_cast<uint8_t>(s[s.size() - 1 - k])];
    if (digit == kInvalid)
      return std::nullopt;
    size_t bit = k * 5;
    size_t i = bit / 8;
    unsigned v = unsigned(digit) << (bit % 8); // at most 12 bits wide
    for (size_t byte = i; v != 0; ++byte, v >>= 8) {
      if (byte >= out.size())
        return std::nullopt; // bits past the end
      out[byte] |= static_cast<uint8_t>(v);
    }
  }
  return out;
}

} // namespace bastion::format
