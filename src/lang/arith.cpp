#include "lang/arith.h"

#include <string>

namespace bastion::lang {

namespace {
bool anyFloat(EvalState &state, PosIdx pos, Value &a, Value &b) {
  state.forceValue(a, pos);
  state.forceValue(b, pos);
  return a.type == VType::Float || b.type == VType::Float;
}
[[noreturn]] void overflow(EvalState &state, PosIdx pos, const char *verb, int64_t x,
                           const char *op, int64_t y) {
  state.throwError(ErrorKind::Eval,
                   std::string("integer overflow in ") + verb + " " + std::to_string(x) + " " + op +
                       " " + std::to_string(y),
                   pos);
}
} // namespace

void arithAdd(EvalState &state, PosIdx pos, Value &a, Value &b, Value &v) {
  if (anyFloat(state, pos, a, b)) {
    v.mkFloat(state.forceFloat(a, pos, "while evaluating the first argument of the addition") +
              state.forceFloat(b, pos, "while evaluating the second argument of the addition"));
    return;
  }
  int64_t x = state.forceInt(a, pos, "while evaluating the first argument of the addition");
  int64_t y = state.forceInt(b, pos, "while evaluating the second argument of the addition");
  int64_t r;
  if (__builtin_add_overflow(x, y, &r))
    overflow(state, pos, "adding", x, "+", y);
  v.mkInt(r);
}

void arithSub(EvalState &state, PosIdx pos, Value &a, Value &b, Value &v) {
  if (anyFloat(state, pos, a, b)) {
    v.mkFloat(state.forceFloat(a, pos, "while evaluating the first argument of the subtraction") -
              state.forceFloat(b, pos, "while evaluating the second argument of the subtraction"));
    return;
  }
  int64_t x = state.forceInt(a, pos, "while evaluating the first argument of the subtraction");
  int64_t y = state.forceInt(b, pos, "while evaluating the second argument of the subtraction");
  int64_t r;
  if (__builtin_sub_overflow(x, y, &r))
    overflow(state, pos, "subtracting", x, "-", y);
  v.mkInt(r);
}

void arithMul(EvalState &state, PosIdx pos, Value &a, Value &b, Value &v) {
  if (anyFloat(state, pos, a, b)) {
    v.mkFloat(
        state.forceFloat(a, pos, "while evaluating the first of the multiplication") *
        state.forceFloat(b, pos, "while evaluating the second argument of the multiplication"));
    return;
  }
  int64_t x = state.forceInt(a, pos, "while evaluating the first argument of the multiplication");
  int64_t y = state.forceInt(b, pos, "while evaluating the second argument of the multiplication");
  int64_t r;
  if (__builtin_mul_overflow(x, y, &r))
    overflow(state, pos, "multiplying", x, "*", y);
  v.mkInt(r);
}

void arithDiv(EvalState &state, PosIdx pos, Value &a, Value &b, Value &v) {
  state.forceValue(a, pos);
  state.forceValue(b, pos);
  double d = state.forceFloat(b, pos, "while evaluating the second operand of the division");
  if (d == 0)
    state.throwError(ErrorKind::Eval, "division by zero", pos);
  if (a.type == VType::Float || b.type == VType::Float) {
    v.mkFloat(state.forceFloat(a, pos, "while evaluating the first operand of the division") / d);
    return;
  }
  int64_t x = state.forceInt(a, pos, "while evaluating the first operand of the division");
  int64_t y = state.forceInt(b, pos, "while evaluating the second operand of the division");
  if (x == INT64_MIN && y == -1)
    overflow(state, pos, "dividing", x, "/", y);
  v.mkInt(x / y);
}

} // namespace bastion::lang
