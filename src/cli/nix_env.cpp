// `nix-env`: the command line as Nix 2.8's main_nix_env parses it (one
// operation, its flags and arguments, the shared evaluation and build
// flags), the default profile and ~/.nix-defexpr, then the operation.
//
// With `--store DIR` the default profile and the channels link point into
// DIR's state directory (DIR/nix/var/nix) rather than the machine's
// /nix/var/nix, where Nix 2.8 would point them.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "build/build_error.h"
#include "cli/commands.h"
#include "cli/eval_options.h"
#include "cli/nix_env.h"
#include "cli/version.h"
#include "lang/parser.h"
#include "store/fs_util.h"
#include "store/profiles.h"
#include "util/exit.h"
#include "util/file.h"
#include "util/path.h"

namespace bastion::cli {

using namespace bastion::lang;

namespace {

std::string userName() {
  if (struct passwd *pw = getpwuid(getuid()))
    return pw->pw_name;
  const char *u = getenv("USER");
  return u ? u : "";
}

std::string homeDir() {
  const char *h = getenv("HOME");
  if (h && *h)
    return h;
  if (struct passwd *pw = getpwuid(getuid()))
    return pw->pw_dir;
  throw std::runtime_error("HOME environment variable not set");
}

// Nix creates ~/.nix-defexpr with a link to the user's channels.
void makeDefexpr(const std::string &path, const std::string &stateDir) {
  if (store::pathExists(path))
    return;
  try {
    store::createDirs(path);
    store::switchLink(path + "/channels",
                      stateDir + "/profiles/per-user/" + userName() + "/channels");
    if (getuid() != 0)
      store::switchLink(path + "/channels_root", stateDir + "/profiles/per-user/root/channels");
  } catch (std::exception &) {
  }
}

// ~/.nix-profile, created on first use as a link to the default profile.
std::string defaultProfile(const std::string &stateDir) {
  std::string link = homeDir() + "/.nix-profile";
  try {
    if (!store::pathExists(link))
      store::switchLink(link, getuid() == 0
                                  ? stateDir + "/profiles/default"
                                  : stateDir + "/profiles/per-user/" + userName() + "/profile");
    return util::absPath(util::readLink(link), util::dirOf(link));
  } catch (std::exception &) {
    return link;
  }
}

void opSwitchProfile(NixEnvGlobals &g, std::vector<std::string> &flags,
                     std::vector<std::string> &args) {
  if (!flags.empty())
    throw UsageError("unknown flag '" + flags.front() + "'");
  if (args.size() != 1)
    throw UsageError("exactly one argument expected");
  store::switchLink(homeDir() + "/.nix-profile", util::absPath(args.front(), util::currentDir()));
}

void printHelp() {
  std::cout
      << "Usage: nix-env OPERATION [OPTIONS...] [ARGUMENTS...]\n"
         "\n"
         "Operations available in Bastion:\n"
         "  --install / -i, --uninstall / -e, --set, --query / -q,\n"
         "  --rollback, --list-generations, --switch-generation / -G,\n"
         "  --delete-generations, --switch-profile / -S\n"
         "\n"
         "Options: -f FILE, -A, -p PROFILE, --store DIR, --dry-run, -I, --arg, --argstr, -j N\n";
}

} // namespace

int cmdNixEnv(const std::string &name, std::vector<std::string> &args) {
  GC_INIT();
  NixEnvGlobals g;
  NixEnvOp op = nullptr;
  std::vector<std::string> opFlags, opArgs;
  std::string file;
  bool showTrace = false;
  try {
    parseLegacyArgs(
        args,
        [&](ArgCursor &arg) {
          const std::string &a = *arg;
          NixEnvOp oldOp = op;
          if (a == "--help") {
            printHelp();
            throw util::ExitNow{};
          } else if (a == "--version") {
            std::cout << versionText("nix-env");
            throw util::ExitNow{};
          } else if (a == "--install" || a == "-i")
            op = opNixEnvInstall;
          else if (a == "--uninstall" || a == "-e")
            op = opNixEnvUninstall;
          else if (a == "--set")
            op = opNixEnvSet;
          else if (a == "--query" || a == "-q")
            op = opNixEnvQuery;
          else if (a == "--profile" || a == "-p")
            g.profile = util::absPath(arg.next(), util::currentDir());
          else if (a == "--file" || a == "-f")
            file = arg.next();
          else if (a == "--switch-profile" || a == "-S")
            op = opSwitchProfile;
          else if (a == "--switch-generation" || a == "-G")
            op = opNixEnvSwitchGeneration;
          else if (a == "--rollback")
            op = opNixEnvRollback;
          else if (a == "--list-generations")
            op = opNixEnvListGenerations;
          else if (a == "--delete-generations")
            op = opNixEnvDeleteGenerations;
          else if (a == "--dry-run") {
            printInfo("(dry run; not doing anything)");
            g.dryRun = true;
          } else if (a == "--system-filter")
            g.systemFilter = arg.next();
          else if (a == "--prebuilt-only" || a == "-b")
            g.prebuiltOnly = true;
          else if (a == "--repair")
            ;
          else if (a == "--set-flag")
            op = opNixEnvSetFlag;
          else if (a == "--upgrade" || a == "-u")
            op = opNixEnvUpgrade;
          else if (a == "--show-trace")
            showTrace = true;
          else if (a == "-I" || a == "--include")
            g.includes.push_back(arg.next());
          else if (a == "--arg" || a == "--argstr") {
            std::string n = arg.next(), v = arg.next();
            (a == "--arg" ? g.argExprs : g.argStrs).emplace_back(n, v);
          } else if (!a.empty() && a[0] == '-') {
            opFlags.push_back(a);
            // Nix's own hack: these flags take a value.
            if (a == "--from-profile" || (op == opNixEnvQuery && (a == "--attr" || a == "-A")))
              opFlags.push_back(arg.next());
          } else {
            opArgs.push_back(a);
          }
          if (oldOp && oldOp != op)
            throw UsageError("only one operation may be specified");
          return true;
        },
        &g.settings, /*nixEnv=*/true);
    if (!op)
      throw UsageError("no operation specified");
  } catch (const util::ExitNow &e) {
    return e.code;
  } catch (const UsageError &e) {
    return reportUsageError(name, e);
  } catch (const std::exception &e) {
    return reportError(e.what());
  }

  try {
    EvalOptions eo;
    eo.settings = g.settings;
    if (showTrace)
      eo.settings.emplace_back("show-trace", "true");
    eo.includes = g.includes;
    eo.argExprs = g.argExprs;
    eo.argStrs = g.argStrs;
    // Queries only compute store paths, as Nix's read-only mode.
    g.state = std::make_unique<EvalState>(makeEvalSettings(eo, op == opNixEnvQuery));
    showTrace = g.state->settings.showTrace;
    g.autoArgs = makeAutoArgs(*g.state, eo);

    std::string stateDir = g.state->settings.storeRoot + "/nix/var/nix";
    g.nixExprPath = homeDir() + "/.nix-defexpr";
    makeDefexpr(g.nixExprPath, stateDir);
    if (!file.empty())
      g.nixExprPath = lookupFileArg(*g.state, file);

    if (g.profile.empty())
      if (const char *p = getenv("NIX_PROFILE"))
        g.profile = p;
    if (g.profile.empty())
      g.profile = defaultProfile(stateDir);

    op(g, opFlags, opArgs);
  } catch (const UsageError &e) {
    return reportUsageError(name, e);
  } catch (const build::BuildError &e) {
    reportError(e.what());
    return 100 | e.status;
  } catch (const EvalError &e) {
    std::cerr << formatError(g.state->positions, e, showTrace);
    return 1;
  } catch (const std::exception &e) {
    return reportError(e.what());
  }
  return 0;
}

} // namespace bastion::cli
