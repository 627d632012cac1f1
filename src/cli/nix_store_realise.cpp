// nix-store --realise PATHS: build the derivations named (all outputs, or
// those after "!"), check that other paths are valid, and print the
// resulting paths (or, with --add-root, the roots made for them).
#include <iostream>

#include "build/build_error.h"
#include "build/realise.h"
#include "cli/build_options.h"
#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/store_open.h"
#include "store/gc_roots.h"

namespace bastion::cli {

int opNixStoreRealise(NixStoreInvocation &inv) {
  BuildOptions bo;
  bool dryRun = false;
  for (auto &f : inv.flags) {
    if (f == "--dry-run")
      dryRun = true;
    else if (f == "--check")
      bo.check = true;
    else if (f == "--ignore-unknown")
      ;
    else
      throw UsageError("unknown flag '" + f + "'");
  }
  lang::EvalSettings settings = settingsFrom(inv.settings);
  auto storePtr = openStore(settings);
  store::LocalStore &store = *storePtr;

  // Each argument is a store path, or DRV!OUT1,OUT2; symlinks to the store
  // (such as `result`) are followed as Nix does.
  struct Target {
    std::string path;
    std::set<std::string> outputs;
    bool isDrv;
  };
  std::vector<Target> targets;
  std::vector<build::DerivedPath> toBuild;
  build::BuildSettings buildSettings = makeBuildSettings(bo, settings);
  std::set<store::StorePath> toSubstitute; // invalid plain paths: from the caches, as Nix does
  for (auto &a : inv.args) {
    std::string p = a;
    std::set<std::string> outs;
    if (size_t bang = a.find('!'); bang != std::string::npos) {
      p = a.substr(0, bang);
      std::string rest = a.substr(bang + 1);
      for (size_t s = 0; s <= rest.size();) {
        size_t c = rest.find(',', s);
        std::string o = rest.substr(s, c == std::string::npos ? std::string::npos : c - s);
        if (!o.empty())
          outs.insert(o);
        if (c == std::string::npos)
          break;
        s = c + 1;
      }
    }
    format::StorePath sp = store.parseStorePath(p);
    bool isDrv = sp.isDerivation();
    targets.push_back({store.printStorePath(sp), outs, isDrv});
    if (isDrv)
      toBuild.push_back({targets.back().path, outs});
    else if (!store.isValidPath(sp))
      toSubstitute.insert(sp);
  }
  if (!toSubstitute.empty() && !dryRun && buildSettings.substitute)
    buildSettings.substitute(store, toSubstitute);
  for (const store::StorePath &sp : toSubstitute)
    if (!store.isValidPath(sp))
      throw std::runtime_error("path '" + store.printStorePath(sp) + "' is not valid");
  if (dryRun) {
    for (auto &t : toBuild)
      std::cerr << "would build '" << t.drvPath << "'\n";
    return 0;
  }

  build::Realiser realiser(store, buildSettings);
  std::vector<std::map<std::string, std::string>> built;
  try {
    built = realiser.realise(toBuild);
  } catch (build::BuildError &e) {
    reportError(e.what());
    return build::BuildError::exitStatus(e.status);
  }

  size_t rootNr = 0, next = 0;
  for (auto &t : targets) {
    std::vector<std::pair<std::string, std::string>>
        results; // output name ("" for a plain path), path
    if (t.isDrv)
      for (auto &[name, path] : built[next++])
        results.emplace_back(name, path);
    else
      results.emplace_back("", t.path);
    for (auto &[name, path] : results) {
      std::string shown = path;
      if (!inv.gcRoot.empty()) {
        std::string rootName = inv.gcRoot;
        if (++rootNr > 1)
          rootName += "-" + std::to_string(rootNr);
        if (!name.empty() && name != "out")
          rootName += "-" + name;
        shown = store::addPermRoot(store, store.parseStorePath(path), rootName);
      }
      if (!inv.noOutput)
        std::cout << shown << "\n";
    }
  }
  return 0;
}

} // namespace bastion::cli
