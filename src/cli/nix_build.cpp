// `nix-build`: instantiate, realise the derivations found, link the results
// (`result`, `result-dev`, `result-2`, …, each an indirect GC root) and
// print the output paths.
#include <iostream>
#include <map>
#include <set>

#include "build/build_error.h"
#include "build/realise.h"
#include "cli/build_options.h"
#include "cli/commands.h"
#include "cli/derivations.h"
#include "cli/eval_options.h"
#include "cli/legacy_args.h"
#include "lang/eval.h"
#include "lang/eval_store.h"
#include "store/gc_roots.h"

namespace bastion::cli {

using namespace bastion::lang;

namespace {

struct Options {
  EvalOptions eval;
  BuildOptions build;
  std::string outLink = "result";
  bool noOutLink = false, dryRun = false;
};

Options parseArgs(std::vector<std::string> &args) {
  Options o;
  for (size_t i = 0; i < args.size(); i++) {
    expandCompound(args, i);
    const std::string &a = args[i];
    if (a == "-o" || a == "--out-link") {
      if (i + 1 >= args.size())
        usageError("nix-build", "flag '" + a + "' requires 1 argument(s)");
      o.outLink = args[++i];
    } else if (a == "--no-out-link" || a == "--no-link")
      o.noOutLink = true;
    else if (a == "--dry-run")
      o.dryRun = true;
    else if (a == "--drv-link" || a == "--add-drv-link" || a == "--indirect") {
      if (a == "--drv-link")
        i++;
    } else if (parseBuildArg(args, i, o.build, "nix-build"))
      ;
    else
      parseEvalArg(args, i, o.eval, "nix-build");
  }
  return o;
}

int run(Options &o) {
  EvalSettings settings;
  try {
    settings = makeEvalSettings(o.eval, false);
  } catch (std::exception &e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  EvalState state(settings);
  bool showTrace = state.settings.showTrace;
  std::vector<DrvInfo> drvs;
  try {
    Bindings *autoArgs = makeAutoArgs(state, o.eval);
    std::vector<std::string> attrPaths = o.eval.attrPaths;
    if (attrPaths.empty())
      attrPaths.push_back("");
    for (Expr *e : parseInputs(state, o.eval)) {
      Value vRoot;
      state.eval(e, vRoot);
      for (auto &path : attrPaths) {
        Value *v = findAlongAttrPath(state, path, *autoArgs, vRoot);
        for (auto &d : collectDerivations(state, *v, *autoArgs))
          drvs.push_back(d);
      }
    }
  } catch (EvalError &e) {
    std::cerr << formatError(state.positions, e, showTrace);
    return 1;
  } catch (std::exception &e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }

  // One link prefix per derivation, in order of first appearance; every
  // output asked for under that derivation gets a link.
  std::vector<std::string> order;
  std::map<std::string, std::set<std::string>> wanted;
  for (auto &d : drvs) {
    if (!wanted.count(d.drvPath))
      order.push_back(d.drvPath);
    wanted[d.drvPath].insert(d.outputName);
  }
  std::vector<build::DerivedPath> targets;
  for (auto &p : order)
    targets.push_back({p, wanted[p]});
  if (o.dryRun) {
    for (auto &t : targets)
      std::cerr << "would build '" << t.drvPath << "'\n";
    return 0;
  }

  store::LocalStore &store = state.store().store();
  try {
    build::Realiser realiser(store, makeBuildSettings(o.build, state.settings));
    auto results = realiser.realise(targets);
    std::vector<std::string> printed;
    for (size_t i = 0; i < targets.size(); i++) {
      std::string prefix = o.outLink + (i ? "-" + std::to_string(i + 1) : "");
      for (auto &[name, path] : results[i]) {
        if (!o.noOutLink)
          store::addPermRoot(store, store.parseStorePath(path),
                             prefix + (name == "out" ? "" : "-" + name));
        printed.push_back(path);
      }
    }
    for (auto &p : printed)
      std::cout << p << "\n";
  } catch (build::BuildError &e) {
    reportError(e.what());
    return build::BuildError::exitStatus(e.status);
  } catch (std::exception &e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

} // namespace

int cmdNixBuild(const std::string &, std::vector<std::string> &args) {
  GC_INIT();
  Options o = parseArgs(args);
  return run(o);
}

} // namespace bastion::cli
