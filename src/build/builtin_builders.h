// Builders that run inside Bastion instead of in the sandbox, named
// "builtin:<name>" in a derivation, as in Nix: "builtin:fetchurl" (a
// fixed-output download, so its result is checked against the promised
// hash like any other fixed output).
#pragma once

#include <string>

#include "build/build_log.h"
#include "format/derivation.h"

namespace bastion::build {

// Runs drv's builtin builder, writing each output to
// builtStoreDir/<base name of its path>; store paths it reads (buildenv's
// packages) are found under realStoreDir. Messages go to `log`. Returns a
// wait status (0 for success), like a sandboxed builder.
int runBuiltinBuilder(const format::Derivation &drv, const std::string &builtStoreDir,
                      const std::string &storeDir, const std::string &realStoreDir, BuildLog &log);

} // namespace bastion::build
