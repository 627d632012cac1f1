// bastion os switch | rollback | list-generations | delete-generations |
// run (os_generations.cpp), for the `bastion os` dispatcher.
#pragma once

#include <string>
#include <vector>

namespace bastion::cli {

// `sub` is the subcommand, `args` what follows it. Returns the exit status
// (1 with "error: …" on stderr for bad input or a failure).
int runOsGenerations(const std::string &sub, std::vector<std::string> args);
bool isOsGenerationsCommand(const std::string &sub);

} // namespace bastion::cli
