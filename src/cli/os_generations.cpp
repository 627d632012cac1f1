// bastion os switch | rollback | list-generations | delete-generations | run:
// a root directory's system generations and booting it (src/os). Only
// parses arguments and prints; the work is in os/generations.h and
// os/container.h. With -c FILE, switch and run first build the system
// (buildSystem, os_system.h) in the store --store names.
#include <sys/stat.h>

#include <cerrno>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "cli/generation_list.h"
#include "cli/os_generations.h"
#include "cli/os_system.h"
#include "cli/store_open.h"
#include "os/container.h"
#include "os/generations.h"
#include "util/error.h"
#include "util/file.h"
#include "util/path.h"
#include "util/temp.h"

namespace bastion::cli {

namespace {

const char kUsage[] =
    "usage: bastion os switch --toplevel PATH --root DIR [--store SRC]\n"
    "       bastion os switch -c FILE --root DIR [--store SRC] [-I PATH] [--option N V]\n"
    "       bastion os rollback --root DIR [--to N]\n"
    "       bastion os list-generations --root DIR\n"
    "       bastion os delete-generations --root DIR N... | Nd | +N | old\n"
    "       bastion os run --root DIR [--netns NAME] [--ephemeral]\n"
    "       bastion os run -c FILE [--root DIR] [--store SRC] [--netns NAME] [--ephemeral]\n"
    "-c FILE builds the system first (as `os build`) in the store --store names;\n"
    "`os run -c FILE` without --root boots it from a temporary root, removed afterwards.\n";

struct Args {
  std::string toplevel, root, store, netns, to;
  bool ephemeral = false;
  std::vector<std::string> rest;
  bool config = false;   // -c FILE given
  std::string buildFlag; // the first evaluation/build flag, which needs -c
  SystemBuild sys;
};

// An evaluation or build flag of -c's build (-I, --option, -j, …),
// consumed into a.sys.
bool buildArg(Args &a, std::vector<std::string> &args, size_t &i) {
  const std::string x = args[i];
  if (x.empty() || x[0] != '-')
    return false;
  if (parseBuildArg(args, i, a.sys.build, "os build")) {
  } else {
    std::vector<std::string> files = a.sys.eval.files;
    if (!parseEvalArg(args, i, a.sys.eval, "os build") || a.sys.eval.files != files ||
        !a.sys.eval.attrPaths.empty() || a.sys.eval.fromExpr)
      return false;
  }
  if (a.buildFlag.empty())
    a.buildFlag = x;
  return true;
}

Args parse(const std::string &sub, std::vector<std::string> &args) {
  Args a;
  auto value = [&](size_t &i) {
    if (i + 1 >= args.size())
      throw OsUsageError("option '" + args[i] + "' needs an argument");
    return args[++i];
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &x = args[i];
    if (x == "--root")
      a.root = value(i);
    else if (x == "--toplevel" && sub == "switch")
      a.toplevel = value(i);
    else if (x == "--store" && (sub == "switch" || sub == "run"))
      a.store = value(i);
    else if ((x == "-c" || x == "--config") && (sub == "switch" || sub == "run")) {
      a.sys.configFile = value(i);
      a.config = true;
    } else if (x == "--to" && sub == "rollback")
      a.to = value(i);
    else if (x == "--netns" && sub == "run")
      a.netns = value(i);
    else if (x == "--ephemeral" && sub == "run")
      a.ephemeral = true;
    // Last: parseEvalArg takes any --NAME VALUE as a setting, as Nix does.
    else if ((sub == "switch" || sub == "run") && buildArg(a, args, i))
      ;
    else if (!x.empty() && x[0] == '-' &&
             !(sub == "delete-generations" && x.size() > 1 && x[1] >= '0' && x[1] <= '9'))
      throw OsUsageError("unknown option '" + x + "' for 'os " + sub + "'");
    else
      a.rest.push_back(x);
  }
  if (!a.buildFlag.empty() && !a.config)
    throw OsUsageError("option '" + a.buildFlag + "' needs -c FILE");
  if (a.config && !a.toplevel.empty())
    throw OsUsageError("--toplevel and -c exclude each other");
  if (sub == "run" && !a.config && a.root.empty())
    throw OsUsageError("missing --root DIR or -c FILE");
  if (!a.store.empty() && sub == "run" && !a.config)
    throw OsUsageError("option '--store' needs -c FILE");
  if (a.root.empty() && !(sub == "run" && a.config))
    throw OsUsageError("missing --root DIR");
  if (!a.rest.empty() && sub != "delete-generations")
    throw OsUsageError("unexpected argument '" + a.rest.front() + "'");
  return a;
}

// --toplevel as given: /nix/store/…, the same under the source store's
// root directory, or a symlink to either (nix-build's ./result).
store::StorePath toplevelPath(store::LocalStore &from, std::string path) {
  path = util::absPath(path);
  for (int i = 0; i < 40; i++) {
    const std::string &real = from.realStoreDir();
    if (real != from.storeDir() && path.compare(0, real.size() + 1, real + "/") == 0)
      path = from.storeDir() + path.substr(real.size());
    if (path.compare(0, from.storeDir().size() + 1, from.storeDir() + "/") == 0)
      break;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode))
      break;
    std::string target = util::readLink(path);
    path = util::canonPath(target[0] == '/' ? target : util::dirOf(path) + "/" + target);
  }
  // A path inside a store object names the object.
  std::string prefix = from.storeDir() + "/";
  if (path.compare(0, prefix.size(), prefix) == 0) {
    size_t slash = path.find('/', prefix.size());
    if (slash != std::string::npos)
      path = path.substr(0, slash);
  }
  return from.parseStorePath(path);
}

void info(const std::string &line) { std::cerr << line << "\n"; }

// -c FILE: the system built in the --store given (the default store
// without), its toplevel then switched to as --toplevel would be.
void buildFromConfig(Args &a) {
  if (!a.store.empty())
    a.sys.eval.settings.emplace_back("store", util::absPath(a.store));
  a.toplevel = buildSystem(a.sys);
}

int doSwitch(Args &a) {
  if (a.config)
    buildFromConfig(a);
  if (a.toplevel.empty())
    throw OsUsageError("missing --toplevel PATH or -c FILE");
  std::vector<std::pair<std::string, std::string>> flags;
  if (!a.store.empty())
    flags.emplace_back("store", util::absPath(a.store));
  auto from = openStore(settingsFrom(flags));
  store::StorePath top = toplevelPath(*from, a.toplevel);
  os::SwitchResult r = os::switchRoot(*from, a.root, top, info);
  std::cerr << "'" << util::canonPath(util::absPath(a.root)) << "' is at generation "
            << r.generation << " (" << from->printStorePath(top) << ")\n";
  return 0;
}

int doRollback(Args &a) {
  std::optional<store::GenerationNumber> to;
  if (!a.to.empty()) {
    to = store::parseGenerationNumber(a.to);
    if (!to)
      throw OsUsageError("--to: expected a generation number, got '" + a.to + "'");
  }
  os::rollbackRoot(a.root, to, info);
  return 0;
}

int doList(Args &a) {
  store::Generations gens = os::rootGenerations(a.root);
  for (auto &g : gens.list)
    std::cout << generationListLine(g, g.number == gens.current);
  return 0;
}

int doDelete(Args &a) {
  os::deleteRootGenerations(a.root, a.rest, info);
  return 0;
}

int doRun(Args &a) {
  std::optional<util::TempDir> tmp;
  if (a.config) {
    // A temporary root, made like a machine's disks by the switch.
    if (a.root.empty()) {
      tmp.emplace("bastion-os-run-");
      if (::chmod(tmp->path.c_str(), 0755) != 0)
        throw util::SysError("chmod", errno, tmp->path);
      a.root = tmp->path;
      info("booting from the temporary root '" + a.root + "' (removed afterwards)");
    }
    if (int rc = doSwitch(a))
      return rc;
  }
  os::ContainerOptions o;
  o.root = a.root;
  o.netns = a.netns;
  o.ephemeral = a.ephemeral;
  os::prepareBoot(o);
  if (!o.netns.empty()) {
    auto addrs = os::netnsAddresses(o.netns);
    if (addrs.empty())
      std::cout << "address: none (network namespace '" << o.netns
                << "' has no address but loopback)\n";
    for (auto &addr : addrs)
      std::cout << "address: " << addr << "\n";
    std::cout.flush();
  }
  return os::runCommand(os::nspawnCommand(o));
}

} // namespace

int runOsGenerations(const std::string &sub, std::vector<std::string> args) {
  try {
    Args a = parse(sub, args);
    if (sub == "switch")
      return doSwitch(a);
    if (sub == "rollback")
      return doRollback(a);
    if (sub == "list-generations")
      return doList(a);
    if (sub == "delete-generations")
      return doDelete(a);
    if (sub == "run")
      return doRun(a);
    throw OsUsageError("unknown subcommand 'os " + sub + "'");
  } catch (...) {
    return reportOsFailure(kUsage);
  }
}

bool isOsGenerationsCommand(const std::string &sub) {
  return sub == "switch" || sub == "rollback" || sub == "list-generations" ||
         sub == "delete-generations" || sub == "run";
}

} // namespace bastion::cli
