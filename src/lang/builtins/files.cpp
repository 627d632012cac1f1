// Builtins that read the file system and the search path: import,
// scopedImport, readFile, readDir, readFileType, pathExists, findFile,
// toPath, hashFile, and the __nixPath constant.
//
// Paths are plain absolute strings here (Nix's SourcePath on the root file
// system). Symlinks are resolved component by component the way Nix's
// SourcePath::resolveSymlinks does it, so that `..` in a path is always
// lexical and only the components that exist are followed.
//
// Nix calls a builtin without a position of its own (the call site is shown
// by the "while calling the '…' builtin" frame), so the errors raised here,
// and the coercions made here, carry no position either.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "format/hash.h"
#include "lang/datadir.h"
#include "lang/eval.h"
#include "lang/parser.h"
#include "lang/realise.h"
#include "store/nar_fs.h"
#include "util/error.h"
#include "util/file.h"
#include "util/path.h"

namespace bastion::lang {
namespace {

// ---- file system helpers ----------------------------------------------------

enum class FileType { Missing, Regular, Directory, Symlink, Unknown };

FileType lstatType(const std::string &path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0)
    return FileType::Missing;
  if (S_ISREG(st.st_mode))
    return FileType::Regular;
  if (S_ISDIR(st.st_mode))
    return FileType::Directory;
  if (S_ISLNK(st.st_mode))
    return FileType::Symlink;
  return FileType::Unknown;
}

const char *fileTypeName(FileType t) {
  switch (t) {
  case FileType::Regular:
    return "regular";
  case FileType::Directory:
    return "directory";
  case FileType::Symlink:
    return "symlink";
  default:
    return "unknown";
  }
}

// util::readLink, failing as an evaluation error.
std::string readLink(const std::string &path) {
  try {
    return util::readLink(path);
  } catch (const util::SysError &e) {
    throw EvalError(ErrorKind::Eval, e.what());
  }
}

// "/a/b" + "c" with canonical inputs.
std::string joinPath(const std::string &dir, std::string_view name) {
  std::string r = dir;
  if (r.empty() || r.back() != '/')
    r += '/';
  r += name;
  return r;
}

std::string parentOf(const std::string &path) {
  auto k = path.rfind('/');
  if (k == std::string::npos || k == 0)
    return "/";
  return path.substr(0, k);
}

std::string baseOf(const std::string &path) {
  auto k = path.rfind('/');
  return k == std::string::npos ? path : path.substr(k + 1);
}

[[noreturn]] void throwNotFound(const std::string &path) {
  throw EvalError(ErrorKind::Eval, "path '" + path + "' does not exist");
}

enum class Resolve { Full, Ancestors };

// Follows symlinks in a canonical absolute path. With Ancestors, the last
// component is left alone (so that a symlink itself can be inspected).
// Components that do not exist are kept as they are.
std::string resolveSymlinks(const std::string &path, Resolve mode) {
  std::vector<std::string> first = util::pathComponents(path);
  std::list<std::string> todo(first.begin(), first.end());
  std::vector<std::string> res;
  auto current = [&] {
    std::string s;
    for (auto &c : res)
      s += "/" + c;
    return s.empty() ? std::string("/") : s;
  };
  int linksAllowed = 1024;
  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c.empty() || c == ".")
      continue;
    if (c == "..") {
      if (!res.empty())
        res.pop_back();
      continue;
    }
    res.push_back(c);
    if (mode == Resolve::Full || !todo.empty()) {
      std::string here = current();
      if (lstatType(here) == FileType::Symlink) {
        if (!linksAllowed--)
          throw EvalError(ErrorKind::Eval, "infinite symlink recursion in path '" + path + "'");
        std::string target = readLink(here);
        res.pop_back();
        if (!target.empty() && target[0] == '/')
          res.clear();
        std::vector<std::string> parts = util::pathComponents(target);
        todo.insert(todo.begin(), parts.begin(), parts.end());
      }
    }
  }
  return current();
}

// ---- the built-in <nix/…> files -------------------------------------------

// Nix answers <nix/fetchurl.nix> from files compiled into it; they live
// under this prefix, which is not a real directory.
const std::string corepkgsPrefix = "/__corepkgs__/";

// The same function as Nix's corepkgs fetchurl.nix: a fixed-output
// derivation built by the builtin:fetchurl builder.
const char *const fetchurlNix = R"NIX({
  system ? "", # obsolete
  url,
  hash ? "", # an SRI hash

  # Legacy hash specification
  md5 ? "",
  sha1 ? "",
  sha256 ? "",
  sha512 ? "",
  outputHash ?
    if hash != "" then
      hash
    else if sha512 != "" then
      sha512
    else if sha1 != "" then
      sha1
    else if md5 != "" then
      md5
    else
      sha256,
  outputHashAlgo ?
    if hash != "" then
      ""
    else if sha512 != "" then
      "sha512"
    else if sha1 != "" then
      "sha1"
    else if md5 != "" then
      "md5"
    else
      "sha256",

  executable ? false,
  unpack ? false,
  name ? baseNameOf (toString url),
  impure ? false,
}:

derivation (
  {
    builder = "builtin:fetchurl";

    # New-style output content requirements.
    outputHashMode = if unpack || executable then "recursive" else "flat";

    inherit
      name
      url
      executable
      unpack
      ;

    system = "builtin";

    # No need to double the amount of network traffic
    preferLocalBuild = true;

    # The caller's proxy settings are let through: the result of a
    # fixed-output derivation is checked against its hash anyway.
    impureEnvVars = [
      "http_proxy"
      "https_proxy"
      "ftp_proxy"
      "all_proxy"
      "no_proxy"
    ];

    # To make "nix-prefetch-url" work.
    urls = [ url ];
  }
  // (if impure then { __impure = true; } else { inherit outputHashAlgo outputHash; })
)
)NIX";

// Nix 2.8's buildenv.nix: nix-env's user environment, a derivation built
// by builtin:buildenv from the manifest's elements ("active priority
// nOutputs outPath…" for each).
const char *const buildenvNix = R"NIX({ derivations, manifest }:

derivation {
  name = "user-environment";
  system = "builtin";
  builder = "builtin:buildenv";

  inherit manifest;

  # !!! grmbl, need structured data for passing this in a clean way.
  derivations =
    map (d:
      [ (d.meta.active or "true")
        (d.meta.priority or 5)
        (builtins.length d.outputs)
      ] ++ map (output: builtins.getAttr output d) d.outputs)
      derivations;

  # Building user environments remotely just causes huge amounts of
  # network traffic, so don't do that.
  preferLocalBuild = true;

  # Also don't bother substituting.
  allowSubstitutes = false;
}
)NIX";

bool isCorepkgsPath(const std::string &path) { return path.rfind(corepkgsPrefix, 0) == 0; }

std::optional<std::string> corepkgsFile(const std::string &path) {
  if (path == corepkgsPrefix + "fetchurl.nix")
    return std::string(fetchurlNix);
  if (path == corepkgsPrefix + "buildenv.nix")
    return std::string(buildenvNix);
  return std::nullopt;
}

// ---- reading ---------------------------------------------------------------

std::string readRegularFile(const std::string &path) {
  if (auto c = corepkgsFile(path))
    return *c;
  FileType t = lstatType(path);
  if (t == FileType::Missing)
    throwNotFound(path);
  if (t == FileType::Directory)
    throw EvalError(ErrorKind::Eval, "reading from file '" + path + "': " + strerror(EISDIR));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw EvalError(ErrorKind::Eval, "opening file '" + path + "': " + strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Nix's realisePath: the argument as an absolute, canonical path (a path
// value, or a string or set coercible to one), with symlinks resolved as
// asked. A string with context names store paths, which must be valid and
// are read where the store keeps them (realise.h).
std::string realisePath(EvalState &state, Value &v, std::optional<Resolve> mode = Resolve::Full) {
  std::vector<std::string> ctx;
  std::string path = util::canonPath(
      state.coerceToPath(PosIdx{}, v, ctx, "while realising the context of a path"));
  try {
    std::string real = realiseContextPath(state, path, ctx);
    if (!mode || isCorepkgsPath(real))
      return real;
    return resolveSymlinks(real, *mode);
  } catch (EvalError &e) {
    e.addTrace(PosIdx{}, "while realising the context of path '" + path + "'");
    throw;
  }
}

// Nix's resolveExprPath: follow symlinks in the file named by an import, so
// that paths inside it are relative to where it really is, and use
// default.nix for a directory.
std::string resolveExprPath(std::string path) {
  if (isCorepkgsPath(path))
    return path;
  unsigned followCount = 0;
  while (path != "/") {
    if (++followCount >= 1024)
      throw EvalError(ErrorKind::Eval,
                      "too many symbolic links encountered while traversing the path '" + path +
                          "'");
    std::string parent = parentOf(path);
    std::string p = joinPath(resolveSymlinks(parent, Resolve::Full), baseOf(path));
    FileType t = lstatType(p);
    if (t == FileType::Missing)
      throwNotFound(p);
    if (t != FileType::Symlink)
      break;
    std::string target = readLink(p);
    path = !target.empty() && target[0] == '/' ? util::canonPath(target)
                                               : util::canonPath(parent + "/" + target);
  }
  std::string resolved = resolveSymlinks(path, Resolve::Full);
  if (lstatType(resolved) == FileType::Directory) {
    std::string file = joinPath(path, "default.nix");
    if (lstatType(resolveSymlinks(file, Resolve::Full)) == FileType::Missing)
      throwNotFound(file);
    return file;
  }
  return path;
}

// A scope above the base scope. The expression tree may refer to its static
// scope for as long as it lives, so these are kept.
StaticEnv *newStaticEnv(EvalState &state) {
  static std::deque<std::unique_ptr<StaticEnv>> scopes;
  scopes.push_back(std::make_unique<StaticEnv>(nullptr, state.staticBaseEnv));
  return scopes.back().get();
}

Expr *parseFileIn(EvalState &state, const std::string &path, const StaticEnv *scope) {
  std::string text = readRegularFile(resolveSymlinks(path, Resolve::Full));
  Origin o;
  o.kind = Origin::File;
  o.path = path;
  return state.parse(std::move(text), std::move(o), parentOf(path), scope);
}

// <nix/fetchurl.nix> and friends, evaluated once like any imported file.
void evalCorepkgsFile(EvalState &state, const std::string &path, Value &v) {
  auto it = state.fileEvalCache.find(path);
  if (it != state.fileEvalCache.end()) {
    state.forceValue(*it->second, PosIdx{});
    v = *it->second;
    return;
  }
  if (!corepkgsFile(path))
    throwNotFound(path);
  // The file calls `derivation`; until the store layer defines it, bind the
  // name to an error so that the file still parses (and is a function).
  Symbol sDerivation = state.symbols.intern("derivation");
  Expr *e;
  Value *res = state.allocValue();
  if (state.staticBaseEnv->find(sDerivation)) {
    e = parseFileIn(state, path, state.staticBaseEnv);
    state.eval(e, *res);
  } else {
    StaticEnv *scope = newStaticEnv(state);
    scope->vars.emplace_back(sDerivation, 0);
    e = parseFileIn(state, path, scope);
    Env *env = state.allocEnv(1);
    env->up = state.baseEnv;
    Value *missing = state.allocValue();
    Expr *body = state.parseString("abort \"builtins.derivation is not available in this build\"",
                                   "/", Origin::String);
    missing->mkThunk(state.baseEnv, body);
    env->values[0] = missing;
    e->eval(state, *env, *res);
  }
  state.fileEvalCache[path] = res;
  v = *res;
}

void importFile(EvalState &state, PosIdx pos, Value &vPath, Value *vScope, Value &v) {
  std::string path = realisePath(state, vPath, std::nullopt);
  if (!vScope) {
    if (isCorepkgsPath(path)) {
      evalCorepkgsFile(state, path, v);
      return;
    }
    state.evalFile(resolveExprPath(path), v);
    return;
  }

  state.forceAttrs(*vScope, pos,
                   "while evaluating the first argument passed to builtins.scopedImport");
  Bindings *attrs = vScope->attrs;
  // The scope's names sit right above the base scope.
  StaticEnv *se = newStaticEnv(state);
  Env *env = state.allocEnv(attrs->size);
  env->up = state.baseEnv;
  uint32_t displ = 0;
  for (auto &a : *attrs) {
    se->vars.emplace_back(a.name, displ);
    env->values[displ++] = a.value;
  }
  se->sort();
  std::string file = resolveExprPath(path);
  Expr *e = parseFileIn(state, file, se);
  e->eval(state, *env, v);
}

void prim_import(EvalState &state, PosIdx pos, Value **args, Value &v) {
  importFile(state, pos, *args[0], nullptr, v);
}
RegisterPrimOp r_import("import", 1, prim_import);

void prim_scopedImport(EvalState &state, PosIdx pos, Value **args, Value &v) {
  importFile(state, pos, *args[1], args[0], v);
}
RegisterPrimOp r_scopedImport("scopedImport", 2, prim_scopedImport);

void prim_readFile(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string path = realisePath(state, *args[0]);
  std::string s = readRegularFile(path);
  if (s.find('\0') != std::string::npos)
    throw EvalError(ErrorKind::Eval, "the contents of the file '" + path +
                                         "' cannot be represented as a Nix string");
  v.mkString(s);
}
RegisterPrimOp r_readFile("__readFile", 1, prim_readFile);

void prim_readFileType(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string path = realisePath(state, *args[0], std::nullopt);
  if (corepkgsFile(path)) {
    v.mkString("regular", nullptr);
    return;
  }
  FileType t = lstatType(path);
  if (t == FileType::Missing)
    throwNotFound(path);
  v.mkString(fileTypeName(t), nullptr);
}
RegisterPrimOp r_readFileType("__readFileType", 1, prim_readFileType);

void prim_readDir(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string path = realisePath(state, *args[0]);
  FileType t = lstatType(path);
  if (t == FileType::Missing)
    throwNotFound(path);
  if (t != FileType::Directory)
    throw EvalError(ErrorKind::Eval, "'" + path + "' is not a directory");
  DIR *dir = opendir(path.c_str());
  if (!dir)
    throw EvalError(ErrorKind::Eval, "opening directory '" + path + "': " + strerror(errno));
  std::vector<std::pair<std::string, FileType>> entries;
  errno = 0;
  while (dirent *d = readdir(dir)) {
    std::string name = d->d_name;
    if (name == "." || name == "..")
      continue;
    FileType ft;
    switch (d->d_type) {
    case DT_REG:
      ft = FileType::Regular;
      break;
    case DT_DIR:
      ft = FileType::Directory;
      break;
    case DT_LNK:
      ft = FileType::Symlink;
      break;
    case DT_UNKNOWN:
      ft = lstatType(joinPath(path, name));
      break;
    default:
      ft = FileType::Unknown;
      break;
    }
    entries.emplace_back(std::move(name), ft);
  }
  int err = errno;
  closedir(dir);
  if (err)
    throw EvalError(ErrorKind::Eval, "reading directory '" + path + "': " + strerror(err));
  EvalState::BindingsBuilder b(state, uint32_t(entries.size()));
  for (auto &[name, ft] : entries)
    b.alloc(name).mkString(fileTypeName(ft), nullptr);
  v.mkAttrs(b.finish());
}
RegisterPrimOp r_readDir("__readDir", 1, prim_readDir);

void prim_pathExists(EvalState &state, PosIdx pos, Value **args, Value &v) {
  Value &arg = *args[0];
  state.forceValue(arg, pos);
  // A string naming a directory with a trailing slash must be one.
  bool mustBeDir = false;
  if (arg.type == VType::String) {
    std::string_view s = arg.str();
    mustBeDir = s.ends_with("/") || s.ends_with("/.");
  }
  std::string path = realisePath(state, arg, mustBeDir ? Resolve::Full : Resolve::Ancestors);
  if (isCorepkgsPath(path)) {
    v.mkBool(!mustBeDir && corepkgsFile(path).has_value());
    return;
  }
  FileType t = lstatType(path);
  v.mkBool(t != FileType::Missing && (!mustBeDir || t == FileType::Directory));
}
RegisterPrimOp r_pathExists("__pathExists", 1, prim_pathExists);

void prim_toPath(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string path = state.coerceToPath(
      PosIdx{}, *args[0], ctx, "while evaluating the first argument passed to builtins.toPath");
  state.mkString(v, util::canonPath(path), ctx);
}
RegisterPrimOp r_toPath("__toPath", 1, prim_toPath);

void prim_hashFile(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string_view algoName = state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.hashFile");
  format::HashAlgo algo;
  try {
    algo = format::parseHashAlgoOrThrow(algoName);
  } catch (format::HashError &e) {
    throw EvalError(ErrorKind::Eval, e.what());
  }
  std::string path = realisePath(state, *args[1]);
  format::Hash h;
  if (isCorepkgsPath(path)) {
    h = format::hashString(algo, readRegularFile(path));
  } else {
    FileType t = lstatType(path);
    if (t == FileType::Missing)
      throwNotFound(path);
    if (t == FileType::Directory)
      throw EvalError(ErrorKind::Eval, "reading from file '" + path + "': " + strerror(EISDIR));
    try {
      h = store::hashFile(algo, path);
    } catch (const util::SysError &e) {
      throw EvalError(ErrorKind::Eval, e.what());
    }
  }
  v.mkString(h.to(format::HashFormat::Base16, false));
}
RegisterPrimOp r_hashFile("__hashFile", 2, prim_hashFile);

// ---- the search path -------------------------------------------------------

struct LookupElem {
  std::string prefix, path;
};

// "prefix=path", or a plain "path" with an empty prefix.
LookupElem parseLookupElem(std::string_view raw) {
  size_t eq = raw.find('=');
  if (eq == std::string_view::npos)
    return {"", std::string(raw)};
  return {std::string(raw.substr(0, eq)), std::string(raw.substr(eq + 1))};
}

std::vector<LookupElem> stateLookupPath(EvalState &state) {
  std::vector<LookupElem> r;
  if (state.settings.pureEval)
    return r;
  for (auto &s : state.settings.nixPath)
    r.push_back(parseLookupElem(s));
  return r;
}

// The rest of `name` below `prefix`, if the prefix applies to it.
std::optional<std::string_view> suffixIfPotentialMatch(std::string_view prefix,
                                                       std::string_view name) {
  size_t n = prefix.size();
  bool needSeparator = n > 0 && n < name.size();
  if (needSeparator && name[n] != '/')
    return std::nullopt;
  if (name.compare(0, n, prefix) != 0)
    return std::nullopt;
  return name.substr(needSeparator ? n + 1 : n);
}

bool isPseudoUrl(std::string_view s) {
  if (s.starts_with("channel:") || s.starts_with("flake:"))
    return true;
  size_t c = s.find("://");
  if (c == std::string_view::npos)
    return false;
  std::string_view scheme = s.substr(0, c);
  for (auto known : {"http", "https", "file", "channel", "git", "s3", "ssh"})
    if (scheme == known || scheme.ends_with(std::string("+") + known))
      return true;
  return false;
}

// A search path entry's directory, once per entry and run (Nix warns once
// about an entry that does not exist).
std::optional<std::string> resolveLookupPathPath(EvalState &state, const std::string &value) {
  static std::map<std::pair<const EvalState *, std::string>, std::optional<std::string>> resolved;
  auto key = std::make_pair(static_cast<const EvalState *>(&state), value);
  auto it = resolved.find(key);
  if (it != resolved.end())
    return it->second;
  std::optional<std::string> res;
  if (isPseudoUrl(value)) {
    // Downloads need the store and fetchers, which do not exist yet.
    state.warn("Nix search path entry '" + value + "' cannot be downloaded, ignoring");
  } else {
    std::string path = util::absPath(value, util::currentDir());
    if (lstatType(resolveSymlinks(path, Resolve::Full)) != FileType::Missing)
      res = path;
    else
      state.warn("Nix search path entry '" + value + "' does not exist, ignoring");
  }
  resolved.emplace(key, res);
  return res;
}

std::optional<std::string> lookupInUserPath(EvalState &state,
                                            const std::vector<LookupElem> &lookupPath,
                                            std::string_view name) {
  for (auto &e : lookupPath) {
    auto suffix = suffixIfPotentialMatch(e.prefix, name);
    if (!suffix)
      continue;
    auto dir = resolveLookupPathPath(state, e.path);
    if (!dir)
      continue;
    // The match is returned as found, without following symlinks in it.
    std::string res = util::canonPath(*dir + "/" + std::string(*suffix));
    if (lstatType(res) != FileType::Missing)
      return res;
  }
  return std::nullopt;
}

// `name` below the shipped Nix code's directory, if it is there.
std::optional<std::string> inDataDir(std::string_view dir, std::string_view suffix) {
  const auto &data = bastionDataDir();
  if (!data)
    return std::nullopt;
  std::string res = util::canonPath(*data + "/" + std::string(dir) +
                                    (suffix.empty() ? "" : "/" + std::string(suffix)));
  if (lstatType(res) == FileType::Missing)
    return std::nullopt;
  return res;
}

// The user's search path first; then what Nix and Bastion provide
// themselves: <nix/…> (corepkgs), <bastion/…> (our nix/ folder) and, only
// when the user's path has no `nixpkgs` at all, <nixpkgs/…> from our
// nixpkgs-compat folder (lib now, the package set once it exists). A user's
// real nixpkgs always wins, even for files ours has and theirs lacks, so
// the two are never mixed.
std::optional<std::string> lookupInPath(EvalState &state, const std::vector<LookupElem> &lookupPath,
                                        std::string_view name) {
  if (auto found = lookupInUserPath(state, lookupPath, name))
    return found;
  if (name.starts_with("nix/"))
    return corepkgsPrefix + std::string(name.substr(4));
  if (auto suffix = suffixIfPotentialMatch("bastion", name))
    return inDataDir("", *suffix);
  if (auto suffix = suffixIfPotentialMatch("nixpkgs", name)) {
    if (!suffix->empty() && lookupInUserPath(state, lookupPath, "nixpkgs"))
      return std::nullopt;
    return inDataDir("nixpkgs-compat", *suffix);
  }
  return std::nullopt;
}

void prim_findFile(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceList(*args[0], pos, "while evaluating the first argument passed to builtins.findFile");
  std::vector<LookupElem> lookupPath;
  for (size_t i = 0; i < args[0]->list.size; i++) {
    Value &elem = *args[0]->list.elems[i];
    state.forceAttrs(elem, pos,
                     "while evaluating an element of the list passed to builtins.findFile");
    LookupElem le;
    if (Value *p = elem.attrs->get(state.s.prefix))
      le.prefix = state.forceStringNoCtx(*p, pos,
                                         "while evaluating the `prefix` attribute of an element of "
                                         "the list passed to builtins.findFile");
    Value *path = elem.attrs->get(state.s.path);
    if (!path) {
      EvalError e(ErrorKind::Type, "attribute 'path' missing");
      e.addTrace(PosIdx{}, "in an element of the __nixPath");
      throw e;
    }
    std::vector<std::string> ctx;
    le.path = state.coerceToString(PosIdx{}, *path, ctx,
                                   "while evaluating the `path` attribute of an element of the "
                                   "list passed to builtins.findFile",
                                   false, false);
    lookupPath.push_back(std::move(le));
  }
  std::string_view name = state.forceStringNoCtx(
      *args[1], pos, "while evaluating the second argument passed to builtins.findFile");
  auto found = lookupInPath(state, lookupPath, name);
  if (!found) {
    std::string n(name);
    throw EvalError(
        ErrorKind::Throw,
        state.settings.pureEval
            ? "cannot look up '<" + n + ">' in pure evaluation mode (use '--impure' to override)"
            : "file '" + n +
                  "' was not found in the Nix search path (add it using $NIX_PATH or -I)");
  }
  v.mkPath(gcString(*found));
}
RegisterPrimOp r_findFile("__findFile", 2, prim_findFile);

// builtins.nixPath: the search path as { prefix, path } sets, paths as given.
RegisterConstant c_nixPath("__nixPath", [](EvalState &state, Value &v) {
  auto lookupPath = stateLookupPath(state);
  state.mkList(v, lookupPath.size());
  for (size_t i = 0; i < lookupPath.size(); i++) {
    EvalState::BindingsBuilder b(state, 2);
    b.alloc(state.s.path).mkString(lookupPath[i].path);
    b.alloc(state.s.prefix).mkString(lookupPath[i].prefix);
    Value *e = state.allocValue();
    e->mkAttrs(b.finish());
    v.list.elems[i] = e;
  }
});

} // namespace

// <name> given on the command line: the state's own search path.
std::optional<std::string> EvalState::findFile(std::string_view name) {
  return lookupInPath(*this, stateLookupPath(*this), name);
}

} // namespace bastion::lang
