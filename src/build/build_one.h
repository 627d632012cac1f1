// Building one derivation whose inputs are all valid: lock its outputs,
// run the builder in the sandbox, check and install what it produced.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "build/build_log.h"
#include "build/realise.h"
#include "format/derivation.h"
#include "store/store.h"

namespace bastion::build {

struct BuildJob {
  std::string drvPath;
  format::Derivation drv;
  std::map<std::string, format::StorePath> outputs;  // all of them
  bool check = false;  // rebuild although valid, and compare
};

// The store is shared with other builds running in parallel threads
// (LocalStore is thread-safe). Throws BuildError when the build fails.
void buildDerivation(store::LocalStore& store, const BuildSettings& settings,
                     Progress& progress, const BuildJob& job);

}  // namespace bastion::build
