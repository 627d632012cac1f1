#include "pkgs/nix_builtins.h"

#include <map>
#include <memory>
#include <string>

#include "lang/eval.h"
#include "lang/eval_store.h"
#include "pkgs/index.h"
#include "pkgs/lock.h"
#include "pkgs/resolve.h"

namespace bastion::pkgs {
namespace {

using lang::EvalState;
using lang::PosIdx;
using lang::Value;

struct Suite {
  DebianLock lock;
  std::unique_ptr<PackageIndex> index;
};

// One parsed index per lock file and process: evaluation calls
// debianPackage once per package it looks at.
Suite &suiteFor(EvalState &state, PosIdx pos, Value &arg, const char *fn) {
  static std::map<std::string, std::unique_ptr<Suite>> suites;
  std::vector<std::string> ctx;
  std::string path = state.coerceToPath(
      pos, arg, ctx, std::string("while evaluating the lock passed to builtins.") + fn);
  auto it = suites.find(path);
  if (it != suites.end())
    return *it->second;
  auto s = std::make_unique<Suite>();
  try {
    s->lock = readLock(path);
    s->index = std::make_unique<PackageIndex>(packagesIndex(s->lock, state.store().store()));
  } catch (const std::exception &e) {
    state.throwError(lang::ErrorKind::Eval, std::string(e.what()), pos);
  }
  return *suites.emplace(path, std::move(s)).first->second;
}

void prim_debianPackageNames(EvalState &state, PosIdx pos, Value **args, Value &v) {
  Suite &s = suiteFor(state, pos, *args[0], "debianPackageNames");
  std::vector<std::string_view> names;
  for (const Package &p : s.index->packages())
    if (s.index->find(p.name) == &p)
      names.push_back(p.name);
  std::sort(names.begin(), names.end());
  state.mkList(v, names.size());
  for (size_t i = 0; i < names.size(); i++)
    v.list.elems[i] = state.mkStringValue(names[i]);
}

void prim_debianPackage(EvalState &state, PosIdx pos, Value **args, Value &v) {
  Suite &s = suiteFor(state, pos, *args[0], "debianPackage");
  std::string name(state.forceStringNoCtx(
      *args[1], pos, "while evaluating the second argument passed to builtins.debianPackage"));
  const Package *p = s.index->find(name);
  if (!p) {
    v.mkNull();
    return;
  }
  std::vector<const Package *> closure;
  try {
    ResolveOptions o;
    o.essential = false;
    closure = resolve(*s.index, {name}, o);
  } catch (const ResolveError &e) {
    state.throwError(lang::ErrorKind::Eval, std::string(e.what()), pos);
  }
  std::string mirror = s.lock.mirror;
  while (!mirror.empty() && mirror.back() == '/')
    mirror.pop_back();
  EvalState::BindingsBuilder b(state, 6);
  b.alloc(state.s.name).mkString(p->name);
  b.alloc("version").mkString(p->version);
  b.alloc("url").mkString(mirror + "/" + std::string(p->filename));
  b.alloc("sha256").mkString(p->sha256);
  b.alloc("size").mkInt(std::stoll(std::string(p->size.empty() ? "0" : p->size)));
  Value &c = b.alloc("closure");
  state.mkList(c, closure.size());
  for (size_t i = 0; i < closure.size(); i++)
    c.list.elems[i] = state.mkStringValue(closure[i]->name);
  v.mkAttrs(b.finish());
}

} // namespace

void registerNixBuiltins() {
  static bool done = false;
  if (done)
    return;
  done = true;
  lang::primOpRegistry().push_back({"__debianPackageNames", 1, prim_debianPackageNames});
  lang::primOpRegistry().push_back({"__debianPackage", 2, prim_debianPackage});
}

} // namespace bastion::pkgs
