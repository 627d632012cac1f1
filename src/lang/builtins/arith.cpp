// Arithmetic, comparison and bit operations.
#include <cmath>

#include "lang/arith.h"
#include "lang/eval.h"

namespace bastion::lang {
namespace {

void prim_add(EvalState &state, PosIdx pos, Value **args, Value &v) {
  arithAdd(state, pos, *args[0], *args[1], v);
}
void prim_sub(EvalState &state, PosIdx pos, Value **args, Value &v) {
  arithSub(state, pos, *args[0], *args[1], v);
}
void prim_mul(EvalState &state, PosIdx pos, Value **args, Value &v) {
  arithMul(state, pos, *args[0], *args[1], v);
}
void prim_div(EvalState &state, PosIdx pos, Value **args, Value &v) {
  arithDiv(state, pos, *args[0], *args[1], v);
}
RegisterPrimOp r_add("__add", 2, prim_add);
RegisterPrimOp r_sub("__sub", 2, prim_sub);
RegisterPrimOp r_mul("__mul", 2, prim_mul);
RegisterPrimOp r_div("__div", 2, prim_div);

void prim_lessThan(EvalState &state, PosIdx pos, Value **args, Value &v) {
  v.mkBool(state.lessThan(*args[0], *args[1], pos, ""));
}
RegisterPrimOp r_lessThan("__lessThan", 2, prim_lessThan);

// The error contexts are literals so that the common path builds no string.
struct BitOp {
  const char *first;
  const char *second;
};
constexpr BitOp bitOps[] = {
    {"while evaluating the first argument passed to builtins.bitAnd",
     "while evaluating the second argument passed to builtins.bitAnd"},
    {"while evaluating the first argument passed to builtins.bitOr",
     "while evaluating the second argument passed to builtins.bitOr"},
    {"while evaluating the first argument passed to builtins.bitXor",
     "while evaluating the second argument passed to builtins.bitXor"},
};

template <int Op> void bitOp(EvalState &state, PosIdx pos, Value **args, Value &v) {
  int64_t a = state.forceInt(*args[0], pos, bitOps[Op].first);
  int64_t b = state.forceInt(*args[1], pos, bitOps[Op].second);
  v.mkInt(Op == 0 ? (a & b) : Op == 1 ? (a | b) : (a ^ b));
}
RegisterPrimOp r_bitAnd("__bitAnd", 2, bitOp<0>);
RegisterPrimOp r_bitOr("__bitOr", 2, bitOp<1>);
RegisterPrimOp r_bitXor("__bitXor", 2, bitOp<2>);

template <bool Ceil> void roundOp(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceValue(*args[0], pos);
  if (args[0]->type == VType::Int) {
    v = *args[0];
    return;
  }
  double d =
      state.forceFloat(*args[0], pos,
                       Ceil ? "while evaluating the first argument passed to builtins.ceil"
                            : "while evaluating the first argument passed to builtins.floor");
  double r = Ceil ? std::ceil(d) : std::floor(d);
  // Out-of-range results saturate as a C++ cast on this platform would not
  // guarantee; Nix checks the range explicitly.
  if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0))
    state.throwError(
        ErrorKind::Eval,
        std::string("float ") + std::to_string(d) + " would overflow the integer range", pos);
  v.mkInt(int64_t(r));
}
RegisterPrimOp r_ceil("__ceil", 1, roundOp<true>);
RegisterPrimOp r_floor("__floor", 1, roundOp<false>);

} // namespace
} // namespace bastion::lang
