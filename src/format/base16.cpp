#include "format/base16.h"

#include "util/strings.h"

namespace bastion::format {

namespace {

constexpr char kDigits[] = "0123456789abcdef";

} // namespace

std::string base16Encode(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

std::optional<std::vector<uint8_t>> base16Decode(std::string_view s) {
  if (s.size() % 2 != 0)
    return std::nullopt;
  std::vector<uint8_t> out(s.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = util::hexDigitValue(s[2 * i]);
    int lo = util::hexDigitValue(s[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

} // namespace bastion::format
