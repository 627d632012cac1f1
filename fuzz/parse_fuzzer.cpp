// libFuzzer target: arbitrary bytes through the Nix lexer, parser and the
// variable binder (bindVars), plus the error printer for the parse errors.
//
// Parse errors (EvalError) are the expected outcome for most inputs; crashes,
// sanitizer reports, hangs and unbounded memory growth are bugs.
#include <gc/gc.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lang/error.h"
#include "lang/eval.h"

using namespace bastion::lang;

namespace {
EvalState *state;
PosTable *basePositions; // the position table as it was after start-up
size_t baseAst;          // the syntax trees made at start-up (derivation.nix)
} // namespace

// Sanitizer defaults for this binary; ASAN_OPTIONS / UBSAN_OPTIONS still
// override them.
extern "C" const char *__ubsan_default_options() { return "print_stacktrace=1"; }

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  // Parsing allocates nothing on the collected heap (the AST lives in the
  // ordinary heap), so Boehm GC and ASan do not interact here; GC stays on.
  GC_INIT();
  EvalSettings settings;
  settings.pureEval = true; // paths like ~/x must not depend on $HOME
  state = new EvalState(settings);
  basePositions = new PosTable(state->positions);
  baseAst = state->astMark();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  try {
    Expr *e = state->parseString(text, "/fuzz", Origin::String);
    (void)e;
  } catch (EvalError &err) {
    // Exercise the error printer too: it re-reads the source line by
    // position, a classic place for off-by-one reads.
    std::string msg = formatError(state->positions, err, true);
    (void)msg;
  }
  // Every parse adds its syntax tree, source text and positions; free them,
  // nothing refers to them any more, so memory stays flat over a long run.
  state->releaseAst(baseAst);
  state->positions = *basePositions;
  return 0;
}
