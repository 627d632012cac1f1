// The build flags nix-build and nix-store --realise share (-j, --cores,
// --keep-going, --check, -K, -Q) and the settings they come from.
#pragma once

#include <string>
#include <vector>

#include "build/realise.h"
#include "lang/eval.h"

namespace bastion::cli {

struct BuildOptions {
  std::vector<std::pair<std::string, std::string>> settings; // as --option NAME VALUE
  bool keepGoing = false, check = false, keepFailed = false, quiet = false;
};

// Consumes args[i] if it is a build flag.
bool parseBuildArg(std::vector<std::string> &args, size_t &i, BuildOptions &o,
                   const std::string &tool);

// max-jobs, cores, sandbox-paths, system, system-features from the
// settings (nix.conf, --option), overridden by the flags.
build::BuildSettings makeBuildSettings(const BuildOptions &o, const lang::EvalSettings &settings);

} // namespace bastion::cli
