// `bastion debian lock`: a Debian suite pinned by its signed index, the way
// a nixpkgs commit pins nixpkgs. The lock file (JSON) records the mirror,
// the suite, the Release date, the SHA256 of the InRelease file that was
// verified and that of the Packages.xz it lists. The verified files are
// kept in the store as fixed-output paths (flat sha256), so that resolving
// and evaluating read them without the network: InRelease, Packages.xz and
// the decompressed Packages (whose hash InRelease also lists).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/store.h"

namespace bastion::pkgs {

struct LockError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct DebianLock {
  std::string suite, mirror, date;
  std::string inReleaseSha256; // base16
  std::string packagesPath;    // "main/binary-amd64/Packages.xz"
  std::string packagesSha256;  // base16
  uint64_t packagesSize = 0;
};

struct LockOptions {
  std::string suite = "bookworm";
  std::string component = "main";
  std::string arch = "amd64";
  std::string mirror; // "" = the machine's apt sources
  std::string keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
  std::string offlineDir; // an archive tree on disk: mirror file://DIR
  std::string aptEtc = "/etc/apt";
};

// Fetches, verifies and stores the index; throws LockError (or the
// download's or the signature's error) with nothing registered.
DebianLock makeLock(const LockOptions &options, store::LocalStore &store);

std::string lockToJson(const DebianLock &lock);
// Atomically (temporary name in the same directory, fsync, rename).
void writeLock(const DebianLock &lock, const std::string &path);
// Throws LockError naming the file and the key at fault.
DebianLock readLock(const std::string &path);

// The real path of the decompressed Packages of `lock` in `store`,
// fetched from the lock's mirror and checked against its hashes when not
// there yet.
std::string packagesIndex(const DebianLock &lock, store::LocalStore &store);

} // namespace bastion::pkgs
