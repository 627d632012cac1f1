#include "build/build_one.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <vector>

#include "build/build_env.h"
#include "build/build_error.h"
#include "build/build_slot.h"
#include "build/builtin_builders.h"
#include "build/outputs.h"
#include "build/sandbox.h"
#include "build/system_features.h"
#include "store/closure.h"
#include "store/fs_util.h"
#include "store/path_lock.h"
#include "util/error.h"

namespace bastion::build {
namespace {

using format::StorePath;

std::string statusText(int status) {
  if (WIFEXITED(status))
    return "failed with exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return "failed due to signal " + std::to_string(WTERMSIG(status));
  return "failed with status " + std::to_string(status);
}

// "/nix/store/abc…-hello.drv" -> "hello.drv"
std::string drvName(const std::string &drvPath) {
  std::string b = drvPath.substr(drvPath.rfind('/') + 1);
  return b.size() > 33 ? b.substr(33) : b;
}

std::string makeBuildDir(const std::string &drvPath) {
  return store::createTempDir("nix-build-" + drvName(drvPath) + "-", "a build directory");
}

// Empties the workspace however the build ends; a kept build directory
// (--keep-failed) is a separate one.
struct Scratch {
  Workspace &workspace;
  std::string keptBuildDir;
  bool keep = false;
  ~Scratch() {
    try {
      workspace.clear();
      if (!keptBuildDir.empty() && !keep)
        store::deletePath(keptBuildDir);
    } catch (std::exception &) {
    }
  }
};

// Nix's LocalDerivationGoal::exportReferences and pathInfoToJSON: the
// closure of paths from the input closure, with the outputs of the
// derivations in it, as the path infos exportReferencesGraph writes.
std::vector<ExportedPath> exportReferences(store::LocalStore &store,
                                           const std::set<StorePath> &inputs,
                                           const std::vector<std::string> &printed) {
  std::set<StorePath> paths;
  for (auto &p : printed) {
    StorePath path;
    try {
      path = store.parseStorePath(p);
    } catch (const format::BadStorePath &e) {
      throw BuildEnvError(e.what());
    }
    if (!inputs.count(path))
      throw BuildEnvError("cannot export references of path '" + p +
                          "' because it is not in the input closure of the derivation");
    store::computeFSClosure(store, {path}, paths);
  }
  // Derivations bring their outputs (Nix: "useful if you want to do things
  // like passing all build-time dependencies of some path to a derivation
  // that builds a NixOS DVD image").
  std::set<StorePath> withOutputs = paths;
  for (auto &p : paths)
    if (p.isDerivation())
      for (auto &[_, out] : store.readDerivation(p).outputs)
        store::computeFSClosure(store, {store.parseStorePath(out.path)}, withOutputs);
  std::vector<ExportedPath> result;
  for (auto &p : withOutputs) {
    auto info = store.queryPathInfo(p);
    if (!info)
      throw BuildEnvError("path '" + store.printStorePath(p) + "' is not valid");
    ExportedPath e;
    e.path = store.printStorePath(p);
    for (auto &r : info->references)
      e.references.push_back(store.printStorePath(r));
    e.narHash = info->narHash.to(format::HashFormat::Nix32, true);
    e.narSize = info->narSize;
    e.ca = info->ca;
    std::set<StorePath> closure;
    store::computeFSClosure(store, {p}, closure);
    for (auto &q : closure)
      if (auto qi = store.queryPathInfo(q))
        e.closureSize += qi->narSize;
    result.push_back(std::move(e));
  }
  return result;
}

std::set<StorePath> inputClosure(store::LocalStore &store, const format::Derivation &drv) {
  std::vector<StorePath> todo;
  for (auto &[input, outs] : drv.inputDrvs) {
    format::Derivation d = store.readDerivation(store.parseStorePath(input));
    for (auto &o : outs) {
      auto it = d.outputs.find(o);
      if (it == d.outputs.end())
        throw BuildError("derivation '" + input + "' does not have an output named '" + o + "'");
      todo.push_back(store.parseStorePath(it->second.path));
    }
  }
  for (auto &s : drv.inputSrcs)
    todo.push_back(store.parseStorePath(s));
  std::set<StorePath> done;
  while (!todo.empty()) {
    StorePath p = todo.back();
    todo.pop_back();
    if (!done.insert(p).second)
      continue;
    auto info = store.queryPathInfo(p);
    if (!info)
      throw BuildError("dependency '" + store.printStorePath(p) + "' is not valid");
    for (auto &r : info->references)
      todo.push_back(r);
  }
  return done;
}

// Runs the builder in the sandbox with its output going to `log`. While
// it runs, the next build's sandbox is made ready (see SandboxStandby).
int runBuilder(const SandboxSpec &base, BuildLog &log, SandboxStandby &standby, bool prepareNext) {
  SandboxSpec spec = base;
  spec.logFd = -1;
  SandboxedProcess proc = startSandboxed(spec, &standby);
  int logFd = proc.takeLogFd();
  if (prepareNext)
    standby.prepare(spec);
  char buf[65536];
  for (;;) {
    ssize_t n = read(logFd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    log.append(buf, size_t(n));
  }
  close(logFd);
  log.finish();
  return proc.wait();
}

} // namespace

Workspace::~Workspace() {
  try {
    if (!storeDir_.empty())
      store::deletePath(storeDir_);
    if (storeDirLock_ != -1)
      ::close(storeDirLock_);
    if (!buildDir_.empty())
      store::deletePath(buildDir_);
  } catch (std::exception &) {
  }
}

const std::string &Workspace::storeDir(const std::string &realStoreDir) {
  // Not Nix's "<drv>.chroot": a Nix 2.8 build of the same derivation in the
  // same store deletes that directory first, under a Bastion builder's feet.
  if (storeDir_.empty()) {
    storeDir_ = store::createTempDirIn(realStoreDir, ".bastion-build-", "a build store directory");
    storeDirLock_ = store::lockDirectory(storeDir_);
  }
  return storeDir_;
}

unsigned Workspace::slot(const std::string &stateDir) {
  if (!slot_)
    slot_ = std::make_unique<BuildSlot>(stateDir);
  return slot_->number();
}

const std::string &Workspace::buildDir() {
  if (buildDir_.empty())
    buildDir_ = store::createTempDir("nix-build-", "a build directory");
  return buildDir_;
}

void Workspace::clear() {
  if (!storeDir_.empty())
    store::deleteContents(storeDir_);
  if (!buildDir_.empty())
    store::deleteContents(buildDir_);
}

MovedOutputs buildDerivation(store::LocalStore &store, const BuildSettings &settings,
                             Progress &progress, const BuildJob &job, Workspace &workspace) {
  // Temporary GC roots first, as Nix does: a collection running meanwhile
  // must keep the .drv and whatever this build produces.
  store.addTempRoot(store.parseStorePath(job.drvPath));
  for (auto &[_, p] : job.outputs)
    store.addTempRoot(p);
  // Nix's lock files on every output: another process building the same
  // derivation waits here, then finds the outputs valid.
  std::vector<std::string> lockPaths;
  for (auto &[_, p] : job.outputs)
    lockPaths.push_back(store.realPath(p));
  std::sort(lockPaths.begin(), lockPaths.end());
  std::vector<std::unique_ptr<store::PathLock>> locks;
  for (auto &p : lockPaths)
    locks.push_back(std::make_unique<store::PathLock>(p));

  bool allValid = std::all_of(job.outputs.begin(), job.outputs.end(),
                              [&](auto &o) { return store.isValidPath(o.second); });
  if (allValid && !job.check)
    return {};
  if (job.check && !allValid)
    throw BuildError("some outputs of '" + job.drvPath +
                     "' are not valid, so checking is not possible");
  std::set<StorePath> closure = inputClosure(store, job.drv);

  // Nix 2.8's canBuildLocally, checked where its startBuilder does: the
  // right platform (any, for a builtin: builder) and every required
  // system feature, or nothing is built.
  std::set<std::string> required;
  try {
    required = requiredSystemFeatures(job.drv);
  } catch (const BuildEnvError &e) {
    throw BuildError(e.what(), BuildError::kPermanent);
  }
  bool builtin = job.drv.builder.rfind("builtin:", 0) == 0;
  if ((job.drv.platform != settings.system && !builtin) ||
      !std::includes(settings.systemFeatures.begin(), settings.systemFeatures.end(),
                     required.begin(), required.end()))
    throw BuildError("a '" + job.drv.platform + "' with features " + showFeatures(required) +
                     " is required to build '" + job.drvPath + "', but I am a '" + settings.system +
                     "' with features " + showFeatures(settings.systemFeatures));

  Scratch scratch{workspace, {}, false};
  // Where the builder writes its outputs (it sees it as the store dir).
  const std::string &builtStoreDir = workspace.storeDir(store.realStoreDir());

  BuildLog log(logPathFor(store.root(), job.drvPath), progress, job.drvPath);
  int status;
  if (job.drv.builder.rfind("builtin:", 0) == 0) {
    store::createDirs(builtStoreDir);
    progress.started(job.drvPath);
    status = runBuiltinBuilder(job.drv, builtStoreDir, store.storeDir(),
                               store.root() + store.storeDir(), log);
  } else {
    // With --keep-failed, a directory of its own named after the
    // derivation, as Nix's, so that it can be kept.
    if (settings.keepFailed)
      scratch.keptBuildDir = makeBuildDir(job.drvPath);
    const std::string &buildDir = settings.keepFailed ? scratch.keptBuildDir : workspace.buildDir();
    BuildEnvOptions eo;
    eo.storeDir = store.storeDir();
    eo.cores = settings.cores;
    eo.buildDir = buildDir;
    eo.exportReferences = [&](const std::vector<std::string> &paths) {
      return exportReferences(store, closure, paths);
    };
    // As Nix's startBuilder, a derivation whose environment cannot be made
    // fails permanently, before it is reported as building.
    BuildEnv be;
    try {
      be = makeBuildEnv(job.drv, eo);
    } catch (const BuildEnvError &e) {
      throw BuildError(e.what(), BuildError::kPermanent);
    } catch (const util::Error &e) { // StoreError, SysError
      throw BuildError(e.what(), BuildError::kPermanent);
    }
    progress.started(job.drvPath);

    SandboxSpec spec;
    spec.builder = job.drv.builder;
    spec.args = be.args;
    spec.env = be.env;
    spec.storeDir = store.storeDir();
    spec.realStoreDir = store.root() + store.storeDir();
    for (auto &p : closure)
      spec.inputPaths.insert(store.printStorePath(p));
    spec.extraPaths = parseSandboxPaths(settings.sandboxPaths);
    spec.buildDir = buildDir;
    spec.buildStoreDir = builtStoreDir;
    // Only a fixed output, whose result is checked against its hash, may
    // reach the network.
    spec.network = format::isFixedOutputDerivation(job.drv);
    spec.kvm = settings.systemFeatures.count("kvm") != 0;
    if (geteuid() == 0)
      spec.hostUid = spec.hostGid =
          long(kDefaultSandboxHostId + workspace.slot(store.root() + "/nix/var/nix"));
    status = runBuilder(spec, log, workspace.standby(), job.moreToCome);
  }

  if (status != 0) {
    scratch.keep = settings.keepFailed;
    std::string msg = "builder for '" + job.drvPath + "' " + statusText(status);
    // The tail repeats what the user has not seen: only when builder
    // output was hidden (-Q), as in Nix.
    auto tail = log.tail();
    if (!tail.empty() && settings.quiet) {
      msg += ";\nlast " + std::to_string(tail.size()) + " log lines:";
      for (auto &l : tail)
        msg += "\n" + l;
      msg += "\nFor full logs, run 'nix log " + job.drvPath + "'.";
    }
    if (settings.keepFailed && !scratch.keptBuildDir.empty())
      msg += "\nnote: keeping build directory '" + scratch.keptBuildDir + "'";
    throw BuildError(msg, BuildError::kPermanent);
  }

  // Each output is ours alone (its lock is held), and LocalStore is
  // thread-safe, so parallel builds inspect and install in parallel.
  BuiltDerivation built{job.drvPath, job.drv, job.outputs, closure, builtStoreDir};
  std::vector<store::ValidPathInfo> infos = inspectOutputs(store, built);
  if (job.check) {
    for (auto &info : infos) {
      auto old = store.queryPathInfo(info.path);
      if (!old || old->narHash != info.narHash) {
        std::string name;
        for (auto &[n, p] : job.outputs)
          if (p == info.path)
            name = n;
        throw BuildError("derivation '" + job.drvPath + "' may not be deterministic: output '" +
                             store.printStorePath(info.path) + "' differs",
                         BuildError::kNotDeterministic);
      }
    }
    return {};
  }
  moveOutputs(store, built, infos);
  return {std::move(locks), std::move(infos)};
}

} // namespace bastion::build
