// Hexadecimal (base-16) encoding, as Nix prints hashes: lower case out,
// either case accepted in.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::format {

std::string base16Encode(std::span<const uint8_t> bytes);

// nullopt on odd length or on any character outside [0-9a-fA-F].
std::optional<std::vector<uint8_t>> base16Decode(std::string_view s);

} // namespace bastion::format
