// Evaluation of each kind of expression.
#include <algorithm>
#include <cstring>
#include <sstream>

#include "lang/arith.h"
#include "lang/eval.h"
#include "lang/parser.h"
#include "util/path.h"

namespace bastion::lang {

static void evalOperand(EvalState &state, Env &env, Expr *e, Value &v, const char *frame);

Value *Expr::maybeThunk(EvalState &state, Env &env) {
  Value *v = state.allocValue();
  v->mkThunk(&env, this);
  return v;
}

ExprString::ExprString(std::string str) : s(std::move(str)) {
  v.mkString(strdup(s.c_str()), nullptr);
}
ExprPath::ExprPath(std::string path) : s(std::move(path)) { v.mkPath(strdup(s.c_str())); }
ExprString::~ExprString() { free(const_cast<char *>(v.string.chars)); }
ExprPath::~ExprPath() { free(const_cast<char *>(v.path)); }

// ---- variables ----------------------------------------------------------

// The search through `with` scopes, out of line so that the common case
// stays a short leaf function.
[[gnu::noinline]] static Value *lookupWith(EvalState &state, Env *e, const ExprWith *w, Symbol name,
                                           PosIdx pos) {
  for (;;) {
    state.forceAttrs(*e->values[0], w->pos,
                     "while evaluating the first subexpression of a with expression");
    if (Value *v = e->values[0]->attrs->get(name))
      return v;
    if (!w->parentWith)
      state.throwError(ErrorKind::UndefinedVar, "undefined variable '" + state.symbols[name] + "'",
                       pos);
    for (uint32_t l = w->prevWith; l; --l)
      e = e->up;
    w = w->parentWith;
  }
}

Value *ExprVar::lookup(EvalState &state, Env &env, bool noEval) {
  Env *e = &env;
  for (uint32_t l = level; l; --l)
    e = e->up;
  if (!fromWith) [[likely]]
    return e->values[displ];
  if (noEval)
    return nullptr;
  return lookupWith(state, e, fromWith, name, pos);
}

// A variable whose value is still a thunk, or one from a `with`: out of
// line, so that ExprVar::eval's common case (a let/rec/lambda variable
// already evaluated, 4.6 M times on bench/modules/users.nix) needs no stack
// frame and saves no registers.
[[gnu::noinline]] static void forceVariable(EvalState &state, Value *v2, PosIdx pos, Value &v) {
  state.forceValue(*v2, pos);
  v = *v2;
}

void ExprVar::eval(EvalState &state, Env &env, Value &v) {
  if (fromWith) [[unlikely]]
    return forceVariable(state, lookup(state, env, false), pos, v);
  Env *e = &env;
  for (uint32_t l = level; l; --l)
    e = e->up;
  Value *v2 = e->values[displ];
  if (v2->type >= VType::Thunk) [[unlikely]]
    return forceVariable(state, v2, pos, v);
  v = *v2;
}

Value *ExprVar::maybeThunk(EvalState &state, Env &env) {
  if (!fromWith) [[likely]] {
    Env *e = &env;
    for (uint32_t l = level; l; --l)
      e = e->up;
    // Null while a let or rec set is still filling its slots and this names
    // a later one: then a thunk, which looks the slot up when forced.
    if (Value *v = e->values[displ]) [[likely]]
      return v;
  }
  return Expr::maybeThunk(state, env);
}

// ---- attribute selection --------------------------------------------------

static Symbol dynamicAttrName(EvalState &state, Env &env, const AttrName &a);

static inline Symbol attrNameSymbol(EvalState &state, Env &env, const AttrName &a) {
  if (a.symbol) [[likely]]
    return a.symbol;
  return dynamicAttrName(state, env, a);
}

[[gnu::noinline]] static Symbol dynamicAttrName(EvalState &state, Env &env, const AttrName &a) {
  Value nameValue;
  a.expr->eval(state, env, nameValue);
  PosIdx pos = a.expr->getPos();
  try {
    return state.symbols.intern(
        state.forceStringNoCtx(nameValue, pos, "while evaluating an attribute name"));
  } catch (EvalError &e) {
    if (!e.pos)
      e.pos = pos; // Nix points at the name expression itself
    throw;
  }
}

void ExprSelect::eval(EvalState &state, Env &env, Value &v) {
  state.checkStack(pos);
  Value vTmp;
  Value *vCur = &vTmp;
  try {
    e->eval(state, env, vTmp);
  } catch (EvalError &err) {
    err.addTrace(pos, "while selecting an attribute");
    throw;
  }
  const Attr *last = nullptr; // the attribute selected most recently
  try {
    for (auto &a : path) {
      Symbol name = attrNameSymbol(state, env, a);
      if (def) {
        state.forceValue(*vCur, pos);
        const Attr *j;
        if (vCur->type != VType::Attrs || !(j = vCur->attrs->find(name, a.hint))) {
          def->eval(state, env, v);
          return;
        }
        vCur = j->value;
        last = j;
      } else {
        state.forceAttrs(*vCur, pos, "while selecting an attribute");
        const Attr *j = vCur->attrs->find(name, a.hint);
        if (!j) {
          EvalError err(ErrorKind::MissingAttr, "attribute '" + state.symbols[name] + "' missing",
                        pos);
          err.hint = state.suggestAttr(*vCur->attrs, name);
          throw err;
        }
        vCur = j->value;
        last = j;
      }
    }
    state.forceValue(*vCur, last && last->pos ? last->pos : pos);
  } catch (EvalError &err) {
    if (last && last->pos)
      err.addTrace(last->pos, "from the definition of '" + state.symbols[last->name] + "'");
    err.addTrace(pos, "while evaluating the attribute '" + showAttrPath(state.symbols, path) + "'");
    throw;
  }
  v = *vCur;
}

void ExprOpHasAttr::eval(EvalState &state, Env &env, Value &v) {
  state.checkStack(pos);
  Value vTmp;
  Value *vCur = &vTmp;
  evalOperand(state, env, e, vTmp, "in the argument of '?'");
  for (auto &a : path) {
    state.forceValue(*vCur, pos);
    Symbol name = attrNameSymbol(state, env, a);
    const Attr *j;
    if (vCur->type != VType::Attrs || !(j = vCur->attrs->find(name, a.hint))) {
      v.mkBool(false);
      return;
    }
    vCur = j->value;
  }
  v.mkBool(true);
}

// ---- attribute sets -------------------------------------------------------

Env *ExprAttrs::makeInheritFromEnv(EvalState &state, Env &up) {
  if (inheritFrom.empty())
    return nullptr;
  Env *e = state.allocEnv(uint32_t(inheritFrom.size()));
  e->up = &up;
  for (size_t i = 0; i < inheritFrom.size(); i++)
    e->values[i] = inheritFrom[i]->maybeThunk(state, up);
  return e;
}

void ExprInheritFrom::eval(EvalState &state, Env &env, Value &v) {
  Value *from = env.values[displ];
  state.forceValue(*from, pos);
  v = *from;
}

void ExprAttrs::eval(EvalState &state, Env &env, Value &v) {
  Bindings *b = state.allocBindings(uint32_t(ordered.size() + dynamicAttrs.size()));
  b->pos = pos;
  Env *scope = &env;
  if (recursive) {
    Env *env2 = state.allocEnv(uint32_t(ordered.size()));
    env2->up = &env;
    scope = env2;
    Env *inheritEnv = makeInheritFromEnv(state, *env2);
    // With __overrides, each attribute needs a thunk of its own: sharing a
    // variable's value (maybeThunk) would bypass the override.
    bool hasOverrides = attrs.count(state.s.overrides) != 0;
    for (auto &[name, def] : ordered) {
      Env *scopeOf = def->kind == Kind::Inherited       ? &env
                     : def->kind == Kind::InheritedFrom ? inheritEnv
                                                        : env2;
      Value *vAttr;
      if (hasOverrides && def->kind != Kind::Inherited) {
        vAttr = state.allocValue();
        vAttr->mkThunk(scopeOf, def->e);
      } else {
        vAttr = def->e->maybeThunk(state, *scopeOf);
      }
      env2->values[def->displ] = vAttr;
      b->push(name, vAttr, def->pos);
    }
    // `__overrides` in a rec set replaces attributes, also for references
    // from inside the set (an old nixpkgs feature Nix still honours).
    Value *overrides = b->get(state.s.overrides);
    if (overrides) {
      state.forceAttrs(*overrides, pos, "while evaluating the `__overrides` attribute");
      Bindings *nb = state.allocBindings(b->size + overrides->attrs->size);
      for (auto &a : *b)
        nb->push(a.name, a.value, a.pos);
      for (auto &o : *overrides->attrs) {
        auto it = attrs.find(o.name);
        if (it != attrs.end())
          env2->values[it->second.displ] = o.value;
        bool replaced = false;
        for (auto &a : *nb)
          if (a.name == o.name) {
            a.value = o.value;
            replaced = true;
          }
        if (!replaced)
          nb->push(o.name, o.value, o.pos);
      }
      nb->sort();
      b = nb;
    }
  } else {
    Env *inheritEnv = makeInheritFromEnv(state, env);
    for (auto &[name, def] : ordered) {
      Value *vAttr = def->kind == Kind::InheritedFrom ? def->e->maybeThunk(state, *inheritEnv)
                                                      : def->e->maybeThunk(state, env);
      b->push(name, vAttr, def->pos);
    }
  }
  if (!dynamicAttrs.empty()) {
    for (auto &d : dynamicAttrs) {
      Value nameVal;
      d.name->eval(state, *scope, nameVal);
      state.forceValue(nameVal, d.pos);
      if (nameVal.type == VType::Null)
        continue;
      Symbol name = state.symbols.intern(state.forceStringNoCtx(
          nameVal, d.pos, "while evaluating the name of a dynamic attribute"));
      for (auto &a : *b)
        if (a.name == name)
          state.throwError(ErrorKind::Eval,
                           "dynamic attribute '" + state.symbols[name] + "' already defined at " +
                               state.positions.describe(a.pos),
                           d.pos);
      b->push(name, d.value->maybeThunk(state, *scope), d.pos);
    }
    b->sort();
  }
  v.mkAttrs(b);
}

void ExprLet::eval(EvalState &state, Env &env, Value &v) {
  Env *env2 = state.allocEnv(uint32_t(attrs->ordered.size()));
  env2->up = &env;
  Env *inheritEnv = attrs->makeInheritFromEnv(state, *env2);
  for (auto &[name, def] : attrs->ordered)
    env2->values[def->displ] =
        def->kind == ExprAttrs::Kind::Inherited       ? def->e->maybeThunk(state, env)
        : def->kind == ExprAttrs::Kind::InheritedFrom ? def->e->maybeThunk(state, *inheritEnv)
                                                      : def->e->maybeThunk(state, *env2);
  body->eval(state, *env2, v);
}

// ---- lists, functions, control flow ----------------------------------------

void ExprList::eval(EvalState &state, Env &env, Value &v) {
  if (elems.empty()) {
    v = *state.emptyList;
    return;
  }
  state.mkList(v, elems.size());
  for (size_t i = 0; i < elems.size(); i++)
    v.list.elems[i] = elems[i]->maybeThunk(state, env);
}

Value *ExprList::maybeThunk(EvalState &state, Env &env) {
  if (elems.empty())
    return state.emptyList;
  return Expr::maybeThunk(state, env);
}

// functionArgs' answer is uncollectable (the tree refers to it from outside
// the collected heap), so it goes with the tree.
ExprLambda::~ExprLambda() {
  if (functionArgs)
    GC_FREE(functionArgs);
}

void ExprLambda::eval(EvalState &state, Env &env, Value &v) { v.mkLambda(&env, this); }

void ExprCall::eval(EvalState &state, Env &env, Value &v) {
  Value vFun;
  fun->eval(state, env, vFun);
  size_t n = args.size();
  // The most common call by far, `f x` with f a plain `x: …` lambda, skips
  // callFunction's general loop (partial application, builtins, functors).
  if (n == 1 && vFun.type == VType::Lambda && !vFun.lambda.fun->formals) {
    state.callPlainLambda(vFun, args[0]->maybeThunk(state, env), v, pos);
    return;
  }
  Value *small[4];
  GcVector<Value *> big;
  Value **vArgs = small;
  if (n > 4) {
    big.resize(n);
    vArgs = big.data();
  }
  for (size_t i = 0; i < n; i++)
    vArgs[i] = args[i]->maybeThunk(state, env);
  state.callFunction(vFun, n, vArgs, v, pos);
}

void ExprWith::eval(EvalState &state, Env &env, Value &v) {
  Env *env2 = state.allocEnv(1);
  env2->up = &env;
  env2->values[0] = attrs->maybeThunk(state, env);
  body->eval(state, *env2, v);
}

static bool evalBool(EvalState &state, Env &env, Expr *e, PosIdx pos, std::string_view ctx) {
  Value v;
  e->eval(state, env, v);
  return state.forceBool(v, pos, ctx);
}

// An operator's operand, evaluated and forced; any error gets a frame that
// names the operator, at the operand's position (as Nix reports it).
static void evalOperand(EvalState &state, Env &env, Expr *e, Value &v, const char *frame) {
  try {
    e->eval(state, env, v);
    // Tested here: the position is a virtual call, made only when needed.
    if (v.type >= VType::Thunk) [[unlikely]]
      state.forceValue(v, e->getPos());
  } catch (EvalError &err) {
    err.addTrace(e->getPos(), frame);
    throw;
  }
}

static bool evalBoolOperand(EvalState &state, Env &env, Expr *e, const char *frame) {
  Value v;
  evalOperand(state, env, e, v, frame);
  if (v.type != VType::Bool) {
    EvalError err(ErrorKind::Type,
                  std::string("expected a Boolean but found ") + showType(v.type) + ": " +
                      state.showValueForError(v),
                  e->getPos());
    err.addTrace(e->getPos(), frame);
    throw err;
  }
  return v.boolean;
}

void ExprIf::eval(EvalState &state, Env &env, Value &v) {
  state.checkStack(pos);
  (evalBool(state, env, cond, pos, "while evaluating a branch condition") ? then : else_)
      ->eval(state, env, v);
}

void ExprAssert::eval(EvalState &state, Env &env, Value &v) {
  if (!evalBool(state, env, cond, pos, "in the condition of the assert statement")) {
    std::ostringstream text;
    cond->show(state.symbols, text);
    EvalError err(ErrorKind::Assertion, "assertion '" + text.str() + "' failed", pos);
    // For `a == b`, Nix explains which parts differ.
    if (auto *eq = dynamic_cast<ExprBinOp *>(cond); eq && eq->op == BinOp::Eq) {
      try {
        Value v1, v2;
        eq->e1->eval(state, env, v1);
        eq->e2->eval(state, env, v2);
        state.assertEqValues(v1, v2, eq->pos, "");
      } catch (EvalError &e) {
        e.addTrace(pos, "while evaluating the condition of the assertion '" + text.str() + "'");
        throw;
      }
    }
    throw err;
  }
  body->eval(state, env, v);
}

void ExprOpNot::eval(EvalState &state, Env &env, Value &v) {
  state.checkStack(pos);
  v.mkBool(!evalBoolOperand(state, env, e, "in the argument of '!'"));
}

void ExprBinOp::eval(EvalState &state, Env &env, Value &v) {
  state.checkStack(pos);
  switch (op) {
  case BinOp::Eq:
  case BinOp::NEq: {
    bool isEq = op == BinOp::Eq;
    Value v1, v2;
    evalOperand(state, env, e1, v1,
                isEq ? "in the left operand of '=='" : "in the left operand of '!='");
    evalOperand(state, env, e2, v2,
                isEq ? "in the right operand of '=='" : "in the right operand of '!='");
    bool eq = state.eqValues(v1, v2, pos, "while testing two values for equality");
    v.mkBool(isEq ? eq : !eq);
    return;
  }
  case BinOp::And:
    v.mkBool(evalBoolOperand(state, env, e1, "in the left operand of '&&'") &&
             evalBoolOperand(state, env, e2, "in the right operand of '&&'"));
    return;
  case BinOp::Or:
    v.mkBool(evalBoolOperand(state, env, e1, "in the left operand of '||'") ||
             evalBoolOperand(state, env, e2, "in the right operand of '||'"));
    return;
  case BinOp::Impl:
    v.mkBool(!evalBoolOperand(state, env, e1, "in the left operand of '->'") ||
             evalBoolOperand(state, env, e2, "in the right operand of '->'"));
    return;
  case BinOp::Update: {
    Value v1, v2;
    evalOperand(state, env, e1, v1, "in the left operand of '//'");
    state.forceAttrs(v1, pos, "in the left operand of the update (//) operator");
    evalOperand(state, env, e2, v2, "in the right operand of '//'");
    state.forceAttrs(v2, pos, "in the right operand of the update (//) operator");
    state.updateAttrs(v1, v2, v);
    return;
  }
  case BinOp::ConcatLists: {
    Value v1, v2;
    evalOperand(state, env, e1, v1, "in the left operand of '++'");
    evalOperand(state, env, e2, v2, "in the right operand of '++'");
    for (Value *l : {&v1, &v2})
      if (l->type != VType::List) {
        EvalError err(ErrorKind::Type, std::string("expected a list but found ") +
                                           showType(l->type) + ": " + state.showValueForError(*l));
        err.addTrace(pos, "while evaluating one of the elements to concatenate");
        throw err;
      }
    if (v1.list.size == 0) {
      v = v2;
      return;
    }
    if (v2.list.size == 0) {
      v = v1;
      return;
    }
    size_t n = v1.list.size + v2.list.size;
    Value **elems = state.allocElems(n);
    memcpy(elems, v1.list.elems, v1.list.size * sizeof(Value *));
    memcpy(elems + v1.list.size, v2.list.elems, v2.list.size * sizeof(Value *));
    v.mkList(n, elems);
    return;
  }
  }
}

void ExprArith::eval(EvalState &state, Env &env, Value &v) {
  state.checkStack(pos);
  if (!native) {
    Value vFun;
    fn->eval(state, env, vFun);
    Value *args[2] = {e1->maybeThunk(state, env), e2->maybeThunk(state, env)};
    state.callFunction(vFun, 2, args, v, pos);
    return;
  }
  Value a, b;
  try {
    // As in a call of the builtin, the operands are forced inside it.
    e1->eval(state, env, a);
    e2->eval(state, env, b);
    // Two integers, the common case, without the builtins' checks for
    // thunks and floats (an overflow still goes there for its error).
    if (a.type == VType::Int && b.type == VType::Int) {
      int64_t r;
      if (op == ArithOp::LessThan) {
        v.mkBool(a.integer < b.integer);
        return;
      }
      if (op == ArithOp::Sub && !__builtin_sub_overflow(a.integer, b.integer, &r)) {
        v.mkInt(r);
        return;
      }
      if (op == ArithOp::Mul && !__builtin_mul_overflow(a.integer, b.integer, &r)) {
        v.mkInt(r);
        return;
      }
    }
    // Inside the builtin there is no position, as in Nix.
    switch (op) {
    case ArithOp::Sub:
      arithSub(state, PosIdx{}, a, b, v);
      break;
    case ArithOp::Mul:
      arithMul(state, PosIdx{}, a, b, v);
      break;
    case ArithOp::Div:
      arithDiv(state, PosIdx{}, a, b, v);
      break;
    case ArithOp::LessThan:
      v.mkBool(state.lessThan(a, b, PosIdx{}, ""));
      break;
    }
  } catch (EvalError &e) {
    static const char *names[] = {"sub", "mul", "div", "lessThan"};
    e.addTrace(pos, std::string("while calling the '") + names[int(op)] + "' builtin");
    throw;
  }
}

// The pieces of a string concatenation are collected as views and copied
// once, into the result: through a std::string per piece (coerceToString)
// and another for the whole, `"${acc}${w}"` in a fold copied the growing
// string four times per step. A view points to the start of a string on
// the collector's heap (a string value's bytes, or a coerced piece copied
// there), held where the collector looks: the stack, or a GcVector.
void ExprConcatStrings::eval(EvalState &state, Env &env, Value &v) {
  state.checkStack(pos);
  // `a + b` of two integers without the string machinery below. The
  // operands evaluated here are not evaluated again: the loop takes them.
  // The second is evaluated only after an integer first, whose handling
  // cannot fail, so the order of evaluation and errors is the loop's.
  Value pre[2];
  size_t nPre = 0;
  if (!forceString && es.size() == 2) {
    evalOperand(state, env, es[0].second, pre[0], "in an operand of '+'");
    nPre = 1;
    if (pre[0].type == VType::Int) {
      evalOperand(state, env, es[1].second, pre[1], "in an operand of '+'");
      nPre = 2;
      int64_t r;
      if (pre[1].type == VType::Int &&
          !__builtin_add_overflow(pre[0].integer, pre[1].integer, &r)) {
        v.mkInt(r);
        return;
      }
    }
  }
  std::vector<std::string> context;
  // A plain struct, so that the array is not cleared on every `+` of two
  // numbers (which comes here too).
  struct Piece {
    const char *data;
    size_t size;
  };
  constexpr size_t kSmall = 8;
  Piece small[kSmall];
  GcVector<Piece> big;
  size_t nPieces = 0, total = 0;
  auto add = [&](std::string_view piece) {
    if (nPieces < kSmall) {
      small[nPieces] = {piece.data(), piece.size()};
    } else {
      if (big.empty())
        big.assign(small, small + kSmall);
      big.push_back({piece.data(), piece.size()});
    }
    nPieces++;
    total += piece.size();
  };
  int64_t n = 0;
  double nf = 0;
  bool first = !forceString;
  VType firstType = VType::String;
  for (size_t i = 0; i < es.size(); i++) {
    auto &[ipos, e] = es[i];
    Value vTmp;
    if (i < nPre) {
      vTmp = pre[i];
    } else if (forceString) {
      e->eval(state, env, vTmp);
      state.forceValue(vTmp, ipos);
    } else {
      evalOperand(state, env, e, vTmp, "in an operand of '+'");
    }
    if (first)
      firstType = vTmp.type;
    if (firstType == VType::Int) {
      if (vTmp.type == VType::Int) {
        int64_t r;
        if (__builtin_add_overflow(n, vTmp.integer, &r))
          state.throwError(ErrorKind::Eval,
                           "integer overflow in adding " + std::to_string(n) + " + " +
                               std::to_string(vTmp.integer),
                           ipos);
        n = r;
      } else if (vTmp.type == VType::Float) {
        firstType = VType::Float;
        nf = double(n) + vTmp.fpoint;
      } else {
        state.throwError(ErrorKind::Eval,
                         std::string("cannot add ") + showType(vTmp.type) + " to an integer", ipos);
      }
    } else if (firstType == VType::Float) {
      if (vTmp.type == VType::Int)
        nf += double(vTmp.integer);
      else if (vTmp.type == VType::Float)
        nf += vTmp.fpoint;
      else
        state.throwError(ErrorKind::Eval,
                         std::string("cannot add ") + showType(vTmp.type) + " to a float", ipos);
    } else if (vTmp.type == VType::String) {
      // What coerceToString does for a string, without its copy.
      EvalState::copyContext(vTmp, context);
      add(vTmp.string.chars);
    } else {
      std::string piece =
          state.coerceToString(ipos, vTmp, context, "while evaluating a path segment", false,
                               firstType == VType::String, !first);
      add(std::string_view(gcString(piece), piece.size()));
    }
    first = false;
  }
  if (firstType == VType::Int) {
    v.mkInt(n);
    return;
  }
  if (firstType == VType::Float) {
    v.mkFloat(nf);
    return;
  }
  const Piece *pieces = nPieces <= kSmall ? small : big.data();
  if (firstType == VType::Path) {
    if (!context.empty())
      state.throwError(ErrorKind::Eval,
                       "a string that refers to a store path cannot be appended to a path", pos);
    std::string s;
    s.reserve(total);
    for (size_t i = 0; i < nPieces; i++)
      s.append(pieces[i].data, pieces[i].size);
    v.mkPath(gcString(util::canonPath(s)));
    return;
  }
  char *out = gcAllocChars(total + 1);
  char *p = out;
  for (size_t i = 0; i < nPieces; i++) {
    memcpy(p, pieces[i].data, pieces[i].size);
    p += pieces[i].size;
  }
  *p = 0;
  v.mkString(out, state.makeContext(context));
}

void ExprPos::eval(EvalState &state, Env &env, Value &v) { state.mkPos(v, pos); }

} // namespace bastion::lang
