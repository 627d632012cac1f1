// The settings of binary caches, from nix.conf and --option, with the
// safe defaults: no substituters unless the user lists some, no trusted
// keys unless listed, require-sigs = true, substitute = true.
//   substituters, extra-substituters          cache URLs, in order
//   trusted-public-keys, extra-…              "name:base64" keys
//   require-sigs                              false: accept unsigned narinfo
//   substitute                                false: build everything
//   max-substitution-jobs                     NARs fetched at once (4)
//   secret-key-files                          keys nix-copy --to signs with
#pragma once

#include <map>
#include <string>
#include <vector>

#include "format/signature.h"
#include "lang/eval.h"
#include "store/substitute.h"

namespace bastion::cli {

// Throws std::runtime_error naming the setting for a bad value.
store::SubstituteSettings substituteSettingsFrom(const lang::EvalSettings &settings);
bool substituteEnabled(const lang::EvalSettings &settings);
// The keys of secret-key-files (read from those files).
std::vector<format::SecretKey> secretKeysFrom(const lang::EvalSettings &settings);
format::SecretKey readSecretKeyFile(const std::string &path);

} // namespace bastion::cli
