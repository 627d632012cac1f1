// Builtins on lists.
#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "lang/eval.h"

namespace bastion::lang {
namespace {

void prim_length(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceList(*args[0], pos, "while evaluating the first argument passed to builtins.length");
  v.mkInt(int64_t(args[0]->list.size));
}
RegisterPrimOp r_length("__length", 1, prim_length);

void elemAt(EvalState &state, PosIdx pos, Value &list, int64_t n, Value &v) {
  if (n < 0 || size_t(n) >= list.list.size)
    state.throwError(ErrorKind::Eval,
                     "'builtins.elemAt' called with index " + std::to_string(n) +
                         " on a list of size " + std::to_string(list.list.size),
                     pos);
  state.forceValue(*list.list.elems[n], pos);
  v = *list.list.elems[n];
}

void prim_elemAt(EvalState &state, PosIdx pos, Value **args, Value &v) {
  int64_t n = state.forceInt(*args[1], pos,
                             "while evaluating the second argument passed to 'builtins.elemAt'");
  state.forceList(*args[0], pos, "while evaluating the first argument passed to 'builtins.elemAt'");
  elemAt(state, pos, *args[0], n, v);
}
RegisterPrimOp r_elemAt("__elemAt", 2, prim_elemAt);

void prim_head(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceList(*args[0], pos, "while evaluating the first argument passed to 'builtins.head'");
  if (args[0]->list.size == 0)
    state.throwError(ErrorKind::Eval, "'builtins.head' called on an empty list", pos);
  state.forceValue(*args[0]->list.elems[0], pos);
  v = *args[0]->list.elems[0];
}
RegisterPrimOp r_head("__head", 1, prim_head);

void prim_tail(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceList(*args[0], pos, "while evaluating the first argument passed to 'builtins.tail'");
  size_t n = args[0]->list.size;
  if (n == 0)
    state.throwError(ErrorKind::Eval, "'builtins.tail' called on an empty list", pos);
  state.mkList(v, n - 1);
  std::copy(args[0]->list.elems + 1, args[0]->list.elems + n, v.list.elems);
}
RegisterPrimOp r_tail("__tail", 1, prim_tail);

void prim_map(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceList(*args[1], pos, "while evaluating the second argument passed to builtins.map");
  size_t n = args[1]->list.size;
  if (n == 0) {
    v = *state.emptyList;
    return;
  }
  state.forceFunction(*args[0], pos, "while evaluating the first argument passed to builtins.map");
  state.mkList(v, n);
  for (size_t i = 0; i < n; i++) {
    Value *e = state.allocValue();
    e->mkApp(args[0], args[1]->list.elems[i]);
    v.list.elems[i] = e;
  }
}
RegisterPrimOp r_map("map", 2, prim_map);

void prim_filter(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceList(*args[1], pos, "while evaluating the second argument passed to builtins.filter");
  size_t n = args[1]->list.size;
  if (n == 0) {
    v = *state.emptyList;
    return;
  }
  state.forceFunction(*args[0], pos,
                      "while evaluating the first argument passed to builtins.filter");
  Value **out = state.allocElems(n);
  size_t k = 0;
  bool same = true;
  for (size_t i = 0; i < n; i++) {
    Value res;
    state.callFunction(*args[0], *args[1]->list.elems[i], res, pos);
    if (state.forceBool(res, pos,
                        "while evaluating the return value of the filtering function passed to "
                        "builtins.filter"))
      out[k++] = args[1]->list.elems[i];
    else
      same = false;
  }
  if (same)
    v = *args[1];
  else if (k == 0)
    v = *state.emptyList;
  else
    v.mkList(k, out);
}
RegisterPrimOp r_filter("__filter", 2, prim_filter);

void prim_elem(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceList(*args[1], pos, "while evaluating the second argument passed to builtins.elem");
  for (size_t i = 0; i < args[1]->list.size; i++)
    if (state.eqValues(*args[0], *args[1]->list.elems[i], pos,
                       "while searching for the presence of the given element in the list")) {
      v.mkBool(true);
      return;
    }
  v.mkBool(false);
}
RegisterPrimOp r_elem("__elem", 2, prim_elem);

void concatLists(EvalState &state, PosIdx pos, Value &lists, Value &v, const char *ctx) {
  size_t total = 0;
  for (size_t i = 0; i < lists.list.size; i++) {
    state.forceList(*lists.list.elems[i], pos, ctx);
    total += lists.list.elems[i]->list.size;
  }
  if (total == 0) {
    v = *state.emptyList;
    return;
  }
  Value **out = state.allocElems(total);
  size_t k = 0;
  for (size_t i = 0; i < lists.list.size; i++) {
    Value &l = *lists.list.elems[i];
    std::copy(l.list.elems, l.list.elems + l.list.size, out + k);
    k += l.list.size;
  }
  v.mkList(total, out);
}

void prim_concatLists(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceList(*args[0], pos,
                  "while evaluating the first argument passed to builtins.concatLists");
  concatLists(state, pos, *args[0], v,
              "while evaluating a value of the list passed to builtins.concatLists");
}
RegisterPrimOp r_concatLists("__concatLists", 1, prim_concatLists);

void prim_concatMap(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceFunction(*args[0], pos,
                      "while evaluating the first argument passed to builtins.concatMap");
  state.forceList(*args[1], pos,
                  "while evaluating the second argument passed to builtins.concatMap");
  size_t n = args[1]->list.size;
  Value tmp;
  state.mkList(tmp, n);
  for (size_t i = 0; i < n; i++) {
    Value *r = state.allocValue();
    state.callFunction(*args[0], *args[1]->list.elems[i], *r, pos);
    state.forceList(
        *r, pos, "while evaluating the return value of the function passed to builtins.concatMap");
    tmp.list.elems[i] = r;
  }
  concatLists(state, pos, tmp, v, "");
}
RegisterPrimOp r_concatMap("__concatMap", 2, prim_concatMap);

void prim_foldlStrict(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceFunction(*args[0], pos,
                      "while evaluating the first argument passed to builtins.foldlStrict");
  state.forceList(*args[2], pos,
                  "while evaluating the third argument passed to builtins.foldlStrict");
  size_t n = args[2]->list.size;
  if (n == 0) {
    state.forceValue(*args[1], pos);
    v = *args[1];
    return;
  }
  Value *acc = args[1];
  for (size_t i = 0; i < n; i++) {
    Value *fargs[2] = {acc, args[2]->list.elems[i]};
    Value *next = i + 1 == n ? &v : state.allocValue();
    state.callFunction(*args[0], 2, fargs, *next, pos);
    acc = next;
  }
  state.forceValue(v, pos);
}
RegisterPrimOp r_foldlStrict("__foldl'", 3, prim_foldlStrict);

void prim_genList(EvalState &state, PosIdx pos, Value **args, Value &v) {
  int64_t n = state.forceInt(*args[1], pos,
                             "while evaluating the second argument passed to builtins.genList");
  if (n < 0)
    state.throwError(ErrorKind::Eval, "cannot create list of size " + std::to_string(n), pos);
  if (n == 0) {
    v = *state.emptyList;
    return;
  }
  state.forceFunction(*args[0], pos,
                      "while evaluating the first argument passed to builtins.genList");
  state.mkList(v, size_t(n));
  for (int64_t i = 0; i < n; i++) {
    Value *idx = state.allocValue();
    idx->mkInt(i);
    Value *e = state.allocValue();
    e->mkApp(args[0], idx);
    v.list.elems[i] = e;
  }
}
RegisterPrimOp r_genList("__genList", 2, prim_genList);

// 1 for `a: b: a < b`, -1 for `a: b: b < a` (also `a > b`), 0 otherwise.
int directComparator(const Value &f) {
  if (f.type != VType::Lambda)
    return 0;
  const ExprLambda *outer = f.lambda.fun;
  auto *inner = dynamic_cast<const ExprLambda *>(outer->body);
  if (outer->formals || !inner || inner->formals)
    return 0;
  auto *cmp = dynamic_cast<const ExprArith *>(inner->body);
  if (!cmp || cmp->op != ArithOp::LessThan || !cmp->native)
    return 0;
  auto *x = dynamic_cast<const ExprVar *>(cmp->e1);
  auto *y = dynamic_cast<const ExprVar *>(cmp->e2);
  if (!x || !y || x->fromWith || y->fromWith || x->displ != 0 || y->displ != 0)
    return 0;
  if (x->level == 1 && y->level == 0)
    return 1;
  if (x->level == 0 && y->level == 1)
    return -1;
  return 0;
}

void prim_sort(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceList(*args[1], pos, "while evaluating the second argument passed to builtins.sort");
  size_t n = args[1]->list.size;
  if (n == 0) {
    v = *state.emptyList;
    return;
  }
  state.forceFunction(*args[0], pos, "while evaluating the first argument passed to builtins.sort");
  Value **out = state.allocElems(n);
  std::copy(args[1]->list.elems, args[1]->list.elems + n, out);
  for (size_t i = 0; i < n; i++)
    state.forceValue(*out[i], pos);
  // `a: b: a < b` (or `b < a`) is by far the most common comparator; it is
  // applied directly, which gives the same result without two calls per
  // comparison.
  int direct = directComparator(*args[0]);
  if (direct) {
    std::stable_sort(out, out + n, [&](Value *a, Value *b) {
      return direct > 0 ? state.lessThan(*a, *b, pos, "") : state.lessThan(*b, *a, pos, "");
    });
    v.mkList(n, out);
    return;
  }
  auto less = [&](Value *a, Value *b) {
    Value res;
    Value *fargs[2] = {a, b};
    state.callFunction(*args[0], 2, fargs, res, pos);
    return state.forceBool(
        res, pos,
        "while evaluating the return value of the sorting function passed to builtins.sort");
  };
  std::stable_sort(out, out + n, less);
  v.mkList(n, out);
}
RegisterPrimOp r_sort("__sort", 2, prim_sort);

template <bool All> void anyAll(EvalState &state, PosIdx pos, Value **args, Value &v) {
  // Literal contexts: no string is built unless an error happens.
  const char *listCtx = All ? "while evaluating the second argument passed to builtins.all"
                            : "while evaluating the second argument passed to builtins.any";
  const char *funCtx = All ? "while evaluating the first argument passed to builtins.all"
                           : "while evaluating the first argument passed to builtins.any";
  const char *resCtx =
      All ? "while evaluating the return value of the function passed to builtins.all"
          : "while evaluating the return value of the function passed to builtins.any";
  state.forceFunction(*args[0], pos, funCtx);
  state.forceList(*args[1], pos, listCtx);
  for (size_t i = 0; i < args[1]->list.size; i++) {
    Value res;
    state.callFunction(*args[0], *args[1]->list.elems[i], res, pos);
    if (state.forceBool(res, pos, resCtx) != All) {
      v.mkBool(!All);
      return;
    }
  }
  v.mkBool(All);
}
RegisterPrimOp r_any("__any", 2, anyAll<false>);
RegisterPrimOp r_all("__all", 2, anyAll<true>);

void prim_partition(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceFunction(*args[0], pos,
                      "while evaluating the first argument passed to builtins.partition");
  state.forceList(*args[1], pos,
                  "while evaluating the second argument passed to builtins.partition");
  size_t n = args[1]->list.size;
  GcVector<Value *> right, wrong;
  for (size_t i = 0; i < n; i++) {
    Value *e = args[1]->list.elems[i];
    state.forceValue(*e, pos);
    Value res;
    state.callFunction(*args[0], *e, res, pos);
    (state.forceBool(
         res, pos,
         "while evaluating the return value of the partition function passed to builtins.partition")
         ? right
         : wrong)
        .push_back(e);
  }
  EvalState::BindingsBuilder b(state, 2);
  Value &r = b.alloc(state.s.right);
  state.mkList(r, right.size());
  std::copy(right.begin(), right.end(), r.list.elems);
  Value &w = b.alloc(state.s.wrong);
  state.mkList(w, wrong.size());
  std::copy(wrong.begin(), wrong.end(), w.list.elems);
  v.mkAttrs(b.finish());
}
RegisterPrimOp r_partition("__partition", 2, prim_partition);

void prim_groupBy(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceFunction(*args[0], pos,
                      "while evaluating the first argument passed to builtins.groupBy");
  state.forceList(*args[1], pos, "while evaluating the second argument passed to builtins.groupBy");
  std::unordered_map<uint32_t, size_t> index;
  std::vector<Symbol> names;
  std::vector<GcVector<Value *>> groups;
  for (size_t i = 0; i < args[1]->list.size; i++) {
    Value *e = args[1]->list.elems[i];
    Value res;
    state.callFunction(*args[0], *e, res, pos);
    Symbol key = state.symbols.intern(state.forceStringNoCtx(
        res, pos,
        "while evaluating the return value of the grouping function passed to builtins.groupBy"));
    auto [it, fresh] = index.emplace(key.id, names.size());
    if (fresh) {
      names.push_back(key);
      groups.emplace_back();
    }
    groups[it->second].push_back(e);
  }
  Bindings *b = state.allocBindings(uint32_t(names.size()));
  for (size_t k = 0; k < names.size(); k++) {
    Value *l = state.allocValue();
    state.mkList(*l, groups[k].size());
    std::copy(groups[k].begin(), groups[k].end(), l->list.elems);
    b->push(names[k], l);
  }
  b->sort();
  v.mkAttrs(b);
}
RegisterPrimOp r_groupBy("__groupBy", 2, prim_groupBy);

void prim_genericClosure(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceAttrs(*args[0], pos,
                   "while evaluating the first argument passed to builtins.genericClosure");
  auto required = [&](Symbol name) {
    Value *x = args[0]->attrs->get(name);
    if (!x) {
      EvalError e(ErrorKind::MissingAttr, "attribute '" + state.symbols[name] + "' missing");
      e.addTrace(PosIdx{}, "in the attrset passed as argument to builtins.genericClosure");
      throw e;
    }
    return x;
  };
  Value *startSet = required(state.s.startSet);
  state.forceList(
      *startSet, pos,
      "while evaluating the 'startSet' attribute passed as argument to builtins.genericClosure");
  Value *op = required(state.s.operator_);
  state.forceFunction(
      *op, pos,
      "while evaluating the 'operator' attribute passed as argument to builtins.genericClosure");

  GcVector<Value *> work(startSet->list.elems, startSet->list.elems + startSet->list.size);
  GcVector<Value *> res;
  // The elements seen so far, ordered by Nix's `<` on their keys. A failed
  // comparison names both elements, as Nix does.
  struct Seen {
    Value *key;
    Value *elem;
  };
  struct KeyLess {
    EvalState *state;
    Value **inserting;
    bool operator()(const Seen &a, const Seen &b) const {
      try {
        return state->lessThan(
            *a.key, *b.key, PosIdx{},
            "while comparing the `key` attributes of two genericClosure elements");
      } catch (EvalError &e) {
        Value *other = a.elem == *inserting ? b.elem : a.elem;
        e.addTrace(PosIdx{}, "with element " + state->showValueForError(*other));
        e.addTrace(PosIdx{}, "while comparing element " + state->showValueForError(**inserting));
        throw;
      }
    }
  };
  Value *inserting = nullptr;
  std::set<Seen, KeyLess, traceable_allocator<Seen>> seen(KeyLess{&state, &inserting});
  // While every key is a string (the common case), `<` on two keys never
  // fails and equality under it is byte equality, so a hash set answers
  // "seen?" without the ordered set's comparisons (a fifth of a
  // package-set closure's time). The views point into the keys' strings,
  // kept alive through stringOrder (on the collector's heap).
  bool allStrings = true;
  std::unordered_set<std::string_view> stringKeys;
  GcVector<Seen> stringOrder;
  size_t head = 0;
  while (head < work.size()) {
    Value *e = work[head++];
    Value *key;
    try {
      state.forceAttrs(*e, pos, "");
      key = e->attrs->get(state.s.key);
      if (!key)
        throw EvalError(ErrorKind::MissingAttr, "attribute 'key' missing");
      state.forceValue(*key, pos);
    } catch (EvalError &err) {
      // Nix names the element instead of the generic forcing context.
      if (!err.traces.empty() && err.traces.back().text.empty())
        err.traces.pop_back();
      err.addTrace(PosIdx{}, "in genericClosure element " + state.showValueForError(*e));
      throw;
    }
    inserting = e;
    if (allStrings && key->type == VType::String) {
      if (!stringKeys.insert(key->str()).second)
        continue;
      stringOrder.push_back(Seen{key, e});
    } else {
      if (allStrings) {
        // The ordered set as Nix would have built it: the same insertions
        // in the same order give the same tree, so the comparisons (and
        // the errors) from here on are Nix's.
        allStrings = false;
        for (const Seen &s : stringOrder)
          seen.insert(s);
        stringOrder.clear();
        stringKeys.clear();
      }
      if (!seen.insert(Seen{key, e}).second)
        continue;
    }
    res.push_back(e);
    Value call;
    try {
      state.callFunction(*op, *e, call, pos);
      state.forceList(
          call, pos,
          "while evaluating the return value of the `operator` passed to builtins.genericClosure");
    } catch (EvalError &err) {
      err.addTrace(PosIdx{}, "while calling operator on genericClosure element " +
                                 state.showValueForError(*e));
      throw;
    }
    for (size_t i = 0; i < call.list.size; i++)
      work.push_back(call.list.elems[i]);
  }
  state.mkList(v, res.size());
  std::copy(res.begin(), res.end(), v.list.elems);
}
RegisterPrimOp r_genericClosure("__genericClosure", 1, prim_genericClosure);

} // namespace
} // namespace bastion::lang
