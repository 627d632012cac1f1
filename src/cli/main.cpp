// bastion: one binary, many commands. Invoked through a symlink named like a
// Nix tool (nix-instantiate …) it behaves as that tool.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

// Deep recursion in Nix code turns into deep C++ recursion. Re-executing
// with a large stack limit gives the main thread room to grow, so the
// evaluator reports max-call-depth instead of crashing.
void ensureBigStack(char** argv) {
  const rlim_t want = rlim_t(1) << 30;
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) != 0) return;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= want) return;
  if (rl.rlim_cur == RLIM_INFINITY) return;
  if (getenv("_BASTION_STACK_SET")) return;
  rlim_t target = want;
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < target) target = rl.rlim_max;
  if (target <= rl.rlim_cur) return;
  rl.rlim_cur = target;
  if (setrlimit(RLIMIT_STACK, &rl) != 0) return;
  setenv("_BASTION_STACK_SET", "1", 1);
  execv("/proc/self/exe", argv);
  // Exec failing is not fatal: we run with the stack we have.
}

void usage() {
  std::cerr << "usage: bastion COMMAND [ARGS...]\n"
               "commands:\n"
               "  eval FILE | -E EXPR [--strict] [--json] [-A PATH] [--arg N E] [--argstr N S] [-I PATH]\n"
               "  nix-instantiate ...   Nix's nix-instantiate (evaluation: --eval, --parse)\n"
               "  nix-hash ...          Nix's nix-hash (NAR and flat hashes, --to-base16/--to-base32)\n"
               "  nix-store ...         Nix's nix-store (so far --dump and --restore)\n";
}

}  // namespace

int main(int argc, char** argv) {
  ensureBigStack(argv);
  unsetenv("_BASTION_STACK_SET");
  std::string prog = argv[0];
  auto slash = prog.rfind('/');
  if (slash != std::string::npos) prog = prog.substr(slash + 1);

  std::vector<std::string> args(argv + 1, argv + argc);
  if (prog != "bastion" && bastion::cli::findCommand(prog)) return bastion::cli::findCommand(prog)(prog, args);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    usage();
    return args.empty() ? 1 : 0;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  if (auto f = bastion::cli::findCommand(cmd)) return f(cmd, args);
  std::cerr << "error: unknown command '" << cmd << "'\n";
  usage();
  return 1;
}
