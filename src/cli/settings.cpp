#include "cli/settings.h"

#include "build/system_features.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace bastion::cli {

namespace {
std::string trim(const std::string &s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos)
    return "";
  size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

bool truthy(const std::string &v) { return v == "true" || v == "1" || v == "yes"; }

// The default of a setting whose value is computed, which `extra-NAME`
// extends when nothing set NAME before.
std::string computedDefault(const std::string &name) {
  std::string out;
  if (name == "system-features")
    for (auto &f : build::defaultSystemFeatures())
      out += (out.empty() ? "" : " ") + f;
  return out;
}

// Nix 2.8's syntax (Config::applyConfigFile): `#` starts a comment, a
// line is `NAME = WORDS` (the words joined by single spaces), `include F`
// reads F (relative to this file's directory, an error if missing),
// `!include F` reads F if it exists; anything else is an error.
void loadFile(lang::EvalSettings &settings, const std::string &path, bool mustExist,
              int depth = 0) {
  std::ifstream in(path);
  if (!in) {
    if (mustExist)
      throw std::runtime_error("file '" + path + "' included from a nix.conf not found");
    return;
  }
  if (depth > 32)
    throw std::runtime_error(path + ": includes nested too deeply");
  std::string line;
  int lineNo = 0;
  while (std::getline(in, line)) {
    lineNo++;
    auto hash = line.find('#');
    if (hash != std::string::npos)
      line = line.substr(0, hash);
    std::istringstream ss(line);
    std::vector<std::string> tokens;
    for (std::string w; ss >> w;)
      tokens.push_back(w);
    if (tokens.empty())
      continue;
    std::string where = path + ":" + std::to_string(lineNo);
    if (tokens[0] == "include" || tokens[0] == "!include") {
      if (tokens.size() != 2)
        throw std::runtime_error(where + ": illegal configuration line '" + trim(line) + "'");
      std::string file = tokens[1];
      if (file[0] != '/') {
        auto slash = path.rfind('/');
        file = (slash == std::string::npos ? "." : path.substr(0, slash)) + "/" + file;
      }
      loadFile(settings, file, tokens[0] == "include", depth + 1);
      continue;
    }
    if ((tokens.size() < 2 || tokens[1] != "=") && line.find('=') != std::string::npos) {
      // `NAME=VALUE` without spaces: Nix refuses it; Bastion always took it.
      auto eq = line.find('=');
      applySetting(settings, trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
      continue;
    }
    if (tokens.size() < 2 || tokens[1] != "=")
      throw std::runtime_error(where + ": illegal configuration line '" + trim(line) + "'");
    std::string value;
    for (size_t i = 2; i < tokens.size(); i++)
      value += (i > 2 ? " " : "") + tokens[i];
    applySetting(settings, tokens[0], value);
  }
}
} // namespace

void applySetting(lang::EvalSettings &settings, const std::string &name0,
                  const std::string &value) {
  std::string name = name0;
  if (name.rfind("extra-", 0) == 0) {
    name = name.substr(6);
    if (!settings.options.count(name))
      settings.options[name] = computedDefault(name);
    settings.options[name] =
        settings.options[name].empty() ? value : settings.options[name] + " " + value;
  } else {
    settings.options[name] = value;
  }
  if (name == "show-trace")
    settings.showTrace = truthy(value);
  else if (name == "pure-eval")
    settings.pureEval = truthy(value);
  else if (name == "restrict-eval")
    settings.restrictEval = truthy(value);
  else if (name == "max-call-depth")
    settings.maxCallDepth = uint32_t(std::stoul(value));
  else if (name == "system")
    settings.currentSystem = value;
  else if (name == "nix-path") {
    std::istringstream ss(value);
    std::string item;
    settings.nixPath.clear();
    while (ss >> item)
      settings.nixPath.push_back(item);
  }
}

void loadNixConf(lang::EvalSettings &settings) {
  const char *confDir = getenv("NIX_CONF_DIR");
  loadFile(settings, std::string(confDir ? confDir : "/etc/nix") + "/nix.conf", false);
  const char *xdg = getenv("XDG_CONFIG_HOME");
  const char *home = getenv("HOME");
  std::string user = xdg ? std::string(xdg) : home ? std::string(home) + "/.config" : "";
  if (!user.empty())
    loadFile(settings, user + "/nix/nix.conf", false);
  // Bastion's own configuration directory, in Nix's syntax too.
  if (const char *dir = getenv("BASTION_CONF_DIR"))
    loadFile(settings, std::string(dir) + "/nix.conf", false);
  else if (!user.empty())
    loadFile(settings, user + "/bastion/nix.conf", false);
  if (const char *extra = getenv("NIX_CONFIG")) {
    std::istringstream ss(extra);
    std::string line;
    while (std::getline(ss, line)) {
      auto eq = line.find('=');
      if (eq != std::string::npos)
        applySetting(settings, trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
    }
  }
}

std::string storeRoot(const lang::EvalSettings &settings) {
  std::string url;
  if (auto it = settings.options.find("store"); it != settings.options.end())
    url = it->second;
  if (url.empty() || url == "auto") {
    const char *env = getenv("BASTION_STORE");
    url = env ? env : "";
  }
  if (url.empty() || url == "auto" || url == "local" || url == "/")
    return "";
  if (url[0] == '/')
    return url;
  const std::string prefix = "local?root=";
  if (url.rfind(prefix, 0) == 0 && url.size() > prefix.size() && url[prefix.size()] == '/')
    return url.substr(prefix.size());
  throw std::runtime_error("don't know how to open Nix store '" + url + "'");
}

} // namespace bastion::cli
