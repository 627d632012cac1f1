// Function application: lambdas, builtins (with partial application) and
// sets with __functor.
#include <cassert>

#include "lang/eval.h"

namespace bastion::lang {

// In "function '…' called with …" Nix quotes the anonymous name too.
static std::string quotedLambdaName(EvalState &state, const ExprLambda &l) {
  return "'" + (l.name ? state.symbols[l.name] : std::string("anonymous lambda")) + "'";
}

std::string ExprLambda::showName(const SymbolTable &symbols) const {
  return name ? "'" + symbols[name] + "'" : "anonymous lambda";
}

static void callPrimOp(EvalState &state, const PrimOp &op, Value **args, Value &out, PosIdx pos) {
  try {
    // As in Nix, a builtin runs without a position of its own: its errors
    // point at the call through the trace frame added below.
    op.fun(state, PosIdx{}, args, out);
  } catch (EvalError &e) {
    e.addTrace(pos, "while calling the '" + op.name + "' builtin");
    throw;
  }
}

// A builtin given fewer arguments than it takes: a chain of PrimOpApp
// values, one per argument, ending in the builtin (or an earlier chain).
static void partiallyApply(EvalState &state, const Value &fun, size_t nargs, Value **args,
                           Value &out) {
  Value *cur = state.allocValue();
  *cur = fun;
  for (size_t i = 0; i < nargs; i++) {
    Value *app = state.allocValue();
    app->mkPrimOpApp(cur, args[i]);
    cur = app;
  }
  out = *cur;
}

void EvalState::callPlainLambda(const Value &fun, Value *arg, Value &vRes, PosIdx pos) {
  assert(fun.type == VType::Lambda && !fun.lambda.fun->formals);
  // The same steps, checks and trace frames as callFunction's lambda case.
  CallDepth depth(*this, pos);
  checkStack(pos);
  ExprLambda &lambda = *fun.lambda.fun;
  Env *env2 = allocEnv(lambda.envSize);
  env2->up = fun.lambda.env;
  env2->values[0] = arg;
  Value vCur;
  try {
    lambda.body->eval(*this, *env2, vCur);
  } catch (EvalError &e) {
    e.addTrace(lambda.pos, "while calling " + lambda.showName(symbols));
    if (pos)
      e.addTrace(pos, "from call site");
    throw;
  }
  vRes = vCur;
}

void EvalState::callFunction(Value &fun, size_t nargs, Value **args, Value &vRes, PosIdx pos) {
  CallDepth depth(*this, pos);
  checkStack(pos);
  forceValue(fun, pos);
  Value vCur = fun;

  while (nargs > 0) {
    if (vCur.type == VType::Lambda) {
      ExprLambda &lambda = *vCur.lambda.fun;
      Env *env2 = allocEnv(lambda.envSize);
      env2->up = vCur.lambda.env;
      uint32_t displ = 0;
      if (!lambda.formals) {
        env2->values[displ++] = args[0];
      } else {
        try {
          forceAttrs(*args[0], lambda.pos,
                     "while evaluating the value passed for the lambda argument");
        } catch (EvalError &e) {
          if (pos)
            e.addTrace(pos, "from call site");
          throw;
        }
        if (lambda.arg)
          env2->values[displ++] = args[0];
        Bindings *attrs = args[0]->attrs;
        uint32_t used = 0;
        for (auto &f : lambda.formals->formals) {
          const Attr *a = attrs->find(f.name, f.hint);
          if (a) {
            used++;
            env2->values[displ++] = a->value;
          } else if (f.def) {
            env2->values[displ++] = f.def->maybeThunk(*this, *env2);
          } else {
            EvalError e(ErrorKind::Type,
                        "function " + quotedLambdaName(*this, lambda) +
                            " called without required argument '" + symbols[f.name] + "'",
                        lambda.pos);
            if (pos)
              e.addTrace(pos, "from call site");
            throw e;
          }
        }
        if (!lambda.formals->ellipsis && used != attrs->size) {
          for (auto &a : *attrs)
            if (!lambda.formals->has(a.name)) {
              EvalError e(ErrorKind::Type,
                          "function " + quotedLambdaName(*this, lambda) +
                              " called with unexpected argument '" + symbols[a.name] + "'",
                          lambda.pos);
              Bindings *formalNames = allocBindings(uint32_t(lambda.formals->formals.size()));
              for (auto &f : lambda.formals->formals)
                formalNames->push(f.name, &vNull);
              e.hint = suggestAttr(*formalNames, a.name);
              if (pos)
                e.addTrace(pos, "from call site");
              throw e;
            }
        }
      }
      nargs--;
      args++;
      try {
        lambda.body->eval(*this, *env2, vCur);
      } catch (EvalError &e) {
        e.addTrace(lambda.pos, "while calling " + lambda.showName(symbols));
        if (pos)
          e.addTrace(pos, "from call site");
        throw;
      }
    } else if (vCur.type == VType::PrimOp) {
      const PrimOp &op = *vCur.primOp;
      if (nargs < op.arity) {
        partiallyApply(*this, vCur, nargs, args, vRes);
        return;
      }
      callPrimOp(*this, op, args, vCur, pos);
      nargs -= op.arity;
      args += op.arity;
    } else if (vCur.type == VType::PrimOpApp) {
      size_t applied = 0;
      Value *p = &vCur;
      while (p->type == VType::PrimOpApp) {
        applied++;
        p = p->primOpApp.left;
      }
      const PrimOp &op = *p->primOp;
      size_t missing = op.arity - applied;
      if (nargs < missing) {
        partiallyApply(*this, vCur, nargs, args, vRes);
        return;
      }
      Value *all[8];
      GcVector<Value *> big;
      Value **vArgs = all;
      if (op.arity > 8) {
        big.resize(op.arity);
        vArgs = big.data();
      }
      p = &vCur;
      for (size_t i = applied; i > 0; i--) {
        vArgs[i - 1] = p->primOpApp.right;
        p = p->primOpApp.left;
      }
      for (size_t i = 0; i < missing; i++)
        vArgs[applied + i] = args[i];
      callPrimOp(*this, op, vArgs, vCur, pos);
      nargs -= missing;
      args += missing;
    } else if (vCur.type == VType::Attrs && vCur.attrs->get(s.functor)) {
      Value *functor = vCur.attrs->get(s.functor);
      Value *self = allocValue();
      *self = vCur;
      Value *fargs[2] = {self, args[0]};
      try {
        callFunction(*functor, 2, fargs, vCur, pos);
      } catch (EvalError &e) {
        e.addTrace(pos, "while calling a functor (an attribute set with a '__functor' attribute)");
        throw;
      }
      nargs--;
      args++;
    } else {
      throwError(ErrorKind::Type,
                 std::string("attempt to call something which is not a function but ") +
                     showType(vCur.type) + ": " + showValueForError(vCur),
                 pos);
    }
  }
  vRes = vCur;
}

void EvalState::autoCallFunction(Bindings &args, Value &fun, Value &res) {
  forceValue(fun, PosIdx{});
  if (fun.type == VType::Attrs && fun.attrs->get(s.functor)) {
    Value *functor = fun.attrs->get(s.functor);
    Value v;
    callFunction(*functor, fun, v, PosIdx{});
    forceValue(v, PosIdx{});
    autoCallFunction(args, v, res);
    return;
  }
  if (fun.type != VType::Lambda || !fun.lambda.fun->formals) {
    res = fun;
    return;
  }
  ExprLambda &l = *fun.lambda.fun;
  BindingsBuilder b(*this, uint32_t(l.formals->formals.size()));
  if (l.formals->ellipsis) {
    for (auto &a : args)
      b.insert(a.name, a.value, a.pos);
  } else {
    for (auto &f : l.formals->formals) {
      if (Value *v = args.get(f.name))
        b.insert(f.name, v);
      else if (!f.def)
        throwError(ErrorKind::MissingAttr,
                   "cannot evaluate a function that has an argument without a value ('" +
                       symbols[f.name] +
                       "')\nNix attempted to evaluate a function as a top level expression; "
                       "in\nthis case it must "
                       "have its arguments supplied either by default\nvalues, or passed "
                       "explicitly with '--arg' or "
                       "'--argstr'. "
                       "See\nhttps://nix.dev/manual/nix/stable/language/constructs.html#functions.",
                   f.pos);
    }
  }
  Value *argSet = allocValue();
  argSet->mkAttrs(b.finish());
  callFunction(fun, *argSet, res, PosIdx{});
}

} // namespace bastion::lang
