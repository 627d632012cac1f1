// Shared by the builtins that reach the store (store.cpp, fetch.cpp).
#pragma once

#include <exception>
#include <string>

#include "lang/eval.h"

namespace bastion::lang {

// Runs f(); the store's, downloads' and archives' errors (any exception
// but an evaluation error) become evaluation errors at `pos`.
template <class F> auto storeCall(EvalState &state, PosIdx pos, F f) {
  try {
    return f();
  } catch (EvalError &) {
    throw;
  } catch (std::exception &e) {
    state.throwError(ErrorKind::Eval, e.what(), pos);
  }
}

// A store path as a string that carries itself as context, so that whatever
// uses it depends on it.
inline void mkStorePathString(EvalState &state, const std::string &path, Value &v) {
  v.mkString(gcString(path), state.makeContext({path}));
}

} // namespace bastion::lang
