// Realising derivations: making their outputs valid by building them, in
// dependency order, several at a time, each in the sandbox.
//
// Outputs that are already valid are not rebuilt (unless --check asks to
// rebuild the requested ones and compare). Every output path is locked
// while it is built, with Nix's lock files, so that two processes asking
// for the same derivation build it once: the second waits and reuses it.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "build/build_error.h"
#include "build/build_log.h"
#include "build/system_features.h"
#include "store/store.h"

namespace bastion::build {

struct BuildSettings {
  unsigned maxJobs = 1;     // -j / max-jobs: builds at once
  unsigned cores = 0;       // --cores: NIX_BUILD_CORES (0: all of them)
  bool keepGoing = false;   // --keep-going: build what does not depend on a failure
  bool check = false;       // --check: rebuild requested outputs and compare
  bool keepFailed = false;  // -K: keep the build directory of a failed build
  bool quiet = false;       // -Q: do not show builder output
  bool showPlan = true;     // "these N derivations will be built:" (nix-env does not say it)
  std::string sandboxPaths; // sandbox-paths: "/bin/sh=/bin/busybox …"
  std::string system = "x86_64-linux";
  // Asked, before a derivation is built, to make its missing wanted
  // outputs valid from binary caches (cli/substituters.h); what it cannot
  // fetch is built. Empty: substitution is off.
  std::function<void(store::LocalStore &, const std::set<store::StorePath> &)> substitute;
  // system-features: what a derivation's requiredSystemFeatures may ask
  // for; "kvm" in it also puts the host's /dev/kvm into every sandbox.
  std::set<std::string> systemFeatures = defaultSystemFeatures();
};

// A derivation and the outputs wanted from it (empty: all of them).
struct DerivedPath {
  std::string drvPath;
  std::set<std::string> outputs;
};

class Realiser {
public:
  Realiser(store::LocalStore &store, BuildSettings settings)
      : store_(store), settings_(std::move(settings)) {}

  // Returns, for each requested derivation, output name -> printed path.
  // Throws BuildError naming what failed (all failures with --keep-going).
  std::vector<std::map<std::string, std::string>> realise(const std::vector<DerivedPath> &targets);

private:
  store::LocalStore &store_;
  BuildSettings settings_;
};

} // namespace bastion::build
