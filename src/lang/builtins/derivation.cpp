// derivationStrict: the attributes of a `derivation` call become a .drv in
// the store, with Nix's attribute-to-environment rules, and the result names
// the .drv and every output path. Also builtins.placeholder.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "format/base32.h"
#include "format/derivation.h"
#include "format/hash.h"
#include "format/store_path.h"
#include "lang/eval.h"
#include "lang/eval_store.h"
#include "lang/json.h"
#include "util/error.h"

namespace bastion::lang {
namespace {

using format::FileIngestionMethod;

bool isDrvName(std::string_view s) { return s.size() >= 4 && s.substr(s.size() - 4) == ".drv"; }

// Attributes that structured attributes replace by outputChecks.<output>.*.
constexpr const char *kLegacyChecks[] = {
    "allowedReferences",    "allowedRequisites", "disallowedReferences",
    "disallowedRequisites", "maxSize",           "maxClosureSize"};

struct Builder {
  Builder(EvalState &s, std::string name) : state(s), drvName(std::move(name)) {}

  EvalState &state;
  std::string drvName;
  format::Derivation drv;
  std::vector<std::string> context;
  std::optional<std::string> outputHash;
  std::optional<format::HashAlgo> outputHashAlgo;
  std::optional<FileIngestionMethod> ingestionMethod;
  std::vector<std::string> outputs{"out"};
  bool contentAddressed = false, impure = false;

  [[noreturn]] void fail(const std::string &msg) { state.throwError(ErrorKind::Eval, msg); }

  void setHashMode(std::string_view s) {
    if (s == "recursive")
      ingestionMethod = FileIngestionMethod::Recursive;
    else if (s == "flat")
      ingestionMethod = FileIngestionMethod::Flat;
    else if (s == "text") {
      requireFeature("dynamic-derivations");
      ingestionMethod = FileIngestionMethod::Text;
    } else
      fail("invalid value '" + std::string(s) + "' for 'outputHashMode' attribute");
  }

  void setOutputs(const std::vector<std::string> &names) {
    outputs.clear();
    for (auto &n : names) {
      if (std::find(outputs.begin(), outputs.end(), n) != outputs.end())
        fail("duplicate derivation output '" + n + "'");
      // The result set already has an attribute drvPath.
      if (n == "drvPath")
        fail("invalid derivation output name 'drvPath'");
      outputs.push_back(n);
    }
    if (outputs.empty())
      fail("derivation cannot have an empty set of outputs");
  }

  void requireFeature(const std::string &feature) {
    if (state.settings.experimentalFeature(feature))
      return;
    fail("experimental Nix feature '" + feature +
         "' is disabled; add '--extra-experimental-features " + feature + "' to enable it");
  }

  void addAttribute(Symbol name, Value &value, PosIdx pos, std::ostringstream *json,
                    bool &firstJson) {
    const std::string &key = state.symbols[name];
    const std::string_view below = ""; // the frame added by our caller says it all
    if (key == "__contentAddressed") {
      if (state.forceBool(value, PosIdx{}, below)) {
        contentAddressed = true;
        requireFeature("ca-derivations");
      }
    } else if (key == "__impure") {
      if (state.forceBool(value, PosIdx{}, below)) {
        impure = true;
        requireFeature("impure-derivations");
      }
    } else if (name == state.s.args) {
      // The builder's command line.
      state.forceList(value, PosIdx{}, below);
      for (size_t i = 0; i < value.list.size; i++)
        drv.args.push_back(state.coerceToString(PosIdx{}, *value.list.elems[i], context,
                                                "while evaluating an element of the argument list",
                                                true));
    } else if (json) {
      if (name == state.s.structuredAttrs)
        return;
      std::ostringstream v;
      printValueAsJSON(state, true, value, PosIdx{}, v, context, true);
      *json << (firstJson ? "" : ",") << nlohmann::json(key).dump() << ":" << v.str();
      firstJson = false;
      if (name == state.s.builder)
        drv.builder = state.forceString(value, context, PosIdx{}, below);
      else if (name == state.s.system)
        drv.platform = state.forceStringNoCtx(value, PosIdx{}, below);
      else if (name == state.s.outputHash)
        outputHash = std::string(state.forceStringNoCtx(value, PosIdx{}, below));
      else if (name == state.s.outputHashAlgo)
        outputHashAlgo = format::parseHashAlgo(state.forceStringNoCtx(value, PosIdx{}, below));
      else if (name == state.s.outputHashMode)
        setHashMode(state.forceStringNoCtx(value, PosIdx{}, below));
      else if (name == state.s.outputs) {
        state.forceList(value, PosIdx{}, below);
        std::vector<std::string> names;
        for (size_t i = 0; i < value.list.size; i++)
          names.emplace_back(state.forceStringNoCtx(*value.list.elems[i], PosIdx{}, below));
        setOutputs(names);
      }
      for (const char *legacy : kLegacyChecks)
        if (key == legacy) {
          EvalError w(ErrorKind::Eval,
                      "'structuredAttrs' disables the effect of the derivation attribute '" + key +
                          "'; use 'outputChecks.<output>." + key + "' instead",
                      pos);
          w.addTrace(PosIdx{}, "while evaluating derivation '" + drvName + "'");
          state.warn(w);
        }
    } else {
      std::string s = state.coerceToString(PosIdx{}, value, context, below, true);
      if (name == state.s.builder)
        drv.builder = s;
      else if (name == state.s.system)
        drv.platform = s;
      else if (name == state.s.outputHash)
        outputHash = s;
      else if (name == state.s.outputHashAlgo)
        outputHashAlgo = format::parseHashAlgo(s);
      else if (name == state.s.outputHashMode)
        setHashMode(s);
      else if (name == state.s.outputs) {
        std::vector<std::string> names;
        std::istringstream words(s);
        for (std::string w; words >> w;)
          names.push_back(w);
        setOutputs(names);
      }
      drv.env.insert_or_assign(key, std::move(s));
    }
  }

  // Everything the attributes' strings refer to becomes an input.
  void addInputs() {
    EvalStore &store = state.store();
    for (auto &c : context) {
      if (c.rfind("=", 0) == 0) {
        // The builder may see the derivation's whole closure, outputs and all.
        for (auto &p : store.closure(c.substr(1))) {
          drv.inputSrcs.insert(p);
          if (isDrvName(p)) {
            auto &outs = drv.inputDrvs[p];
            for (auto &[o, _] : store.readDerivation(p).outputs)
              outs.insert(o);
          }
        }
      } else if (c.rfind("!", 0) == 0) {
        size_t bang = c.find('!', 1);
        drv.inputDrvs[c.substr(bang + 1)].insert(c.substr(1, bang - 1));
      } else {
        drv.inputSrcs.insert(c);
      }
    }
  }

  void fillOutputs() {
    if (outputHash) {
      // Fixed-output: the path depends only on the promised contents.
      if (outputs.size() != 1 || outputs[0] != "out")
        fail("multiple outputs are not supported in fixed-output derivations");
      std::string warning;
      format::Hash h = format::parseHashAllowEmpty(*outputHash, outputHashAlgo, &warning);
      if (!warning.empty())
        state.warn(warning);
      FileIngestionMethod method = ingestionMethod.value_or(FileIngestionMethod::Flat);
      format::StorePath out = format::makeFixedOutputPath(
          method, h, format::outputPathName(drvName, "out"), {}, false, state.settings.storeDir);
      std::string prefix = method == FileIngestionMethod::Recursive ? "r:"
                           : method == FileIngestionMethod::Text    ? "text:"
                                                                    : "";
      std::string printed = format::printStorePath(out, state.settings.storeDir);
      drv.env["out"] = printed;
      drv.outputs["out"] = {printed, prefix + std::string(format::hashAlgoName(h.algo)),
                            h.to(format::HashFormat::Base16, false)};
      return;
    }
    if (contentAddressed || impure)
      fail("content-addressed and impure derivations are not supported by Bastion");
    // Input-addressed: the paths hash the derivation with its own outputs blanked.
    for (auto &o : outputs) {
      drv.env[o] = "";
      drv.outputs[o] = {};
    }
    format::fillOutputPaths(drv, drvName, state.store().hashLookup(), state.settings.storeDir);
  }

  void checkRequired() {
    if (drv.builder.empty())
      fail("required attribute 'builder' missing");
    if (drv.platform.empty())
      fail("required attribute 'system' missing");
    try {
      format::checkStorePathName(drvName);
    } catch (format::BadStorePathName &e) {
      fail(std::string("invalid derivation name: ") + e.what() +
           ". Please pass a different 'name'.");
    }
    if (isDrvName(drvName) && !(ingestionMethod == FileIngestionMethod::Text &&
                                outputs.size() == 1 && outputs[0] == "out"))
      fail("derivation names are allowed to end in '.drv' only if they produce a single derivation "
           "file");
  }
};

void derivationStrictInternal(EvalState &state, const std::string &drvName, Bindings &attrs,
                              Value &v) {
  Builder b(state, drvName);
  bool ignoreNulls = false, structured = false;
  if (auto *a = attrs.find(state.s.ignoreNulls))
    ignoreNulls = state.forceBool(
        *a->value, PosIdx{},
        "while evaluating the `__ignoreNulls` attribute passed to builtins.derivationStrict");
  if (auto *a = attrs.find(state.s.structuredAttrs))
    structured = state.forceBool(
        *a->value, PosIdx{},
        "while evaluating the `__structuredAttrs` attribute passed to builtins.derivationStrict");

  std::vector<const Attr *> sorted;
  for (auto &a : attrs)
    sorted.push_back(&a);
  std::sort(sorted.begin(), sorted.end(), [&](const Attr *x, const Attr *y) {
    return state.symbols[x->name] < state.symbols[y->name];
  });

  std::ostringstream json;
  bool firstJson = true;
  json << "{";
  for (const Attr *a : sorted) {
    if (a->name == state.s.ignoreNulls)
      continue;
    try {
      if (ignoreNulls) {
        state.forceValue(*a->value, PosIdx{});
        if (a->value->type == VType::Null)
          continue;
      }
      b.addAttribute(a->name, *a->value, a->pos, structured ? &json : nullptr, firstJson);
    } catch (EvalError &e) {
      e.addTrace(a->pos, "while evaluating attribute '" + state.symbols[a->name] +
                             "' of derivation '" + drvName + "'");
      throw;
    }
  }
  if (structured)
    b.drv.env["__json"] = json.str() + "}";

  b.addInputs();
  b.checkRequired();
  b.fillOutputs();

  std::string drvPath = state.store().writeDerivation(b.drv, drvName);

  EvalState::BindingsBuilder result(state, uint32_t(1 + b.drv.outputs.size()));
  result.alloc(state.s.drvPath).mkString(gcString(drvPath), state.makeContext({"=" + drvPath}));
  for (auto &[name, out] : b.drv.outputs)
    result.alloc(name).mkString(gcString(out.path),
                                state.makeContext({"!" + name + "!" + drvPath}));
  v.mkAttrs(result.finish());
}

void prim_derivationStrict(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceAttrs(*args[0], pos,
                   "while evaluating the argument passed to builtins.derivationStrict");
  Bindings &attrs = *args[0]->attrs;
  const Attr *nameAttr = attrs.find(state.s.name);
  if (!nameAttr) {
    EvalError e(ErrorKind::MissingAttr, "attribute 'name' missing");
    e.addTrace(PosIdx{}, "in the attrset passed as argument to builtins.derivationStrict");
    throw e;
  }
  std::string drvName;
  try {
    drvName = state.forceStringNoCtx(
        *nameAttr->value, pos,
        "while evaluating the `name` attribute passed to builtins.derivationStrict");
  } catch (EvalError &e) {
    e.addTrace(nameAttr->pos, "while evaluating the derivation attribute 'name'");
    throw;
  }
  try {
    derivationStrictInternal(state, drvName, attrs, v);
  } catch (EvalError &e) {
    // A frame: shown even when the trace is cut short, so that users can
    // tell which package of a large configuration failed.
    e.addFrame("while evaluating derivation '" + drvName +
               "'\n  whose name attribute is located at " +
               state.positions.describe(nameAttr->pos));
    throw;
  } catch (format::DerivationError &e) {
    state.throwError(ErrorKind::Eval, e.what(), pos);
  } catch (format::HashError &e) {
    state.throwError(ErrorKind::Eval, e.what(), pos);
  } catch (util::Error &e) { // StoreError, SysError
    state.throwError(ErrorKind::Eval, e.what(), pos);
  }
}
RegisterPrimOp r_derivationStrict("derivationStrict", 1, prim_derivationStrict);

// "/" + nix32(sha256("nix-output:<output>")): what a builder's environment
// shows in place of an output path that is not known yet.
void prim_placeholder(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string_view output = state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.placeholder");
  format::Hash h =
      format::hashString(format::HashAlgo::SHA256, "nix-output:" + std::string(output));
  v.mkString("/" + h.to(format::HashFormat::Nix32, false));
}
RegisterPrimOp r_placeholder("placeholder", 1, prim_placeholder);

} // namespace
} // namespace bastion::lang
