// nix-env --install, --uninstall and --set, as Nix 2.8's nix-env.cc: each
// computes the new list of packages, then createUserEnv builds it and
// switches the profile, starting over if the profile changed meanwhile.
#include <algorithm>

#include "cli/nix_env.h"
#include "lang/eval_store.h"
#include "lang/versions.h"
#include "store/profiles.h"

namespace bastion::cli {

using namespace bastion::lang;

namespace {

bool parseInstallSourceOption(NixEnvGlobals &g, std::vector<std::string> &flags, size_t &i) {
  const std::string &a = flags[i];
  if (a == "--from-expression" || a == "-E")
    g.source = InstallSource::NixExprs;
  else if (a == "--from-profile") {
    if (i + 1 >= flags.size())
      throw UsageError("'" + a + "' requires an argument");
    g.source = InstallSource::Profile;
    g.fromProfile = flags[++i];
  } else if (a == "--attr" || a == "-A")
    g.source = InstallSource::AttrPath;
  else
    return false;
  return true;
}

bool keep(EvalState &state, EnvElem &e) {
  Value *v = e.meta(state, "keep");
  return v && v->type == VType::Bool && v->boolean;
}

} // namespace

void opNixEnvInstall(NixEnvGlobals &g, std::vector<std::string> &flags,
                     std::vector<std::string> &args) {
  for (size_t i = 0; i < flags.size(); i++) {
    const std::string &a = flags[i];
    if (parseInstallSourceOption(g, flags, i))
      ;
    else if (a == "--preserve-installed" || a == "-P")
      g.preserveInstalled = true;
    else if (a == "--remove-all" || a == "-r")
      g.removeAll = true;
    else
      throw UsageError("unknown flag '" + a + "'");
  }
  EvalState &state = evalState(g);

  EnvElems newElems = queryInstSources(g, args, true);
  std::set<std::string> newNames;
  for (auto &e : newElems)
    newNames.insert(parseDrvName(e.name(state)).name);

  for (;;) {
    std::string lockToken = store::optimisticLockProfile(g.profile);
    // The new packages first, then those installed before, unless they
    // have the name of a new one.
    EnvElems all = newElems;
    if (!g.removeAll) {
      EnvElems installed = queryInstalled(g, g.profile);
      for (auto &e : installed) {
        if (!g.preserveInstalled && newNames.count(parseDrvName(e.name(state)).name) &&
            !keep(state, e))
          printInfo("replacing old '" + e.name(state) + "'");
        else
          all.push_back(e);
      }
      for (auto &e : newElems)
        printInfo("installing '" + e.name(state) + "'");
    }
    if (g.dryRun)
      return;
    if (createUserEnv(g, all, g.profile, lockToken))
      break;
  }
}

void opNixEnvUninstall(NixEnvGlobals &g, std::vector<std::string> &flags,
                       std::vector<std::string> &args) {
  if (!flags.empty())
    throw UsageError("unknown flag '" + flags.front() + "'");
  EvalState &state = evalState(g);
  store::LocalStore &store = state.store().store();
  for (;;) {
    std::string lockToken = store::optimisticLockProfile(g.profile);
    EnvElems working = queryInstalled(g, g.profile);
    for (auto &selector : args) {
      // std::partition, as Nix: the packages kept may change order, and
      // the manifest with them.
      EnvElems::iterator split;
      if (selector.find('/') != std::string::npos) {
        std::string path = store.printStorePath(store.parseStorePath(selector));
        split = std::partition(working.begin(), working.end(),
                               [&](EnvElem &e) { return e.outPath(state) != path; });
      } else {
        split = std::partition(working.begin(), working.end(), [&](EnvElem &e) {
          return !selectorMatches(selector, e.name(state));
        });
      }
      if (split == working.end())
        printInfo("warning: selector '" + selector + "' matched no installed derivations");
      for (auto i = split; i != working.end(); ++i)
        printInfo("uninstalling '" + i->name(state) + "'");
      working.erase(split, working.end());
    }
    if (g.dryRun)
      return;
    if (createUserEnv(g, working, g.profile, lockToken))
      break;
  }
}

void opNixEnvSet(NixEnvGlobals &g, std::vector<std::string> &flags,
                 std::vector<std::string> &args) {
  for (size_t i = 0; i < flags.size(); i++)
    if (!parseInstallSourceOption(g, flags, i))
      throw UsageError("unknown flag '" + flags[i] + "'");
  EvalState &state = evalState(g);
  EnvElems elems = queryInstSources(g, args, true);
  if (elems.size() != 1)
    throw std::runtime_error("--set requires exactly one derivation");
  EnvElem &e = elems.front();
  store::LocalStore &store = state.store().store();
  if (auto drv = e.drvPath(state)) {
    if (g.dryRun)
      return;
    buildDerivations(g, {*drv});
  } else {
    if (g.dryRun)
      return;
    if (!store.isValidPath(store.parseStorePath(e.outPath(state))))
      throw std::runtime_error("path '" + e.outPath(state) +
                               "' is required, but there is no substituter that can build it");
  }
  store::ProfileLock lock(g.profile);
  std::string generation =
      store::createGeneration(store, g.profile, store.parseStorePath(e.outPath(state)));
  store::switchLink(g.profile, generation);
}

} // namespace bastion::cli

namespace bastion::cli {

// Nix's opSetFlag: a meta attribute (priority, keep, active, …) set to a
// string on the installed packages the selectors match, in a new
// generation.
void opNixEnvSetFlag(NixEnvGlobals &g, std::vector<std::string> &flags,
                     std::vector<std::string> &args) {
  if (!flags.empty())
    throw UsageError("unknown flag '" + flags.front() + "'");
  if (args.size() < 2)
    throw UsageError("not enough arguments to '--set-flag'");
  const std::string flagName = args[0], flagValue = args[1];
  std::vector<std::string> selectors(args.begin() + 2, args.end());
  EvalState &state = evalState(g);
  for (;;) {
    std::string lockToken = store::optimisticLockProfile(g.profile);
    EnvElems installed = queryInstalled(g, g.profile);
    std::vector<size_t> hits(selectors.size(), 0);
    for (auto &e : installed)
      for (size_t j = 0; j < selectors.size(); j++)
        if (selectorMatches(selectors[j], e.name(state))) {
          printInfo("setting flag on '" + e.name(state) + "'");
          hits[j]++;
          e.setMeta(flagName, state.mkStringValue(flagValue));
          break;
        }
    for (size_t j = 0; j < selectors.size(); j++)
      if (hits[j] == 0 && selectors[j] != "*")
        throw std::runtime_error("selector '" + selectors[j] + "' matches no derivations");
    if (createUserEnv(g, installed, g.profile, lockToken))
      break;
  }
}

} // namespace bastion::cli
