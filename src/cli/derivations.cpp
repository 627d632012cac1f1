#include "cli/derivations.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace bastion::cli {

using namespace bastion::lang;

namespace {

struct DerivationFinder {
  EvalState &state;
  Bindings &autoArgs;
  std::set<const Bindings *> done;
  std::vector<DrvInfo> found;

  std::string stringAttr(Value &drv, Symbol name, const std::string &missing) {
    Value *a = drv.attrs->get(name);
    if (!a)
      throw EvalError(ErrorKind::Eval, missing);
    std::vector<std::string> ctx;
    return state.coerceToString(PosIdx{}, *a, ctx,
                                "while evaluating the '" + state.symbols[name] +
                                    "' attribute of a derivation",
                                false, false);
  }

  // False when `v` is a derivation (recorded unless seen): nothing to search.
  bool take(Value &v) {
    state.forceValue(v, PosIdx{});
    if (!state.isDerivation(v))
      return true;
    if (!done.insert(v.attrs).second)
      return false;
    DrvInfo d;
    d.name = stringAttr(v, state.s.name, "derivation name missing");
    d.drvPath = stringAttr(v, state.s.drvPath, "derivation does not contain a 'drvPath' attribute");
    if (v.attrs->get(state.s.outputName))
      d.outputName = stringAttr(v, state.s.outputName, "");
    if (d.outputName.empty())
      throw EvalError(ErrorKind::Eval,
                      "derivation '" + d.drvPath + "' lacks an 'outputName' attribute ");
    found.push_back(std::move(d));
    return false;
  }

  // [A-Za-z_][A-Za-z0-9-_+]*, the names Nix considers.
  static bool isAttrName(const std::string &n) {
    if (n.empty() || !(isalpha((unsigned char)n[0]) || n[0] == '_'))
      return false;
    for (char c : n)
      if (!(isalnum((unsigned char)c) || c == '-' || c == '_' || c == '+'))
        return false;
    return true;
  }

  void search(Value &vIn) {
    Value *v = state.allocValue();
    state.autoCallFunction(autoArgs, vIn, *v);
    if (!take(*v))
      return;
    if (v->type == VType::Attrs) {
      std::vector<const Attr *> attrs;
      for (auto &a : *v->attrs)
        attrs.push_back(&a);
      std::sort(attrs.begin(), attrs.end(), [&](const Attr *x, const Attr *y) {
        return state.symbols[x->name] < state.symbols[y->name];
      });
      for (const Attr *a : attrs) {
        if (!isAttrName(state.symbols[a->name]))
          continue;
        if (!take(*a->value) || a->value->type != VType::Attrs)
          continue;
        const Attr *r = a->value->attrs->find(state.s.recurseForDerivations);
        if (r && state.forceBool(*r->value, r->pos,
                                 "while evaluating the recurseForDerivations attribute"))
          search(*a->value);
      }
    } else if (v->type == VType::List) {
      for (size_t i = 0; i < v->list.size; i++)
        if (take(*v->list.elems[i]))
          search(*v->list.elems[i]);
    } else {
      throw EvalError(ErrorKind::Type,
                      "expression does not evaluate to a derivation (or a set or list of those)");
    }
  }
};

} // namespace

std::vector<DrvInfo> collectDerivations(EvalState &state, Value &v, Bindings &autoArgs) {
  DerivationFinder f{state, autoArgs, {}, {}};
  f.search(v);
  return f.found;
}

} // namespace bastion::cli
