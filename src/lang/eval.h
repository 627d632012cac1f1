// The evaluator's state and the interface builtins are written against.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lang/ast.h"
#include "lang/error.h"
#include "lang/heap.h"
#include "lang/small_alloc.h"
#include "lang/value.h"

namespace bastion::lang {

class EvalStore;

// Sets the collector's heap policy for evaluation (heap_policy.cpp); done
// once per process, by the first EvalState.
void configureEvalHeap();
// Part of it: the heap's pages as transparent huge pages (heap_pages.cpp).
void adviseHugeHeapPages();

// A scope at run time: the values of the variables a StaticEnv names (for
// a `with`, values[0] is its lazy attribute set). Nothing at run time asks
// an env its size or kind (bindVars resolved every variable), so the header
// is one word: a one-variable env, the most common (every `x: …` call),
// takes one 16-byte granule of the collector instead of two.
struct Env {
  Env *up;
  Value *values[0];
};
static_assert(sizeof(Env) == sizeof(void *));

using PrimOpFun = void (*)(EvalState &state, PosIdx pos, Value **args, Value &v);

struct PrimOp {
  std::string name; // as shown in errors: "map", "__sub" → "sub"
  uint32_t arity;
  PrimOpFun fun;
};

// Builtins register themselves from their own files with a static
// RegisterPrimOp; EvalState collects them at start-up.
struct PrimOpInfo {
  std::string name; // "map", or "__typeOf" for ones not in the global scope
  uint32_t arity;
  PrimOpFun fun;
};
std::vector<PrimOpInfo> &primOpRegistry();
struct RegisterPrimOp {
  RegisterPrimOp(std::string name, uint32_t arity, PrimOpFun fun) {
    primOpRegistry().push_back({std::move(name), arity, fun});
  }
};

// Constants (null/true/false are keywords-as-variables, builtins.nixVersion …)
// are registered the same way, built once the state exists.
struct ConstantInfo {
  std::string name;
  std::function<void(EvalState &, Value &)> make;
};
std::vector<ConstantInfo> &constantRegistry();
struct RegisterConstant {
  RegisterConstant(std::string name, std::function<void(EvalState &, Value &)> make) {
    constantRegistry().push_back({std::move(name), std::move(make)});
  }
};

struct EvalSettings {
  bool showTrace = false;
  bool pureEval = false;
  bool restrictEval = false;
  uint32_t maxCallDepth = 10000;
  std::vector<std::string> nixPath; // -I entries first, then NIX_PATH
  std::string storeDir = "/nix/store";
  // Where the store's files live (`--store DIR`, BASTION_STORE; "" is the
  // machine's own), and whether evaluation may write to it (Nix's
  // read-only mode: `nix-instantiate --eval` only computes store paths).
  std::string storeRoot;
  bool readOnlyStore = true;
  std::string currentSystem = "x86_64-linux";
  std::unordered_map<std::string, std::string> options; // --option NAME VALUE / nix.conf

  // Whether (extra-)experimental-features names `feature`.
  bool experimentalFeature(std::string_view feature) const;
};

class EvalState {
public:
  explicit EvalState(EvalSettings settings);
  ~EvalState();

  SymbolTable symbols;
  PosTable positions;
  EvalSettings settings;

  // Frequently used names, interned once.
  struct {
    Symbol outPath, drvPath, type, name, value, file, line, column, functor, toString, outputs,
        outputName, key, operator_, startSet, right, wrong, data, prefix, path, body, derivation,
        ignoreNulls, structuredAttrs, system, builder, args, outputHash, outputHashAlgo,
        outputHashMode, recurseForDerivations, description, self, meta, sub, mul, div, lessThan,
        overrides, findFile, nixPath, importSym;
  } s;

  Value *builtins; // the `builtins` set
  Env *baseEnv;
  StaticEnv *staticBaseEnv;
  uint32_t baseEnvDispl = 0;

  // --- parsing and files -------------------------------------------------
  Expr *parseFile(const std::string &path);
  Expr *parseString(std::string_view text, const std::string &basePath, Origin::Kind kind);
  // Parse with a given scope (scopedImport), and evaluate.
  Expr *parse(std::string text, Origin origin, const std::string &basePath, const StaticEnv *scope);
  void evalFile(const std::string &path, Value &v);
  void eval(Expr *e, Value &v);
  std::string resolveImportPath(const std::string &path);     // dir → dir/default.nix
  std::optional<std::string> findFile(std::string_view name); // <name> lookup

  // --- forcing -------------------------------------------------------------
  void forceValue(Value &v, PosIdx pos) {
    if (v.type >= VType::Thunk) [[unlikely]] // Thunk, App, Blackhole
      forceSlow(v, pos);
  }
  void forceSlow(Value &v, PosIdx pos);
  void forceValueDeep(Value &v);
  int64_t forceInt(Value &v, PosIdx pos, std::string_view errorCtx);
  double forceFloat(Value &v, PosIdx pos, std::string_view errorCtx); // ints too
  // Inline: called for nearly every selection, condition and list builtin.
  bool forceBool(Value &v, PosIdx pos, std::string_view errorCtx) {
    forceValue(v, pos);
    if (v.type != VType::Bool) [[unlikely]]
      throwTypeError("a Boolean", v, pos, errorCtx);
    return v.boolean;
  }
  void forceAttrs(Value &v, PosIdx pos, std::string_view errorCtx) {
    forceValue(v, pos);
    if (v.type != VType::Attrs) [[unlikely]]
      throwTypeError("a set", v, pos, errorCtx);
  }
  void forceList(Value &v, PosIdx pos, std::string_view errorCtx) {
    forceValue(v, pos);
    if (v.type != VType::List) [[unlikely]]
      throwTypeError("a list", v, pos, errorCtx);
  }
  void forceFunction(Value &v, PosIdx pos, std::string_view errorCtx);
  std::string_view forceString(Value &v, PosIdx pos, std::string_view errorCtx);
  // Also collects the string's context into `ctx`.
  std::string_view forceString(Value &v, std::vector<std::string> &ctx, PosIdx pos,
                               std::string_view errorCtx);
  std::string_view forceStringNoCtx(Value &v, PosIdx pos, std::string_view errorCtx);

  // toString-like coercion. coerceMore: also null, bools, numbers, lists.
  // copyToStore: paths become store paths (needs a store).
  std::string coerceToString(PosIdx pos, Value &v, std::vector<std::string> &ctx,
                             std::string_view errorCtx, bool coerceMore = false,
                             bool copyToStore = true, bool canonicalizePath = true);
  // An absolute path from a path value or a string holding one.
  std::string coerceToPath(PosIdx pos, Value &v, std::vector<std::string> &ctx,
                           std::string_view errorCtx);
  // A set with __toString or outPath stands for what those give: `next` is
  // applied to it, inside the frames Nix reports. nullopt for other sets.
  template <class Next> std::optional<std::string> coerceSetVia(Value &v, Next next);
  // "${./src}": the source's store path, copied once per evaluation.
  std::string copyPathToStore(const std::string &path, PosIdx pos);
  EvalStore &store();

  // --- calling --------------------------------------------------------------
  void callFunction(Value &fun, size_t nargs, Value **args, Value &v, PosIdx pos);
  // callFunction for a lambda without formals (`x: …`) and one argument.
  void callPlainLambda(const Value &fun, Value *arg, Value &v, PosIdx pos);
  void callFunction(Value &fun, Value &arg, Value &v, PosIdx pos) {
    Value *a = &arg;
    callFunction(fun, 1, &a, v, pos);
  }
  // nix-instantiate's auto-calling of a top-level function with --arg values.
  void autoCallFunction(Bindings &args, Value &fun, Value &res);

  // --- comparing ----------------------------------------------------------
  bool eqValues(Value &a, Value &b, PosIdx pos, std::string_view errorCtx);
  // Like eqValues, but throws an error saying how the values differ.
  void assertEqValues(Value &a, Value &b, PosIdx pos, std::string_view errorCtx);
  bool lessThan(Value &a, Value &b, PosIdx pos, std::string_view errorCtx);
  bool isDerivation(Value &v);
  // a // b, both forced sets.
  void updateAttrs(Value &a, Value &b, Value &out);
  // "Did you mean one of …?" for a missing attribute, or "".
  std::string suggestAttr(const Bindings &attrs, Symbol missing);

  // --- allocation ---------------------------------------------------------
  SmallAlloc smallAlloc;
  Value *allocValue() { return new (smallAlloc.alloc(sizeof(Value))) Value(); }
  Env *allocEnv(uint32_t size) {
    return static_cast<Env *>(smallAlloc.alloc(sizeof(Env) + size * sizeof(Value *)));
  }
  Value **allocElems(size_t n) {
    return static_cast<Value **>(smallAlloc.alloc((n ? n : 1) * sizeof(Value *)));
  }
  void mkList(Value &v, size_t n) { v.mkList(n, allocElems(n)); }
  Bindings *allocBindings(uint32_t n) {
    auto *b = static_cast<Bindings *>(smallAlloc.alloc(sizeof(Bindings) + n * sizeof(Attr)));
    b->capacity = n; // size and pos: zeroed
    return b;
  }
  // Builds a set from name/value pairs in any order.
  class BindingsBuilder;
  // The name of an attribute as a string value. Strings are immutable, so
  // one value per symbol serves every attrNames / mapAttrs / zipAttrsWith.
  Value *symbolValue(Symbol sym);
  Value *mkStringValue(std::string_view s) {
    Value *v = allocValue();
    v->mkString(s);
    return v;
  }
  void mkString(Value &v, std::string_view s, const std::vector<std::string> &ctx);
  Context makeContext(const std::vector<std::string> &ctx);
  static void copyContext(const Value &v, std::vector<std::string> &ctx);
  void mkPos(Value &v, PosIdx pos); // { file, line, column } or null

  // --- errors -------------------------------------------------------------
  [[noreturn]] void throwError(ErrorKind kind, std::string msg, PosIdx pos = {});
  [[noreturn]] void throwTypeError(const char *expected, Value &v, PosIdx pos,
                                   std::string_view errorCtx);
  // A short rendering of a value for error messages: 1, "foo", { }, [ ].
  std::string showValueForError(Value &v);
  void warn(std::string_view msg);
  // A warning with a source position, laid out like an error.
  void warn(std::string msg, PosIdx pos);
  void warn(const EvalError &e);
  // lint-* settings: "warn", "fatal" or "" (ignore).
  std::string lintLevel(const std::string &setting);

  // --- bookkeeping ----------------------------------------------------------
  uint32_t callDepth = 0;
  // Deeply nested input becomes deep C++ recursion (parser, bindVars,
  // eval). The stack in use is measured from where the state was created,
  // against a limit derived from the thread's stack size, so that it ends in an error
  // instead of a crash.
  char *stackBase = nullptr;
  size_t stackLimit = 0;
  bool stackNearlyFull() const {
    // The frame address, not a local's: under AddressSanitizer locals may
    // live in a separate fake stack. Frames of the caller that created the
    // state can lie above the base.
    ptrdiff_t used = stackBase - static_cast<char *>(__builtin_frame_address(0));
    return used > 0 && size_t(used) > stackLimit;
  }
  void checkStack(PosIdx pos) {
    if (stackNearlyFull())
      stackOverflow(pos);
  }
  [[noreturn]] void stackOverflow(PosIdx pos);

  // The syntax trees parsed by this state; freed with it. astMark() and
  // releaseAst() free the trees parsed since a mark, for a long-lived
  // process (a fuzzer, a server) that evaluates one input after another:
  // the caller guarantees that no value it still uses refers to them.
  AstArena ast;
  size_t astMark() const { return ast.size(); }
  void releaseAst(size_t mark);

  // Parsed files and evaluated imports, keyed by resolved path.
  std::unordered_map<std::string, Expr *> fileParseCache;
  GcMap<std::string, Value *> fileEvalCache;
  std::vector<Value *> symbolValues_; // by symbol id; uncollectable values
  Value *emptyList;
  Value *emptyAttrs;
  Value vTrue, vFalse, vNull;
  int64_t startTime;

private:
  void createBaseEnv();
  std::unique_ptr<EvalStore> store_;
};

// For builtins that build a set whose size they know.
class EvalState::BindingsBuilder {
public:
  BindingsBuilder(EvalState &state, uint32_t capacity)
      : state_(state), b_(state.allocBindings(capacity)) {}
  Value &alloc(Symbol name, PosIdx pos = {}) {
    Value *v = state_.allocValue();
    b_->push(name, v, pos);
    return *v;
  }
  Value &alloc(std::string_view name, PosIdx pos = {}) {
    return alloc(state_.symbols.intern(name), pos);
  }
  void insert(Symbol name, Value *v, PosIdx pos = {}) { b_->push(name, v, pos); }
  Bindings *finish() {
    b_->sort();
    return b_;
  }

private:
  EvalState &state_;
  Bindings *b_;
};

// Keeps the call depth, so that runaway recursion ends in an error.
struct CallDepth {
  EvalState &state;
  CallDepth(EvalState &s, PosIdx pos) : state(s) {
    if (state.callDepth > state.settings.maxCallDepth)
      state.stackOverflow(pos);
    ++state.callDepth;
  }
  ~CallDepth() { --state.callDepth; }
};

} // namespace bastion::lang
