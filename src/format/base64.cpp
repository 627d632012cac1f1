#include "format/base64.h"

#include <array>

namespace bastion::format {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr uint8_t kInvalid = 0xff;

constexpr std::array<uint8_t, 256> kReverse = [] {
  std::array<uint8_t, 256> table{};
  table.fill(kInvalid);
  for (size_t i = 0; i < kAlphabet.size(); ++i)
    table[static_cast<uint8_t>(kAlphabet[i])] = static_cast<uint8_t>(i);
  return table;
}();

} // namespace

size_t base64Length(size_t bytes) { return (bytes + 2) / 3 * 4; }

std::string base64Encode(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(base64Length(bytes.size()));
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = acc << 8 | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[acc >> bits & 0x3f]);
    }
  }
  if (bits > 0)
    out.push_back(kAlphabet[acc << (6 - bits) & 0x3f]);
  while (out.size() % 4 != 0)
    out.push_back('=');
  return out;
}

std::string base64Encode(std::string_view bytes) {
  return base64Encode(std::span(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
}

std::optional<std::vector<uint8_t>> base64Decode(std::string_view s) {
  if (s.size() % 4 != 0)
    return std::nullopt;
  size_t pad = 0;
  while (pad < 2 && pad < s.size() && s[s.size() - 1 - pad] == '=')
    ++pad;
  std::string_view body = s.substr(0, s.size() - pad);
  std::vector<uint8_t> out;
  out.reserve(body.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : body) {
    uint8_t v = kReverse[static_cast<uint8_t>(c)];
    if (v == kInvalid)
      return std::nullopt; // also catches inner '='
    acc = acc << 6 | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  // A final group of one character cannot encode a byte, and set
  // leftover bits mean a non-canonical encoding.
  if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0)
    return std::nullopt;
  return out;
}

std::optional<std::vector<uint8_t>> base64DecodeLenient(std::string_view s) {
  std::vector<uint8_t> out;
  out.reserve(s.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=')
      break;
    if (c == '\n')
      continue;
    uint8_t v = kReverse[static_cast<uint8_t>(c)];
    if (v == kInvalid)
      return std::nullopt;
    acc = (acc << 6 | v) & 0xfff; // never needs more than 12 bits
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  return out;
}

} // namespace bastion::format
