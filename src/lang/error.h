// Evaluation errors. A thrown error collects "… while …" frames as it
// unwinds; the printer shows them outermost first, as Nix does.
#pragma once
#include <exception>
#include <string>
#include <vector>

#include "lang/pos.h"

namespace bastion::lang {

enum class ErrorKind {
  Eval,
  Parse,
  Type,
  Throw,     // builtins.throw: caught by tryEval
  Assertion, // failed assert: caught by tryEval
  Abort,
  InfiniteRecursion,
  StackOverflow,
  UndefinedVar,
  MissingAttr,
  Restricted,
};

struct TraceFrame {
  PosIdx pos;
  std::string text;
  bool frame = false; // shown even when the trace is truncated
};

struct EvalError : std::exception {
  ErrorKind kind;
  std::string message;
  PosIdx pos;
  std::vector<TraceFrame> traces;  // innermost first
  std::string hint;                // printed after the message ("Did you mean …?")
  const void *blackhole = nullptr; // for infinite recursion: the value entered twice
  bool usage = false;              // a usage error: the CLI adds "Try '… --help'"

  EvalError(ErrorKind k, std::string msg, PosIdx p = {})
      : kind(k), message(std::move(msg)), pos(p) {}
  const char *what() const noexcept override { return message.c_str(); }
  EvalError &addTrace(PosIdx p, std::string text) {
    traces.push_back({p, std::move(text)});
    return *this;
  }
  // A frame that survives truncation ("while evaluating derivation …").
  EvalError &addFrame(std::string text) {
    traces.push_back({PosIdx{}, std::move(text), true});
    return *this;
  }
  bool catchableByTryEval() const {
    return kind == ErrorKind::Throw || kind == ErrorKind::Assertion;
  }
};

class PosTable;
// The text Nix prints for an uncaught error, ending in a newline.
std::string formatError(const PosTable &positions, const EvalError &e, bool showTrace);
// The same layout with another lead-in ("warning: ").
std::string formatDiagnostic(const PosTable &positions, const EvalError &e, bool showTrace,
                             const std::string &prefix);

} // namespace bastion::lang
