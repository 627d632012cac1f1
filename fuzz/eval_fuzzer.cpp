// libFuzzer target: parse, evaluate and deeply force arbitrary Nix
// expressions, then print the result as `nix-instantiate --eval --strict`
// would. Evaluation errors (EvalError) are expected; crashes, sanitizer
// reports and hangs are bugs - but see the notes on time below.
//
// Bounds:
//  - max-call-depth is small (200) and the native stack is checked against a
//    2 MiB budget, so runaway recursion ends in an EvalError quickly;
//  - inputs that touch the file system or the environment (import, readFile,
//    readDir, pathExists, hashFile, findFile, <nixpath>, getEnv, ~ paths) and
//    ones that would only spam stderr (trace, warn) are skipped;
//  - integer literals of more than 4 digits are skipped, so genList/replicate
//    style blow-ups need some work from the fuzzer. Expressions that are just
//    slow (exponential but legal Nix) can still show up as libFuzzer
//    timeouts/OOMs: triage them by hand, they are not necessarily bugs.
#include <gc/gc.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "lang/error.h"
#include "lang/escape.h"
#include "lang/eval.h"
#include "lang/print.h"

using namespace bastion::lang;

namespace {
EvalState *state;
PosTable *basePositions; // the position table as it was after start-up
size_t baseAst;          // the syntax trees made at start-up (derivation.nix)

bool rejected(std::string_view s) {
  static const char *const banned[] = {
      "import", "readFile", "readDir", "pathExists", "hashFile", "findFile",   "getEnv", "trace",
      "warn",   "<",        "~",       "storePath",  "fetch",    "derivation", "toFile", "exec"};
  for (const char *b : banned)
    if (s.find(b) != std::string_view::npos)
      return true;
  size_t digits = 0;
  for (char c : s) {
    digits = isdigit(static_cast<unsigned char>(c)) ? digits + 1 : 0;
    if (digits > 4)
      return true;
  }
  return false;
}
} // namespace

// Sanitizer defaults for this binary; ASAN_OPTIONS / UBSAN_OPTIONS still
// override them.
extern "C" const char *__ubsan_default_options() { return "print_stacktrace=1"; }

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  // Boehm GC stays enabled: the evaluator's heap is the collector's, and a
  // value only reachable from memory the collector does not scan is exactly
  // the kind of bug worth finding. ASan does not see inside GC memory.
  GC_INIT();
  EvalSettings settings;
  settings.pureEval = true;
  settings.restrictEval = true;
  settings.maxCallDepth = 200;
  state = new EvalState(settings);
  basePositions = new PosTable(state->positions);
  baseAst = state->astMark();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  if (size > 2048 || rejected(text))
    return -1; // -1: do not add to the corpus
  char stackMarker;
  state->stackBase = &stackMarker;
  state->stackLimit = size_t(2) << 20;
  try {
    Expr *e = state->parseString(text, "/fuzz", Origin::String);
    Value v;
    state->eval(e, v);
    state->forceValueDeep(v);
    std::ostringstream out;
    std::set<const void *> seen;
    printAmbiguous(*state, v, out, &seen, 0);
  } catch (EvalError &err) {
    std::string msg = formatError(state->positions, err, true);
    (void)msg;
  } catch (const JSONError &) {
    // Invalid UTF-8 given to a JSON rendering (toJSON, flakeRefToString):
    // nlohmann's error leaves the evaluation as it does in Nix, and the CLI
    // reports it with exit code 1. Expected, not a finding.
  }
  state->callDepth = 0; // in case an error path forgot to unwind it
  // No value of this input is used any more: free its syntax tree, source
  // text and positions, so memory stays flat over a long run.
  state->releaseAst(baseAst);
  state->positions = *basePositions;
  return 0;
}
