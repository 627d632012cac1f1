// What happens to a derivation's outputs after its builder succeeded, as in
// Nix's registerOutputs: each output must exist, is made canonical, scanned
// for references and hashed; fixed outputs must have the promised hash; the
// reference checks the derivation asks for (allowedReferences and friends,
// or outputChecks under structured attributes) must hold. Only then are
// the outputs moved into the store and registered, all in one transaction,
// so that a failed build leaves no valid path behind.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "build/build_error.h"
#include "format/derivation.h"
#include "store/store.h"

namespace bastion::build {

struct BuiltDerivation {
  std::string drvPath; // printed
  const format::Derivation &drv;
  std::map<std::string, format::StorePath> outputs; // output name -> path
  std::set<format::StorePath> inputClosure; // what the outputs may refer to, besides themselves
  std::string
      builtStoreDir; // where the builder left them (the sandbox's store directory, on the host)
};

// Inspects the outputs in builtStoreDir and returns their path infos
// (deriver, NAR hash and size, references, ca for fixed outputs). Throws
// BuildError for a missing output, a hash mismatch or a failed check.
std::vector<store::ValidPathInfo> inspectOutputs(store::LocalStore &store,
                                                 const BuiltDerivation &built);

// Moves the inspected outputs into the store, still invalid: the caller
// holds their locks until it has synced and registered them.
void moveOutputs(store::LocalStore &store, const BuiltDerivation &built,
                 const std::vector<store::ValidPathInfo> &infos);

// Puts a moved output on disk (every file and directory of it), so that
// it can be registered once the store directory is synced too.
void syncOutput(store::LocalStore &store, const store::ValidPathInfo &info);

} // namespace bastion::build
