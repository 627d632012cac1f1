// Shared body of the fuzz targets for builtins that parse a data format
// (fromTOML, fromJSON): the input bytes become one Nix string, the builtin is
// applied to it, the result is forced deeply and printed. Errors are the
// expected outcome for most inputs; crashes, sanitizer reports and hangs are
// bugs. Nix strings end at a NUL byte, so inputs containing one are skipped.
#pragma once
#include <gc/gc.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <set>
#include <sstream>
#include <string_view>

#include "lang/error.h"
#include "lang/eval.h"
#include "lang/print.h"

namespace data_fuzzer {

using namespace bastion::lang;

inline EvalState *state;
inline Value *fun;

inline void init(const char *builtin) {
  GC_INIT();
  EvalSettings settings;
  settings.pureEval = true;
  settings.restrictEval = true;
  state = new EvalState(settings);
  Value *v = state->builtins->attrs->get(state->symbols.intern(builtin));
  if (!v)
    __builtin_trap(); // the builtin must exist
  fun = v;
}

inline int run(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  if (text.find('\0') != std::string_view::npos)
    return -1;
  char stackMarker;
  state->stackBase = &stackMarker;
  state->stackLimit = size_t(2) << 20;
  try {
    Value *arg = state->mkStringValue(text);
    Value v;
    state->callFunction(*fun, *arg, v, PosIdx{});
    state->forceValueDeep(v);
    std::ostringstream out;
    std::set<const void *> seen;
    printAmbiguous(*state, v, out, &seen, 0);
  } catch (EvalError &err) {
    std::string msg = formatError(state->positions, err, true);
    (void)msg;
  }
  state->callDepth = 0;
  return 0;
}

} // namespace data_fuzzer
