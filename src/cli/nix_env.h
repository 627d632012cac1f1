// `nix-env`, split by operation group: nix_env.cpp (command line, profile),
// nix_env_elems.cpp (packages as nix-env sees them), nix_env_user_env.cpp
// (manifests and user environments), nix_env_install.cpp (-i, -e, --set),
// nix_env_query.cpp (-q) and nix_env_generations.cpp (--rollback,
// --list-generations, -G, --delete-generations). Nix 2.8's
// src/nix-env/nix-env.cc and user-env.cc are the reference.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/build_options.h"
#include "cli/legacy_args.h"
#include "lang/eval.h"
#include "lang/heap.h"

namespace bastion::cli {

// Where the packages named on the command line come from.
enum class InstallSource { Unknown, NixExprs, StorePaths, Profile, AttrPath };

struct NixEnvGlobals {
  InstallSource source = InstallSource::Unknown;
  std::string nixExprPath; // -f FILE, else ~/.nix-defexpr
  std::string fromProfile; // --from-profile
  std::string systemFilter = "*";
  std::string profile;
  bool dryRun = false, preserveInstalled = false, removeAll = false, prebuiltOnly = false;
  LegacySettings settings; // --option, --store, -j, …
  BuildOptions build;
  std::vector<std::string> includes;
  std::vector<std::pair<std::string, std::string>> argExprs, argStrs;

  std::unique_ptr<lang::EvalState> state;
  lang::Bindings *autoArgs = nullptr;
};

// One package: a derivation value (from a Nix expression or a manifest),
// or a bare store path. Attributes are read on first use, as Nix's DrvInfo.
class EnvElem {
public:
  EnvElem(lang::Value *attrs, std::string attrPath)
      : attrs_(attrs), attrPath_(std::move(attrPath)) {}
  EnvElem(std::string name, std::string outPath, std::optional<std::string> drvPath);

  const std::string &attrPath() const { return attrPath_; }
  std::string name(lang::EvalState &state);
  void setName(std::string n) { name_ = std::move(n); }
  std::string system(lang::EvalState &state); // "unknown" if absent
  std::optional<std::string> drvPath(lang::EvalState &state);
  std::string outPath(lang::EvalState &state);
  // Output name -> path, in name order; onlyToInstall narrows them to
  // meta.outputsToInstall (or the one output picked with outputSpecified).
  std::map<std::string, std::string> outputs(lang::EvalState &state, bool onlyToInstall);
  // The output names alone (nothing is instantiated), in name order.
  std::set<std::string> outputNames(lang::EvalState &state);
  // The `outputName` attribute, "" if absent (Nix's queryOutputName).
  std::string outputName(lang::EvalState &state);
  std::set<std::string> metaNames(lang::EvalState &state);
  // A meta attribute, or nullptr if missing or not made only of strings,
  // numbers, Booleans, lists and sets (Nix's checkMeta).
  lang::Value *meta(lang::EvalState &state, const std::string &name);
  long metaInt(lang::EvalState &state, const std::string &name, long def);
  void setMeta(const std::string &name, lang::Value *v) { metaOverrides_[name] = v; }

private:
  lang::Value *attr(lang::EvalState &state, const char *name);
  lang::Bindings *metaAttrs(lang::EvalState &state);

  lang::Value *attrs_ = nullptr;
  std::string attrPath_;
  std::optional<std::string> name_, system_, outPath_;
  std::optional<std::optional<std::string>> drvPath_;
  lang::GcMap<std::string, lang::Value *> metaOverrides_;
};

// On the collector's heap's root set: elements hold Value pointers.
using EnvElems = lang::GcVector<EnvElem>;

// --- nix_env_elems.cpp ----------------------------------------------------
// Nix's getDerivations: the derivations in a value, with attribute paths.
EnvElems getDerivations(lang::EvalState &state, lang::Value &v, const std::string &pathPrefix,
                        lang::Bindings &autoArgs);
// The packages named by `args` according to the install source.
EnvElems queryInstSources(NixEnvGlobals &g, const std::vector<std::string> &args, bool newestOnly);
// The packages matching name selectors ("hello", "hello-1.0", "*"); an
// unused selector is an error.
EnvElems filterBySelector(lang::EvalState &state, EnvElems &all,
                          const std::vector<std::string> &args, bool newestOnly);
// Every package of the -f file (or ~/.nix-defexpr) under `pathPrefix`.
EnvElems loadDerivations(NixEnvGlobals &g, const std::string &pathPrefix);
// Nix's DrvName::matches: name as an extended regex, version exact.
bool selectorMatches(const std::string &selector, const std::string &drvName);

// --- nix_env_user_env.cpp -----------------------------------------------------
// The packages installed in a profile (its manifest.nix).
EnvElems queryInstalled(NixEnvGlobals &g, const std::string &profile);
// Builds the packages and a user environment holding them, and makes it
// the profile's new generation. False if the profile changed meanwhile
// (compared with lockToken), in which case the caller starts over.
bool createUserEnv(NixEnvGlobals &g, EnvElems &elems, const std::string &profile,
                   const std::string &lockToken);
// Realises derivations (printing what will be built, as Nix), throwing
// build::BuildError (build/build_error.h).
// showPlan: list what will be built first (Nix does not for the user environment).
void buildDerivations(NixEnvGlobals &g, const std::vector<std::string> &drvPaths,
                      bool showPlan = true);
lang::EvalState &evalState(NixEnvGlobals &g);

// --- operations ------------------------------------------------------------------
using NixEnvOp = void (*)(NixEnvGlobals &g, std::vector<std::string> &opFlags,
                          std::vector<std::string> &opArgs);
void opNixEnvInstall(NixEnvGlobals &, std::vector<std::string> &, std::vector<std::string> &);
void opNixEnvUninstall(NixEnvGlobals &, std::vector<std::string> &, std::vector<std::string> &);
void opNixEnvSetFlag(NixEnvGlobals &, std::vector<std::string> &, std::vector<std::string> &);
void opNixEnvUpgrade(NixEnvGlobals &, std::vector<std::string> &, std::vector<std::string> &);
void opNixEnvSet(NixEnvGlobals &, std::vector<std::string> &, std::vector<std::string> &);
void opNixEnvQuery(NixEnvGlobals &, std::vector<std::string> &, std::vector<std::string> &);
void opNixEnvRollback(NixEnvGlobals &, std::vector<std::string> &, std::vector<std::string> &);
void opNixEnvSwitchGeneration(NixEnvGlobals &, std::vector<std::string> &,
                              std::vector<std::string> &);
void opNixEnvListGenerations(NixEnvGlobals &, std::vector<std::string> &,
                             std::vector<std::string> &);
void opNixEnvDeleteGenerations(NixEnvGlobals &, std::vector<std::string> &,
                               std::vector<std::string> &);

// Nix's printInfo: a line on stderr.
void printInfo(const std::string &line);

} // namespace bastion::cli
