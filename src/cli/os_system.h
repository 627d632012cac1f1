// A system from its configuration.nix (os_system.cpp): what `bastion os
// build` does, for the other `bastion os` commands (`os switch -c FILE`) too.
#pragma once

#include <stdexcept>
#include <string>

#include "cli/build_options.h"
#include "cli/eval_options.h"

namespace bastion::cli {

struct SystemBuild {
  std::string configFile; // empty: defaultConfigFile()
  EvalOptions eval;       // --store, -I, --option, … (files/-A are ignored)
  BuildOptions build;     // -j, --keep-going, …
  std::string outLink;    // an indirect GC root to make; empty: none
};

// Why a system could not be built: `message` is what to print on stderr as it
// is (evaluation errors with file:line:column, "error: …" lines), `status` the
// exit status (1, or a build's 100/102/104).
struct SystemBuildError : std::runtime_error {
  int status;
  SystemBuildError(const std::string &message, int status)
      : std::runtime_error(message), status(status) {}
};

// A bad `os` command line: its message, then the subcommand's usage; exit 1.
struct OsUsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What every `os` subcommand does when it fails: says why on stderr (with
// `usage` after a usage error) and returns the exit status (1, or a build's
// 100/102/104). Call it only inside a catch block: it rethrows the exception
// being handled to tell the kinds apart.
int reportOsFailure(const char *usage);

// -c's default: $BASTION_CONFIG when set, else /etc/bastion/configuration.nix.
std::string defaultConfigFile();

// Evaluates the configuration (nix/os/cli.nix: failed assertions are an
// error, warnings are printed on stderr), realises its
// config.system.build.toplevel in the store of `o.eval` and returns the
// toplevel's store path (as the store names it: /nix/store/…).
std::string buildSystem(const SystemBuild &o);

} // namespace bastion::cli
