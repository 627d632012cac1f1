// Hash parsing with Nix 2.8's rules and error texts, for the classic tools
// (nix-hash --to-base16/--to-base32). format::parseHashAny accepts the same
// strings, but words its errors as newer Nix does ("hash algorithm", …);
// the CLI promises Nix 2.8's messages.
#pragma once

#include <string_view>

#include "format/hash.h"

namespace bastion::cli {

// Nix 2.8's Hash::parseAny(s, algo): "<algo>:<digest>", "<algo>-<base64>"
// (SRI) or a bare digest told apart by its length. Throws UsageError for an
// unknown algorithm name and std::runtime_error (Nix's BadHash) otherwise.
format::Hash parseHashLegacy(std::string_view s, format::HashAlgo algo);

// Nix 2.8's parseHashType: UsageError "unknown hash algorithm '<name>'".
format::HashAlgo parseHashAlgoLegacy(std::string_view name);

} // namespace bastion::cli
