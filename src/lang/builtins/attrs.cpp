// Builtins on attribute sets.
#include <algorithm>
#include <unordered_map>

#include "lang/eval.h"

namespace bastion::lang {
namespace {

// Attributes in name order, as attrNames / attrValues / mapAttrs report them.
std::vector<const Attr *> byName(EvalState &state, const Bindings &b) {
  // Look each name up once, then sort on the strings themselves.
  std::vector<std::pair<std::string_view, const Attr *>> named;
  named.reserve(b.size);
  for (auto &a : b)
    named.emplace_back(state.symbols[a.name], &a);
  std::sort(named.begin(), named.end(), [](auto &x, auto &y) { return x.first < y.first; });
  std::vector<const Attr *> v;
  v.reserve(b.size);
  for (auto &n : named)
    v.push_back(n.second);
  return v;
}

void prim_attrNames(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceAttrs(*args[0], pos, "while evaluating the argument passed to builtins.attrNames");
  auto sorted = byName(state, *args[0]->attrs);
  state.mkList(v, sorted.size());
  for (size_t i = 0; i < sorted.size(); i++)
    v.list.elems[i] = state.symbolValue(sorted[i]->name);
}
RegisterPrimOp r_attrNames("__attrNames", 1, prim_attrNames);

void prim_attrValues(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceAttrs(*args[0], pos, "while evaluating the argument passed to builtins.attrValues");
  auto sorted = byName(state, *args[0]->attrs);
  state.mkList(v, sorted.size());
  for (size_t i = 0; i < sorted.size(); i++)
    v.list.elems[i] = sorted[i]->value;
}
RegisterPrimOp r_attrValues("__attrValues", 1, prim_attrValues);

void prim_getAttr(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string_view name = state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.getAttr");
  state.forceAttrs(*args[1], pos,
                   "while evaluating the second argument passed to builtins.getAttr");
  Symbol s = state.symbols.intern(name);
  const Attr *a = args[1]->attrs->find(s);
  if (!a) {
    EvalError e(ErrorKind::MissingAttr, "attribute '" + std::string(name) + "' missing", pos);
    e.hint = state.suggestAttr(*args[1]->attrs, s);
    e.addTrace(PosIdx{}, "in the attribute set under consideration");
    throw e;
  }
  state.forceValue(*a->value, pos);
  v = *a->value;
}
RegisterPrimOp r_getAttr("__getAttr", 2, prim_getAttr);

void prim_unsafeGetAttrPos(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string_view name = state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.unsafeGetAttrPos");
  state.forceAttrs(*args[1], pos,
                   "while evaluating the second argument passed to builtins.unsafeGetAttrPos");
  const Attr *a = args[1]->attrs->find(state.symbols.intern(name));
  if (!a)
    v.mkNull();
  else
    state.mkPos(v, a->pos);
}
RegisterPrimOp r_unsafeGetAttrPos("__unsafeGetAttrPos", 2, prim_unsafeGetAttrPos);

void prim_hasAttr(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string_view name = state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.hasAttr");
  state.forceAttrs(*args[1], pos,
                   "while evaluating the second argument passed to builtins.hasAttr");
  v.mkBool(args[1]->attrs->find(state.symbols.intern(name)) != nullptr);
}
RegisterPrimOp r_hasAttr("__hasAttr", 2, prim_hasAttr);

void prim_removeAttrs(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceAttrs(*args[0], pos,
                   "while evaluating the first argument passed to builtins.removeAttrs");
  state.forceList(*args[1], pos,
                  "while evaluating the second argument passed to builtins.removeAttrs");
  std::vector<uint32_t> drop;
  drop.reserve(args[1]->list.size);
  for (size_t i = 0; i < args[1]->list.size; i++) {
    std::string_view n = state.forceStringNoCtx(
        *args[1]->list.elems[i], pos,
        "while evaluating the values of the second argument passed to builtins.removeAttrs");
    drop.push_back(state.symbols.intern(n).id);
  }
  std::sort(drop.begin(), drop.end());
  Bindings *in = args[0]->attrs;
  Bindings *out = state.allocBindings(in->size);
  for (auto &a : *in)
    if (!std::binary_search(drop.begin(), drop.end(), a.name.id))
      out->attrs[out->size++] = a;
  v.mkAttrs(out);
}
RegisterPrimOp r_removeAttrs("removeAttrs", 2, prim_removeAttrs);

void prim_listToAttrs(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceList(*args[0], pos, "while evaluating the argument passed to builtins.listToAttrs");
  size_t n = args[0]->list.size;
  Bindings *b = state.allocBindings(uint32_t(n));
  for (size_t i = 0; i < n; i++) {
    Value &item = *args[0]->list.elems[i];
    state.forceAttrs(item, pos,
                     "while evaluating an element of the list passed to builtins.listToAttrs");
    auto missing = [&](const char *what) {
      EvalError e(ErrorKind::MissingAttr, std::string("attribute '") + what + "' missing", pos);
      e.addTrace(PosIdx{}, "in a {name=...; value=...;} pair");
      throw e;
    };
    const Attr *name = item.attrs->find(state.s.name);
    if (!name)
      missing("name");
    std::string_view nm =
        state.forceStringNoCtx(*name->value, pos,
                               "while evaluating the `name` attribute of an element of the list "
                               "passed to builtins.listToAttrs");
    const Attr *value = item.attrs->find(state.s.value);
    if (!value)
      missing("value");
    b->push(state.symbols.intern(nm), value->value, value->pos);
  }
  // The first occurrence of a name wins: stable sort, then keep firsts.
  std::stable_sort(b->begin(), b->end(),
                   [](const Attr &x, const Attr &y) { return x.name.id < y.name.id; });
  uint32_t k = 0;
  for (uint32_t i = 0; i < b->size; i++)
    if (k == 0 || b->attrs[k - 1].name != b->attrs[i].name)
      b->attrs[k++] = b->attrs[i];
  b->size = k;
  v.mkAttrs(b);
}
RegisterPrimOp r_listToAttrs("__listToAttrs", 1, prim_listToAttrs);

void prim_intersectAttrs(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceAttrs(*args[0], pos,
                   "while evaluating the first argument passed to builtins.intersectAttrs");
  state.forceAttrs(*args[1], pos,
                   "while evaluating the second argument passed to builtins.intersectAttrs");
  Bindings *l = args[0]->attrs;
  Bindings *r = args[1]->attrs;
  Bindings *out = state.allocBindings(std::min(l->size, r->size));
  // Walk the smaller set and look names up in the larger one, so that
  // callPackage-style `intersectAttrs (functionArgs f) pkgs` costs
  // O(|args| log |pkgs|), not O(|pkgs|). The result keeps r's values.
  if (l->size <= r->size) {
    for (auto &a : *l)
      if (const Attr *b = r->find(a.name))
        out->attrs[out->size++] = *b;
  } else {
    for (auto &b : *r)
      if (l->find(b.name))
        out->attrs[out->size++] = b;
  }
  v.mkAttrs(out);
}
RegisterPrimOp r_intersectAttrs("__intersectAttrs", 2, prim_intersectAttrs);

void prim_catAttrs(EvalState &state, PosIdx pos, Value **args, Value &v) {
  Symbol name = state.symbols.intern(state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.catAttrs"));
  state.forceList(*args[1], pos,
                  "while evaluating the second argument passed to builtins.catAttrs");
  GcVector<Value *> found;
  for (size_t i = 0; i < args[1]->list.size; i++) {
    Value &e = *args[1]->list.elems[i];
    state.forceAttrs(
        e, pos,
        "while evaluating an element in the list passed as second argument to builtins.catAttrs");
    if (Value *x = e.attrs->get(name))
      found.push_back(x);
  }
  state.mkList(v, found.size());
  std::copy(found.begin(), found.end(), v.list.elems);
}
RegisterPrimOp r_catAttrs("__catAttrs", 2, prim_catAttrs);

void prim_mapAttrs(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceAttrs(*args[1], pos,
                   "while evaluating the second argument passed to builtins.mapAttrs");
  Bindings *in = args[1]->attrs;
  Bindings *out = state.allocBindings(in->size);
  for (auto &a : *in) {
    Value *partial = state.allocValue();
    partial->mkApp(args[0], state.symbolValue(a.name));
    Value *res = state.allocValue();
    res->mkApp(partial, a.value);
    // No position: Nix builds the result with alloc(name), so
    // unsafeGetAttrPos answers null for these.
    out->attrs[out->size++] = Attr{a.name, PosIdx{}, res};
  }
  v.mkAttrs(out);
}
RegisterPrimOp r_mapAttrs("__mapAttrs", 2, prim_mapAttrs);

void prim_functionArgs(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceValue(*args[0], pos);
  if (args[0]->type == VType::PrimOp || args[0]->type == VType::PrimOpApp) {
    v = *state.emptyAttrs;
    return;
  }
  if (args[0]->type != VType::Lambda)
    state.throwError(ErrorKind::Type, "'functionArgs' requires a function", pos);
  ExprLambda *l = args[0]->lambda.fun;
  if (!l->formals) {
    v = *state.emptyAttrs;
    return;
  }
  // The answer depends only on the function's syntax, so it is built once
  // per lambda and kept (callPackage asks for it for every package).
  if (!l->functionArgs) {
    auto *b = static_cast<Bindings *>(
        GC_MALLOC_UNCOLLECTABLE(sizeof(Bindings) + l->formals->formals.size() * sizeof(Attr)));
    b->size = 0;
    b->capacity = uint32_t(l->formals->formals.size());
    b->pos = PosIdx{};
    for (auto &f : l->formals->formals)
      b->push(f.name, f.def ? &state.vTrue : &state.vFalse, f.pos);
    l->functionArgs = b;
  }
  v.mkAttrs(l->functionArgs);
}
RegisterPrimOp r_functionArgs("__functionArgs", 1, prim_functionArgs);

void prim_zipAttrsWith(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceFunction(*args[0], pos,
                      "while evaluating the first argument passed to builtins.zipAttrsWith");
  state.forceList(*args[1], pos,
                  "while evaluating the second argument passed to builtins.zipAttrsWith");
  size_t n = args[1]->list.size;
  // Gather, per name, the values in list order.
  struct Slot {
    uint32_t count = 0;
    Value *list = nullptr;
  };
  std::unordered_map<uint32_t, uint32_t> index;
  std::vector<uint32_t> counts;
  std::vector<Symbol> names;
  for (size_t i = 0; i < n; i++) {
    Value &e = *args[1]->list.elems[i];
    state.forceAttrs(
        e, pos,
        "while evaluating a value of the list passed as second argument to builtins.zipAttrsWith");
    for (auto &a : *e.attrs) {
      auto [it, fresh] = index.emplace(a.name.id, uint32_t(names.size()));
      if (fresh) {
        names.push_back(a.name);
        counts.push_back(0);
      }
      counts[it->second]++;
    }
  }
  Bindings *out = state.allocBindings(uint32_t(names.size()));
  GcVector<Value *> lists(names.size());
  std::vector<uint32_t> filled(names.size(), 0);
  for (size_t k = 0; k < names.size(); k++) {
    lists[k] = state.allocValue();
    state.mkList(*lists[k], counts[k]);
  }
  for (size_t i = 0; i < n; i++)
    for (auto &a : *args[1]->list.elems[i]->attrs) {
      uint32_t k = index[a.name.id];
      lists[k]->list.elems[filled[k]++] = a.value;
    }
  for (size_t k = 0; k < names.size(); k++) {
    Value *partial = state.allocValue();
    partial->mkApp(args[0], state.symbolValue(names[k]));
    Value *res = state.allocValue();
    res->mkApp(partial, lists[k]);
    out->push(names[k], res);
  }
  out->sort();
  v.mkAttrs(out);
}
RegisterPrimOp r_zipAttrsWith("__zipAttrsWith", 2, prim_zipAttrsWith);

} // namespace
} // namespace bastion::lang
