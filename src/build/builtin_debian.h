// The builtin builders of <bastion/pkgs>:
//   builtin:debian-unpack    deb = a .deb (fixed output): its data.tar,
//     unpacked with libarchive (no host dpkg), merged-usr (bin, sbin, lib*
//     moved under usr/ and linked back), absolute symlinks that point into
//     the package made relative.
//   builtin:debian-relocate  src = an unpacked package, deps = the unpacked
//     packages of its Depends closure: a copy of src whose ELF files have
//     the closure's loader as interpreter and a DT_RPATH naming exactly the
//     library directories their needed libraries (transitively) are found
//     in; a library found nowhere fails the build, naming it and the
//     object. An absolute DT_RUNPATH/DT_RPATH entry is looked for in the
//     package and in every package of the closure (libsystemd-shared's
//     /usr/lib/x86_64-linux-gnu/systemd for systemd's programs), and
//     rewritten to the store directories it was found in.
// DT_RPATH rather than DT_RUNPATH because the loader also searches an
// executable's DT_RPATH for the libraries its libraries need: the
// dependencies stay unrelocated, which breaks the cycles Debian's
// Depends have (libc6 <-> libgcc-s1).
#pragma once

#include <string>

#include "build/build_log.h"
#include "format/derivation.h"

namespace bastion::build {

void runDebianUnpack(const format::Derivation &drv, const std::string &builtStoreDir,
                     const std::string &storeDir, const std::string &realStoreDir, BuildLog &log);
void runDebianRelocate(const format::Derivation &drv, const std::string &builtStoreDir,
                       const std::string &storeDir, const std::string &realStoreDir, BuildLog &log);

} // namespace bastion::build
