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
//   size        optional, bytes: shown with the bytes done, and a download
//               growing past it is stopped (it cannot have the hash)
// Runs in Bastion's process with the host's network, as builtin:fetchurl
// does, the bytes downloaded on the status line. A flat output's hash is
// checked here too, per URL: a download that does not match is removed
// and the next URL tried, so nothing unverified is kept (Nix's registrar
// would keep it under its own hash); other outputs are checked by the
// caller. A download cut off (even by kill -9) leaves only a partial file
// in the build's scratch directory, never a path: the next build starts
// it again from the first byte.
#pragma once

#include <string>

#include "build/build_log.h"
#include "format/derivation.h"

namespace bastion::build {

void runFetchUrls(const format::Derivation &drv, const std::string &builtStoreDir,
                  const std::string &storeDir, BuildLog &log);

} // namespace bastion::build
