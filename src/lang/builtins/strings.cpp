// Builtins on strings: toString, substring, stringLength, replaceStrings,
// concatStringsSep, baseNameOf, dirOf, match, split, versions, hashes, and
// the string-context builtins (getContext, appendContext, ...).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/hash.h"
#include "lang/eval.h"
#include "lang/regex.h"
#include "lang/versions.h"

namespace bastion::lang {
namespace {

// ---- helpers -----------------------------------------------------------

// A string value whose bytes are copied onto the GC heap, without context.
Value *mkStr(EvalState &state, std::string_view s) { return state.mkStringValue(s); }

constexpr std::string_view kNix32Chars = "0123456789abcdfghijklmnpqrsvwxyz";

// Whether `path` names a store object directly inside the store directory,
// as Nix's Store::isStorePath decides it.
bool isStorePath(const EvalState &state, std::string_view path) {
  const std::string &storeDir = state.settings.storeDir;
  if (path.size() <= storeDir.size() + 1 || path.substr(0, storeDir.size()) != storeDir ||
      path[storeDir.size()] != '/')
    return false;
  std::string_view base = path.substr(storeDir.size() + 1);
  if (base.find('/') != std::string_view::npos)
    return false;
  if (base.size() < 33 || base[32] != '-')
    return false;
  for (size_t i = 0; i < 32; i++)
    if (kNix32Chars.find(base[i]) == std::string_view::npos)
      return false;
  std::string_view name = base.substr(33);
  if (name.empty() || name.size() > 211)
    return false;
  if (name[0] == '.') {
    if (name.size() == 1 || name[1] == '-')
      return false;
    if (name[1] == '.' && (name.size() == 2 || name[2] == '-'))
      return false;
  }
  for (char c : name) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '+' || c == '-' || c == '.' || c == '_' || c == '?' || c == '=';
    if (!ok)
      return false;
  }
  return true;
}

bool isDerivationPath(std::string_view path) {
  return path.size() >= 4 && path.substr(path.size() - 4) == ".drv";
}

// A decoded context element.
struct CtxElem {
  enum Kind { Opaque, DrvDeep, Built } kind;
  std::string path;   // the store path (the .drv for DrvDeep/Built)
  std::string output; // Built only
};

CtxElem decodeContext(std::string_view s) {
  if (!s.empty() && s[0] == '=')
    return {CtxElem::DrvDeep, std::string(s.substr(1)), {}};
  if (!s.empty() && s[0] == '!') {
    size_t e = s.find('!', 1);
    if (e == std::string_view::npos)
      return {CtxElem::Opaque, std::string(s), {}};
    std::string_view rest = s.substr(e + 1);
    // Dynamic derivations nest "!out!" prefixes; the innermost path is the .drv.
    size_t last = rest.rfind('!');
    if (last != std::string_view::npos)
      rest = rest.substr(last + 1);
    return {CtxElem::Built, std::string(rest), std::string(s.substr(1, e - 1))};
  }
  return {CtxElem::Opaque, std::string(s), {}};
}

// ---- toString, substring, stringLength -------------------------------------

void prim_toString(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string s = state.coerceToString(
      pos, *args[0], ctx, "while evaluating the first argument passed to builtins.toString", true,
      false);
  state.mkString(v, s, ctx);
}
RegisterPrimOp r_toString("toString", 1, prim_toString);

void prim_substring(EvalState &state, PosIdx pos, Value **args, Value &v) {
  int64_t start = state.forceInt(
      *args[0], pos,
      "while evaluating the first argument (the start offset) passed to builtins.substring");
  if (start < 0)
    state.throwError(ErrorKind::Eval, "negative start position in 'substring'", pos);
  int64_t len = state.forceInt(
      *args[1], pos,
      "while evaluating the second argument (the substring length) passed to builtins.substring");

  // An empty substring keeps the context: a cheap way to capture it.
  if (len == 0) {
    state.forceValue(*args[2], pos);
    if (args[2]->type == VType::String) {
      v.mkString("", args[2]->string.context);
      return;
    }
  }

  size_t n = len < 0 ? std::string::npos : size_t(len);
  std::vector<std::string> ctx;
  std::string s = state.coerceToString(
      pos, *args[2], ctx,
      "while evaluating the third argument (the string) passed to builtins.substring");
  if (uint64_t(start) >= s.size())
    state.mkString(v, "", ctx);
  else
    state.mkString(v, std::string_view(s).substr(size_t(start), n), ctx);
}
RegisterPrimOp r_substring("__substring", 3, prim_substring);

void prim_stringLength(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string s = state.coerceToString(
      pos, *args[0], ctx, "while evaluating the argument passed to builtins.stringLength");
  v.mkInt(int64_t(s.size()));
}
RegisterPrimOp r_stringLength("__stringLength", 1, prim_stringLength);

// ---- replaceStrings, concatStringsSep --------------------------------------

void prim_replaceStrings(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceList(*args[0], pos,
                  "while evaluating the first argument passed to builtins.replaceStrings");
  state.forceList(*args[1], pos,
                  "while evaluating the second argument passed to builtins.replaceStrings");
  if (args[0]->list.size != args[1]->list.size)
    state.throwError(
        ErrorKind::Eval,
        "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths", pos);

  size_t n = args[0]->list.size;
  std::vector<std::string_view> from;
  from.reserve(n);
  for (size_t i = 0; i < n; i++)
    from.push_back(state.forceString(
        *args[0]->list.elems[i], pos,
        "while evaluating one of the strings to replace passed to builtins.replaceStrings"));

  Value **to = args[1]->list.elems;
  // Replacements are forced only when their pattern first matches.
  std::vector<std::optional<std::string_view>> cache(n);

  std::vector<std::string> ctx;
  std::string_view s = state.forceString(
      *args[2], ctx, pos, "while evaluating the third argument passed to builtins.replaceStrings");

  std::string res;
  res.reserve(s.size());
  // One past the end, so that an empty pattern also matches at the end.
  for (size_t p = 0; p <= s.size();) {
    bool found = false;
    for (size_t j = 0; j < n; j++) {
      const std::string_view &f = from[j];
      if (s.compare(p, f.size(), f) != 0)
        continue;
      found = true;
      if (!cache[j]) {
        cache[j] = state.forceString(
            *to[j], ctx, pos,
            "while evaluating one of the replacement strings passed to builtins.replaceStrings");
      }
      res += *cache[j];
      if (f.empty()) {
        if (p < s.size())
          res += s[p];
        p++;
      } else {
        p += f.size();
      }
      break;
    }
    if (!found) {
      if (p < s.size())
        res += s[p];
      p++;
    }
  }
  state.mkString(v, res, ctx);
}
RegisterPrimOp r_replaceStrings("__replaceStrings", 3, prim_replaceStrings);

void prim_concatStringsSep(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string sep(state.forceString(*args[0], ctx, pos,
                                    "while evaluating the first argument (the separator string) "
                                    "passed to builtins.concatStringsSep"));
  state.forceList(*args[1], pos,
                  "while evaluating the second argument (the list of strings to concat) passed to "
                  "builtins.concatStringsSep");
  std::string res;
  for (size_t i = 0; i < args[1]->list.size; i++) {
    if (i)
      res += sep;
    res += state.coerceToString(pos, *args[1]->list.elems[i], ctx,
                                "while evaluating one element of the list of strings to concat "
                                "passed to builtins.concatStringsSep");
  }
  state.mkString(v, res, ctx);
}
RegisterPrimOp r_concatStringsSep("__concatStringsSep", 2, prim_concatStringsSep);

// ---- baseNameOf, dirOf -----------------------------------------------------

// Strips at most one trailing slash, as Nix has always done.
std::string_view legacyBaseNameOf(std::string_view path) {
  if (path.empty())
    return "";
  size_t last = path.size() - 1;
  if (path[last] == '/' && last > 0)
    last -= 1;
  size_t p = path.rfind('/', last);
  p = p == std::string_view::npos ? 0 : p + 1;
  return path.substr(p, last - p + 1);
}

void prim_baseNameOf(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string s = state.coerceToString(
      pos, *args[0], ctx, "while evaluating the first argument passed to builtins.baseNameOf",
      false, false);
  state.mkString(v, legacyBaseNameOf(s), ctx);
}
RegisterPrimOp r_baseNameOf("baseNameOf", 1, prim_baseNameOf);

void prim_dirOf(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceValue(*args[0], pos);
  if (args[0]->type == VType::Path) {
    std::string_view p = args[0]->path;
    size_t slash = p.rfind('/');
    if (p == "/" || slash == std::string_view::npos)
      v.mkPath(args[0]->path);
    else
      v.mkPath(gcString(slash == 0 ? std::string_view("/") : p.substr(0, slash)));
    return;
  }
  std::vector<std::string> ctx;
  std::string s = state.coerceToString(
      pos, *args[0], ctx, "while evaluating the first argument passed to 'builtins.dirOf'", false,
      false);
  size_t slash = s.rfind('/');
  if (slash == std::string::npos)
    state.mkString(v, ".", ctx);
  else if (slash == 0)
    state.mkString(v, "/", ctx);
  else
    state.mkString(v, std::string_view(s).substr(0, slash), ctx);
}
RegisterPrimOp r_dirOf("dirOf", 1, prim_dirOf);

// ---- match, split ------------------------------------------------------------

void prim_match(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string re(state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.match"));
  try {
    regexMatch(re, ""); // compile (and report a bad pattern) before forcing the string
    std::vector<std::string> ctx;
    std::string_view str = state.forceString(
        *args[1], ctx, pos, "while evaluating the second argument passed to builtins.match");
    auto groups = regexMatch(re, str);
    if (!groups) {
      v.mkNull();
      return;
    }
    state.mkList(v, groups->size());
    for (size_t i = 0; i < groups->size(); i++) {
      auto &g = (*groups)[i];
      if (g)
        v.list.elems[i] = mkStr(state, *g);
      else
        v.list.elems[i] = &state.vNull;
    }
  } catch (RegexError &e) {
    state.throwError(ErrorKind::Eval, e.what(), pos);
  }
}
RegisterPrimOp r_match("__match", 2, prim_match);

void prim_split(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string re(state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.split"));
  try {
    regexMatch(re, "");
    std::vector<std::string> ctx;
    std::string_view str = state.forceString(
        *args[1], ctx, pos, "while evaluating the second argument passed to builtins.split");
    std::vector<SplitPart> parts = regexSplit(re, str);
    state.mkList(v, parts.size());
    if (parts.size() == 1) { // no match: the string itself, context and all
      v.list.elems[0] = args[1];
      return;
    }
    for (size_t i = 0; i < parts.size(); i++) {
      SplitPart &part = parts[i];
      if (!part.isMatch) {
        v.list.elems[i] = mkStr(state, part.text);
        continue;
      }
      Value *l = state.allocValue();
      state.mkList(*l, part.groups.size());
      for (size_t k = 0; k < part.groups.size(); k++) {
        auto &g = part.groups[k];
        l->list.elems[k] = g ? mkStr(state, *g) : &state.vNull;
      }
      v.list.elems[i] = l;
    }
  } catch (RegexError &e) {
    state.throwError(ErrorKind::Eval, e.what(), pos);
  }
}
RegisterPrimOp r_split("__split", 2, prim_split);

// ---- versions ----------------------------------------------------------------

void prim_parseDrvName(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string_view name = state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.parseDrvName");
  DrvName parsed = parseDrvName(name);
  EvalState::BindingsBuilder b(state, 2);
  b.alloc(state.s.name).mkString(parsed.name);
  b.alloc("version").mkString(parsed.version);
  v.mkAttrs(b.finish());
}
RegisterPrimOp r_parseDrvName("__parseDrvName", 1, prim_parseDrvName);

void prim_compareVersions(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string a(state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.compareVersions"));
  std::string_view b = state.forceStringNoCtx(
      *args[1], pos, "while evaluating the second argument passed to builtins.compareVersions");
  int r = compareVersions(a, b);
  v.mkInt(r < 0 ? -1 : r > 0 ? 1 : 0);
}
RegisterPrimOp r_compareVersions("__compareVersions", 2, prim_compareVersions);

void prim_splitVersion(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string_view version = state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.splitVersion");
  std::vector<std::string> parts = splitVersion(version);
  if (parts.empty()) {
    v = *state.emptyList;
    return;
  }
  state.mkList(v, parts.size());
  for (size_t i = 0; i < parts.size(); i++)
    v.list.elems[i] = mkStr(state, parts[i]);
}
RegisterPrimOp r_splitVersion("__splitVersion", 1, prim_splitVersion);

// ---- hashes ------------------------------------------------------------------

// Errors from libutil (bad hashes, unknown names) carry no position.
[[noreturn]] void rethrowHashError(const format::HashError &e) {
  EvalError err(ErrorKind::Eval, e.what());
  err.usage = e.kind == format::HashError::Kind::Usage;
  throw err;
}

void prim_hashString(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string algo(state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.hashString"));
  format::HashAlgo ha;
  try {
    ha = format::parseHashAlgoOrThrow(algo);
  } catch (format::HashError &e) {
    rethrowHashError(e);
  }
  std::vector<std::string> ctx; // discarded
  std::string_view s = state.forceString(
      *args[1], ctx, pos, "while evaluating the second argument passed to builtins.hashString");
  v.mkString(format::hashString(ha, s).to(format::HashFormat::Base16, false));
}
RegisterPrimOp r_hashString("__hashString", 2, prim_hashString);

Value &getAttrOrThrow(EvalState &state, Bindings &attrs, std::string_view name,
                      std::string_view errorCtx) {
  Symbol sym = state.symbols.intern(name);
  Value *a = attrs.get(sym);
  if (!a) {
    EvalError e(ErrorKind::MissingAttr, "attribute '" + std::string(name) + "' missing");
    e.addTrace(PosIdx{}, std::string(errorCtx));
    throw e;
  }
  return *a;
}

void prim_convertHash(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceAttrs(*args[0], pos,
                   "while evaluating the first argument passed to builtins.convertHash");
  Bindings &attrs = *args[0]->attrs;

  Value &vHash = getAttrOrThrow(state, attrs, "hash", "while locating the attribute 'hash'");
  std::string hash(state.forceStringNoCtx(vHash, pos, "while evaluating the attribute 'hash'"));

  std::optional<format::HashAlgo> ha;
  if (Value *vAlgo = attrs.get(state.symbols.intern("hashAlgo"))) {
    std::string_view algo =
        state.forceStringNoCtx(*vAlgo, pos, "while evaluating the attribute 'hashAlgo'");
    try {
      ha = format::parseHashAlgoOrThrow(algo);
    } catch (format::HashError &e) {
      rethrowHashError(e);
    }
  }

  Value &vFormat =
      getAttrOrThrow(state, attrs, "toHashFormat", "while locating the attribute 'toHashFormat'");
  std::string_view fmt =
      state.forceStringNoCtx(vFormat, pos, "while evaluating the attribute 'toHashFormat'");
  try {
    std::string warning;
    format::HashFormat hf = format::parseHashFormatOrThrow(fmt, &warning);
    if (!warning.empty())
      state.warn(warning);
    format::Hash h = format::parseHashAny(hash, ha);
    v.mkString(h.to(hf, hf == format::HashFormat::SRI));
  } catch (format::HashError &e) {
    rethrowHashError(e);
  }
}
RegisterPrimOp r_convertHash("__convertHash", 1, prim_convertHash);

// ---- string context ----------------------------------------------------------

void prim_unsafeDiscardStringContext(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string s = state.coerceToString(
      pos, *args[0], ctx,
      "while evaluating the argument passed to builtins.unsafeDiscardStringContext");
  v.mkString(s);
}
RegisterPrimOp r_unsafeDiscardStringContext("__unsafeDiscardStringContext", 1,
                                            prim_unsafeDiscardStringContext);

void prim_hasContext(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceString(*args[0], pos, "while evaluating the argument passed to builtins.hasContext");
  v.mkBool(args[0]->string.context && args[0]->string.context[0]);
}
RegisterPrimOp r_hasContext("__hasContext", 1, prim_hasContext);

void prim_unsafeDiscardOutputDependency(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string s = state.coerceToString(
      pos, *args[0], ctx,
      "while evaluating the argument passed to builtins.unsafeDiscardOutputDependency");
  for (auto &c : ctx)
    if (!c.empty() && c[0] == '=')
      c.erase(0, 1);
  state.mkString(v, s, ctx);
}
RegisterPrimOp r_unsafeDiscardOutputDependency("__unsafeDiscardOutputDependency", 1,
                                               prim_unsafeDiscardOutputDependency);

void prim_addDrvOutputDependencies(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string s = state.coerceToString(
      pos, *args[0], ctx,
      "while evaluating the argument passed to builtins.addDrvOutputDependencies");
  Context tmp = state.makeContext(ctx); // sorted and deduplicated
  size_t count = 0;
  if (tmp)
    while (tmp[count])
      count++;
  if (count != 1)
    state.throwError(ErrorKind::Eval,
                     "context of string '" + s + "' must have exactly one element, but has " +
                         std::to_string(count),
                     pos);
  CtxElem e = decodeContext(tmp[0]);
  std::string out;
  switch (e.kind) {
  case CtxElem::Opaque:
    if (!isDerivationPath(e.path))
      state.throwError(ErrorKind::Eval, "path '" + e.path + "' is not a derivation", pos);
    out = "=" + e.path;
    break;
  case CtxElem::Built:
    state.throwError(ErrorKind::Eval,
                     "`addDrvOutputDependencies` can only act on derivations, not on a derivation "
                     "output such as '" +
                         e.output + "'",
                     pos);
  case CtxElem::DrvDeep:
    out = tmp[0];
    break;
  }
  state.mkString(v, s, {out});
}
RegisterPrimOp r_addDrvOutputDependencies("__addDrvOutputDependencies", 1,
                                          prim_addDrvOutputDependencies);

void prim_getContext(EvalState &state, PosIdx pos, Value **args, Value &v) {
  struct Info {
    bool path = false;
    bool allOutputs = false;
    std::vector<std::string> outputs;
  };
  state.forceString(*args[0], pos, "while evaluating the argument passed to builtins.getContext");
  std::map<std::string, Info> infos;
  if (Context c = args[0]->string.context)
    for (; *c; c++) {
      CtxElem e = decodeContext(*c);
      Info &info = infos[e.path];
      switch (e.kind) {
      case CtxElem::Opaque:
        info.path = true;
        break;
      case CtxElem::DrvDeep:
        info.allOutputs = true;
        break;
      case CtxElem::Built:
        info.outputs.push_back(e.output);
        break;
      }
    }

  Symbol sPath = state.symbols.intern("path");
  Symbol sAllOutputs = state.symbols.intern("allOutputs");
  EvalState::BindingsBuilder b(state, uint32_t(infos.size()));
  for (auto &[path, info] : infos) {
    EvalState::BindingsBuilder ib(state, 3);
    if (info.path)
      ib.alloc(sPath).mkBool(true);
    if (info.allOutputs)
      ib.alloc(sAllOutputs).mkBool(true);
    if (!info.outputs.empty()) {
      Value &l = ib.alloc(state.s.outputs);
      state.mkList(l, info.outputs.size());
      for (size_t i = 0; i < info.outputs.size(); i++)
        l.list.elems[i] = mkStr(state, info.outputs[i]);
    }
    b.alloc(path).mkAttrs(ib.finish());
  }
  v.mkAttrs(b.finish());
}
RegisterPrimOp r_getContext("__getContext", 1, prim_getContext);

void prim_appendContext(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::vector<std::string> ctx;
  std::string orig(
      state.forceString(*args[0], ctx, PosIdx{},
                        "while evaluating the first argument passed to builtins.appendContext"));
  state.forceAttrs(*args[1], pos,
                   "while evaluating the second argument passed to builtins.appendContext");

  Symbol sPath = state.symbols.intern("path");
  Symbol sAllOutputs = state.symbols.intern("allOutputs");
  for (auto &attr : *args[1]->attrs) {
    const std::string &name = state.symbols[attr.name];
    if (!isStorePath(state, name))
      state.throwError(ErrorKind::Eval, "context key '" + name + "' is not a store path", attr.pos);
    state.forceAttrs(*attr.value, attr.pos, "while evaluating the value of a string context");
    Bindings &info = *attr.value->attrs;

    if (auto *a = info.find(sPath)) {
      if (state.forceBool(*a->value, a->pos,
                          "while evaluating the `path` attribute of a string context"))
        ctx.push_back(name);
    }
    if (auto *a = info.find(sAllOutputs)) {
      if (state.forceBool(*a->value, a->pos,
                          "while evaluating the `allOutputs` attribute of a string context")) {
        if (!isDerivationPath(name))
          state.throwError(ErrorKind::Eval,
                           "tried to add all-outputs context of " + name +
                               ", which is not a derivation, to a string",
                           attr.pos);
        ctx.push_back("=" + name);
      }
    }
    if (auto *a = info.find(state.s.outputs)) {
      state.forceList(*a->value, a->pos,
                      "while evaluating the `outputs` attribute of a string context");
      if (a->value->list.size && !isDerivationPath(name))
        state.throwError(ErrorKind::Eval,
                         "tried to add derivation output context of " + name +
                             ", which is not a derivation, to a string",
                         attr.pos);
      for (size_t i = 0; i < a->value->list.size; i++) {
        std::string_view out =
            state.forceStringNoCtx(*a->value->list.elems[i], a->pos,
                                   "while evaluating an output name within a string context");
        std::string c = "!";
        c.append(out).append("!").append(name);
        ctx.push_back(std::move(c));
      }
    }
  }
  state.mkString(v, orig, ctx);
}
RegisterPrimOp r_appendContext("__appendContext", 2, prim_appendContext);

} // namespace
} // namespace bastion::lang
