// `bastion os`: the dispatcher of its subcommands. eval, options and build
// (here) evaluate a configuration.nix through nix/os/cli.nix; switch,
// rollback, list-generations, delete-generations and run are
// os_generations.cpp's.
#include <gc/gc.h>
#include <unistd.h>

#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/os_config.h"
#include "cli/os_generations.h"
#include "cli/os_system.h"
#include "cli/os_test.h"
#include "lang/error.h"
#include "lang/eval.h"
#include "lang/eval_store.h"
#include "lang/json.h"
#include "lang/print.h"

namespace bastion::cli {

using namespace bastion::lang;

namespace {

const char kUsage[] =
    "usage: bastion os eval [-c FILE] [--json] [OPTION.PATH]\n"
    "       bastion os options [-c FILE] [--json]\n"
    "       bastion os build [-c FILE] [-o LINK | --no-out-link] [--store DIR] [-I PATH]\n"
    "                        [--option NAME VALUE] [-j N] [--keep-going]\n"
    "       bastion os switch --toplevel PATH --root DIR [--store SRC]\n"
    "       bastion os rollback --root DIR [--to N]\n"
    "       bastion os list-generations --root DIR\n"
    "       bastion os delete-generations --root DIR N... | Nd | +N | old\n"
    "       bastion os run --root DIR [--netns NAME] [--ephemeral]\n"
    "       bastion os test FILE.nix [--store DIR] [--keep]\n"
    "\n"
    "-c FILE is the configuration.nix; without it, $BASTION_CONFIG, else\n"
    "/etc/bastion/configuration.nix. Without nixpkgs.pkgs the configuration's\n"
    "packages come from <bastion/pkgs>. `os options` without -c and without a\n"
    "default file lists the options of the base modules.\n";

struct OsHelp {};

struct Args {
  SystemBuild sys;
  bool json = false, configGiven = false, noOutLink = false;
  std::string optionPath, outLink = "result";
};

Args parse(const std::string &sub, std::vector<std::string> &args) {
  Args a;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &x = args[i];
    if (x == "--help" || x == "-h")
      throw OsHelp{};
    if (x == "-c" || x == "--config") {
      if (i + 1 >= args.size())
        throw OsUsageError("option '" + x + "' needs an argument");
      a.sys.configFile = args[++i];
      a.configGiven = true;
    } else if (x == "--json" && sub != "build")
      a.json = true;
    else if ((x == "-o" || x == "--out-link") && sub == "build") {
      if (i + 1 >= args.size())
        throw OsUsageError("option '" + x + "' needs an argument");
      a.outLink = args[++i];
    } else if ((x == "--no-out-link" || x == "--no-link") && sub == "build")
      a.noOutLink = true;
    else if (sub == "build" && parseBuildArg(args, i, a.sys.build, "os build"))
      ;
    else if (!x.empty() && x[0] == '-') {
      size_t before = i;
      std::vector<std::string> files = a.sys.eval.files;
      if (!parseEvalArg(args, i, a.sys.eval, "os " + sub) || a.sys.eval.files != files ||
          !a.sys.eval.attrPaths.empty() || a.sys.eval.fromExpr)
        throw OsUsageError("unknown option '" + args[before] + "' for 'os " + sub + "'");
    } else if (sub == "eval" && a.optionPath.empty())
      a.optionPath = x;
    else
      throw OsUsageError("unexpected argument '" + x + "'");
  }
  if (!a.configGiven)
    a.sys.configFile = defaultConfigFile();
  return a;
}

// The configuration file to evaluate: for `os options` without -c, the
// default one when it exists, else none (the base modules only).
std::string configFor(const std::string &sub, const Args &a) {
  if (sub == "options" && !a.configGiven && access(a.sys.configFile.c_str(), F_OK) != 0)
    return "";
  return a.sys.configFile;
}

void printNix(EvalState &state, Value &v, std::ostream &out) {
  state.forceValueDeep(v);
  std::set<const void *> seen;
  printAmbiguous(state, v, out, &seen, std::numeric_limits<int>::max());
  out << "\n";
}

std::string asJSON(EvalState &state, Value &v) {
  std::vector<std::string> ctx;
  std::ostringstream out;
  printValueAsJSON(state, true, v, PosIdx{}, out, ctx, false);
  return out.str();
}

// `os eval`: the configuration, or one option of it, after NixOS's checks.
int doEval(EvalState &state, Value &root, const Args &a) {
  Bindings *autoArgs = makeAutoArgs(state, a.sys.eval);
  Value *checked = findAlongAttrPath(state, "checked", *autoArgs, root);
  state.forceValue(*checked, PosIdx{});
  Value *config = findAlongAttrPath(state, "config", *autoArgs, root);
  Value *v =
      a.optionPath.empty() ? config : findAlongAttrPath(state, a.optionPath, *autoArgs, *config);
  std::ostringstream out;
  if (a.json)
    out << asJSON(state, *v) << "\n";
  else
    printNix(state, *v, out);
  std::cout << out.str();
  return 0;
}

// One field of an option as JSON. A field that fails to evaluate (a default
// computed from a package the package set lacks, say) is not dropped: as
// nixos-option prints such a value, it becomes «error: MESSAGE» (in JSON
// {"_type": "error", "message": …}), and a warning naming the option path
// goes to stderr (one line: the message without its trace). The listing
// itself still succeeds, as nixos-option's does.
bool fieldJSON(EvalState &state, Value &opt, const std::string &optName, const char *name,
               nlohmann::json &into) {
  const Attr *f = opt.attrs->find(state.symbols.intern(name));
  if (!f)
    return false;
  try {
    into[name] = nlohmann::json::parse(asJSON(state, *f->value));
  } catch (EvalError &e) {
    into[name] = {{"_type", "error"}, {"message", e.message}};
    // One line per option: the listing may hold several such defaults.
    std::cerr << "warning: the " << name << " of option '" << optName
              << "' could not be evaluated: " << e.message << "\n";
  }
  return true;
}

// `os options`: every visible declared option, sorted by name.
int doOptions(EvalState &state, Value &root, const Args &a) {
  Bindings *autoArgs = makeAutoArgs(state, a.sys.eval);
  Value *opts = findAlongAttrPath(state, "options", *autoArgs, root);
  state.forceAttrs(*opts, PosIdx{}, "while listing the options");
  nlohmann::json all = nlohmann::json::object();
  for (const Attr &o : *opts->attrs) {
    state.forceAttrs(*o.value, PosIdx{}, "while listing the options");
    std::string optName(state.symbols[o.name]);
    nlohmann::json j = nlohmann::json::object();
    for (const char *f :
         {"type", "default", "example", "description", "declarations", "readOnly", "loc"})
      fieldJSON(state, *o.value, optName, f, j);
    all[optName] = j;
  }
  std::ostringstream out;
  if (a.json) {
    out << all.dump() << "\n";
  } else {
    auto literal = [](const nlohmann::json &v) {
      if (v.is_object() && v.value("_type", "") == "error")
        return "\u00aberror: " + v["message"].get<std::string>() + "\u00bb";
      return v.is_object() && v.contains("text") ? v["text"].get<std::string>() : v.dump();
    };
    for (auto &[name, j] : all.items()) {
      out << name << "\n";
      if (j.contains("type"))
        out << "    type: "
            << (j["type"].is_string() ? j["type"].get<std::string>() : literal(j["type"])) << "\n";
      if (j.contains("default"))
        out << "    default: " << literal(j["default"]) << "\n";
      if (j.contains("description") && j["description"].is_string())
        out << "    description: " << j["description"].get<std::string>() << "\n";
      if (j.contains("declarations") && j["declarations"].is_array())
        for (auto &d : j["declarations"])
          out << "    declared in: " << d.get<std::string>() << "\n";
    }
  }
  std::cout << out.str();
  return 0;
}

int evalCommand(const std::string &sub, Args &a) {
  EvalSettings settings = makeEvalSettings(a.sys.eval, true);
  EvalState state(settings);
  try {
    Value root;
    evalConfigRoot(state, configFor(sub, a), root);
    return sub == "eval" ? doEval(state, root, a) : doOptions(state, root, a);
  } catch (EvalError &e) {
    std::cout.flush();
    std::cerr << formatError(state.positions, e, state.settings.showTrace);
    return 1;
  }
}

int run(const std::string &sub, std::vector<std::string> args) {
  try {
    Args a = parse(sub, args);
    if (sub == "build") {
      a.sys.outLink = a.noOutLink ? "" : a.outLink;
      std::cout << buildSystem(a.sys) << "\n";
      return 0;
    }
    return evalCommand(sub, a);
  } catch (const OsHelp &) {
    std::cout << kUsage;
    return 0;
  } catch (...) {
    return reportOsFailure(kUsage);
  }
}

} // namespace

int cmdOs(const std::string &, std::vector<std::string> &args) {
  GC_INIT();
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    bool help = !args.empty();
    (help ? std::cout : std::cerr) << kUsage;
    return help ? 0 : 1;
  }
  std::string sub = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "test")
    return runOsTest(rest);
  if (isOsGenerationsCommand(sub))
    return runOsGenerations(sub, rest);
  if (sub == "eval" || sub == "options" || sub == "build")
    return run(sub, rest);
  std::cerr << "error: unknown subcommand 'os " << sub << "'\n" << kUsage;
  return 1;
}

} // namespace bastion::cli
