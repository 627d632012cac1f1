// builtin:buildenv, the builder of nix-env's user environments, as Nix
// 2.8's libstore/builtins/buildenv.cc: the output is a tree of symlinks
// into the installed packages' outputs. Directories present in several
// packages are merged (a directory symlink is split into a real directory
// when a second package brings the same directory); a file present in
// several packages goes to the one with the lowest priority number, and a
// tie is an error. Packages listed in an installed output's
// nix-support/propagated-user-env-packages are added afterwards with
// priorities from 1000 up. Finally `manifest.nix` links to the manifest.
//
// Bastion runs builtin builders in its own process, without a chroot, so
// store paths (which the symlinks must name) and the files behind them
// (which must be read) differ when the store has a root (`--store DIR`):
// a StoreView maps one to the other.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "build/build_log.h"
#include "format/derivation.h"

namespace bastion::build {

struct StoreView {
  std::string storeDir;     // "/nix/store"
  std::string realStoreDir; // where its objects are, e.g. "/tmp/s/nix/store"
  std::string outPath;      // the output being built (a store path) …
  std::string outReal;      // … and where it is being written
  // Where the file system object behind the store path `path` lives.
  std::string real(const std::string &path) const;
};

struct EnvPackage {
  std::string path; // a store path (an output of an installed package)
  bool active = true;
  int priority = 5;
};

// Builds the symlink tree at view.outPath (which must exist) from `pkgs`.
// Warnings ("skipping dangling symlink …") go to `warn`. Returns the number
// of symlinks created. Throws std::runtime_error on a collision.
unsigned long buildProfile(const StoreView &view, std::vector<EnvPackage> pkgs,
                           const std::function<void(const std::string &)> &warn);

// The builder: reads `derivations` ("active priority n path1 … pathn …")
// and `manifest` from drv's environment and writes the output to
// builtStoreDir/<base name of out>. Throws on failure.
void runBuildenv(const format::Derivation &drv, const std::string &builtStoreDir,
                 const std::string &storeDir, const std::string &realStoreDir, BuildLog &log);

} // namespace bastion::build
