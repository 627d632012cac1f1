// Nix derivations (.drv files) in their ATerm form, and the hashes and
// paths computed from them ("hash derivation modulo", output paths, the
// .drv path itself). Follows Nix 2.8's libstore/derivations.cc.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "format/hash.h"
#include "format/store_path.h"

namespace bastion::format {

struct DerivationOutput {
  std::string path;     // "" when masked / deferred / floating CA
  std::string hashAlgo; // "" (input-addressed), "sha256", "r:sha256", "text:sha256", ...
  std::string hash;     // base16 digest for fixed outputs, else ""

  bool operator==(const DerivationOutput &) const = default;
};

struct Derivation {
  std::map<std::string, DerivationOutput> outputs;
  std::map<std::string /*drv path*/, std::set<std::string> /*output names*/> inputDrvs;
  std::set<std::string> inputSrcs;
  std::string platform, builder;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;

  bool operator==(const Derivation &) const = default;
};

// Malformed ATerm (parseDerivation) or a derivation that the hash/path
// functions cannot handle. what() says what went wrong and, for parse
// errors, at which byte offset: "error parsing derivation at offset 12:
// expected '(' but found 'x'".
struct DerivationError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Nix's ATerm, byte-identical: outputs, inputDrvs and env sorted by key,
// strings escaped (\" \\ \n \r \t). maskOutputs prints every output path
// and the env value of every output name as "". actualInputs, when given,
// replaces inputDrvs (hashDerivationModulo passes hash -> output names).
std::string
unparseDerivation(const Derivation &drv, bool maskOutputs = false,
                  const std::map<std::string, std::set<std::string>> *actualInputs = nullptr);

// Inverse of unparseDerivation for any text Nix 2.8 writes. Input-drv and
// source paths must be absolute; output paths absolute or "". Throws
// DerivationError on anything else, including trailing data.
Derivation parseDerivation(std::string_view text);

// One output "out" with a non-empty hash.
bool isFixedOutputDerivation(const Derivation &drv);

// Modulo hash of an input derivation (by drv path), as computed by
// hashDerivationModulo(inputDrv, false, ...).
using DrvHashLookup = std::function<Hash(const std::string &drvPath)>;

// Fixed-output: sha256("fixed:out:<hashAlgo>:<hash>:<out path>").
// Otherwise sha256 of the ATerm with each input drv replaced by the base16
// modulo hash of that derivation (inputs sharing a hash merge their
// output sets). Throws DerivationError for content-addressed (floating)
// outputs, which Nix 2.8 only supports experimentally.
Hash hashDerivationModulo(const Derivation &drv, bool maskOutputs, const DrvHashLookup &lookup);

// A lookup that reads input derivations (recursively) with `read` and
// memoises their modulo hashes. `read` gets the drv path and returns the
// parsed derivation.
DrvHashLookup makeDrvHashLookup(std::function<Derivation(const std::string &drvPath)> read);

// Output paths, as derivationStrict computes them:
//  * fixed-output: makeFixedOutputPath(method from hashAlgo, hash,
//    outputPathName(drvName, "out"));
//  * input-addressed: with every output path and output env var set to ""
//    h = hashDerivationModulo(drv, true, lookup), then for each output
//    makeOutputPath(name, h, drvName).
std::map<std::string, StorePath> computeOutputPaths(const Derivation &drv, std::string_view drvName,
                                                    const DrvHashLookup &lookup,
                                                    std::string_view storeDir = kDefaultStoreDir);

// Sets outputs[*].path and env[<output>] from computeOutputPaths.
void fillOutputPaths(Derivation &drv, std::string_view drvName, const DrvHashLookup &lookup,
                     std::string_view storeDir = kDefaultStoreDir);

// The .drv path Nix writes the derivation to: makeTextPath(drvName + ".drv",
// sha256(ATerm), inputSrcs ∪ inputDrvs).
StorePath computeDerivationPath(const Derivation &drv, std::string_view drvName,
                                std::string_view storeDir = kDefaultStoreDir);

} // namespace bastion::format
