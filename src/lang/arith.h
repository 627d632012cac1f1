// Integer and float arithmetic as Nix does it: ints stay 64-bit and
// overflow is an error, a float operand makes the result a float.
#pragma once
#include "lang/eval.h"

namespace bastion::lang {
void arithSub(EvalState &state, PosIdx pos, Value &a, Value &b, Value &v);
void arithMul(EvalState &state, PosIdx pos, Value &a, Value &b, Value &v);
void arithDiv(EvalState &state, PosIdx pos, Value &a, Value &b, Value &v);
void arithAdd(EvalState &state, PosIdx pos, Value &a, Value &b, Value &v);
} // namespace bastion::lang
