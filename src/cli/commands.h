// The table of subcommands.
#pragma once
#include <string>
#include <vector>

namespace bastion::cli {

using Command = int (*)(const std::string& name, std::vector<std::string>& args);
Command findCommand(const std::string& name);

int cmdNixInstantiate(const std::string& name, std::vector<std::string>& args);
int cmdEval(const std::string& name, std::vector<std::string>& args);

}  // namespace bastion::cli
