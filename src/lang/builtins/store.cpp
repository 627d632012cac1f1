// Builtins that put things into the store or name what is there: toFile,
// path, filterSource and storePath.
#include <sys/stat.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "format/hash.h"
#include "format/store_path.h"
#include "lang/builtins/store_call.h"
#include "lang/eval.h"
#include "lang/eval_store.h"
#include "lang/parser.h"
#include "util/path.h"

namespace bastion::lang {
namespace {

using format::FileIngestionMethod;

void prim_toFile(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string name(state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.toFile"));
  std::string contents(state.forceString(
      *args[1], ctx, pos, "while evaluating the second argument passed to builtins.toFile"));
  std::set<std::string> refs;
  for (auto &c : ctx) {
    if (c[0] == '=' || c[0] == '!')
      state.throwError(ErrorKind::Eval,
                       "files created by builtins.toFile may not reference derivations, but " +
                           name + " references " + c,
                       pos);
    refs.insert(c);
  }
  // The file's references carry the context; the result needs only itself.
  std::string path =
      storeCall(state, pos, [&] { return state.store().addText(name, contents, refs); });
  mkStorePathString(state, path, v);
}
RegisterPrimOp r_toFile("__toFile", 2, prim_toFile);

// The filter gets each entry's path and type, as builtins.path documents.
bool callPathFilter(EvalState &state, Value &filter, const std::string &path, PosIdx pos) {
  struct stat st;
  const char *type = "unknown";
  if (lstat(path.c_str(), &st) == 0) {
    if (S_ISREG(st.st_mode))
      type = "regular";
    else if (S_ISDIR(st.st_mode))
      type = "directory";
    else if (S_ISLNK(st.st_mode))
      type = "symlink";
  }
  Value *args[2] = {state.mkStringValue(path), state.mkStringValue(type)};
  Value res;
  state.callFunction(filter, 2, args, res, pos);
  return state.forceBool(res, pos, "while evaluating the return value of the path filter function");
}

void addPath(EvalState &state, PosIdx pos, const std::string &name, const std::string &path,
             Value *filter, FileIngestionMethod method, const std::optional<format::Hash> &expected,
             Value &v) {
  try {
    EvalStore &store = state.store();
    store::PathFilter pathFilter;
    if (filter)
      pathFilter = [&](const std::string &p) { return callPathFilter(state, *filter, p, pos); };
    std::optional<std::string> expectedPath;
    if (expected)
      expectedPath = storeCall(state, pos, [&] {
        return format::printStorePath(format::makeFixedOutputPath(method, *expected, name, {},
                                                                  false, state.settings.storeDir),
                                      state.settings.storeDir);
      });
    // A source that is already there under the promised hash is not read again.
    if (expectedPath && !store.readOnly() &&
        storeCall(state, pos, [&] { return store.isValidPath(*expectedPath); })) {
      mkStorePathString(state, *expectedPath, v);
      return;
    }
    std::string dst =
        storeCall(state, pos, [&] { return store.addPath(name, path, method, pathFilter).first; });
    if (expectedPath && *expectedPath != dst)
      state.throwError(ErrorKind::Eval,
                       "store path mismatch in (possibly filtered) path added from '" + path + "'",
                       pos);
    mkStorePathString(state, dst, v);
  } catch (EvalError &e) {
    e.addTrace(pos, "while adding path '" + path + "'");
    throw;
  }
}

std::string baseName(const std::string &path) { return path.substr(path.rfind('/') + 1); }

void prim_filterSource(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string path =
      util::canonPath(state.coerceToPath(pos, *args[1], ctx,
                                         "while evaluating the second argument (the path "
                                         "to filter) passed to 'builtins.filterSource'"));
  state.forceFunction(*args[0], pos,
                      "while evaluating the first argument passed to builtins.filterSource");
  addPath(state, pos, baseName(path), path, args[0], FileIngestionMethod::Recursive, std::nullopt,
          v);
}
RegisterPrimOp r_filterSource("__filterSource", 2, prim_filterSource);

void prim_path(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceAttrs(*args[0], pos, "while evaluating the argument passed to 'builtins.path'");
  std::optional<std::string> path;
  std::string name;
  Value *filter = nullptr;
  FileIngestionMethod method = FileIngestionMethod::Recursive;
  std::optional<format::Hash> expected;
  std::vector<std::string> ctx;
  for (auto &a : *args[0]->attrs) {
    const std::string &n = state.symbols[a.name];
    if (n == "path")
      path = util::canonPath(state.coerceToPath(
          a.pos, *a.value, ctx, "while evaluating the 'path' attribute passed to 'builtins.path'"));
    else if (n == "name")
      name = state.forceStringNoCtx(
          *a.value, a.pos, "while evaluating the `name` attribute passed to builtins.path");
    else if (n == "filter") {
      filter = a.value;
      state.forceFunction(*filter, a.pos,
                          "while evaluating the `filter` parameter passed to builtins.path");
    } else if (n == "recursive")
      method = state.forceBool(*a.value, a.pos,
                               "while evaluating the `recursive` attribute passed to builtins.path")
                   ? FileIngestionMethod::Recursive
                   : FileIngestionMethod::Flat;
    else if (n == "sha256") {
      std::string_view h = state.forceStringNoCtx(
          *a.value, a.pos, "while evaluating the `sha256` attribute passed to builtins.path");
      expected = storeCall(
          state, a.pos, [&] { return format::parseHashAllowEmpty(h, format::HashAlgo::SHA256); });
    } else
      state.throwError(ErrorKind::Eval, "unsupported argument '" + n + "' to 'addPath'", a.pos);
  }
  if (!path)
    state.throwError(ErrorKind::Eval,
                     "missing required 'path' attribute in the first argument to 'builtins.path'",
                     pos);
  if (name.empty())
    name = baseName(*path);
  addPath(state, pos, name, *path, filter, method, expected, v);
}
RegisterPrimOp r_path("__path", 1, prim_path);

void prim_storePath(EvalState &state, PosIdx pos, Value **args, Value &v) {
  if (state.settings.pureEval)
    state.throwError(ErrorKind::Eval, "'builtins.storePath' is not allowed in pure evaluation mode",
                     pos);
  std::vector<std::string> ctx;
  std::string path = util::canonPath(state.coerceToPath(
      pos, *args[0], ctx, "while evaluating the first argument passed to 'builtins.storePath'"));
  const std::string &dir = state.settings.storeDir;
  if (path.size() <= dir.size() + 1 || path.compare(0, dir.size(), dir) != 0 ||
      path[dir.size()] != '/')
    state.throwError(ErrorKind::Eval, "path '" + path + "' is not in the Nix store", pos);
  // The store object is the first component below the store directory.
  std::string storePath = path.substr(0, path.find('/', dir.size() + 1));
  storeCall(state, pos, [&] { return format::parseStorePath(storePath, dir); });
  EvalStore &store = state.store();
  if (!store.readOnly() && !storeCall(state, pos, [&] { return store.isValidPath(storePath); }))
    state.throwError(ErrorKind::Eval, "path '" + storePath + "' is not valid", pos);
  ctx.push_back(storePath);
  state.mkString(v, path, ctx);
}
RegisterPrimOp r_storePath("__storePath", 1, prim_storePath);

} // namespace
} // namespace bastion::lang
