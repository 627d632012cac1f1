// The table of subcommands.
#pragma once
#include <string>
#include <vector>

namespace bastion::cli {

using Command = int (*)(const std::string &name, std::vector<std::string> &args);
Command findCommand(const std::string &name);

int cmdNixInstantiate(const std::string &name, std::vector<std::string> &args);
int cmdEval(const std::string &name, std::vector<std::string> &args);
int cmdNixHash(const std::string &name, std::vector<std::string> &args);
int cmdNixStore(const std::string &name, std::vector<std::string> &args);
int cmdNixBuild(const std::string &name, std::vector<std::string> &args);
int cmdNixCollectGarbage(const std::string &name, std::vector<std::string> &args);
int cmdWhyDepends(const std::string &name, std::vector<std::string> &args);
int cmdNixEnv(const std::string &name, std::vector<std::string> &args);
int cmdNix(const std::string &name, std::vector<std::string> &args);    // nix log, nix why-depends
int cmdDebian(const std::string &name, std::vector<std::string> &args); // debian lock|resolve
int cmdNix(const std::string &name, std::vector<std::string> &args);    // nix log, nix why-depends
// Binary caches (cache_commands.cpp, serve_cache.cpp).
int cmdStore(const std::string &name, std::vector<std::string> &args); // store sign|verify
int cmdPathInfoCommand(const std::string &name, std::vector<std::string> &args);
int cmdNixCopyCommand(const std::string &name, std::vector<std::string> &args);
int cmdServeCache(const std::string &name, std::vector<std::string> &args);
// bastion os (os.cpp: eval, options, build; the rest in os_generations.cpp).
int cmdOs(const std::string &name, std::vector<std::string> &args);

} // namespace bastion::cli
