// Variable resolution at parse time: each variable becomes a (level,
// displacement) pair, or a reference to the `with` that may hold it.
#include <algorithm>

#include "lang/eval.h"

namespace bastion::lang {

void StaticEnv::sort() {
  std::sort(vars.begin(), vars.end(), [](auto &a, auto &b) { return a.first.id < b.first.id; });
}

const std::pair<Symbol, uint32_t> *StaticEnv::find(Symbol s) const {
  auto it = std::lower_bound(
      vars.begin(), vars.end(), s,
      [](const std::pair<Symbol, uint32_t> &a, Symbol b) { return a.first.id < b.id; });
  return it != vars.end() && it->first == s ? &*it : nullptr;
}

bool Formals::has(Symbol s) const {
  auto it = std::lower_bound(formals.begin(), formals.end(), s,
                             [](const Formal &a, Symbol b) { return a.name.id < b.id; });
  return it != formals.end() && it->name == s;
}

std::vector<Formal> Formals::lexicographicOrder(const SymbolTable &symbols) const {
  std::vector<Formal> out = formals;
  std::sort(out.begin(), out.end(),
            [&](const Formal &a, const Formal &b) { return symbols[a.name] < symbols[b.name]; });
  return out;
}

void ExprVar::bindVars(EvalState &state, const StaticEnv *env) {
  fromWith = nullptr;
  int withLevel = -1;
  uint32_t lvl = 0;
  for (const StaticEnv *cur = env; cur; cur = cur->up, lvl++) {
    if (cur->isWith) {
      if (withLevel == -1)
        withLevel = int(lvl);
    } else if (auto *i = cur->find(name)) {
      level = lvl;
      displ = i->second;
      return;
    }
  }
  if (withLevel == -1)
    throw EvalError(ErrorKind::UndefinedVar, "undefined variable '" + state.symbols[name] + "'",
                    pos);
  for (const StaticEnv *e = env; e && !fromWith; e = e->up)
    fromWith = e->isWith;
  level = uint32_t(withLevel);
}

void ExprSelect::bindVars(EvalState &state, const StaticEnv *env) {
  state.checkStack(getPos());
  e->bindVars(state, env);
  if (def)
    def->bindVars(state, env);
  for (auto &a : path)
    if (!a.symbol)
      a.expr->bindVars(state, env);
}

void ExprOpHasAttr::bindVars(EvalState &state, const StaticEnv *env) {
  e->bindVars(state, env);
  for (auto &a : path)
    if (!a.symbol)
      a.expr->bindVars(state, env);
}

void ExprAttrs::bindVars(EvalState &state, const StaticEnv *env) {
  ordered.clear();
  for (auto &[name, def] : attrs)
    ordered.emplace_back(name, &def);
  // std::map orders by Symbol already (by id), which is the run-time order.
  uint32_t displ = 0;
  for (auto &[name, def] : ordered)
    def->displ = displ++;

  const StaticEnv *inner = env;
  StaticEnv *recEnv = nullptr;
  if (recursive) {
    recEnv = new StaticEnv(nullptr, env);
    for (auto &[name, def] : ordered)
      recEnv->vars.emplace_back(name, def->displ);
    recEnv->sort();
    inner = recEnv;
  }
  auto *inheritEnv = new StaticEnv(nullptr, inner);
  for (auto *from : inheritFrom)
    from->bindVars(state, inner);
  for (auto &[name, def] : ordered) {
    switch (def->kind) {
    case Kind::Inherited:
      def->e->bindVars(state, env);
      break;
    case Kind::InheritedFrom:
      def->e->bindVars(state, inheritEnv);
      break;
    case Kind::Plain:
      def->e->bindVars(state, inner);
      break;
    }
  }
  for (auto &d : dynamicAttrs) {
    d.name->bindVars(state, inner);
    d.value->bindVars(state, inner);
  }
}

void ExprList::bindVars(EvalState &state, const StaticEnv *env) {
  for (auto *e : elems)
    e->bindVars(state, env);
}

void ExprLambda::bindVars(EvalState &state, const StaticEnv *env) {
  auto *newEnv = new StaticEnv(nullptr, env);
  uint32_t displ = 0;
  if (arg)
    newEnv->vars.emplace_back(arg, displ++);
  if (formals)
    for (auto &f : formals->formals)
      newEnv->vars.emplace_back(f.name, displ++);
  envSize = displ;
  newEnv->sort();
  if (formals)
    for (auto &f : formals->formals)
      if (f.def)
        f.def->bindVars(state, newEnv);
  body->bindVars(state, newEnv);
}

void ExprCall::bindVars(EvalState &state, const StaticEnv *env) {
  state.checkStack(getPos());
  fun->bindVars(state, env);
  for (auto *a : args)
    a->bindVars(state, env);
}

void ExprLet::bindVars(EvalState &state, const StaticEnv *env) {
  auto *newEnv = new StaticEnv(nullptr, env);
  attrs->ordered.clear();
  for (auto &[name, def] : attrs->attrs)
    attrs->ordered.emplace_back(name, &def);
  uint32_t displ = 0;
  for (auto &[name, def] : attrs->ordered) {
    def->displ = displ;
    newEnv->vars.emplace_back(name, displ++);
  }
  newEnv->sort();
  auto *inheritEnv = new StaticEnv(nullptr, newEnv);
  for (auto *from : attrs->inheritFrom)
    from->bindVars(state, newEnv);
  for (auto &[name, def] : attrs->ordered) {
    switch (def->kind) {
    case ExprAttrs::Kind::Inherited:
      def->e->bindVars(state, env);
      break;
    case ExprAttrs::Kind::InheritedFrom:
      def->e->bindVars(state, inheritEnv);
      break;
    case ExprAttrs::Kind::Plain:
      def->e->bindVars(state, newEnv);
      break;
    }
  }
  body->bindVars(state, newEnv);
}

void ExprWith::bindVars(EvalState &state, const StaticEnv *env) {
  parentWith = nullptr;
  for (const StaticEnv *e = env; e && !parentWith; e = e->up)
    parentWith = e->isWith;
  prevWith = 0;
  uint32_t lvl = 1;
  for (const StaticEnv *cur = env; cur; cur = cur->up, lvl++)
    if (cur->isWith) {
      prevWith = lvl;
      break;
    }
  attrs->bindVars(state, env);
  auto *newEnv = new StaticEnv(this, env);
  body->bindVars(state, newEnv);
}

void ExprIf::bindVars(EvalState &state, const StaticEnv *env) {
  state.checkStack(getPos());
  cond->bindVars(state, env);
  then->bindVars(state, env);
  else_->bindVars(state, env);
}

void ExprAssert::bindVars(EvalState &state, const StaticEnv *env) {
  cond->bindVars(state, env);
  body->bindVars(state, env);
}

void ExprOpNot::bindVars(EvalState &state, const StaticEnv *env) {
  state.checkStack(getPos());
  e->bindVars(state, env);
}

void ExprBinOp::bindVars(EvalState &state, const StaticEnv *env) {
  state.checkStack(getPos());
  e1->bindVars(state, env);
  e2->bindVars(state, env);
}

void ExprArith::bindVars(EvalState &state, const StaticEnv *env) {
  state.checkStack(getPos());
  fn->bindVars(state, env);
  e1->bindVars(state, env);
  e2->bindVars(state, env);
  // The operator is the builtin unless the program rebinds its name.
  uint32_t depth = 0;
  for (const StaticEnv *e = env; e; e = e->up)
    depth++;
  native = !fn->fromWith && fn->level + 1 == depth && env != nullptr;
}

void ExprConcatStrings::bindVars(EvalState &state, const StaticEnv *env) {
  state.checkStack(getPos());
  for (auto &[pos, e] : es)
    e->bindVars(state, env);
}

} // namespace bastion::lang
