// User environments, as Nix 2.8's src/nix-env/user-env.cc: the manifest
// (a Nix list of pseudo-derivations, written to the store as
// env-manifest.nix), the <nix/buildenv.nix> derivation built from it, and
// the switch of the profile to the result.
#include <unistd.h>

#include <climits>
#include <iostream>

#include "build/realise.h"
#include "cli/nix_env.h"
#include "lang/eval_store.h"
#include "lang/print.h"
#include "store/fs_util.h"
#include "store/profiles.h"
#include "util/error.h"
#include "util/file.h"

namespace bastion::cli {

using namespace bastion::lang;

void printInfo(const std::string &line) { std::cerr << line << "\n"; }

EvalState &evalState(NixEnvGlobals &g) { return *g.state; }

namespace {

// Where `path` really is, following symlinks; a link to a store path
// ("/nix/store/…") leads into the store's root, as it would inside Nix's
// view of a `--store DIR` store.
std::string realPathInStore(store::LocalStore &store, const std::string &path) {
  std::string storeDir = store.storeDir();
  auto toReal = [&](const std::string &p) {
    return p.rfind(storeDir + "/", 0) == 0 ? store.root() + p : p;
  };
  std::string cur = path;
  for (int i = 0; i < 100; i++) {
    std::string real = toReal(cur), t;
    try {
      t = util::readLink(real);
    } catch (const util::SysError &) {
      return real;
    }
    cur = t[0] == '/' ? t : cur.substr(0, cur.rfind('/') + 1) + t;
  }
  return toReal(cur);
}

// Value::print of Nix 2.8 as user-env.cc uses it for manifests: attribute
// names as they are, nothing elided, strings escaped as Nix literals.
void printManifestValue(EvalState &state, Value &v, std::string &out) {
  state.forceValue(v, PosIdx{});
  switch (v.type) {
  case VType::Int:
    out += std::to_string(v.integer);
    break;
  case VType::Bool:
    out += v.boolean ? "true" : "false";
    break;
  case VType::String:
    out += printLiteralString(v.string.chars);
    break;
  case VType::Path:
    out += v.path;
    break;
  case VType::Null:
    out += "null";
    break;
  case VType::Float:
    out += printFloat(v.fpoint);
    break;
  case VType::Attrs: {
    std::map<std::string, Value *> sorted;
    for (auto &a : *v.attrs)
      sorted[std::string(state.symbols[a.name])] = a.value;
    out += "{ ";
    for (auto &[name, value] : sorted) {
      out += name + " = ";
      printManifestValue(state, *value, out);
      out += "; ";
    }
    out += "}";
    break;
  }
  case VType::List:
    out += "[ ";
    for (size_t i = 0; i < v.list.size; i++) {
      printManifestValue(state, *v.list.elems[i], out);
      out += " ";
    }
    out += "]";
    break;
  default:
    out += "<CODE>";
    break;
  }
}

bool keepDerivations(EvalState &state) {
  auto it = state.settings.options.find("keep-env-derivations");
  return it != state.settings.options.end() && it->second == "true";
}

} // namespace

EnvElems queryInstalled(NixEnvGlobals &g, const std::string &profile) {
  EvalState &state = evalState(g);
  store::LocalStore &store = state.store().store();
  std::string userEnv = realPathInStore(store, profile);
  if (store::pathExists(userEnv + "/manifest.json"))
    throw std::runtime_error("profile '" + userEnv +
                             "' is incompatible with 'nix-env'; please use 'nix profile' instead");
  std::string manifest = realPathInStore(store, userEnv + "/manifest.nix");
  if (!store::pathExists(manifest))
    return {};
  Value *v = state.allocValue();
  state.evalFile(manifest, *v);
  Bindings *noArgs = state.allocBindings(0);
  return getDerivations(state, *v, "", *noArgs);
}

void buildDerivations(NixEnvGlobals &g, const std::vector<std::string> &drvPaths, bool showPlan) {
  if (drvPaths.empty())
    return;
  EvalState &state = evalState(g);
  std::vector<build::DerivedPath> targets;
  for (auto &p : drvPaths)
    targets.push_back({p, {}});
  build::BuildSettings settings = makeBuildSettings(g.build, state.settings);
  settings.showPlan = showPlan;
  build::Realiser realiser(state.store().store(), settings);
  realiser.realise(targets);
}

bool createUserEnv(NixEnvGlobals &g, EnvElems &elems, const std::string &profile,
                   const std::string &lockToken) {
  EvalState &state = evalState(g);
  store::LocalStore &store = state.store().store();

  // The packages first, if they are not there yet.
  std::vector<std::string> drvs;
  for (auto &e : elems)
    if (auto d = e.drvPath(state))
      drvs.push_back(*d);
  buildDerivations(g, drvs);

  // The manifest: for each package a pseudo-derivation with its name,
  // system, output paths (and, with keep-env-derivations, .drv) and the
  // meta attributes that are plain data.
  bool keepDrvs = keepDerivations(state);
  std::set<format::StorePath> references;
  std::string manifest = "[ ";
  for (auto &e : elems) {
    std::map<std::string, std::string> attrs;
    attrs["type"] = printLiteralString("derivation");
    attrs["name"] = printLiteralString(e.name(state));
    std::string system = e.system(state);
    if (!system.empty())
      attrs["system"] = printLiteralString(system);
    attrs["outPath"] = printLiteralString(e.outPath(state));
    std::optional<std::string> drvPath = keepDrvs ? e.drvPath(state) : std::nullopt;
    if (drvPath) {
      attrs["drvPath"] = printLiteralString(*drvPath);
      references.insert(store.parseStorePath(*drvPath));
    }
    std::string outputNames = "[ ";
    for (auto &[name, path] : e.outputs(state, true)) {
      outputNames += printLiteralString(name) + " ";
      attrs[name] = "{ outPath = " + printLiteralString(path) + "; }";
      format::StorePath sp = store.parseStorePath(path);
      if (!store.isValidPath(sp))
        throw std::runtime_error("path '" + path +
                                 "' is required, but there is no substituter that can build it");
      references.insert(sp);
    }
    attrs["outputs"] = outputNames + "]";
    std::string meta = "{ ";
    for (auto &name : e.metaNames(state)) {
      Value *v = e.meta(state, name);
      if (!v)
        continue;
      meta += name + " = ";
      printManifestValue(state, *v, meta);
      meta += "; ";
    }
    attrs["meta"] = meta + "}";
    manifest += "{ ";
    for (auto &[name, value] : attrs)
      manifest += name + " = " + value + "; ";
    manifest += "} ";
  }
  manifest += "]";
  format::StorePath manifestPath = store.addTextToStore("env-manifest.nix", manifest, references);
  std::string manifestFile = store.printStorePath(manifestPath);

  // <nix/buildenv.nix> { derivations = <the manifest>; manifest = <its path>; }
  Value *envBuilder = state.allocValue();
  state.eval(state.parseString("import <nix/buildenv.nix>", "/", Origin::String), *envBuilder);
  Value *vManifest = state.allocValue();
  state.eval(state.parseString(manifest, "/", Origin::String), *vManifest);
  EvalState::BindingsBuilder args(state, 2);
  args.insert(state.symbols.intern("derivations"), vManifest);
  state.mkString(args.alloc("manifest"), manifestFile, {manifestFile});
  Value *vArgs = state.allocValue();
  vArgs->mkAttrs(args.finish());
  Value *topLevel = state.allocValue();
  state.callFunction(*envBuilder, *vArgs, *topLevel, PosIdx{});
  state.forceAttrs(*topLevel, PosIdx{}, "while evaluating the user environment");
  std::vector<std::string> ctx;
  std::string topDrv =
      state.coerceToString(PosIdx{}, *topLevel->attrs->get(state.s.drvPath), ctx, "", false, false);
  std::string topOut =
      state.coerceToString(PosIdx{}, *topLevel->attrs->get(state.s.outPath), ctx, "", false, false);

  buildDerivations(g, {topDrv}, false);

  // Switch, unless someone else changed the profile while we were busy.
  store::ProfileLock lock(profile);
  if (store::optimisticLockProfile(profile) != lockToken) {
    printInfo("profile '" + profile + "' changed while we were busy; restarting");
    return false;
  }
  std::string generation = store::createGeneration(store, profile, store.parseStorePath(topOut));
  store::switchLink(profile, generation);
  return true;
}

} // namespace bastion::cli
