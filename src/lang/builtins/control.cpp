// Builtins about control flow, types and errors: throw, abort, tryEval,
// seq, deepSeq, trace, typeOf, is*, import.
#include <iostream>

#include "lang/eval.h"
#include "lang/print.h"

namespace bastion::lang {
namespace {

void prim_throw(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string msg = state.coerceToString(
      pos, *args[0], ctx, "while evaluating the error message passed to builtin.throw");
  throw EvalError(ErrorKind::Throw, msg);
}
RegisterPrimOp r_throw("throw", 1, prim_throw);

void prim_abort(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string msg = state.coerceToString(
      pos, *args[0], ctx, "while evaluating the error message passed to builtins.abort");
  throw EvalError(ErrorKind::Abort,
                  "evaluation aborted with the following error message: '" + msg + "'");
}
RegisterPrimOp r_abort("abort", 1, prim_abort);

void prim_tryEval(EvalState &state, PosIdx pos, Value **args, Value &v) {
  EvalState::BindingsBuilder b(state, 2);
  try {
    state.forceValue(*args[0], pos);
    b.insert(state.s.value, args[0]);
    b.alloc("success").mkBool(true);
  } catch (EvalError &e) {
    if (!e.catchableByTryEval())
      throw;
    b.alloc(state.s.value).mkBool(false);
    b.alloc("success").mkBool(false);
  }
  v.mkAttrs(b.finish());
}
RegisterPrimOp r_tryEval("__tryEval", 1, prim_tryEval);

void prim_seq(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceValue(*args[0], pos);
  state.forceValue(*args[1], pos);
  v = *args[1];
}
RegisterPrimOp r_seq("__seq", 2, prim_seq);

void prim_deepSeq(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceValueDeep(*args[0]);
  state.forceValue(*args[1], pos);
  v = *args[1];
}
RegisterPrimOp r_deepSeq("__deepSeq", 2, prim_deepSeq);

void prim_trace(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceValue(*args[0], pos);
  if (args[0]->type == VType::String)
    std::cerr << "trace: " << args[0]->string.chars << "\n";
  else
    std::cerr << "trace: " << printValueForError(state, *args[0]) << "\n";
  state.forceValue(*args[1], pos);
  v = *args[1];
}
RegisterPrimOp r_trace("__trace", 2, prim_trace);

void prim_warn(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string_view msg = state.forceString(
      *args[0], pos, "while evaluating the first argument; the message passed to builtins.warn");
  std::cerr << "evaluation warning: " << msg << "\n";
  if (state.settings.options.count("abort-on-warn") &&
      state.settings.options["abort-on-warn"] == "true")
    throw EvalError(ErrorKind::Eval,
                    "aborting to reveal stack trace of warning, as abort-on-warn is set", pos);
  state.forceValue(*args[1], pos);
  v = *args[1];
}
RegisterPrimOp r_warn("__warn", 2, prim_warn);

void prim_addErrorContext(EvalState &state, PosIdx pos, Value **args, Value &v) {
  try {
    state.forceValue(*args[1], pos);
    v = *args[1];
  } catch (EvalError &e) {
    std::vector<std::string> ctx;
    e.addTrace(PosIdx{},
               state.coerceToString(
                   pos, *args[0], ctx,
                   "while evaluating the error message passed to builtins.addErrorContext", false,
                   false));
    throw;
  }
}
RegisterPrimOp r_addErrorContext("__addErrorContext", 2, prim_addErrorContext);

void prim_typeOf(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceValue(*args[0], pos);
  v.mkString(typeOfName(*args[0]));
}
RegisterPrimOp r_typeOf("__typeOf", 1, prim_typeOf);

template <VType T> void isType(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceValue(*args[0], pos);
  v.mkBool(args[0]->type == T);
}
RegisterPrimOp r_isNull("isNull", 1, isType<VType::Null>);
RegisterPrimOp r_isInt("__isInt", 1, isType<VType::Int>);
RegisterPrimOp r_isFloat("__isFloat", 1, isType<VType::Float>);
RegisterPrimOp r_isString("__isString", 1, isType<VType::String>);
RegisterPrimOp r_isBool("__isBool", 1, isType<VType::Bool>);
RegisterPrimOp r_isPath("__isPath", 1, isType<VType::Path>);
RegisterPrimOp r_isAttrs("__isAttrs", 1, isType<VType::Attrs>);
RegisterPrimOp r_isList("__isList", 1, isType<VType::List>);

void prim_isFunction(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceValue(*args[0], pos);
  v.mkBool(args[0]->isFunction());
}
RegisterPrimOp r_isFunction("__isFunction", 1, prim_isFunction);

RegisterConstant c_true("true", [](EvalState &, Value &v) { v.mkBool(true); });
RegisterConstant c_false("false", [](EvalState &, Value &v) { v.mkBool(false); });
RegisterConstant c_null("null", [](EvalState &, Value &v) { v.mkNull(); });

} // namespace
} // namespace bastion::lang
