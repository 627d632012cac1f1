// The runtime value: a 24-byte tagged union. Containers hold Value pointers
// so that a thunk, once forced, is shared by everyone who refers to it.
#pragma once
#include <cstdint>
#include <string_view>

#include "lang/pos.h"
#include "lang/symbol.h"

namespace bastion::lang {

struct Env;
struct Expr;
struct ExprLambda;
struct Value;
struct Bindings;
class EvalState;
struct PrimOp;

enum class VType : uint8_t {
  Null,
  Bool,
  Int,
  Float,
  String,
  Path,
  Attrs,
  List,
  Lambda,
  PrimOp,
  PrimOpApp,
  // The three kinds that forcing acts on come last (forceValue tests >= Thunk).
  Thunk,
  App,      // a delayed function application, produced by builtins such as map
  Blackhole // a thunk being evaluated; meeting one again is infinite recursion
};
static_assert(VType::App > VType::Thunk && VType::Blackhole > VType::App);

// String context entries are encoded as Nix encodes them: "/nix/store/…"
// (a plain store path), "=/nix/store/….drv" (a derivation and its whole
// closure), "!out!/nix/store/….drv" (one output of a derivation).
using Context = const char *const *; // null-terminated array, or nullptr

struct Value {
  VType type = VType::Null;
  union {
    int64_t integer;
    double fpoint;
    bool boolean;
    struct {
      const char *chars;
      Context context;
    } string;
    const char *path;
    Bindings *attrs;
    struct {
      size_t size;
      Value **elems;
    } list;
    struct {
      Env *env;
      Expr *expr;
    } thunk;
    struct {
      Value *left;
      Value *right;
    } app;
    struct {
      Env *env;
      ExprLambda *fun;
    } lambda;
    const PrimOp *primOp;
    struct {
      Value *left; // a PrimOp or another PrimOpApp
      Value *right;
    } primOpApp;
  };

  Value() : integer(0) {}

  bool isThunk() const { return type == VType::Thunk || type == VType::App; }
  bool isFunction() const {
    return type == VType::Lambda || type == VType::PrimOp || type == VType::PrimOpApp;
  }
  std::string_view str() const { return string.chars; }

  void mkNull() { type = VType::Null; }
  void mkBool(bool b) {
    type = VType::Bool;
    boolean = b;
  }
  void mkInt(int64_t i) {
    type = VType::Int;
    integer = i;
  }
  void mkFloat(double f) {
    type = VType::Float;
    fpoint = f;
  }
  void mkString(const char *s, Context ctx = nullptr) {
    type = VType::String;
    string.chars = s;
    string.context = ctx;
  }
  void mkString(std::string_view s); // copies onto the GC heap
  void mkPath(const char *p) {
    type = VType::Path;
    path = p;
  }
  void mkAttrs(Bindings *b) {
    type = VType::Attrs;
    attrs = b;
  }
  void mkList(size_t n, Value **elems) {
    type = VType::List;
    list.size = n;
    list.elems = elems;
  }
  void mkThunk(Env *e, Expr *x) {
    type = VType::Thunk;
    thunk.env = e;
    thunk.expr = x;
  }
  void mkApp(Value *f, Value *x) {
    type = VType::App;
    app.left = f;
    app.right = x;
  }
  void mkLambda(Env *e, ExprLambda *f) {
    type = VType::Lambda;
    lambda.env = e;
    lambda.fun = f;
  }
  void mkPrimOp(const PrimOp *p) {
    type = VType::PrimOp;
    primOp = p;
  }
  void mkPrimOpApp(Value *f, Value *x) {
    type = VType::PrimOpApp;
    primOpApp.left = f;
    primOpApp.right = x;
  }
};

// One attribute. Sets keep their attributes sorted by symbol id, which
// makes lookup a binary search and `//` a linear merge.
struct Attr {
  Symbol name;
  PosIdx pos;
  Value *value;
};

struct Bindings {
  uint32_t size = 0;
  uint32_t capacity = 0;
  PosIdx pos;
  Attr attrs[0];

  Attr *begin() { return attrs; }
  Attr *end() { return attrs + size; }
  const Attr *begin() const { return attrs; }
  const Attr *end() const { return attrs + size; }
  bool empty() const { return size == 0; }

  const Attr *find(Symbol s) const {
    uint32_t lo = 0, hi = size;
    while (lo < hi) {
      uint32_t mid = (lo + hi) / 2;
      if (attrs[mid].name.id < s.id)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < size && attrs[lo].name == s ? &attrs[lo] : nullptr;
  }
  // find() with a remembered position: sets that one expression selects
  // from usually share a layout (the same library set, sets built by the
  // same code), so the index where the name was found last time is tried
  // first. A hit is checked by the name, so a stale hint costs nothing but
  // the search.
  const Attr *find(Symbol s, uint32_t &hint) const {
    if (hint < size && attrs[hint].name == s)
      return &attrs[hint];
    const Attr *a = find(s);
    if (a)
      hint = uint32_t(a - attrs);
    return a;
  }
  Value *get(Symbol s) const {
    auto *a = find(s);
    return a ? a->value : nullptr;
  }
  void push(Symbol n, Value *v, PosIdx p = {}) { attrs[size++] = Attr{n, p, v}; }
  void sort(); // after pushes in arbitrary order
};

Bindings *allocBindings(uint32_t capacity);

// The name of a value's type as error messages and builtins.typeOf use it.
const char *showType(VType t);          // "an integer", "a set", ...
const char *typeOfName(const Value &v); // "int", "set", ...

} // namespace bastion::lang
