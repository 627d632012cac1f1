// Building one derivation whose inputs are all valid: lock its outputs,
// run the builder in the sandbox, check and install what it produced.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "build/build_log.h"
#include "build/build_slot.h"
#include "build/output_registrar.h"
#include "build/realise.h"
#include "build/sandbox.h"
#include "format/derivation.h"
#include "store/store.h"

namespace bastion::build {

struct BuildJob {
  std::string drvPath;
  format::Derivation drv;
  std::map<std::string, format::StorePath> outputs; // all of them
  bool check = false;                               // rebuild although valid, and compare
  bool moreToCome = false; // other builds wait to start: make the next sandbox ready meanwhile
};

// The directories one build thread uses build after build, emptied in
// between instead of made and removed each time (on ext4, making and
// removing two directories cost about a millisecond per build, a tenth of
// a trivial build): the store dir the builder writes its outputs to (in
// the real store dir, so outputs can be renamed into place) and the build
// directory it sees as /build. Both go with the Workspace.
class Workspace {
public:
  Workspace() = default;
  Workspace(const Workspace &) = delete;
  Workspace &operator=(const Workspace &) = delete;
  ~Workspace();
  // Made on first use: ".bastion-build-XXXXXX" in realStoreDir, and
  // "nix-build-XXXXXX" in $TMPDIR.
  const std::string &storeDir(const std::string &realStoreDir);
  const std::string &buildDir();
  // Empties both for the next build.
  void clear();
  // The build slot (host uid 30000 + slot as root) of this thread's
  // builds, taken on first use from <stateDir>/userpool2 and held as long
  // as the workspace: one build at a time uses it, and the next build's
  // sandbox can be made ready for the same ids.
  unsigned slot(const std::string &stateDir);
  SandboxStandby &standby() { return standby_; }

private:
  std::string storeDir_, buildDir_;
  int storeDirLock_ = -1; // store::lockDirectory: keeps the garbage collector out
  std::unique_ptr<BuildSlot> slot_;
  SandboxStandby standby_;
};

// The store is shared with other builds running in parallel threads
// (LocalStore is thread-safe). Throws BuildError when the build fails.
// Returns the outputs it moved into the store, for the caller to sync and
// register (OutputRegistrar); none when there was nothing to build or the
// build was a --check.
MovedOutputs buildDerivation(store::LocalStore &store, const BuildSettings &settings,
                             Progress &progress, const BuildJob &job, Workspace &workspace);

} // namespace bastion::build
