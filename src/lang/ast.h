// The abstract syntax tree. Each node knows how to evaluate itself, how to
// resolve its variables once at parse time (bindVars), and how to print
// itself as `nix-instantiate --parse` does (show).
#pragma once
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "lang/value.h"

namespace bastion::lang {

struct ExprWith;
struct StaticEnv;

// Syntax trees are owned by an arena: every node made while
// EvalState::parse runs (expressions, formals, the scopes bindVars makes)
// registers itself with the arena that is current then, through the class's
// own operator new. So the trees of an evaluation can be freed together
// (EvalState::rollback), and a long-lived process (a fuzzer, a server) does
// not grow with every expression it parses. Nodes made outside a parse are
// not owned (and live as long as the process, as before).
struct AstNode {
  virtual ~AstNode() = default;
  static void *operator new(size_t size);
  static void operator delete(void *p, size_t size) noexcept;
};

class AstArena {
public:
  AstArena() = default;
  AstArena(const AstArena &) = delete;
  AstArena &operator=(const AstArena &) = delete;
  ~AstArena() { release(0); }
  size_t size() const { return nodes_.size(); }
  // Deletes the nodes registered after the first `mark`, newest first.
  void release(size_t mark);
  // The arena new nodes register with (null: none); set by EvalState::parse.
  static thread_local AstArena *current;

private:
  friend struct AstNode;
  std::vector<void *> nodes_;
  bool releasing_ = false;
};

struct Expr : AstNode {
  virtual void eval(EvalState &state, Env &env, Value &v) = 0;
  // A value for this expression without evaluating it: a thunk, or the
  // existing value for constants and variables.
  virtual Value *maybeThunk(EvalState &state, Env &env);
  virtual void bindVars(EvalState &state, const StaticEnv *env) {}
  virtual void show(const SymbolTable &symbols, std::ostream &out) const = 0;
  virtual PosIdx getPos() const { return {}; }
  virtual void setName(Symbol name) {}
};

// Scopes known at parse time, used to turn variable names into
// (level, displacement) pairs so that lookup never searches by name.
struct StaticEnv : AstNode {
  const ExprWith *isWith = nullptr;
  const StaticEnv *up = nullptr;
  std::vector<std::pair<Symbol, uint32_t>> vars; // sorted by symbol
  StaticEnv(const ExprWith *w, const StaticEnv *u) : isWith(w), up(u) {}
  void sort();
  const std::pair<Symbol, uint32_t> *find(Symbol s) const;
};

struct ExprInt : Expr {
  Value v;
  explicit ExprInt(int64_t n) { v.mkInt(n); }
  void eval(EvalState &, Env &, Value &out) override { out = v; }
  Value *maybeThunk(EvalState &, Env &) override { return &v; }
  void show(const SymbolTable &, std::ostream &out) const override;
};

struct ExprFloat : Expr {
  Value v;
  explicit ExprFloat(double f) { v.mkFloat(f); }
  void eval(EvalState &, Env &, Value &out) override { out = v; }
  Value *maybeThunk(EvalState &, Env &) override { return &v; }
  void show(const SymbolTable &, std::ostream &out) const override;
};

struct ExprString : Expr {
  std::string s;
  Value v;
  explicit ExprString(std::string str);
  ~ExprString() override;
  void eval(EvalState &, Env &, Value &out) override { out = v; }
  Value *maybeThunk(EvalState &, Env &) override { return &v; }
  void show(const SymbolTable &, std::ostream &out) const override;
};

struct ExprPath : Expr {
  std::string s;
  Value v;
  explicit ExprPath(std::string path);
  ~ExprPath() override;
  void eval(EvalState &, Env &, Value &out) override { out = v; }
  Value *maybeThunk(EvalState &, Env &) override { return &v; }
  void show(const SymbolTable &, std::ostream &out) const override;
};

struct ExprVar : Expr {
  PosIdx pos;
  Symbol name;
  // Set when the variable comes from a `with`: the innermost with, and the
  // number of scopes between the use and it.
  const ExprWith *fromWith = nullptr;
  uint32_t level = 0;
  uint32_t displ = 0;
  ExprVar(PosIdx p, Symbol n) : pos(p), name(n) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  Value *maybeThunk(EvalState &state, Env &env) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
  Value *lookup(EvalState &state, Env &env, bool noEval);
};

// An element of an attribute path: a plain name or an interpolation.
struct AttrName {
  Symbol symbol;
  Expr *expr = nullptr;
};
using AttrPath = std::vector<AttrName>;
std::string showAttrPath(const SymbolTable &symbols, const AttrPath &path);

struct ExprSelect : Expr {
  PosIdx pos;
  Expr *e;
  AttrPath path;
  Expr *def;
  ExprSelect(PosIdx p, Expr *e_, AttrPath path_, Expr *d)
      : pos(p), e(e_), path(std::move(path_)), def(d) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
};

struct ExprOpHasAttr : Expr {
  PosIdx pos;
  Expr *e;
  AttrPath path;
  ExprOpHasAttr(PosIdx p, Expr *e_, AttrPath path_) : pos(p), e(e_), path(std::move(path_)) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
};

struct ExprAttrs : Expr {
  enum class Kind { Plain, Inherited, InheritedFrom };
  struct AttrDef {
    Kind kind = Kind::Plain;
    Expr *e;
    PosIdx pos;
    uint32_t displ = 0; // index in the recursive env, or in inheritFrom
  };
  struct DynamicAttrDef {
    Expr *name;
    Expr *value;
    PosIdx pos;
  };
  bool recursive = false;
  PosIdx pos;
  std::map<Symbol, AttrDef> attrs;
  std::vector<DynamicAttrDef> dynamicAttrs;
  // The `e` of each `inherit (e) …`, evaluated once per set.
  std::vector<Expr *> inheritFrom;
  // Set by bindVars: attrs as a vector sorted by symbol, for evaluation.
  std::vector<std::pair<Symbol, AttrDef *>> ordered;

  explicit ExprAttrs(PosIdx p) : pos(p) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
  // Shared by let and rec: fill a new scope's slots.
  void showBindings(const SymbolTable &symbols, std::ostream &out) const;
  Env *makeInheritFromEnv(EvalState &state, Env &up);
  Expr *inheritedExpr(const AttrDef &def) const;
};

// `inherit (e) x`: selects x from the set's inheritFrom slot `displ`.
struct ExprInheritFrom : Expr {
  PosIdx pos;
  uint32_t displ;
  Symbol name;
  ExprInheritFrom(PosIdx p, uint32_t d, Symbol n) : pos(p), displ(d), name(n) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
};

struct ExprList : Expr {
  std::vector<Expr *> elems;
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  Value *maybeThunk(EvalState &state, Env &env) override;
};

struct Formal {
  PosIdx pos;
  Symbol name;
  Expr *def = nullptr;
};

struct Formals : AstNode {
  std::vector<Formal> formals; // sorted by symbol id once parsed
  bool ellipsis = false;
  bool has(Symbol s) const;
  std::vector<Formal> lexicographicOrder(const SymbolTable &symbols) const;
};

struct ExprLambda : Expr {
  PosIdx pos;
  Symbol name;
  Symbol arg;
  Formals *formals = nullptr;
  Expr *body;
  uint32_t envSize = 0;
  Bindings *functionArgs = nullptr; // builtins.functionArgs' answer, once asked
  ExprLambda(PosIdx p, Symbol a, Formals *f, Expr *b) : pos(p), arg(a), formals(f), body(b) {}
  ~ExprLambda() override;
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
  // Nix names the lambdas nested in a named one's body too (`f = a: b: …`).
  void setName(Symbol n) override {
    name = n;
    body->setName(n);
  }
  std::string showName(const SymbolTable &symbols) const;
};

struct ExprCall : Expr {
  PosIdx pos;
  Expr *fun;
  std::vector<Expr *> args;
  ExprCall(PosIdx p, Expr *f, std::vector<Expr *> a) : pos(p), fun(f), args(std::move(a)) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
};

struct ExprLet : Expr {
  ExprAttrs *attrs;
  Expr *body;
  ExprLet(ExprAttrs *a, Expr *b) : attrs(a), body(b) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
};

struct ExprWith : Expr {
  PosIdx pos;
  Expr *attrs;
  Expr *body;
  uint32_t prevWith = 0; // levels from this with's scope to the enclosing with
  const ExprWith *parentWith = nullptr;
  ExprWith(PosIdx p, Expr *a, Expr *b) : pos(p), attrs(a), body(b) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
};

struct ExprIf : Expr {
  PosIdx pos;
  Expr *cond, *then, *else_;
  ExprIf(PosIdx p, Expr *c, Expr *t, Expr *e) : pos(p), cond(c), then(t), else_(e) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
};

struct ExprAssert : Expr {
  PosIdx pos;
  Expr *cond, *body;
  ExprAssert(PosIdx p, Expr *c, Expr *b) : pos(p), cond(c), body(b) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
};

struct ExprOpNot : Expr {
  PosIdx pos;
  Expr *e;
  ExprOpNot(PosIdx p, Expr *e_) : pos(p), e(e_) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
};

enum class BinOp { Eq, NEq, And, Or, Impl, Update, ConcatLists };

struct ExprBinOp : Expr {
  BinOp op;
  PosIdx pos;
  Expr *e1, *e2;
  ExprBinOp(BinOp o, PosIdx p, Expr *a, Expr *b) : op(o), pos(p), e1(a), e2(b) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
};

// `a - b`, `a * b`, `a / b`, `a < b` are calls of __sub, __mul, __div,
// __lessThan, as in Nix, so a user's own binding of those names wins. When
// the name resolves to the builtin, the operation is done in place.
enum class ArithOp { Sub, Mul, Div, LessThan };

struct ExprArith : Expr {
  ArithOp op;
  PosIdx pos;
  ExprVar *fn;
  Expr *e1, *e2;
  bool native = false;
  ExprArith(ArithOp o, PosIdx p, ExprVar *f, Expr *a, Expr *b)
      : op(o), pos(p), fn(f), e1(a), e2(b) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
};

struct ExprConcatStrings : Expr {
  PosIdx pos;
  bool forceString;
  std::vector<std::pair<PosIdx, Expr *>> es;
  ExprConcatStrings(PosIdx p, bool f, std::vector<std::pair<PosIdx, Expr *>> e)
      : pos(p), forceString(f), es(std::move(e)) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void bindVars(EvalState &state, const StaticEnv *env) override;
  void show(const SymbolTable &symbols, std::ostream &out) const override;
  PosIdx getPos() const override { return pos; }
};

struct ExprPos : Expr {
  PosIdx pos;
  explicit ExprPos(PosIdx p) : pos(p) {}
  void eval(EvalState &state, Env &env, Value &v) override;
  void show(const SymbolTable &, std::ostream &out) const override { out << "__curPos"; }
  PosIdx getPos() const override { return pos; }
};

} // namespace bastion::lang
