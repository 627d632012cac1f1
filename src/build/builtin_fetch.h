// builtin:fetch-urls, the builder of <bastion/pkgs>' fetchers where Nix's
// builtin:fetchurl falls short (it takes one URL and unpacks only NARs):
//   urls        whitespace-separated; tried in order, the first that
//               downloads wins (nixpkgs' fetchurl tries its mirrors so)
//   unpack      "1": the download is an archive (tar in any compression
//               libarchive reads, or zip), unpacked with store/unpack's
//               checks; otherwise the output is the downloaded file
//   stripRoot   "1" (with unpack): as nixpkgs' fetchzip, the archive must
//               hold exactly one entry; a directory becomes the output, a
//               file is put inside it
//   executable  "1" (without unpack): the file is made 0755
// Runs in Bastion's process with the host's network, as builtin:fetchurl
// does; the output's hash is checked by the caller (a fixed output).
#pragma once

#include <string>

#include "build/build_log.h"
#include "format/derivation.h"

namespace bastion::build {

void runFetchUrls(const format::Derivation &drv, const std::string &builtStoreDir,
                  const std::string &storeDir, BuildLog &log);

} // namespace bastion::build
