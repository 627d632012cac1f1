#include "cli/eval_options.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <iterator>

#include "cli/settings.h"
#include "cli/version.h"
#include "lang/parser.h"
#include "util/exit.h"
#include "util/path.h"

namespace bastion::cli {

using namespace bastion::lang;

void usageError(const std::string &tool, const std::string &msg) {
  std::cerr << "error: " << msg << "\nTry '" << tool << " --help' for more information.\n";
  exit(1);
}

bool parseEvalArg(std::vector<std::string> &args, size_t &i, EvalOptions &o,
                  const std::string &tool) {
  const std::string &a = args[i];
  auto need = [&](size_t n) {
    if (i + n >= args.size())
      usageError(tool, "flag '" + a + "' requires " + std::to_string(n) + " argument(s)");
  };
  // As in Nix, --version and --help answer at once, whatever follows.
  if (a == "--version") {
    std::cout << versionText(tool);
    throw util::ExitNow{};
  }
  if (a == "--help") {
    std::cout << "Usage: " << tool
              << " [--arg NAME EXPR] [--argstr NAME STRING] [-A ATTRPATH] [-I PATH] [-E EXPR]\n"
                 "       [--option NAME VALUE] [--store DIR] [FILES...]\n"
                 "Bastion's "
              << tool << " takes Nix 2.8's flags; see Nix's manual for each.\n";
    throw util::ExitNow{};
  }
  if (a == "--show-trace")
    o.settings.emplace_back("show-trace", "true");
  else if (a == "-E" || a == "--expr")
    o.fromExpr = true;
  else if (a == "-A" || a == "--attr") {
    need(1);
    o.attrPaths.push_back(args[++i]);
  } else if (a == "--arg") {
    need(2);
    o.argExprs.emplace_back(args[i + 1], args[i + 2]);
    i += 2;
  } else if (a == "--argstr") {
    need(2);
    o.argStrs.emplace_back(args[i + 1], args[i + 2]);
    i += 2;
  } else if (a == "-I" || a == "--include") {
    need(1);
    o.includes.push_back(args[++i]);
  } else if (a == "--option") {
    need(2);
    o.settings.emplace_back(args[i + 1], args[i + 2]);
    i += 2;
  } else if (a == "--extra-experimental-features" || a == "--experimental-features") {
    need(1);
    o.settings.emplace_back(a.substr(2), args[++i]);
  } else if (a == "--store") {
    need(1);
    o.settings.emplace_back("store", args[++i]);
  } else if (a == "--raw" || a == "--quiet")
    ;
  else if (a == "-")
    o.readStdin = true;
  else if (a.size() > 2 && a.rfind("--", 0) == 0) {
    // --name value sets a Nix setting, as Nix's own tools accept;
    // --name / --no-name switch a Boolean one.
    std::string name = a.substr(2);
    if (i + 1 < args.size() && args[i + 1].rfind("-", 0) != 0 && name != "impure" &&
        name.rfind("no-", 0) != 0)
      o.settings.emplace_back(name, args[++i]);
    else if (name.rfind("no-", 0) == 0)
      o.settings.emplace_back(name.substr(3), "false");
    else
      o.settings.emplace_back(name, "true");
  } else if (a.size() > 1 && a[0] == '-')
    usageError(tool, "unrecognised flag '" + a + "'");
  else
    o.files.push_back(a);
  return true;
}

EvalSettings makeEvalSettings(const EvalOptions &o, bool readOnlyStore) {
  EvalSettings settings;
  loadNixConf(settings);
  for (auto &[n, v] : o.settings)
    applySetting(settings, n, v);
  for (auto &inc : o.includes)
    settings.nixPath.push_back(inc);
  if (const char *np = getenv("NIX_PATH")) {
    std::string s = np;
    size_t start = 0;
    while (start <= s.size()) {
      size_t c = s.find(':', start);
      std::string item = s.substr(start, c == std::string::npos ? std::string::npos : c - start);
      // "name=https://…" keeps its colon: only split where a new entry begins.
      while (c != std::string::npos && (s.compare(c + 1, 2, "//") == 0)) {
        size_t c2 = s.find(':', c + 1);
        item = s.substr(start, c2 == std::string::npos ? std::string::npos : c2 - start);
        c = c2;
      }
      if (!item.empty())
        settings.nixPath.push_back(item);
      if (c == std::string::npos)
        break;
      start = c + 1;
    }
  }
  settings.storeRoot = storeRoot(settings); // throws for a store URL we cannot open
  settings.readOnlyStore = readOnlyStore;
  return settings;
}

Bindings *makeAutoArgs(EvalState &state, const EvalOptions &o) {
  Bindings *autoArgs = state.allocBindings(uint32_t(o.argExprs.size() + o.argStrs.size()));
  for (auto &[name, expr] : o.argExprs) {
    Expr *e = state.parseString(expr, util::currentDir(), Origin::String);
    Value *v = state.allocValue();
    v->mkThunk(state.baseEnv, e);
    autoArgs->push(state.symbols.intern(name), v);
  }
  for (auto &[name, str] : o.argStrs)
    autoArgs->push(state.symbols.intern(name), state.mkStringValue(str));
  autoArgs->sort();
  return autoArgs;
}

std::vector<Expr *> parseInputs(EvalState &state, const EvalOptions &o) {
  std::vector<Expr *> exprs;
  if (o.readStdin) {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    exprs.push_back(state.parseString(text, util::currentDir(), Origin::Stdin));
  }
  if (o.fromExpr) {
    for (auto &f : o.files)
      exprs.push_back(state.parseString(f, util::currentDir(), Origin::String));
  } else {
    for (auto &f : o.files)
      exprs.push_back(state.parseFile(util::absPath(f, util::currentDir())));
    if (o.files.empty() && !o.readStdin)
      exprs.push_back(state.parseFile(util::absPath("default.nix", util::currentDir())));
  }
  return exprs;
}

namespace {
std::vector<std::string> splitAttrPath(const std::string &s) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : s) {
    if (c == '"')
      quoted = !quoted;
    else if (c == '.' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else
      cur += c;
  }
  if (quoted)
    throw EvalError(ErrorKind::Eval, "missing closing quote in selection path '" + s + "'");
  out.push_back(cur);
  return out;
}
} // namespace

Value *findAlongAttrPath(EvalState &state, const std::string &path, Bindings &autoArgs,
                         Value &root) {
  Value *v = &root;
  if (path.empty())
    return v;
  for (auto &comp : splitAttrPath(path)) {
    Value *res = state.allocValue();
    state.autoCallFunction(autoArgs, *v, *res);
    v = res;
    state.forceValue(*v, PosIdx{});
    char *end;
    long idx = strtol(comp.c_str(), &end, 10);
    if (!comp.empty() && *end == 0) {
      if (v->type != VType::List)
        throw EvalError(ErrorKind::Type, "the expression selected by the selection path '" + path +
                                             "' should be a list but is " + showType(v->type));
      if (idx < 0 || size_t(idx) >= v->list.size)
        throw EvalError(ErrorKind::Eval,
                        "list index " + comp + " in selection path '" + path + "' is out of range");
      v = v->list.elems[idx];
    } else {
      if (v->type != VType::Attrs)
        throw EvalError(ErrorKind::Type, "the expression selected by the selection path '" + path +
                                             "' should be a set but is " + showType(v->type));
      if (comp.empty())
        throw EvalError(ErrorKind::Eval, "empty attribute name in selection path '" + path + "'");
      Value *a = v->attrs->get(state.symbols.intern(comp));
      if (!a)
        throw EvalError(ErrorKind::MissingAttr,
                        "attribute '" + comp + "' in selection path '" + path + "' not found");
      v = a;
    }
  }
  return v;
}

} // namespace bastion::cli
