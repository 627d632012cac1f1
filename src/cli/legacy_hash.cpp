#include "cli/legacy_hash.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "cli/legacy_args.h"
#include "format/base16.h"
#include "format/base32.h"
#include "format/base64.h"

namespace bastion::cli {

using namespace bastion::format;

namespace {

[[noreturn]] void badHash(const std::string &msg) { throw std::runtime_error(msg); }

// Nix 2.8's Hash(rest, type, isSRI) constructor.
Hash decode(std::string_view rest, HashAlgo algo, bool isSRI) {
  Hash hash(algo);
  const std::string text(rest);
  if (!isSRI && rest.size() == 2 * hash.size) {
    auto d = base16Decode(rest);
    if (!d)
      badHash("invalid base-16 hash '" + text + "'");
    std::memcpy(hash.bytes, d->data(), hash.size);
  } else if (!isSRI && rest.size() == nix32Length(hash.size)) {
    // nix32Decode refuses what Nix 2.8 refuses: characters outside the
    // alphabet and set bits beyond the digest.
    auto d = nix32Decode(rest);
    if (!d || d->size() != hash.size)
      badHash("invalid base-32 hash '" + text + "'");
    std::memcpy(hash.bytes, d->data(), hash.size);
  } else if (isSRI || rest.size() == base64Length(hash.size)) {
    auto d = base64DecodeLenient(rest);
    // Nix 2.8 means to name the character, but it is formatted through
    // a colour wrapper whose first byte (an escape) is then filtered
    // out, so the quotes are always empty. Kept byte-identical.
    if (!d)
      badHash("invalid character in Base64 string: ''");
    if (d->size() != hash.size)
      badHash(std::string("invalid ") + (isSRI ? "SRI" : "base-64") + " hash '" + text + "'");
    std::memcpy(hash.bytes, d->data(), hash.size);
  } else {
    badHash("hash '" + text + "' has wrong length for hash type '" +
            std::string(hashAlgoName(algo)) + "'");
  }
  return hash;
}

} // namespace

HashAlgo parseHashAlgoLegacy(std::string_view name) {
  if (auto algo = parseHashAlgo(name))
    return *algo;
  throw UsageError("unknown hash algorithm '" + std::string(name) + "'");
}

Hash parseHashLegacy(std::string_view original, HashAlgo algo) {
  std::string_view rest = original;
  bool isSRI = false;
  std::optional<HashAlgo> parsed;
  size_t sep = rest.find(':');
  if (sep == std::string_view::npos) {
    sep = rest.find('-');
    isSRI = sep != std::string_view::npos;
  }
  if (sep != std::string_view::npos) {
    parsed = parseHashAlgoLegacy(rest.substr(0, sep));
    rest.remove_prefix(sep + 1);
  }
  if (parsed && *parsed != algo)
    badHash("hash '" + std::string(original) + "' should have type '" +
            std::string(hashAlgoName(algo)) + "'");
  return decode(rest, algo, isSRI);
}

} // namespace bastion::cli
