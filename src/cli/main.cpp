// bastion: one binary, many commands. Invoked through a symlink named like a
// Nix tool (nix-instantiate …) it behaves as that tool.
#include <gc/gc.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/version.h"
#include "pkgs/nix_builtins.h"
#include "util/exit.h"

namespace {

// Deep recursion in Nix code turns into deep C++ recursion, and the main
// thread's stack is only RLIMIT_STACK (8 MiB by default). Commands run on a
// thread with a 1 GiB stack instead, reserved (MAP_NORESERVE) and committed
// only as it is used, so the evaluator reports max-call-depth instead of
// crashing. (Raising the limit and re-executing did the same, but a second
// exec and dynamic link cost about half of a trivial command's run time.)
constexpr size_t kStackSize = size_t(1) << 30;
constexpr size_t kGuardSize = size_t(1) << 16;

struct Job {
  const std::function<int()> *run;
  int status = 1;
};

void *jobMain(void *p) {
  auto *job = static_cast<Job *>(p);
  // The collector is started here, with this stack as the one it scans:
  // this thread is the only one that touches its heap, so it stays in
  // single-threaded mode (no lock per allocation, which registering a
  // second thread would cost).
  GC_stack_base sb;
  if (GC_get_stack_base(&sb) == GC_SUCCESS)
    GC_set_stackbottom(nullptr, &sb);
  GC_INIT();
  job->status = (*job->run)();
  return nullptr;
}

int runOnBigStack(const std::function<int()> &run) {
  void *mem = mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (mem == MAP_FAILED) {
    GC_INIT();
    return run();
  }
  // The stack grows down: its lowest pages are the guard.
  mprotect(mem, kGuardSize, PROT_NONE);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstack(&attr, mem, kStackSize);
  Job job{&run};
  pthread_t thread;
  int err = pthread_create(&thread, &attr, jobMain, &job);
  pthread_attr_destroy(&attr);
  if (err != 0) {
    munmap(mem, kStackSize);
    GC_INIT();
    return run();
  }
  pthread_join(thread, nullptr);
  return job.status;
}

void usage(std::ostream &out) {
  out << "usage: bastion COMMAND [ARGS...]\n"
         "commands:\n"
         "  eval FILE | -E EXPR [--strict] [--json] [-A PATH] [--arg N E] [--argstr N S] [-I "
         "PATH]\n"
         "  nix-instantiate ...   Nix's nix-instantiate (evaluation: --eval, --parse)\n"
         "  nix-hash ...          Nix's nix-hash (NAR and flat hashes, --to-base16/--to-base32)\n"
         "  nix-store ...         Nix's nix-store (realise, queries, gc, verify, export, ...)\n"
         "  nix-build ...         Nix's nix-build\n"
         "  nix-env ...           Nix's nix-env (profiles and generations)\n"
         "  nix-collect-garbage ...\n"
         "  nix log PATH          a build log\n"
         "  nix log|why-depends|store|path-info|copy ...   a few of Nix's newer commands\n"
         "  why-depends A B       why A depends on B (as nix why-depends)\n"
         "  debian lock|resolve   pin a Debian suite; the closure apt would install\n"
         "  store sign|verify     sign store paths; check who signed them (--sigs-needed N)\n"
         "  path-info [--json] [--sigs] PATHS\n"
         "  nix-copy --to URL | --from URL PATHS   copy closures to and from binary caches\n"
         "  serve-cache --listen ADDR:PORT         the store as an HTTP binary cache\n"
         "  os switch|rollback|list-generations|delete-generations|run --root DIR ...\n"
         "                        a root directory's system generations; boot it in nspawn\n"
         "  help [COMMAND]        this list, or COMMAND's --help\n"
         "  --version             Bastion's version\n";
}

// A command, with the early exits of --help and --version (util::ExitNow)
// turned into its status.
int runCommand(bastion::cli::Command f, const std::string &name, std::vector<std::string> &args) {
  // `nix --version`, `store --version`, …: the commands whose own parsers
  // do not know the flag answer it as Nix's do.
  if (args.size() == 1 && args[0] == "--version") {
    std::cout << bastion::cli::versionText(name);
    return 0;
  }
  return runOnBigStack([&] {
    try {
      return f(name, args);
    } catch (const bastion::util::ExitNow &e) {
      return e.code;
    }
  });
}

} // namespace

int main(int argc, char **argv) {
  // builtins.debianPackage and friends, for <bastion/pkgs>.
  bastion::pkgs::registerNixBuiltins();
  std::string prog = argv[0];
  auto slash = prog.rfind('/');
  if (slash != std::string::npos)
    prog = prog.substr(slash + 1);

  std::vector<std::string> args(argv + 1, argv + argc);
  if (prog != "bastion")
    if (auto f = bastion::cli::findCommand(prog))
      return runCommand(f, prog, args);
  if (args.empty()) {
    usage(std::cerr);
    return 1;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::cout << bastion::cli::versionText("bastion");
    return 0;
  }
  if (args[0] == "--help" || args[0] == "-h" || (args[0] == "help" && args.size() == 1)) {
    usage(std::cout);
    return 0;
  }
  if (args[0] == "help") {
    // `bastion help COMMAND` is `bastion COMMAND --help`.
    args = {args[1], "--help"};
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  if (auto f = bastion::cli::findCommand(cmd))
    return runCommand(f, cmd, args);
  std::cerr << "error: unknown command '" << cmd << "'\n";
  usage(std::cerr);
  return 1;
}
