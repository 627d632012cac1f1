// EvalState: start-up, files, forcing and coercion of values, errors.
#include "lang/eval.h"

#include <pthread.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>

#include "lang/derivation_nix.h"
#include "lang/eval_store.h"
#include "lang/parser.h"
#include "lang/print.h"
#include "util/path.h"

namespace bastion::lang {

std::vector<PrimOpInfo> &primOpRegistry() {
  static std::vector<PrimOpInfo> r;
  return r;
}
std::vector<ConstantInfo> &constantRegistry() {
  static std::vector<ConstantInfo> r;
  return r;
}

std::string PosTable::describe(PosIdx p) const {
  if (!p)
    return "«none»";
  const Pos &pos = positions_[p.id];
  const Origin &o = origins_[pos.origin];
  std::string where = o.kind == Origin::File     ? o.path
                      : o.kind == Origin::Stdin  ? "«stdin»"
                      : o.kind == Origin::String ? "«string»"
                                                 : "«none»";
  return where + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

EvalState::EvalState(EvalSettings st) : settings(std::move(st)) {
  configureEvalHeap();
  {
    stackBase = static_cast<char *>(__builtin_frame_address(0));
    // Leave head-room below the real limit for the frames that run between
    // two checks and for what the caller already uses.
    // The size of this thread's stack (for the main thread glibc reports
    // RLIMIT_STACK; commands run on a 1 GiB one, see cli/main.cpp).
    size_t size = size_t(8) << 20;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void *addr;
      size_t got;
      if (pthread_attr_getstack(&attr, &addr, &got) == 0 && got > 0)
        size = got;
      pthread_attr_destroy(&attr);
    }
    stackLimit = std::min(size_t(900) << 20, size - std::min(size / 2, size_t(64) << 20));
  }
  auto I = [&](const char *n) { return symbols.intern(n); };
  s.outPath = I("outPath");
  s.drvPath = I("drvPath");
  s.type = I("type");
  s.name = I("name");
  s.value = I("value");
  s.file = I("file");
  s.line = I("line");
  s.column = I("column");
  s.functor = I("__functor");
  s.toString = I("__toString");
  s.outputs = I("outputs");
  s.outputName = I("outputName");
  s.key = I("key");
  s.operator_ = I("operator");
  s.startSet = I("startSet");
  s.right = I("right");
  s.wrong = I("wrong");
  s.data = I("data");
  s.prefix = I("prefix");
  s.path = I("path");
  s.body = I("body");
  s.derivation = I("derivation");
  s.ignoreNulls = I("__ignoreNulls");
  s.structuredAttrs = I("__structuredAttrs");
  s.system = I("system");
  s.builder = I("builder");
  s.args = I("args");
  s.outputHash = I("outputHash");
  s.outputHashAlgo = I("outputHashAlgo");
  s.outputHashMode = I("outputHashMode");
  s.recurseForDerivations = I("recurseForDerivations");
  s.description = I("description");
  s.self = I("self");
  s.meta = I("meta");
  s.sub = I("__sub");
  s.mul = I("__mul");
  s.div = I("__div");
  s.lessThan = I("__lessThan");
  s.overrides = I("__overrides");
  s.findFile = I("__findFile");
  s.nixPath = I("__nixPath");
  s.importSym = I("import");

  vTrue.mkBool(true);
  vFalse.mkBool(false);
  vNull.mkNull();
  emptyList = static_cast<Value *>(GC_MALLOC_UNCOLLECTABLE(sizeof(Value)));
  emptyList->mkList(0, nullptr);
  emptyAttrs = static_cast<Value *>(GC_MALLOC_UNCOLLECTABLE(sizeof(Value)));
  emptyAttrs->mkAttrs(allocBindings(0));
  startTime = time(nullptr);
  createBaseEnv();
}

EvalState::~EvalState() = default;

void EvalState::createBaseEnv() {
  // Global names: "__foo" and plain "foo" builtins both live in the base
  // scope; builtins.foo drops the underscores.
  struct Global {
    std::string name;
    Value *value;
  };
  std::vector<Global> globals;
  std::vector<std::pair<std::string, Value *>> inBuiltins;
  auto addGlobal = [&](const std::string &name, Value *v) {
    globals.push_back({name, v});
    std::string short_ = name.rfind("__", 0) == 0 ? name.substr(2) : name;
    inBuiltins.emplace_back(short_, v);
  };
  for (auto &p : primOpRegistry()) {
    auto *op = new PrimOp{p.name.rfind("__", 0) == 0 ? p.name.substr(2) : p.name, p.arity, p.fun};
    auto *v = static_cast<Value *>(GC_MALLOC_UNCOLLECTABLE(sizeof(Value)));
    v->mkPrimOp(op);
    addGlobal(p.name, v);
  }
  builtins = static_cast<Value *>(GC_MALLOC_UNCOLLECTABLE(sizeof(Value)));
  for (auto &c : constantRegistry()) {
    auto *v = static_cast<Value *>(GC_MALLOC_UNCOLLECTABLE(sizeof(Value)));
    c.make(*this, *v);
    addGlobal(c.name, v);
  }
  // `derivation` is Nix code over derivationStrict; it is parsed once the
  // base scope it lives in exists.
  auto *vDerivation = static_cast<Value *>(GC_MALLOC_UNCOLLECTABLE(sizeof(Value)));
  addGlobal("derivation", vDerivation);
  // builtins.builtins is the set itself.
  inBuiltins.emplace_back("builtins", builtins);
  globals.push_back({"builtins", builtins});

  Bindings *b = allocBindings(uint32_t(inBuiltins.size()));
  for (auto &[n, v] : inBuiltins)
    b->push(symbols.intern(n), v);
  b->sort();
  builtins->mkAttrs(b);

  staticBaseEnv = new StaticEnv(nullptr, nullptr);
  baseEnv =
      static_cast<Env *>(GC_MALLOC_UNCOLLECTABLE(sizeof(Env) + globals.size() * sizeof(Value *)));
  baseEnv->up = nullptr;
  baseEnv->isWith = false;
  baseEnv->size = uint32_t(globals.size());
  for (auto &g : globals) {
    baseEnv->values[baseEnvDispl] = g.value;
    staticBaseEnv->vars.emplace_back(symbols.intern(g.name), baseEnvDispl++);
  }
  staticBaseEnv->sort();

  Origin o;
  o.kind = Origin::File;
  o.path = kDerivationNixPath;
  vDerivation->mkThunk(baseEnv, parse(kDerivationNixSource, std::move(o), "/", staticBaseEnv));
}

// ---- parsing and files -----------------------------------------------------

static std::string readWholeFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw EvalError(ErrorKind::Eval, "opening file '" + path + "': " + strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Expr *EvalState::parse(std::string text, Origin origin, const std::string &basePath,
                       const StaticEnv *scope) {
  auto src = std::make_shared<const std::string>(std::move(text));
  origin.source = src;
  uint32_t o = positions.addOrigin(std::move(origin));
  AstArena *saved = AstArena::current;
  AstArena::current = &ast;
  try {
    Expr *e = parseNix(*this, *src, o, basePath, scope);
    AstArena::current = saved;
    return e;
  } catch (...) {
    AstArena::current = saved;
    throw;
  }
}

void EvalState::releaseAst(size_t mark) {
  // The caches hold the trees (and values made from them) of files parsed
  // since the mark; those entries must go before the trees do.
  if (ast.size() > mark) {
    fileParseCache.clear();
    fileEvalCache.clear();
  }
  ast.release(mark);
}

std::string EvalState::resolveImportPath(const std::string &path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return util::canonPath(path + "/default.nix");
  return path;
}

Expr *EvalState::parseFile(const std::string &path0) {
  std::string path = resolveImportPath(path0);
  auto it = fileParseCache.find(path);
  if (it != fileParseCache.end())
    return it->second;
  std::string dir = path.substr(0, path.rfind('/'));
  if (dir.empty())
    dir = "/";
  Origin o;
  o.kind = Origin::File;
  o.path = path;
  Expr *e = parse(readWholeFile(path), std::move(o), dir, staticBaseEnv);
  fileParseCache[path] = e;
  return e;
}

Expr *EvalState::parseString(std::string_view text, const std::string &basePath,
                             Origin::Kind kind) {
  Origin o;
  o.kind = kind;
  return parse(std::string(text), std::move(o), basePath, staticBaseEnv);
}

void EvalState::eval(Expr *e, Value &v) { e->eval(*this, *baseEnv, v); }

void EvalState::evalFile(const std::string &path0, Value &v) {
  std::string path = resolveImportPath(path0);
  auto it = fileEvalCache.find(path);
  if (it != fileEvalCache.end()) {
    forceValue(*it->second, PosIdx{});
    v = *it->second;
    return;
  }
  Expr *e = parseFile(path);
  Value *res = allocValue();
  try {
    eval(e, *res);
  } catch (EvalError &err) {
    err.addTrace(PosIdx{}, "while evaluating the file '" + path + "':");
    throw;
  }
  fileEvalCache[path] = res;
  v = *res;
}

// ---- forcing --------------------------------------------------------------

void EvalState::forceSlow(Value &v, PosIdx pos) {
  if (v.type == VType::Thunk) {
    Env *env = v.thunk.env;
    Expr *expr = v.thunk.expr;
    v.type = VType::Blackhole;
    checkStack(pos);
    try {
      expr->eval(*this, *env, v);
    } catch (EvalError &e) {
      v.mkThunk(env, expr);
      // Nix marks where the recursion began: the first entry of the value.
      if (e.kind == ErrorKind::InfiniteRecursion && e.blackhole == &v)
        e.addTrace(PosIdx{}, "entering the infinite recursion");
      throw;
    } catch (...) {
      v.mkThunk(env, expr);
      throw;
    }
  } else if (v.type == VType::App) {
    Value *f = v.app.left;
    Value *a = v.app.right;
    callFunction(*f, 1, &a, v, pos);
  } else if (v.type == VType::Blackhole) {
    EvalError e(ErrorKind::InfiniteRecursion, "infinite recursion encountered", pos);
    e.blackhole = &v;
    throw e;
  }
}

void EvalState::forceValueDeep(Value &v) {
  std::set<const Value *> seen;
  std::function<void(Value &)> recurse = [&](Value &v) {
    if (!seen.insert(&v).second)
      return;
    checkStack(PosIdx{});
    forceValue(v, PosIdx{});
    if (v.type == VType::Attrs) {
      for (auto &a : *v.attrs) {
        try {
          recurse(*a.value);
        } catch (EvalError &e) {
          e.addTrace(a.pos, "while evaluating the attribute '" + symbols[a.name] + "'");
          throw;
        }
      }
    } else if (v.type == VType::List) {
      for (size_t i = 0; i < v.list.size; i++) {
        try {
          recurse(*v.list.elems[i]);
        } catch (EvalError &e) {
          e.addTrace(PosIdx{}, "while evaluating list element at index " + std::to_string(i));
          throw;
        }
      }
    }
  };
  recurse(v);
}

void EvalState::throwTypeError(const char *expected, Value &v, PosIdx pos,
                               std::string_view errorCtx) {
  EvalError e(ErrorKind::Type, std::string("expected ") + expected + " but found " +
                                   showType(v.type) + ": " + showValueForError(v));
  // Nix shows the context of a type error without a position of its own.
  e.addTrace(PosIdx{}, std::string(errorCtx));
  throw e;
}

int64_t EvalState::forceInt(Value &v, PosIdx pos, std::string_view errorCtx) {
  forceValue(v, pos);
  if (v.type != VType::Int)
    throwTypeError("an integer", v, pos, errorCtx);
  return v.integer;
}

double EvalState::forceFloat(Value &v, PosIdx pos, std::string_view errorCtx) {
  forceValue(v, pos);
  if (v.type == VType::Int)
    return double(v.integer);
  if (v.type != VType::Float)
    throwTypeError("a float", v, pos, errorCtx);
  return v.fpoint;
}

bool EvalState::forceBool(Value &v, PosIdx pos, std::string_view errorCtx) {
  forceValue(v, pos);
  if (v.type != VType::Bool)
    throwTypeError("a Boolean", v, pos, errorCtx);
  return v.boolean;
}

void EvalState::forceAttrs(Value &v, PosIdx pos, std::string_view errorCtx) {
  forceValue(v, pos);
  if (v.type != VType::Attrs)
    throwTypeError("a set", v, pos, errorCtx);
}

void EvalState::forceList(Value &v, PosIdx pos, std::string_view errorCtx) {
  forceValue(v, pos);
  if (v.type != VType::List)
    throwTypeError("a list", v, pos, errorCtx);
}

void EvalState::forceFunction(Value &v, PosIdx pos, std::string_view errorCtx) {
  forceValue(v, pos);
  if (v.isFunction())
    return;
  if (v.type == VType::Attrs && v.attrs->get(s.functor))
    return;
  throwTypeError("a function", v, pos, errorCtx);
}

std::string_view EvalState::forceString(Value &v, PosIdx pos, std::string_view errorCtx) {
  forceValue(v, pos);
  if (v.type != VType::String)
    throwTypeError("a string", v, pos, errorCtx);
  return v.string.chars;
}

std::string_view EvalState::forceString(Value &v, std::vector<std::string> &ctx, PosIdx pos,
                                        std::string_view errorCtx) {
  std::string_view s = forceString(v, pos, errorCtx);
  copyContext(v, ctx);
  return s;
}

std::string_view EvalState::forceStringNoCtx(Value &v, PosIdx pos, std::string_view errorCtx) {
  std::string_view str = forceString(v, pos, errorCtx);
  if (v.string.context && v.string.context[0]) {
    std::string c = v.string.context[0];
    if (c[0] == '=')
      c = c.substr(1);
    else if (c[0] == '!')
      c = c.substr(c.find('!', 1) + 1);
    EvalError e(ErrorKind::Eval, "the string '" + std::string(str) +
                                     "' is not allowed to refer to a store path (such as '" + c +
                                     "')");
    e.pos = pos;
    e.addTrace(pos, std::string(errorCtx));
    throw e;
  }
  return str;
}

// ---- strings and context ---------------------------------------------------

void EvalState::copyContext(const Value &v, std::vector<std::string> &ctx) {
  if (v.type != VType::String || !v.string.context)
    return;
  for (auto *p = v.string.context; *p; p++)
    ctx.emplace_back(*p);
}

Context EvalState::makeContext(const std::vector<std::string> &ctx) {
  if (ctx.empty())
    return nullptr;
  std::vector<std::string> sorted(ctx);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  auto **arr = static_cast<const char **>(gcAlloc((sorted.size() + 1) * sizeof(char *)));
  for (size_t i = 0; i < sorted.size(); i++)
    arr[i] = gcString(sorted[i]);
  arr[sorted.size()] = nullptr;
  return arr;
}

void EvalState::mkString(Value &v, std::string_view str, const std::vector<std::string> &ctx) {
  v.mkString(gcString(str), makeContext(ctx));
}

void EvalState::mkPos(Value &v, PosIdx pos) {
  if (!pos) {
    v.mkNull();
    return;
  }
  const Pos &p = positions[pos];
  const Origin &o = positions.origin(p.origin);
  if (o.kind != Origin::File) {
    v.mkNull();
    return;
  }
  BindingsBuilder b(*this, 3);
  b.alloc(s.file).mkString(o.path);
  b.alloc(s.line).mkInt(p.line);
  b.alloc(s.column).mkInt(p.column);
  v.mkAttrs(b.finish());
}

template <class Next> std::optional<std::string> EvalState::coerceSetVia(Value &v, Next next) {
  if (const Attr *f = v.attrs->find(s.toString)) {
    Value v1;
    try {
      callFunction(*f->value, v, v1, f->pos);
    } catch (EvalError &e) {
      e.addTrace(f->pos, "while calling the `__toString` attribute");
      throw;
    }
    try {
      return next(f->pos, v1);
    } catch (EvalError &e) {
      e.addTrace(f->pos, "while using the result of the `__toString` attribute");
      throw;
    }
  }
  if (const Attr *out = v.attrs->find(s.outPath)) {
    try {
      forceValue(*out->value, out->pos);
    } catch (EvalError &e) {
      e.addTrace(out->pos, "while evaluating the `outPath` attribute");
      throw;
    }
    try {
      return next(out->pos, *out->value);
    } catch (EvalError &e) {
      e.addTrace(out->pos, "while using the `outPath` attribute");
      throw;
    }
  }
  return std::nullopt;
}

std::string EvalState::coerceToString(PosIdx pos, Value &v, std::vector<std::string> &ctx,
                                      std::string_view errorCtx, bool coerceMore, bool copyToStore,
                                      bool canonicalizePath) {
  forceValue(v, pos);
  switch (v.type) {
  case VType::String:
    copyContext(v, ctx);
    return v.string.chars;
  case VType::Path: {
    if (!copyToStore)
      return v.path;
    struct stat st;
    if (lstat(v.path, &st) != 0)
      throw EvalError(ErrorKind::Eval, std::string("path '") + v.path + "' does not exist");
    std::string sp = copyPathToStore(v.path, pos);
    ctx.push_back(sp);
    return sp;
  }
  case VType::Attrs: {
    std::optional<std::string> r = coerceSetVia(v, [&](PosIdx, Value &next) {
      return coerceToString(pos, next, ctx, errorCtx, coerceMore, copyToStore, canonicalizePath);
    });
    if (r)
      return *r;
    break;
  }
  default:
    break;
  }
  if (coerceMore) {
    switch (v.type) {
    case VType::Bool:
      return v.boolean ? "1" : "";
    case VType::Int:
      return std::to_string(v.integer);
    case VType::Float:
      return std::to_string(v.fpoint);
    case VType::Null:
      return "";
    case VType::List: {
      std::string result;
      for (size_t n = 0; n < v.list.size; n++) {
        Value *v2 = v.list.elems[n];
        try {
          result += coerceToString(pos, *v2, ctx, "while evaluating one element of the list",
                                   coerceMore, copyToStore, canonicalizePath);
        } catch (EvalError &e) {
          e.addTrace(pos, std::string(errorCtx));
          throw;
        }
        if (n < v.list.size - 1 && (v2->type != VType::List || v2->list.size != 0))
          result += " ";
      }
      return result;
    }
    default:
      break;
    }
  }
  EvalError e(ErrorKind::Type, std::string("cannot coerce ") + showType(v.type) +
                                   " to a string: " + showValueForError(v));
  e.addTrace(pos, std::string(errorCtx));
  throw e;
}

std::string EvalState::coerceToPath(PosIdx pos, Value &v, std::vector<std::string> &ctx,
                                    std::string_view errorCtx) {
  try {
    forceValue(v, pos);
  } catch (EvalError &e) {
    e.addTrace(pos, std::string(errorCtx));
    throw;
  }
  if (v.type == VType::Path)
    return v.path;
  if (v.type == VType::Attrs) {
    std::optional<std::string> r = coerceSetVia(
        v, [&](PosIdx, Value &next) { return coerceToPath(pos, next, ctx, errorCtx); });
    if (r)
      return *r;
  }
  std::string path = coerceToString(pos, v, ctx, errorCtx, false, false, true);
  if (path.empty() || path[0] != '/') {
    EvalError e(ErrorKind::Eval, "string '" + path + "' doesn't represent an absolute path");
    e.addTrace(PosIdx{}, std::string(errorCtx));
    throw e;
  }
  return path;
}

// ---- sets ------------------------------------------------------------------

Value *EvalState::symbolValue(Symbol sym) {
  if (sym.id >= symbolValues_.size())
    symbolValues_.resize(symbols.size(), nullptr);
  Value *&slot = symbolValues_[sym.id];
  if (!slot) {
    slot = static_cast<Value *>(GC_MALLOC_UNCOLLECTABLE(sizeof(Value)));
    slot->mkString(symbols[sym].c_str(), nullptr);
  }
  return slot;
}

void EvalState::updateAttrs(Value &a, Value &b, Value &out) {
  Bindings *x = a.attrs;
  Bindings *y = b.attrs;
  if (y->empty()) {
    out = a;
    return;
  }
  if (x->empty()) {
    out = b;
    return;
  }
  Bindings *r = allocBindings(x->size + y->size);
  const Attr *i = x->begin(), *j = y->begin();
  while (i != x->end() && j != y->end()) {
    if (i->name.id < j->name.id)
      r->attrs[r->size++] = *i++;
    else if (j->name.id < i->name.id)
      r->attrs[r->size++] = *j++;
    else {
      r->attrs[r->size++] = *j++;
      i++;
    }
  }
  while (i != x->end())
    r->attrs[r->size++] = *i++;
  while (j != y->end())
    r->attrs[r->size++] = *j++;
  out.mkAttrs(r);
}

std::string EvalState::suggestAttr(const Bindings &attrs, Symbol missing) {
  // Nix suggests names within a small edit distance.
  const std::string &m = symbols[missing];
  std::vector<std::pair<size_t, std::string>> cands;
  for (auto &a : attrs) {
    const std::string &n = symbols[a.name];
    std::vector<size_t> prev(n.size() + 1), cur(n.size() + 1);
    for (size_t j = 0; j <= n.size(); j++)
      prev[j] = j;
    for (size_t i = 1; i <= m.size(); i++) {
      cur[0] = i;
      for (size_t j = 1; j <= n.size(); j++)
        cur[j] =
            std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (m[i - 1] == n[j - 1] ? 0 : 1)});
      std::swap(prev, cur);
    }
    size_t d = prev[n.size()];
    if (d <= std::max<size_t>(1, m.size() / 3) && d > 0)
      cands.emplace_back(d, n);
  }
  if (cands.empty())
    return "";
  std::sort(cands.begin(), cands.end());
  if (cands.size() > 10)
    cands.resize(10);
  if (cands.size() == 1)
    return "Did you mean " + cands[0].second + "?";
  std::string out = "Did you mean one of ";
  for (size_t i = 0; i < cands.size(); i++) {
    if (i)
      out += i + 1 == cands.size() ? " or " : ", ";
    out += cands[i].second;
  }
  return out + "?";
}

// ---- errors ----------------------------------------------------------------

void EvalState::throwError(ErrorKind kind, std::string msg, PosIdx pos) {
  throw EvalError(kind, std::move(msg), pos);
}

std::string EvalState::showValueForError(Value &v) { return printValueForError(*this, v); }

bool EvalSettings::experimentalFeature(std::string_view feature) const {
  for (const char *name : {"experimental-features", "extra-experimental-features"}) {
    auto it = options.find(name);
    if (it == options.end())
      continue;
    std::istringstream words(it->second);
    for (std::string w; words >> w;)
      if (w == feature)
        return true;
  }
  return false;
}

void EvalState::warn(std::string_view msg) { std::cerr << "warning: " << msg << "\n"; }

void EvalState::warn(std::string msg, PosIdx pos) {
  warn(EvalError(ErrorKind::Eval, std::move(msg), pos));
}

void EvalState::warn(const EvalError &e) {
  std::cerr << formatDiagnostic(positions, e, settings.showTrace, "warning: ");
}

std::string EvalState::lintLevel(const std::string &setting) {
  auto it = settings.options.find(setting);
  return it == settings.options.end() ? "" : it->second;
}

void EvalState::stackOverflow(PosIdx pos) {
  throw EvalError(ErrorKind::StackOverflow, "stack overflow; max-call-depth exceeded", pos);
}

} // namespace bastion::lang
