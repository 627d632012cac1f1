// bastion os test FILE.nix: a test in NixOS's form ({ nodes.<name> = …;
// testScript = ''…''; }), one systemd-nspawn container per node on a
// private network (os/test_network.h). Here: the test file read
// (nix/test-driver/eval-test.nix), each node built (buildSystem) and
// switched into a root of its own, the network made, and the script run by
// the shipped driver (nix/test-driver/driver.py, Debian's python3), which
// boots and probes the containers. Whatever happens, the containers, the
// namespaces and the roots are gone afterwards; the logs are kept when the
// test fails.
#include <gc/gc.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/os_system.h"
#include "cli/os_test.h"
#include "cli/store_open.h"
#include "lang/datadir.h"
#include "lang/error.h"
#include "lang/escape.h"
#include "lang/eval.h"
#include "lang/json.h"
#include "os/container.h"
#include "os/generations.h"
#include "os/test_network.h"
#include "store/fs_util.h"
#include "util/error.h"
#include "util/file.h"
#include "util/path.h"
#include "util/temp.h"

namespace bastion::cli {

namespace {

const char kUsage[] =
    "usage: bastion os test FILE.nix [--store DIR] [--keep] [-I PATH] [--option NAME VALUE]\n"
    "                       [-j N] [--keep-going]\n"
    "FILE is a test in NixOS's form: { nodes.<name> = <configuration>; testScript = ''…''; }\n"
    "(or a function of { pkgs, lib, … } returning it). Each node is built, switched into a\n"
    "root of its own and booted in systemd-nspawn on a private network (192.0.2.0/24, the\n"
    "node names in /etc/hosts); the testScript runs with NixOS's driver API. --keep keeps\n"
    "the work directory (roots and logs). Exit 0 when the script passes, 1 when it fails.\n";

struct Args {
  std::string file, store;
  bool keep = false;
  SystemBuild sys;
  std::vector<std::string> buildArgs; // as given, for the driver's `os switch -c`
};

Args parse(std::vector<std::string> &args) {
  Args a;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string x = args[i];
    size_t first = i;
    if (x == "--store") {
      if (i + 1 >= args.size())
        throw OsUsageError("option '--store' needs an argument");
      a.store = args[++i];
      a.buildArgs.insert(a.buildArgs.end(), {"--store", util::absPath(a.store)});
    } else if (x == "--keep")
      a.keep = true;
    else if (parseBuildArg(args, i, a.sys.build, "os test"))
      a.buildArgs.insert(a.buildArgs.end(), args.begin() + first, args.begin() + i + 1);
    else if (!x.empty() && x[0] == '-') {
      std::vector<std::string> files = a.sys.eval.files;
      if (!parseEvalArg(args, i, a.sys.eval, "os test") || a.sys.eval.files != files ||
          !a.sys.eval.attrPaths.empty() || a.sys.eval.fromExpr)
        throw OsUsageError("unknown option '" + x + "' for 'os test'");
      a.buildArgs.insert(a.buildArgs.end(), args.begin() + first, args.begin() + i + 1);
    } else if (a.file.empty())
      a.file = x;
    else
      throw OsUsageError("unexpected argument '" + x + "'");
  }
  if (a.file.empty())
    throw OsUsageError("missing the test file");
  a.file = util::absPath(a.file);
  struct stat st;
  if (::stat(a.file.c_str(), &st) != 0)
    throw OsUsageError("test file '" + a.file + "' does not exist");
  if (!a.store.empty())
    a.sys.eval.settings.emplace_back("store", util::absPath(a.store));
  return a;
}

std::string nixPath(const std::string &p) { return "(/. + " + lang::escapeNixString(p) + ")"; }

// The test file as eval-test.nix reads it: name, nodes, testScript, file, line.
nlohmann::json readTest(const Args &a) {
  using namespace bastion::lang;
  EvalState state(makeEvalSettings(a.sys.eval, true));
  try {
    Value v;
    Expr *e = state.parseString(
        "import <bastion/test-driver/eval-test.nix> { testFile = " + nixPath(a.file) + "; }",
        util::absPath("."), Origin::Kind::String);
    state.eval(e, v);
    std::vector<std::string> ctx;
    std::ostringstream out;
    printValueAsJSON(state, true, v, PosIdx{}, out, ctx, false);
    return nlohmann::json::parse(out.str());
  } catch (EvalError &err) {
    throw SystemBuildError(formatError(state.positions, err, state.settings.showTrace), 1);
  }
}

void writeText(const std::string &path, const std::string &text) {
  std::ofstream f(path);
  f << text;
  f.close();
  if (!f)
    throw util::Error("cannot write '" + path + "'");
}

void mkdir755(const std::string &path) {
  if (::mkdir(path.c_str(), 0755) != 0)
    throw util::SysError("mkdir", errno, path);
}

void info(const std::string &line) { std::cerr << line << "\n"; }

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The node's configuration file: its module from the test plus the test
// network's facts (node.nix).
std::string nodeConfig(const std::string &testFile, const std::string &name) {
  return "import <bastion/test-driver/node.nix> { testFile = " + nixPath(testFile) +
         "; name = " + lang::escapeNixString(name) + "; }\n";
}

std::string python3() {
  return ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

pid_t driverPid = -1, testPid = -1;

void forwardToTest(int sig) {
  if (testPid > 0)
    ::kill(testPid, sig);
}

// Ctrl-C reaches the driver too (one process group), which stops the
// containers; a SIGTERM or SIGHUP for os test alone is passed on as SIGINT.
// os test itself stays to tear the network down.
void forward(int) {
  if (driverPid > 0)
    ::kill(driverPid, SIGINT);
}

int runDriver(const std::string &spec) {
  const auto &data = lang::bastionDataDir();
  if (!data)
    throw util::Error("the shipped Nix code (share/bastion) is not found beside the binary");
  std::string driver = *data + "/test-driver/driver.py";
  std::string py = python3();
  struct sigaction ign {
  }, fwd{}, oldInt{}, oldTerm{}, oldHup{};
  ign.sa_handler = SIG_IGN;
  fwd.sa_handler = forward;
  ::sigaction(SIGINT, &ign, &oldInt);
  ::sigaction(SIGTERM, &fwd, &oldTerm);
  ::sigaction(SIGHUP, &fwd, &oldHup);
  std::cout.flush();
  pid_t pid = ::fork();
  if (pid < 0)
    util::throwSysError("fork");
  if (pid == 0) {
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGHUP, SIG_DFL);
    ::execlp(py.c_str(), py.c_str(), driver.c_str(), spec.c_str(), (char *)nullptr);
    std::cerr << "error: cannot run '" << py << "': " << std::strerror(errno)
              << " (install Debian's python3)\n";
    ::_exit(127);
  }
  driverPid = pid;
  int status;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      util::throwSysError("waiting for the test driver");
  driverPid = -1;
  ::sigaction(SIGINT, &oldInt, nullptr);
  ::sigaction(SIGTERM, &oldTerm, nullptr);
  ::sigaction(SIGHUP, &oldHup, nullptr);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

// The test in the work directory made for it (nodes/, logs/): everything
// but the clean-up, which superviseTest does.
int runTest(Args &a, const std::string &work) {
  auto t0 = std::chrono::steady_clock::now();
  nlohmann::json test = readTest(a);
  std::vector<std::string> names = test["nodes"].get<std::vector<std::string>>();
  std::string name = test["name"].get<std::string>();
  info("test '" + name + "': nodes " + [&] {
    std::string s;
    for (auto &n : names)
      s += (s.empty() ? "" : ", ") + n;
    return s;
  }());

  // Build and switch every node first: a node that does not build fails the
  // test before anything boots.
  std::vector<std::pair<std::string, std::string>> flags;
  if (!a.store.empty())
    flags.emplace_back("store", util::absPath(a.store));
  auto from = openStore(settingsFrom(flags));
  std::vector<std::string> roots;
  for (auto &n : names) {
    auto tb = std::chrono::steady_clock::now();
    std::string cfg = work + "/nodes/" + n + ".nix";
    writeText(cfg, nodeConfig(a.file, n));
    SystemBuild sys = a.sys;
    sys.configFile = cfg;
    std::string top = buildSystem(sys);
    std::string root = work + "/" + n;
    mkdir755(root);
    os::SwitchResult r =
        os::switchRoot(*from, root, from->parseStorePath(top), [](const std::string &) {});
    std::ostringstream took;
    took.precision(2);
    took << std::fixed << secondsSince(tb);
    info(n + ": " + top + " (generation " + std::to_string(r.generation) +
         ", built and switched in " + took.str() + " s)");
    roots.push_back(root);
  }

  os::TestNetwork net(std::to_string(::getpid()), names);
  nlohmann::json spec;
  spec["name"] = name;
  spec["testScript"] = test["testScript"];
  spec["file"] = test["file"];
  spec["line"] = test["line"];
  spec["logDir"] = work + "/logs";
  spec["bastion"] = util::readLink("/proc/self/exe");
  spec["buildArgs"] = a.buildArgs;
  spec["testFile"] = a.file;
  spec["nodes"] = nlohmann::json::array();
  for (size_t i = 0; i < names.size(); ++i) {
    os::ContainerOptions o;
    o.root = roots[i];
    o.netns = net.nodes()[i].netns;
    os::prepareBoot(o);
    spec["nodes"].push_back({{"name", names[i]},
                             {"root", roots[i]},
                             {"config", work + "/nodes/" + names[i] + ".nix"},
                             {"netns", os::TestNetwork::path(o.netns)},
                             {"address", net.nodes()[i].address},
                             {"nspawn", os::nspawnCommand(o)}});
  }
  std::string specFile = work + "/spec.json";
  writeText(specFile, spec.dump(2) + "\n");
  std::ostringstream took;
  took.precision(2);
  took << std::fixed << secondsSince(t0);
  info("built, switched and networked in " + took.str() + " s; running the test script");
  int rc = runDriver(specFile);
  return rc == 0 ? 0 : rc == 130 ? 130 : 1;
}

// Kills the processes with `arg` among their arguments: a driver whose
// os test died (its spec file names the run).
void killProcessesWithArg(const std::string &arg) {
  for (const std::string &entry : store::readDirNames("/proc")) {
    if (entry.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream f("/proc/" + entry + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    size_t at = 0;
    for (size_t nul; (nul = cmdline.find('\0', at)) != std::string::npos; at = nul + 1)
      if (cmdline.compare(at, nul - at, arg) == 0) {
        ::kill(std::stoi(entry), SIGKILL);
        break;
      }
  }
}

// Exit status and message of an exception escaping runTest.
int reported(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const SystemBuildError &x) {
    std::cerr << x.what();
    return x.status;
  } catch (const std::exception &x) {
    std::cerr << "error: " << x.what() << "\n";
    return 1;
  }
}

// runTest in a child process; this one only waits and then removes what
// the child leaves however it ended (even SIGKILL): the network namespaces
// named after it with the containers in them, and the work directory with
// the roots. The logs of a failed run are kept.
int superviseTest(Args &a) {
  std::string work = util::createTempDir("bastion-os-test-");
  if (::chmod(work.c_str(), 0755) != 0)
    throw util::SysError("chmod", errno, work);
  mkdir755(work + "/nodes");
  mkdir755(work + "/logs");
  std::cout.flush();
  std::cerr.flush();
  pid_t child = ::fork();
  if (child < 0)
    util::throwSysError("fork");
  if (child == 0) {
    int rc;
    try {
      rc = runTest(a, work);
    } catch (...) {
      rc = reported(std::current_exception());
    }
    std::cout.flush();
    std::cerr.flush();
    ::_exit(rc);
  }
  // Ctrl-C reaches the child's process group too; a SIGTERM or SIGHUP for
  // this process alone is passed on.
  struct sigaction ign {
  }, fwd{}, oldInt{}, oldTerm{}, oldHup{};
  ign.sa_handler = SIG_IGN;
  fwd.sa_handler = forwardToTest;
  testPid = child;
  ::sigaction(SIGINT, &ign, &oldInt);
  ::sigaction(SIGTERM, &fwd, &oldTerm);
  ::sigaction(SIGHUP, &fwd, &oldHup);
  int status;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR)
    ;
  testPid = -1;
  int rc = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    killProcessesWithArg(work + "/spec.json");
  os::removeTestNetworks(std::to_string(child));
  if (rc != 0 && !a.keep) {
    std::vector<std::string> logs = store::readDirNames(work + "/logs");
    if (!logs.empty()) {
      std::string kept = util::createTempDir("bastion-os-test-logs-");
      for (auto &n : logs)
        if (::rename((work + "/logs/" + n).c_str(), (kept + "/" + n).c_str()) != 0)
          info("warning: could not keep " + work + "/logs/" + n + ": " + std::strerror(errno));
      info("the nodes' logs are kept in " + kept);
    }
  }
  if (a.keep)
    info("work directory kept: " + work + " (roots, logs/, spec.json)");
  else {
    try {
      util::deletePath(work);
    } catch (std::exception &e) {
      info(std::string("warning: removing the work directory: ") + e.what());
    }
  }
  ::sigaction(SIGINT, &oldInt, nullptr);
  ::sigaction(SIGTERM, &oldTerm, nullptr);
  ::sigaction(SIGHUP, &oldHup, nullptr);
  return rc;
}

} // namespace

int runOsTest(std::vector<std::string> args) {
  GC_INIT();
  try {
    for (auto &x : args)
      if (x == "--help" || x == "-h") {
        std::cout << kUsage;
        return 0;
      }
    Args a = parse(args);
    // Checked first: the builds would otherwise run for nothing.
    if (::geteuid() != 0)
      throw util::Error("bastion os test needs root: systemd-nspawn and the test network's "
                        "namespaces (run it as root)");
    return superviseTest(a);
  } catch (...) {
    return reportOsFailure(kUsage);
  }
}

} // namespace bastion::cli
