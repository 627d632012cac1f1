// The environment Nix 2.8 gives a builder (LocalDerivationGoal::initEnv,
// initTmpDir and writeStructuredAttrs), and the files it writes into the
// build directory for passAsFile and __structuredAttrs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "format/derivation.h"

namespace bastion::build {

// The derivation cannot be turned into a build environment (bad __json,
// an unsupported attribute) or a file could not be written.
struct BuildEnvError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One path of an exportReferencesGraph closure, as Nix writes it.
struct ExportedPath {
  std::string path;
  std::vector<std::string> references; // sorted
  std::string narHash;                 // "sha256:<nix32>"
  uint64_t narSize = 0;
  std::string ca;           // "" if none
  uint64_t closureSize = 0; // the NAR sizes of its closure
};

struct BuildEnvOptions {
  std::string storeDir = "/nix/store";    // NIX_STORE
  unsigned cores = 1;                     // NIX_BUILD_CORES
  std::string buildDir;                   // host directory the files are written to
  std::string sandboxBuildDir = "/build"; // the same directory as the builder sees it
  // Output name -> path the builder writes it to; replaces the output
  // placeholders (hashPlaceholder) in env, args and files. Empty: the
  // derivation's own output paths.
  std::map<std::string, std::string> outputPaths;
  // exportReferencesGraph: the closure of the given store paths (which
  // must be in the derivation's input closure), with the outputs of the
  // derivations in it, sorted; throws BuildEnvError. Unset: a derivation
  // using the attribute is refused.
  std::function<std::vector<ExportedPath>(const std::vector<std::string> &storePaths)>
      exportReferences;
  // The caller's environment, read for impureEnvVars of fixed-output
  // derivations. Default: getenv.
  std::function<std::optional<std::string>(const std::string &)> getEnv;
};

struct BuildEnv {
  std::map<std::string, std::string> env; // exactly what the builder gets
  std::vector<std::string> args;          // drv.args with placeholders replaced
};

// Computes the environment and writes .attr-* (passAsFile) and the
// exportReferencesGraph files, or .attrs.json and .attrs.sh (__json), into
// options.buildDir.
BuildEnv makeBuildEnv(const format::Derivation &drv, const BuildEnvOptions &options);

// Nix's ParsedDerivation::getStringsAttr: the attribute split at
// whitespace, or under __structuredAttrs a list of strings (anything else
// throws BuildEnvError). Absent: empty.
std::vector<std::string> derivationStringsAttr(const format::Derivation &drv,
                                               const std::string &name);

// "/" + nix32(sha256("nix-output:" + output)): what builtins.placeholder
// returns and what the builder sees replaced by the output's path.
std::string hashPlaceholder(const std::string &output);

// Nix's rewriteStrings: each pair in map order, every occurrence.
std::string rewriteStrings(std::string s, const std::map<std::string, std::string> &rewrites);

} // namespace bastion::build
