// buildSystem (os_system.h) and the evaluation of a configuration file that
// `bastion os eval/options/build` share: nix/os/cli.nix on the file, through
// eval-config.nix.
#include "cli/os_system.h"

#include <gc/gc.h>
#include <sys/stat.h>

#include <cstdlib>
#include <iostream>

#include "build/realise.h"
#include "cli/derivations.h"
#include "cli/os_config.h"
#include "lang/error.h"
#include "lang/escape.h"
#include "lang/eval.h"
#include "lang/eval_store.h"
#include "store/gc_roots.h"
#include "util/path.h"

namespace bastion::cli {

using namespace bastion::lang;

std::string defaultConfigFile() {
  const char *env = std::getenv("BASTION_CONFIG");
  return env && *env ? env : "/etc/bastion/configuration.nix";
}

std::string configExprFor(const std::string &configFile) {
  if (configFile.empty())
    return "import <bastion/os/cli.nix> { configFile = null; }";
  std::string path = util::absPath(configFile);
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    throw SystemBuildError("error: configuration file '" + path + "' does not exist\n", 1);
  return "import <bastion/os/cli.nix> { configFile = /. + " + escapeNixString(path) + "; }";
}

Value &evalConfigRoot(EvalState &state, const std::string &configFile, Value &root) {
  Expr *e = state.parseString(configExprFor(configFile), util::absPath("."), Origin::Kind::String);
  state.eval(e, root);
  return root;
}

std::string buildSystem(const SystemBuild &o) {
  GC_INIT();
  std::string file = o.configFile.empty() ? defaultConfigFile() : o.configFile;
  EvalSettings settings;
  try {
    settings = makeEvalSettings(o.eval, false);
  } catch (std::exception &e) {
    throw SystemBuildError(std::string("error: ") + e.what() + "\n", 1);
  }
  EvalState state(settings);
  std::vector<DrvInfo> drvs;
  try {
    Value root;
    evalConfigRoot(state, file, root);
    Bindings *autoArgs = makeAutoArgs(state, o.eval);
    Value *top = findAlongAttrPath(state, "toplevel", *autoArgs, root);
    drvs = collectDerivations(state, *top, *autoArgs);
  } catch (EvalError &e) {
    throw SystemBuildError(formatError(state.positions, e, state.settings.showTrace), 1);
  } catch (SystemBuildError &) {
    throw;
  } catch (std::exception &e) {
    throw SystemBuildError(std::string("error: ") + e.what() + "\n", 1);
  }
  if (drvs.size() != 1)
    throw SystemBuildError(
        "error: config.system.build.toplevel of '" + file + "' is not one derivation\n", 1);
  store::LocalStore &store = state.store().store();
  try {
    build::Realiser realiser(store, makeBuildSettings(o.build, state.settings));
    auto results = realiser.realise({{drvs[0].drvPath, {drvs[0].outputName}}});
    std::string path = results.at(0).at(drvs[0].outputName);
    if (!o.outLink.empty())
      store::addPermRoot(store, store.parseStorePath(path), o.outLink);
    return path;
  } catch (build::BuildError &e) {
    throw SystemBuildError(std::string("error: ") + e.what() + "\n",
                           build::BuildError::exitStatus(e.status));
  } catch (std::exception &e) {
    throw SystemBuildError(std::string("error: ") + e.what() + "\n", 1);
  }
}

int reportOsFailure(const char *usage) {
  try {
    throw;
  } catch (const OsUsageError &e) {
    std::cerr << "error: " << e.what() << "\n" << usage;
  } catch (const SystemBuildError &e) {
    std::cerr << e.what();
    return e.status;
  } catch (const std::exception &e) {
    std::cerr << "error: " << e.what() << "\n";
  }
  return 1;
}

} // namespace bastion::cli
