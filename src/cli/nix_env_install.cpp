// nix-env --install, --uninstall and --set, as Nix 2.8's nix-env.cc: each
// computes the new list of packages, then createUserEnv builds it and
// switches the profile, starting over if the profile changed meanwhile.
#include <algorithm>
#include <functional>

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

// Nix's queryMetaBool("keep", false): a Boolean, or the strings "true" and
// "false" that --set-flag writes.
bool keep(EvalState &state, EnvElem &e) {
  Value *v = e.meta(state, "keep");
  if (!v)
    return false;
  if (v->type == VType::Bool)
    return v->boolean;
  return v->type == VType::String && std::string_view(v->string.chars) == "true";
}

// Nix's optimistic profile update: `next` works out the packages of the
// new generation (reading the installed ones itself), which is written
// unless the profile changed meanwhile; then all is done again. With
// --dry-run the ops that honour it stop before writing.
void rewriteProfile(NixEnvGlobals &g, bool honourDryRun, const std::function<EnvElems()> &next) {
  for (;;) {
    std::string lockToken = store::optimisticLockProfile(g.profile);
    EnvElems elems = next();
    if (honourDryRun && g.dryRun)
      return;
    if (createUserEnv(g, elems, g.profile, lockToken))
      return;
  }
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

  rewriteProfile(g, true, [&] {
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
    return all;
  });
}

void opNixEnvUninstall(NixEnvGlobals &g, std::vector<std::string> &flags,
                       std::vector<std::string> &args) {
  if (!flags.empty())
    throw UsageError("unknown flag '" + flags.front() + "'");
  EvalState &state = evalState(g);
  store::LocalStore &store = state.store().store();
  rewriteProfile(g, true, [&] {
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
    return working;
  });
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

// Nix's upgradeDerivations: each installed package not marked `keep` is
// replaced by the available package of the same name whose version is
// accepted by `accept` (comparing installed against available), preferring
// higher priority (a lower number), then the higher version; never one of
// lower priority than the installed package.
void opNixEnvUpgrade(NixEnvGlobals &g, std::vector<std::string> &flags,
                     std::vector<std::string> &args) {
  enum { Lt, Leq, Eq, Always } type = Lt;
  for (size_t i = 0; i < flags.size(); i++) {
    const std::string &a = flags[i];
    if (parseInstallSourceOption(g, flags, i))
      ;
    else if (a == "--lt")
      type = Lt;
    else if (a == "--leq")
      type = Leq;
    else if (a == "--eq")
      type = Eq;
    else if (a == "--always")
      type = Always;
    else
      throw UsageError("unknown flag '" + a + "'");
  }
  EvalState &state = evalState(g);
  store::LocalStore &store = state.store().store();
  auto priority = [&](EnvElem &e) { return e.metaInt(state, "priority", 0); };
  rewriteProfile(g, true, [&] {
    EnvElems installed = queryInstalled(g, g.profile);
    EnvElems available = queryInstSources(g, args, false);
    EnvElems newElems;
    for (auto &i : installed) {
      if (keep(state, i)) {
        newElems.push_back(i);
        continue;
      }
      lang::DrvName name = parseDrvName(i.name(state));
      EnvElem *best = nullptr;
      std::string bestVersion;
      for (auto &j : available) {
        if (priority(j) - priority(i) > 0)
          continue; // would lower the priority
        lang::DrvName newName = parseDrvName(j.name(state));
        if (newName.name != name.name)
          continue;
        int d = compareVersions(name.version, newName.version);
        if (!((type == Lt && d < 0) || (type == Leq && d <= 0) || (type == Eq && d == 0) ||
              type == Always))
          continue;
        int d2 = -1;
        if (best) {
          d2 = priority(j) - priority(*best);
          if (d2 == 0)
            d2 = compareVersions(bestVersion, newName.version);
        }
        if (d2 < 0 &&
            (!g.prebuiltOnly || store.isValidPath(store.parseStorePath(j.outPath(state))))) {
          best = &j;
          bestVersion = newName.version;
        }
      }
      if (best && i.outPath(state) != best->outPath(state)) {
        const char *action =
            compareVersions(name.version, bestVersion) <= 0 ? "upgrading" : "downgrading";
        printInfo(std::string(action) + " '" + i.name(state) + "' to '" + best->name(state) + "'");
        newElems.push_back(*best);
      } else {
        newElems.push_back(i);
      }
    }
    return newElems;
  });
}

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
  rewriteProfile(g, false, [&] {
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
    return installed;
  });
}

} // namespace bastion::cli
