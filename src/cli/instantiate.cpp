// `nix-instantiate` and `bastion eval`: evaluate, and either print the value
// (--eval, --parse) or write the derivations it holds and print their paths.
#include <iostream>
#include <limits>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/derivations.h"
#include "cli/eval_options.h"
#include "cli/legacy_args.h"
#include "lang/eval.h"
#include "lang/eval_store.h"
#include "lang/json.h"
#include "lang/print.h"
#include "lang/xml.h"
#include "util/exit.h"

namespace bastion::cli {

using namespace bastion::lang;

namespace {

struct Options {
  EvalOptions eval;
  bool evalOnly = false, strict = false, json = false, xml = false, location = true,
       parseOnly = false;
  bool readWrite = false;
};

Options parseArgs(std::vector<std::string> &args, bool nativeEval) {
  Options o;
  o.evalOnly = nativeEval;
  for (size_t i = 0; i < args.size(); i++) {
    expandCompound(args, i);
    const std::string &a = args[i];
    if (a == "--eval" || a == "--eval-only")
      o.evalOnly = true;
    else if (a == "--strict")
      o.strict = true;
    else if (a == "--json")
      o.json = true;
    else if (a == "--xml")
      o.xml = true;
    else if (a == "--no-location")
      o.location = false;
    else if (a == "--parse" || a == "--parse-only")
      o.parseOnly = true;
    else if (a == "--read-write-mode")
      o.readWrite = true;
    else if (a == "--readonly-mode")
      o.readWrite = false;
    else if (a == "-Q" || a == "--no-build-output")
      ;
    else if (a == "--help" && nativeEval) {
      // `bastion eval` is ours, not a Nix personality: its own usage.
      std::cout
          << "Usage: bastion eval FILE|-E EXPR|- [--strict] [--json] [--xml] [-A ATTRPATH]\n"
             "       [--arg NAME EXPR] [--argstr NAME STRING] [-I PATH] [--option NAME VALUE]\n"
             "       [--store DIR] [--read-write-mode]\n"
             "Evaluates the expression and prints its value (nix-instantiate --eval).\n";
      throw util::ExitNow{};
    } else
      parseEvalArg(args, i, o.eval, nativeEval ? "bastion eval" : "nix-instantiate");
  }
  return o;
}

void printValue(EvalState &state, const Options &o, Value &v) {
  std::vector<std::string> ctx;
  std::ostringstream out;
  if (o.xml) {
    printValueAsXML(state, o.strict, o.location, v, out, ctx, PosIdx{});
  } else if (o.json) {
    // As in Nix, a path value becomes the store path it is copied to
    // (computed only, unless --read-write-mode).
    printValueAsJSON(state, o.strict, v, PosIdx{}, out, ctx, true);
    out << "\n";
  } else {
    if (o.strict)
      state.forceValueDeep(v);
    std::set<const void *> seen;
    printAmbiguous(state, v, out, &seen, std::numeric_limits<int>::max());
    out << "\n";
  }
  std::cout << out.str();
}

// The .drv path, with "!output" when the value stands for another output.
void printDerivation(const DrvInfo &d) {
  static bool warned = false;
  if (!warned) {
    std::cerr << "warning: you did not specify '--add-root'; the result might be removed by the "
                 "garbage collector\n";
    warned = true;
  }
  std::cout << d.drvPath << (d.outputName != "out" ? "!" + d.outputName : "") << "\n";
}

int run(Options &o) {
  EvalSettings settings;
  try {
    // As in Nix, evaluation only computes store paths unless asked to write.
    settings = makeEvalSettings(o.eval, o.evalOnly && !o.readWrite);
  } catch (std::exception &e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  EvalState state(settings);
  bool showTrace = state.settings.showTrace;
  try {
    Bindings *autoArgs = makeAutoArgs(state, o.eval);
    std::vector<Expr *> exprs = parseInputs(state, o.eval);
    std::vector<std::string> attrPaths = o.eval.attrPaths;
    if (attrPaths.empty())
      attrPaths.push_back("");

    for (Expr *e : exprs) {
      if (o.parseOnly) {
        std::ostringstream out;
        e->show(state.symbols, out);
        std::cout << out.str() << "\n";
        continue;
      }
      Value vRoot;
      state.eval(e, vRoot);
      for (auto &path : attrPaths) {
        Value *v = findAlongAttrPath(state, path, *autoArgs, vRoot);
        state.forceValue(*v, PosIdx{});
        if (!o.evalOnly) {
          std::vector<DrvInfo> drvs = collectDerivations(state, *v, *autoArgs);
          // Printed paths are valid paths.
          if (!drvs.empty())
            state.store().flush();
          for (auto &d : drvs)
            printDerivation(d);
          continue;
        }
        Value vRes;
        if (autoArgs->empty())
          vRes = *v;
        else
          state.autoCallFunction(*autoArgs, *v, vRes);
        printValue(state, o, vRes);
      }
    }
    state.store().flush();
  } catch (EvalError &e) {
    std::cout.flush();
    std::cerr << formatError(state.positions, e, showTrace);
    if (e.usage)
      std::cerr << "Try 'nix-instantiate --help' for more information.\n";
    return 1;
  } catch (std::bad_alloc &) {
    std::cerr << "error: out of memory\n";
    return 1;
  } catch (std::exception &e) {
    // The store's errors (a store that cannot be opened or written).
    std::cout.flush();
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  std::cout.flush();
  return 0;
}

} // namespace

int cmdNixInstantiate(const std::string &, std::vector<std::string> &args) {
  GC_INIT();
  Options o = parseArgs(args, false);
  return run(o);
}

int cmdEval(const std::string &, std::vector<std::string> &args) {
  GC_INIT();
  Options o = parseArgs(args, true);
  return run(o);
}

} // namespace bastion::cli
