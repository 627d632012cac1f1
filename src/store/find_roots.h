// The garbage collector's roots, found as Nix 2.8's LocalStore::findRoots:
//
//  * symlinks under <state>/gcroots and <state>/profiles (recursively)
//    pointing into the store are direct roots;
//  * a symlink pointing elsewhere is an indirect root when its target is
//    itself a symlink into the store (gcroots/auto/<hash> -> …/result ->
//    /nix/store/…); a dangling one under gcroots/auto is removed;
//  * a regular file there whose name is a valid store path's base name;
//  * temporary roots of live processes (temp_roots.h);
//  * for the machine's own store only, paths that running processes use
//    (their executables, working directories, open files, memory maps and
//    environments under /proc), as Nix's findRuntimeRoots. A store under
//    another root directory is never what a running program uses (its
//    paths name /nix/store, where that store's files are not), so scanning
//    /proc for it would only keep paths alive by coincidence of hashes.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>

#include "store/store.h"

namespace bastion::store {

// Informational messages of the collector ("skipping invalid root …"),
// printed by Nix at its default verbosity.
using GcLog = std::function<void(const std::string &)>;

// Root path -> the links (or "{temp:<pid>}", "/proc/…" labels) that keep
// it. With `censor`, runtime and temporary labels read "{censored}", as
// Nix shows them to unprivileged users.
using Roots = std::map<StorePath, std::set<std::string>>;

Roots findPermanentRoots(LocalStore &store, bool censor, const GcLog &log); // links and /proc
Roots findTempRootsOf(LocalStore &store, bool censor);
Roots findRoots(LocalStore &store, bool censor, const GcLog &log); // both

} // namespace bastion::store
