// nix-env --query, as Nix 2.8's opQuery: installed packages (default) or
// those of the -f file (-a), filtered by selectors, sorted by name, shown
// as a table of the requested columns. There are no substituters, so the
// status column's third letter is always '-'.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/nix_env.h"
#include "lang/eval_store.h"
#include "lang/json.h"
#include "lang/versions.h"
#include "lang/xml_writer.h"

namespace bastion::cli {

using namespace bastion::lang;

namespace {

void printTable(const std::vector<std::vector<std::string>> &table) {
  size_t nrColumns = table.empty() ? 0 : table.front().size();
  std::vector<size_t> widths(nrColumns, 0);
  for (auto &row : table)
    for (size_t c = 0; c < row.size(); c++)
      widths[c] = std::max(widths[c], row[c].size());
  for (auto &row : table) {
    for (size_t c = 0; c < row.size(); c++) {
      std::string s = row[c];
      std::replace(s.begin(), s.end(), '\n', ' ');
      std::cout << s;
      if (c + 1 < nrColumns)
        std::cout << std::string(widths[c] - s.size() + 2, ' ');
    }
    std::cout << "\n";
  }
}

// '<' a newer version exists in `others`, '=' the same, '>' only older
// ones, '-' none; with the version compared against.
std::string compareVersionAgainstSet(EvalState &state, EnvElem &elem, EnvElems &others) {
  DrvName name = parseDrvName(elem.name(state));
  char diff = '-';
  std::string version = "?";
  for (auto &o : others) {
    DrvName name2 = parseDrvName(o.name(state));
    if (name.name != name2.name)
      continue;
    int d = compareVersions(name.version, name2.version);
    if (d < 0) {
      diff = '<';
      version = name2.version;
    } else if (diff != '<' && d == 0) {
      diff = '=';
      version = name2.version;
    } else if (diff != '<' && diff != '=' && d > 0) {
      diff = '>';
      if (version == "" || compareVersions(version, name2.version) < 0)
        version = name2.version;
    }
  }
  return std::string(1, diff) + " " + version;
}

// Nix 2.8's queryJSON: an object keyed by attribute path (written as a
// stream, so installed packages, which have none, all get ""), indented
// by two.
void printJSON(EvalState &state, EnvElems &elems, bool withPaths, bool withMeta) {
  std::string out = "{";
  bool first = true;
  for (auto &e : elems) {
    nlohmann::ordered_json pkg;
    lang::DrvName dn = lang::parseDrvName(e.name(state));
    pkg["name"] = e.name(state);
    pkg["pname"] = dn.name;
    pkg["version"] = dn.version;
    pkg["system"] = e.system(state);
    pkg["outputName"] = e.outputName(state);
    nlohmann::ordered_json outputs = nlohmann::ordered_json::object();
    if (withPaths)
      for (auto &[name, path] : e.outputs(state, false))
        outputs[name] = path;
    else
      for (auto &name : e.outputNames(state))
        outputs[name] = nullptr;
    pkg["outputs"] = outputs;
    if (withMeta) {
      nlohmann::ordered_json meta = nlohmann::ordered_json::object();
      for (auto &name : e.metaNames(state)) {
        Value *v = e.meta(state, name);
        if (!v) {
          std::cerr << "derivation '" << e.name(state) << "' has invalid meta attribute '" << name
                    << "'\n";
          meta[name] = nullptr;
          continue;
        }
        std::ostringstream text;
        std::vector<std::string> context;
        lang::printValueAsJSON(state, true, *v, PosIdx{}, text, context, false);
        meta[name] = nlohmann::ordered_json::parse(text.str());
      }
      pkg["meta"] = meta;
    }
    std::string body = pkg.dump(2);
    std::string indented;
    for (char c : body) {
      indented += c;
      if (c == '\n')
        indented += "  ";
    }
    out += first ? "\n  " : ",\n  ";
    out += nlohmann::ordered_json(e.attrPath()).dump() + ": " + indented;
    first = false;
  }
  out += first ? "}" : "\n}";
  std::cout << out << "\n";
}

struct XMLColumns {
  bool status, compare, drvPath, outPath, description, meta;
};

// A meta attribute as Nix 2.8's opQuery writes it: strings, integers,
// floats and booleans as a value, lists and sets by their string members;
// anything else not at all.
void writeXMLMeta(EvalState &state, XMLWriter &xml, const std::string &name, Value &v) {
  XMLAttrs attrs{{"name", name}};
  auto scalar = [&](const char *type, std::string value) {
    attrs["type"] = type;
    attrs["value"] = std::move(value);
    xml.writeEmptyElement("meta", attrs);
  };
  switch (v.type) {
  case VType::String:
    return scalar("string", v.string.chars);
  case VType::Int:
    return scalar("int", std::to_string(v.integer));
  case VType::Float: {
    std::ostringstream f; // boost::format's "%1%" of a double
    f << v.fpoint;
    return scalar("float", f.str());
  }
  case VType::Bool:
    return scalar("bool", v.boolean ? "true" : "false");
  case VType::List: {
    attrs["type"] = "strings";
    XMLOpenElement m(xml, "meta", attrs);
    for (size_t i = 0; i < v.list.size; i++)
      if (v.list.elems[i]->type == VType::String)
        xml.writeEmptyElement("string", {{"value", v.list.elems[i]->string.chars}});
    return;
  }
  case VType::Attrs: {
    attrs["type"] = "strings";
    XMLOpenElement m(xml, "meta", attrs);
    for (auto &a : *v.attrs)
      if (a.value->type == VType::String)
        xml.writeEmptyElement("string",
                              {{"type", state.symbols[a.name]}, {"value", a.value->string.chars}});
    return;
  }
  default:
    return;
  }
}

// Nix 2.8's opQuery with --xml: an <item> per package with the attributes
// it always gives (attribute path, name, pname, version, system, output
// name) and those the flags ask for, its outputs, and with --meta its meta.
void printXML(EvalState &state, EnvElems &elems, EnvElems &otherElems,
              const std::set<std::string> &installed, const XMLColumns &want) {
  XMLWriter xml(std::cout);
  XMLOpenElement root(xml, "items");
  store::LocalStore &store = state.store().store();
  for (auto &e : elems) {
    XMLAttrs attrs;
    if (want.status) {
      std::string out = e.outPath(state);
      attrs["installed"] = installed.count(out) ? "1" : "0";
      attrs["valid"] = store.isValidPath(store.parseStorePath(out)) ? "1" : "0";
      attrs["substitutable"] = "0";
    }
    attrs["attrPath"] = e.attrPath();
    DrvName dn = parseDrvName(e.name(state));
    attrs["name"] = e.name(state);
    attrs["pname"] = dn.name;
    attrs["version"] = dn.version;
    if (want.compare) {
      std::string c = compareVersionAgainstSet(state, e, otherElems);
      if (c[0] != '-') {
        attrs["versionDiff"] = c.substr(0, 1);
        attrs["maxComparedVersion"] = c.substr(2);
      }
    }
    if (std::string system = e.system(state); !system.empty())
      attrs["system"] = system;
    if (want.drvPath)
      if (auto d = e.drvPath(state))
        attrs["drvPath"] = *d;
    attrs["outputName"] = e.outputName(state);
    if (want.description) {
      Value *d = e.meta(state, "description");
      if (d && d->type == VType::String && *d->string.chars)
        attrs["description"] = d->string.chars;
    }
    XMLOpenElement item(xml, "item", attrs);
    if (want.outPath)
      for (auto &[name, path] : e.outputs(state, false))
        xml.writeEmptyElement("output", {{"name", name}, {"path", path}});
    else
      for (auto &name : e.outputNames(state))
        xml.writeEmptyElement("output", {{"name", name}});
    if (want.meta)
      for (auto &name : e.metaNames(state)) {
        Value *v = e.meta(state, name);
        if (!v)
          std::cerr << "derivation '" << e.name(state) << "' has invalid meta attribute '" << name
                    << "'\n";
        else
          writeXMLMeta(state, xml, name, *v);
      }
  }
}

} // namespace

void opNixEnvQuery(NixEnvGlobals &g, std::vector<std::string> &flags,
                   std::vector<std::string> &args) {
  bool printStatus = false, printName = true, printAttrPath = false, printSystem = false,
       printDrvPath = false, printOutPath = false, printDescription = false, compare = false,
       available = false, json = false, xml = false, printMeta = false;
  std::string attrPath;
  for (size_t i = 0; i < flags.size(); i++) {
    const std::string &a = flags[i];
    if (a == "--status" || a == "-s")
      printStatus = true;
    else if (a == "--no-name")
      printName = false;
    else if (a == "--system")
      printSystem = true;
    else if (a == "--description")
      printDescription = true;
    else if (a == "--compare-versions" || a == "-c")
      compare = true;
    else if (a == "--drv-path")
      printDrvPath = true;
    else if (a == "--out-path")
      printOutPath = true;
    else if (a == "--meta")
      printMeta = true; // shown in --json (and Nix's --xml) output
    else if (a == "--installed")
      available = false;
    else if (a == "--available" || a == "-a")
      available = true;
    else if (a == "--attr-path" || a == "-P")
      printAttrPath = true;
    else if (a == "--attr" || a == "-A")
      attrPath = flags[++i];
    else if (a == "--json")
      json = true;
    else if (a == "--xml")
      xml = true;
    else
      throw UsageError("unknown flag '" + a + "'");
  }
  EvalState &state = evalState(g);

  EnvElems installedElems, availElems;
  if (!available || compare || printStatus)
    installedElems = queryInstalled(g, g.profile);
  if (available || compare)
    availElems = loadDerivations(g, attrPath);
  EnvElems elems = filterBySelector(state, available ? availElems : installedElems, args, false);
  EnvElems &otherElems = available ? installedElems : availElems;

  std::sort(elems.begin(), elems.end(), [&](EnvElem &a, EnvElem &b) {
    std::string an = a.name(state), bn = b.name(state);
    return std::lexicographical_compare(an.begin(), an.end(), bn.begin(), bn.end(),
                                        [](char x, char y) { return toupper(x) < toupper(y); });
  });

  if (json) {
    printJSON(state, elems, printOutPath, printMeta);
    return;
  }

  std::set<std::string> installed;
  if (printStatus)
    for (auto &e : installedElems)
      installed.insert(e.outPath(state));

  if (xml) {
    printXML(state, elems, otherElems, installed,
             {printStatus, compare, printDrvPath, printOutPath, printDescription, printMeta});
    return;
  }

  std::vector<std::vector<std::string>> table;
  for (auto &e : elems) {
    std::vector<std::string> columns;
    if (printStatus) {
      std::string out = e.outPath(state);
      store::LocalStore &store = state.store().store();
      bool valid = store.isValidPath(store.parseStorePath(out));
      columns.push_back(std::string(installed.count(out) ? "I" : "-") + (valid ? "P" : "-") + "-");
    }
    if (printAttrPath)
      columns.push_back(e.attrPath());
    if (printName)
      columns.push_back(e.name(state));
    if (compare)
      columns.push_back(compareVersionAgainstSet(state, e, otherElems));
    if (printSystem)
      columns.push_back(e.system(state));
    if (printDrvPath)
      columns.push_back(e.drvPath(state).value_or("-"));
    if (printOutPath) {
      std::string s;
      for (auto &[name, path] : e.outputs(state, false)) {
        if (!s.empty())
          s += ';';
        if (name != "out")
          s += name + "=";
        s += path;
      }
      columns.push_back(s);
    }
    if (printDescription) {
      Value *d = e.meta(state, "description");
      columns.push_back(d && d->type == VType::String ? d->string.chars : "");
    }
    table.push_back(std::move(columns));
  }
  printTable(table);
}

} // namespace bastion::cli
