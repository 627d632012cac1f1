// Packages as nix-env sees them: Nix 2.8's DrvInfo (libexpr/get-drvs.cc),
// getDerivations, name selectors and the install sources of nix-env.cc.
#include <sys/stat.h>

#include <algorithm>
#include <regex>

#include "cli/eval_options.h"
#include "cli/nix_env.h"
#include "lang/eval_store.h"
#include "lang/parser.h"
#include "lang/versions.h"
#include "util/error.h"
#include "util/file.h"
#include "util/path.h"

namespace bastion::cli {

using namespace bastion::lang;

EnvElem::EnvElem(std::string name, std::string outPath, std::optional<std::string> drvPath)
    : name_(std::move(name)), outPath_(std::move(outPath)), drvPath_(std::move(drvPath)) {}

Value *EnvElem::attr(EvalState &state, const char *name) {
  if (!attrs_)
    return nullptr;
  state.forceValue(*attrs_, PosIdx{});
  return attrs_->attrs->get(state.symbols.intern(name));
}

std::string EnvElem::name(EvalState &state) {
  if (!name_) {
    Value *v = attr(state, "name");
    if (!v)
      throw EvalError(ErrorKind::Eval, "derivation name missing");
    name_ = std::string(state.forceStringNoCtx(
        *v, PosIdx{}, "while evaluating the 'name' attribute of a derivation"));
  }
  return *name_;
}

std::string EnvElem::system(EvalState &state) {
  if (!system_) {
    Value *v = attr(state, "system");
    system_ = v ? std::string(state.forceString(
                      *v, PosIdx{}, "while evaluating the 'system' attribute of a derivation"))
                : "unknown";
  }
  return *system_;
}

std::optional<std::string> EnvElem::drvPath(EvalState &state) {
  if (!drvPath_) {
    Value *v = attr(state, "drvPath");
    std::vector<std::string> ctx;
    drvPath_ = v ? std::optional(state.coerceToString(
                       PosIdx{}, *v, ctx, "while evaluating the 'drvPath' attribute", false, false))
                 : std::nullopt;
  }
  return *drvPath_;
}

std::string EnvElem::outPath(EvalState &state) {
  if (!outPath_) {
    Value *v = attr(state, "outPath");
    if (!v)
      throw EvalError(ErrorKind::Eval,
                      "derivation '" + name(state) + "' lacks an 'outPath' attribute");
    std::vector<std::string> ctx;
    outPath_ = state.coerceToString(PosIdx{}, *v, ctx, "while evaluating the 'outPath' attribute",
                                    false, false);
  }
  return *outPath_;
}

std::map<std::string, std::string> EnvElem::outputs(EvalState &state, bool onlyToInstall) {
  std::map<std::string, std::string> outs;
  Value *list = attr(state, "outputs");
  if (list) {
    state.forceList(*list, PosIdx{}, "while evaluating the 'outputs' attribute of a derivation");
    for (size_t n = 0; n < list->list.size; n++) {
      std::string output(state.forceStringNoCtx(*list->list.elems[n], PosIdx{},
                                                "while evaluating an output name"));
      Value *out = attr(state, output.c_str());
      if (!out)
        continue;
      state.forceAttrs(*out, PosIdx{}, "while evaluating an output of a derivation");
      Value *p = out->attrs->get(state.s.outPath);
      if (!p)
        continue;
      std::vector<std::string> ctx;
      outs[output] =
          state.coerceToString(PosIdx{}, *p, ctx, "while evaluating an output path", false, false);
    }
  } else {
    outs["out"] = outPath(state);
  }
  if (!onlyToInstall || !attrs_)
    return outs;

  Value *specified = attr(state, "outputSpecified");
  if (specified && state.forceBool(*specified, PosIdx{}, "while evaluating 'outputSpecified'")) {
    Value *on = attr(state, "outputName");
    std::string name =
        on ? std::string(state.forceStringNoCtx(*on, PosIdx{}, "while evaluating 'outputName'"))
           : "out";
    auto it = outs.find(name);
    if (it == outs.end())
      throw EvalError(ErrorKind::Eval, "derivation does not have output '" + name + "'");
    return {*it};
  }
  Value *toInstall = meta(state, "outputsToInstall");
  if (!toInstall)
    return outs;
  const char *bad = "this derivation has bad 'meta.outputsToInstall'";
  if (toInstall->type != VType::List)
    throw EvalError(ErrorKind::Eval, bad);
  std::map<std::string, std::string> result;
  for (size_t n = 0; n < toInstall->list.size; n++) {
    Value *e = toInstall->list.elems[n];
    if (e->type != VType::String)
      throw EvalError(ErrorKind::Eval, bad);
    auto it = outs.find(e->string.chars);
    if (it == outs.end())
      throw EvalError(ErrorKind::Eval, bad);
    result.insert(*it);
  }
  return result;
}

Bindings *EnvElem::metaAttrs(EvalState &state) {
  Value *m = attr(state, "meta");
  if (!m)
    return nullptr;
  state.forceAttrs(*m, PosIdx{}, "while evaluating the 'meta' attribute of a derivation");
  return m->attrs;
}

std::set<std::string> EnvElem::outputNames(EvalState &state) {
  std::set<std::string> names;
  Value *list = attr(state, "outputs");
  if (!list)
    return {"out"};
  state.forceList(*list, PosIdx{}, "while evaluating the 'outputs' attribute of a derivation");
  for (size_t n = 0; n < list->list.size; n++)
    names.insert(std::string(
        state.forceStringNoCtx(*list->list.elems[n], PosIdx{}, "while evaluating an output name")));
  return names;
}

std::string EnvElem::outputName(EvalState &state) {
  Value *v = attr(state, "outputName");
  return v ? std::string(state.forceStringNoCtx(*v, PosIdx{}, "while evaluating 'outputName'"))
           : "";
}

std::set<std::string> EnvElem::metaNames(EvalState &state) {
  std::set<std::string> names;
  if (Bindings *b = metaAttrs(state))
    for (auto &a : *b)
      names.insert(std::string(state.symbols[a.name]));
  for (auto &[n, v] : metaOverrides_)
    names.insert(n);
  return names;
}

namespace {

// Only plain data belongs in a manifest.
bool checkMeta(EvalState &state, Value &v) {
  state.forceValue(v, PosIdx{});
  if (v.type == VType::List) {
    for (size_t n = 0; n < v.list.size; n++)
      if (!checkMeta(state, *v.list.elems[n]))
        return false;
    return true;
  }
  if (v.type == VType::Attrs) {
    if (v.attrs->get(state.s.outPath))
      return false;
    for (auto &a : *v.attrs)
      if (!checkMeta(state, *a.value))
        return false;
    return true;
  }
  return v.type == VType::Int || v.type == VType::Bool || v.type == VType::String ||
         v.type == VType::Float;
}

} // namespace

Value *EnvElem::meta(EvalState &state, const std::string &name) {
  if (auto it = metaOverrides_.find(name); it != metaOverrides_.end())
    return it->second;
  Bindings *b = metaAttrs(state);
  if (!b)
    return nullptr;
  Value *v = b->get(state.symbols.intern(name));
  if (!v || !checkMeta(state, *v))
    return nullptr;
  return v;
}

long EnvElem::metaInt(EvalState &state, const std::string &name, long def) {
  Value *v = meta(state, name);
  if (!v)
    return def;
  if (v->type == VType::Int)
    return long(v->integer);
  if (v->type == VType::String) {
    // Backwards compatibility: priorities set with --set-flag are strings.
    std::string s = v->string.chars;
    try {
      size_t used;
      long n = std::stol(s, &used);
      if (used == s.size())
        return n;
    } catch (std::exception &) {
    }
  }
  return def;
}

namespace {

struct Finder {
  EvalState &state;
  Bindings &autoArgs;
  std::set<const Bindings *> done;
  EnvElems found;

  static std::string addToPath(const std::string &prefix, const std::string &name) {
    return prefix.empty() ? name : prefix + "." + name;
  }

  // False when `v` is a derivation (recorded unless seen): nothing to search.
  bool getDerivation(Value &v, const std::string &attrPath) {
    state.forceValue(v, PosIdx{});
    if (!state.isDerivation(v))
      return true;
    if (done.count(v.attrs))
      return false;
    EnvElem e(&v, attrPath);
    e.name(state);
    done.insert(v.attrs);
    found.push_back(std::move(e));
    return false;
  }

  void search(Value &vIn, const std::string &prefix) {
    Value *v = state.allocValue();
    state.autoCallFunction(autoArgs, vIn, *v);
    if (!getDerivation(*v, prefix))
      return;
    if (v->type == VType::Attrs) {
      bool combineChannels = v->attrs->get(state.symbols.intern("_combineChannels")) != nullptr;
      std::vector<const Attr *> attrs;
      for (auto &a : *v->attrs)
        attrs.push_back(&a);
      std::sort(attrs.begin(), attrs.end(), [&](const Attr *x, const Attr *y) {
        return state.symbols[x->name] < state.symbols[y->name];
      });
      static const std::regex attrRegex("[a-zA-Z_][a-zA-Z0-9-_+]*");
      for (const Attr *a : attrs) {
        std::string name(state.symbols[a->name]);
        if (!std::regex_match(name, attrRegex))
          continue;
        std::string path2 = addToPath(prefix, name);
        if (combineChannels) {
          search(*a->value, path2);
        } else if (getDerivation(*a->value, path2) && a->value->type == VType::Attrs) {
          // Only sets that ask for it are searched.
          const Attr *r = a->value->attrs->find(state.s.recurseForDerivations);
          if (r && state.forceBool(*r->value, r->pos,
                                   "while evaluating the recurseForDerivations attribute"))
            search(*a->value, path2);
        }
      }
    } else if (v->type == VType::List) {
      for (size_t n = 0; n < v->list.size; n++) {
        std::string path2 = addToPath(prefix, std::to_string(n));
        if (getDerivation(*v->list.elems[n], path2))
          search(*v->list.elems[n], path2);
      }
    } else {
      throw EvalError(ErrorKind::Type,
                      "expression does not evaluate to a derivation (or a set or list of those)");
    }
  }
};

// ~/.nix-defexpr style directories: every Nix expression below, flat.
void loadSourceExpr(EvalState &state, const std::string &path, Value &v) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    throw std::runtime_error("getting information about '" + path + "': " + strerror(errno));
  bool isExpr = S_ISREG(st.st_mode) ||
                (S_ISDIR(st.st_mode) && access((path + "/default.nix").c_str(), F_OK) == 0);
  if (isExpr) {
    state.evalFile(path, v);
    return;
  }
  if (!S_ISDIR(st.st_mode))
    throw std::runtime_error("path '" + path + "' is not a directory or a Nix expression");
  // A directory of expressions (channels): not supported without any.
  Bindings *b = state.allocBindings(1);
  b->push(state.symbols.intern("_combineChannels"), state.emptyList);
  b->sort();
  v.mkAttrs(b);
}

bool isPath(const std::string &s) { return s.find('/') != std::string::npos; }

} // namespace

EnvElems getDerivations(EvalState &state, Value &v, const std::string &pathPrefix,
                        Bindings &autoArgs) {
  Finder f{state, autoArgs, {}, {}};
  f.search(v, pathPrefix);
  return std::move(f.found);
}

EnvElems loadDerivations(NixEnvGlobals &g, const std::string &pathPrefix) {
  EvalState &state = evalState(g);
  Value *root = state.allocValue();
  loadSourceExpr(state, g.nixExprPath, *root);
  Value *v = findAlongAttrPath(state, pathPrefix, *g.autoArgs, *root);
  EnvElems elems = getDerivations(state, *v, pathPrefix, *g.autoArgs);
  if (g.systemFilter == "*")
    return elems;
  EnvElems kept;
  for (auto &e : elems)
    if (e.system(state) == g.systemFilter)
      kept.push_back(e);
  return kept;
}

bool selectorMatches(const std::string &selector, const std::string &drvName) {
  if (selector == "*")
    return true;
  DrvName sel = parseDrvName(selector), n = parseDrvName(drvName);
  if (!std::regex_match(n.name, std::regex(sel.name, std::regex::extended)))
    return false;
  return sel.version.empty() || sel.version == n.version;
}

EnvElems filterBySelector(EvalState &state, EnvElems &all, const std::vector<std::string> &argsIn,
                          bool newestOnly) {
  std::vector<std::string> selectors = argsIn;
  if (selectors.empty())
    selectors.push_back("*");
  std::vector<size_t> hits(selectors.size(), 0);
  std::set<size_t> done;
  EnvElems elems;
  for (size_t s = 0; s < selectors.size(); s++) {
    std::vector<size_t> matches;
    for (size_t j = 0; j < all.size(); j++)
      if (selectorMatches(selectors[s], all[j].name(state))) {
        hits[s]++;
        matches.push_back(j);
      }

    // Of several packages with one name, take the one for this system,
    // then the highest priority, then the highest version, then the first.
    if (newestOnly) {
      std::map<std::string, size_t> newest;
      std::set<std::string> multiple;
      for (size_t j : matches) {
        EnvElem &e = all[j];
        DrvName dn = parseDrvName(e.name(state));
        long d = 1;
        auto k = newest.find(dn.name);
        if (k != newest.end()) {
          EnvElem &other = all[k->second];
          const std::string &sys = state.settings.currentSystem;
          d = e.system(state) == other.system(state) ? 0
              : e.system(state) == sys               ? 1
              : other.system(state) == sys           ? -1
                                                     : 0;
          if (d == 0)
            d = other.metaInt(state, "priority", 0) - e.metaInt(state, "priority", 0);
          if (d == 0)
            d = compareVersions(dn.version, parseDrvName(other.name(state)).version);
        }
        if (d > 0) {
          newest[dn.name] = j;
          multiple.erase(e.name(state));
        } else if (d == 0) {
          multiple.insert(e.name(state));
        }
      }
      matches.clear();
      for (auto &[n, j] : newest) {
        if (multiple.count(all[j].name(state)))
          printInfo("warning: there are multiple derivations named '" + all[j].name(state) +
                    "'; using the first one");
        matches.push_back(j);
      }
    }

    for (size_t j : matches)
      if (done.insert(j).second)
        elems.push_back(all[j]);
  }
  for (size_t s = 0; s < selectors.size(); s++)
    if (hits[s] == 0 && selectors[s] != "*")
      throw std::runtime_error("selector '" + selectors[s] + "' matches no derivations");
  return elems;
}

EnvElems queryInstSources(NixEnvGlobals &g, const std::vector<std::string> &args, bool newestOnly) {
  EvalState &state = evalState(g);
  InstallSource type = g.source;
  if (type == InstallSource::Unknown && !args.empty() && isPath(args.front()))
    type = InstallSource::StorePaths;

  switch (type) {
  case InstallSource::Unknown: {
    EnvElems all = loadDerivations(g, "");
    return filterBySelector(state, all, args, newestOnly);
  }
  case InstallSource::NixExprs: {
    Value *arg = state.allocValue();
    loadSourceExpr(state, g.nixExprPath, *arg);
    EnvElems elems;
    for (auto &a : args) {
      Value *fun = state.allocValue();
      state.eval(state.parseString(a, util::currentDir(), Origin::String), *fun);
      Value *res = state.allocValue();
      state.callFunction(*fun, *arg, *res, PosIdx{});
      for (auto &e : getDerivations(state, *res, "", *g.autoArgs))
        elems.push_back(e);
    }
    return elems;
  }
  case InstallSource::StorePaths: {
    store::LocalStore &store = state.store().store();
    EnvElems elems;
    for (auto &a : args) {
      // Store paths themselves, or symlinks to them (such as `result`).
      std::string p = util::absPath(a, util::currentDir());
      for (int i = 0; i < 100 && p.rfind(store.storeDir() + "/", 0) != 0; i++) {
        std::string t;
        try {
          t = util::readLink(p);
        } catch (const util::SysError &) {
          break;
        }
        p = t[0] == '/' ? t : util::absPath(t, p.substr(0, p.rfind('/')));
      }
      format::StorePath sp = store.parseStorePath(p);
      std::string path = store.printStorePath(sp);
      std::string name = sp.name;
      if (sp.isDerivation()) {
        format::Derivation drv = store.readDerivation(sp);
        auto out = drv.outputs.find("out");
        if (out == drv.outputs.end())
          throw std::runtime_error("derivation '" + path + "' does not have output 'out'");
        elems.emplace_back(name, out->second.path, path);
      } else {
        elems.emplace_back(name, path, std::nullopt);
      }
    }
    return elems;
  }
  case InstallSource::Profile: {
    EnvElems installed = queryInstalled(g, g.fromProfile);
    return filterBySelector(state, installed, args, newestOnly);
  }
  case InstallSource::AttrPath: {
    Value *root = state.allocValue();
    loadSourceExpr(state, g.nixExprPath, *root);
    EnvElems elems;
    for (auto &a : args) {
      Value *v = findAlongAttrPath(state, a, *g.autoArgs, *root);
      for (auto &e : getDerivations(state, *v, "", *g.autoArgs))
        elems.push_back(e);
    }
    return elems;
  }
  }
  return {};
}

} // namespace bastion::cli
