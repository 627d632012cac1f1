// `nix-instantiate` (evaluation side) and `bastion eval`.
#include <sys/resource.h>
#include <unistd.h>

#include <limits>

#include <cstring>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/settings.h"
#include "lang/eval.h"
#include "lang/json.h"
#include "lang/parser.h"
#include "lang/print.h"
#include "lang/xml.h"

namespace bastion::cli {

using namespace bastion::lang;

namespace {

struct Options {
  bool eval = false, strict = false, json = false, xml = false, location = true, parseOnly = false;
  bool fromExpr = false, readStdin = false;
  std::vector<std::string> files;
  std::vector<std::string> attrPaths;
  std::vector<std::pair<std::string, std::string>> argExprs, argStrs;
  std::vector<std::string> includes;
  std::vector<std::pair<std::string, std::string>> settings;
};

[[noreturn]] void usageError(const std::string& msg) {
  std::cerr << "error: " << msg << "\nTry 'nix-instantiate --help' for more information.\n";
  exit(1);
}

Options parseArgs(std::vector<std::string>& args, bool nativeEval) {
  Options o;
  o.eval = nativeEval;
  for (size_t i = 0; i < args.size(); i++) {
    const std::string& a = args[i];
    auto need = [&](size_t n) {
      if (i + n >= args.size()) usageError("flag '" + a + "' requires " + std::to_string(n) + " argument(s)");
    };
    if (a == "--eval" || a == "--eval-only") o.eval = true;
    else if (a == "--strict") o.strict = true;
    else if (a == "--json") o.json = true;
    else if (a == "--xml") o.xml = true;
    else if (a == "--no-location") o.location = false;
    else if (a == "--parse" || a == "--parse-only") o.parseOnly = true;
    else if (a == "--show-trace") o.settings.emplace_back("show-trace", "true");
    else if (a == "-E" || a == "--expr") o.fromExpr = true;
    else if (a == "-A" || a == "--attr") { need(1); o.attrPaths.push_back(args[++i]); }
    else if (a == "--arg") { need(2); o.argExprs.emplace_back(args[i + 1], args[i + 2]); i += 2; }
    else if (a == "--argstr") { need(2); o.argStrs.emplace_back(args[i + 1], args[i + 2]); i += 2; }
    else if (a == "-I" || a == "--include") { need(1); o.includes.push_back(args[++i]); }
    else if (a.rfind("-I", 0) == 0 && a.size() > 2) o.includes.push_back(a.substr(2));
    else if (a == "--option") { need(2); o.settings.emplace_back(args[i + 1], args[i + 2]); i += 2; }
    else if (a == "--extra-experimental-features" || a == "--experimental-features") {
      need(1);
      o.settings.emplace_back(a.substr(2), args[++i]);
    } else if (a == "--store") { need(1); o.settings.emplace_back("store", args[++i]); }
    else if (a == "--read-write-mode" || a == "--readonly-mode" || a == "--raw" || a == "--quiet" ||
             a == "-Q" || a == "--no-build-output")
      ;
    else if (a == "-") o.readStdin = true;
    else if (a.size() > 2 && a.rfind("--", 0) == 0) {
      // --name value sets a Nix setting, as Nix's own tools accept;
      // --name / --no-name switch a Boolean one.
      std::string name = a.substr(2);
      if (i + 1 < args.size() && args[i + 1].rfind("-", 0) != 0 && name != "impure" && name.rfind("no-", 0) != 0)
        o.settings.emplace_back(name, args[++i]);
      else if (name.rfind("no-", 0) == 0)
        o.settings.emplace_back(name.substr(3), "false");
      else
        o.settings.emplace_back(name, "true");
    } else if (a.size() > 1 && a[0] == '-') usageError("unrecognised flag '" + a + "'");
    else o.files.push_back(a);
  }
  return o;
}

std::vector<std::string> splitAttrPath(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : s) {
    if (c == '"') quoted = !quoted;
    else if (c == '.' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else cur += c;
  }
  if (quoted) throw EvalError(ErrorKind::Eval, "missing closing quote in selection path '" + s + "'");
  out.push_back(cur);
  return out;
}

Value* findAlongAttrPath(EvalState& state, const std::string& path, Bindings& autoArgs, Value& root) {
  Value* v = &root;
  if (path.empty()) return v;
  for (auto& comp : splitAttrPath(path)) {
    Value* res = state.allocValue();
    state.autoCallFunction(autoArgs, *v, *res);
    v = res;
    state.forceValue(*v, PosIdx{});
    char* end;
    long idx = strtol(comp.c_str(), &end, 10);
    if (!comp.empty() && *end == 0) {
      if (v->type != VType::List)
        throw EvalError(ErrorKind::Type, "the expression selected by the selection path '" + path +
                                             "' should be a list but is " + showType(v->type));
      if (idx < 0 || size_t(idx) >= v->list.size)
        throw EvalError(ErrorKind::Eval, "list index " + comp + " in selection path '" + path + "' is out of range");
      v = v->list.elems[idx];
    } else {
      if (v->type != VType::Attrs)
        throw EvalError(ErrorKind::Type, "the expression selected by the selection path '" + path +
                                             "' should be a set but is " + showType(v->type));
      if (comp.empty()) throw EvalError(ErrorKind::Eval, "empty attribute name in selection path '" + path + "'");
      Value* a = v->attrs->get(state.symbols.intern(comp));
      if (!a) throw EvalError(ErrorKind::MissingAttr, "attribute '" + comp + "' in selection path '" + path + "' not found");
      v = a;
    }
  }
  return v;
}

std::string readStdinAll() {
  std::string s((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  return s;
}

std::string cwd() {
  char buf[4096];
  if (!getcwd(buf, sizeof buf)) return "/";
  return buf;
}

int run(Options& o) {
  EvalSettings settings;
  loadNixConf(settings);
  for (auto& [n, v] : o.settings) applySetting(settings, n, v);
  for (auto& inc : o.includes) settings.nixPath.push_back(inc);
  if (const char* np = getenv("NIX_PATH")) {
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
      if (!item.empty()) settings.nixPath.push_back(item);
      if (c == std::string::npos) break;
      start = c + 1;
    }
  }

  EvalState state(settings);
  bool showTrace = state.settings.showTrace;
  try {
    // --arg / --argstr
    Bindings* autoArgs = state.allocBindings(uint32_t(o.argExprs.size() + o.argStrs.size()));
    for (auto& [name, expr] : o.argExprs) {
      Expr* e = state.parseString(expr, cwd(), Origin::String);
      Value* v = state.allocValue();
      v->mkThunk(state.baseEnv, e);
      autoArgs->push(state.symbols.intern(name), v);
    }
    for (auto& [name, str] : o.argStrs) autoArgs->push(state.symbols.intern(name), state.mkStringValue(str));
    autoArgs->sort();

    std::vector<Expr*> exprs;
    if (o.readStdin) exprs.push_back(state.parseString(readStdinAll(), cwd(), Origin::Stdin));
    if (o.fromExpr) {
      for (auto& f : o.files) exprs.push_back(state.parseString(f, cwd(), Origin::String));
    } else {
      for (auto& f : o.files) exprs.push_back(state.parseFile(absPath(f, cwd())));
      if (o.files.empty() && !o.readStdin) exprs.push_back(state.parseFile(absPath("default.nix", cwd())));
    }
    if (o.attrPaths.empty()) o.attrPaths.push_back("");

    for (Expr* e : exprs) {
      if (o.parseOnly) {
        std::ostringstream out;
        e->show(state.symbols, out);
        std::cout << out.str() << "\n";
        continue;
      }
      Value vRoot;
      state.eval(e, vRoot);
      for (auto& path : o.attrPaths) {
        Value* v = findAlongAttrPath(state, path, *autoArgs, vRoot);
        state.forceValue(*v, PosIdx{});
        if (!o.eval) {
          throw EvalError(ErrorKind::Eval,
                          "instantiating derivations needs the store, which this build of Bastion does not have yet; "
                          "use --eval");
        }
        Value vRes;
        if (autoArgs->empty())
          vRes = *v;
        else
          state.autoCallFunction(*autoArgs, *v, vRes);
        std::vector<std::string> ctx;
        if (o.xml) {
          std::ostringstream out;
          printValueAsXML(state, o.strict, o.location, vRes, out, ctx, PosIdx{});
          std::cout << out.str();
        } else if (o.json) {
          std::ostringstream out;
          printValueAsJSON(state, o.strict, vRes, PosIdx{}, out, ctx, false);
          std::cout << out.str() << "\n";
        } else {
          if (o.strict) state.forceValueDeep(vRes);
          std::ostringstream out;
          std::set<const void*> seen;
          printAmbiguous(state, vRes, out, &seen, std::numeric_limits<int>::max());
          std::cout << out.str() << "\n";
        }
      }
    }
  } catch (EvalError& e) {
    std::cout.flush();
    std::cerr << formatError(state.positions, e, showTrace);
    if (e.usage) std::cerr << "Try 'nix-instantiate --help' for more information.\n";
    return 1;
  } catch (std::bad_alloc&) {
    std::cerr << "error: out of memory\n";
    return 1;
  }
  std::cout.flush();
  return 0;
}

}  // namespace

int cmdNixInstantiate(const std::string&, std::vector<std::string>& args) {
  GC_INIT();
  Options o = parseArgs(args, false);
  return run(o);
}

int cmdEval(const std::string&, std::vector<std::string>& args) {
  GC_INIT();
  Options o = parseArgs(args, true);
  return run(o);
}

}  // namespace bastion::cli
