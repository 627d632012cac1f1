// The builder's environment, in the order Nix 2.8 assembles it, because the
// order decides which value wins: PATH/HOME/NIX_STORE/NIX_BUILD_CORES can
// be overridden by the derivation, the build-directory variables, NIX_LOG_FD
// and TERM cannot.
#include "build/build_env.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "build/structured_attrs.h"
#include "format/base32.h"
#include "format/hash.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/io.h"

namespace bastion::build {
namespace {

// Nix's tokenizeString with its default separators.
std::vector<std::string> tokenize(const std::string &s) {
  std::vector<std::string> out;
  size_t pos = s.find_first_not_of(" \t\n\r");
  while (pos != std::string::npos) {
    size_t end = s.find_first_of(" \t\n\r", pos);
    out.push_back(s.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
    pos = end == std::string::npos ? end : s.find_first_not_of(" \t\n\r", end);
  }
  return out;
}

void writeFile(const std::string &path, const std::string &data) {
  util::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  try {
    if (!fd)
      util::throwSysError("writing '" + path + "'", path);
    util::writeFull(fd.get(), data, "writing '" + path + "'");
  } catch (const util::SysError &e) {
    throw BuildEnvError(e.what()); // a build failure, not a system error
  }
}

// Structured attributes are parsed once; their absence means the classic
// environment-variable interface.
std::optional<nlohmann::json> parseStructured(const format::Derivation &drv) {
  auto it = drv.env.find("__json");
  if (it == drv.env.end())
    return std::nullopt;
  try {
    return nlohmann::json::parse(it->second);
  } catch (std::exception &e) {
    throw BuildEnvError(std::string("cannot process __json attribute: ") + e.what());
  }
}

// ParsedDerivation::getStringsAttr.
std::vector<std::string> stringsAttr(const format::Derivation &drv,
                                     const std::optional<nlohmann::json> &sa,
                                     const std::string &name) {
  if (!sa) {
    auto it = drv.env.find(name);
    return it == drv.env.end() ? std::vector<std::string>{} : tokenize(it->second);
  }
  auto it = sa->find(name);
  if (it == sa->end())
    return {};
  if (!it->is_array())
    throw BuildEnvError("attribute '" + name + "' must be a list of strings");
  std::vector<std::string> out;
  for (auto &v : *it) {
    if (!v.is_string())
      throw BuildEnvError("attribute '" + name + "' must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

} // namespace

std::vector<std::string> derivationStringsAttr(const format::Derivation &drv,
                                               const std::string &name) {
  return stringsAttr(drv, parseStructured(drv), name);
}

std::string hashPlaceholder(const std::string &output) {
  auto h = format::hashString(format::HashAlgo::SHA256, "nix-output:" + output);
  return "/" + format::nix32Encode(h.digest());
}

std::string rewriteStrings(std::string s, const std::map<std::string, std::string> &rewrites) {
  for (auto &[from, to] : rewrites) {
    if (from == to || from.empty())
      continue;
    size_t pos = 0;
    while ((pos = s.find(from, pos)) != std::string::npos) {
      s.replace(pos, from.size(), to);
      pos += to.size();
    }
  }
  return s;
}

namespace {

// Nix's [A-Za-z_][A-Za-z0-9_.-]*: a plain file name in the build directory.
bool isExportFileName(const std::string &name) {
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (name.empty() || !alpha(name[0]))
    return false;
  for (char c : name)
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '.' && c != '-')
      return false;
  return true;
}

std::vector<ExportedPath> exportReferences(const BuildEnvOptions &opt,
                                           const std::vector<std::string> &paths) {
  if (!opt.exportReferences)
    throw BuildEnvError("'exportReferencesGraph' needs the store, which is not available here");
  return opt.exportReferences(paths);
}

// Without structured attributes: "name1 path1 name2 path2 …" writes the
// closure of each path to the file `name` in the format of nix-store
// --register-validity (with empty derivers), as Nix 2.8's startBuilder.
void writeReferencesGraphs(const format::Derivation &drv, const BuildEnvOptions &opt) {
  auto it = drv.env.find("exportReferencesGraph");
  if (it == drv.env.end())
    return;
  auto tokens = tokenize(it->second);
  if (tokens.size() % 2 != 0)
    throw BuildEnvError("odd number of tokens in 'exportReferencesGraph': '" + it->second + "'");
  for (size_t i = 0; i < tokens.size(); i += 2) {
    const std::string &name = tokens[i];
    std::string path = tokens[i + 1];
    if (!isExportFileName(name))
      throw BuildEnvError("invalid file name '" + name + "' in 'exportReferencesGraph'");
    // A path inside a store path stands for the store path.
    const std::string prefix = opt.storeDir + "/";
    if (path.rfind(prefix, 0) != 0 || path.size() == prefix.size())
      throw BuildEnvError("'exportReferencesGraph' contains a non-store path '" + path + "'");
    auto slash = path.find('/', prefix.size());
    if (slash != std::string::npos)
      path.resize(slash);
    std::string text;
    for (auto &info : exportReferences(opt, {path})) {
      text += info.path + "\n\n" + std::to_string(info.references.size()) + "\n";
      for (auto &r : info.references)
        text += r + "\n";
    }
    writeFile(opt.buildDir + "/" + name, text);
  }
}

} // namespace

BuildEnv makeBuildEnv(const format::Derivation &drv, const BuildEnvOptions &opt) {
  if (opt.buildDir.empty())
    throw BuildEnvError("no build directory given");
  const std::string &top = opt.sandboxBuildDir;

  // Output placeholders -> the paths the builder writes to (Nix's
  // inputRewrites; in a sandbox these are the final output paths).
  std::map<std::string, std::string> rewrites;
  for (auto &[name, out] : drv.outputs) {
    auto given = opt.outputPaths.find(name);
    const std::string &path = given != opt.outputPaths.end() ? given->second : out.path;
    if (!path.empty())
      rewrites[hashPlaceholder(name)] = path;
  }

  auto sa = parseStructured(drv);
  const bool fixed = format::isFixedOutputDerivation(drv);
  BuildEnv result;
  auto &env = result.env;

  // Shells set a default PATH when it is unset; a dummy avoids that.
  env["PATH"] = "/path-not-set";
  // Exists nowhere, so tools find no ~/.rc files instead of reading
  // /etc/passwd for a home directory.
  env["HOME"] = "/homeless-shelter";
  env["NIX_STORE"] = opt.storeDir;
  env["NIX_BUILD_CORES"] = std::to_string(opt.cores);

  if (!sa) {
    // The derivation's attributes, except passAsFile ones, which go to
    // files named after the attribute's hash (no size limit there).
    auto passAsFileList = tokenize(drv.env.count("passAsFile") ? drv.env.at("passAsFile") : "");
    std::set<std::string> passAsFile(passAsFileList.begin(), passAsFileList.end());
    for (auto &[k, v] : drv.env) {
      if (!passAsFile.count(k)) {
        env[k] = v;
      } else {
        auto h = format::hashString(format::HashAlgo::SHA256, k);
        std::string fn = ".attr-" + format::nix32Encode(h.digest());
        writeFile(opt.buildDir + "/" + fn, rewriteStrings(v, rewrites));
        env[k + "Path"] = top + "/" + fn;
      }
    }
    writeReferencesGraphs(drv, opt);
  }

  env["NIX_BUILD_TOP"] = top;
  env["TMPDIR"] = env["TEMPDIR"] = env["TMP"] = env["TEMP"] = top;
  // dietlibc cannot find the cwd of a bind mount by itself (Nix's comment).
  env["PWD"] = top;

  // Compatibility with Nix <= 0.7's fetchurl.
  if (fixed)
    env["NIX_OUTPUT_CHECKED"] = "1";

  // Only fixed-output derivations may see the caller's environment (e.g.
  // proxy settings): their result is checked against a known hash.
  if (fixed) {
    auto getEnv = opt.getEnv ? opt.getEnv : [](const std::string &n) -> std::optional<std::string> {
      const char *v = std::getenv(n.c_str());
      return v ? std::optional<std::string>(v) : std::nullopt;
    };
    for (auto &name : stringsAttr(drv, sa, "impureEnvVars"))
      env[name] = getEnv(name).value_or("");
  }

  env["NIX_LOG_FD"] = "2";
  env["TERM"] = "xterm-256color";

  if (sa) {
    auto json = *sa;
    nlohmann::json outputs = nlohmann::json::object();
    for (auto &[name, out] : drv.outputs)
      outputs[name] = rewriteStrings(hashPlaceholder(name), rewrites);
    json["outputs"] = outputs;
    // Each name becomes a top-level attribute holding the path infos
    // (Nix's pathInfoToJSON without impure information).
    auto e = json.find("exportReferencesGraph");
    if (e != json.end() && e->is_object()) {
      nlohmann::json graphs = *e;
      for (auto &[name, paths] : graphs.items()) {
        std::vector<std::string> storePaths;
        for (auto &p : paths)
          storePaths.push_back(p.get<std::string>());
        nlohmann::json list = nlohmann::json::array();
        for (auto &info : exportReferences(opt, storePaths)) {
          nlohmann::json o = nlohmann::json::object();
          o["path"] = info.path;
          o["narHash"] = info.narHash;
          o["narSize"] = info.narSize;
          o["references"] = info.references;
          if (!info.ca.empty())
            o["ca"] = info.ca;
          o["closureSize"] = info.closureSize;
          list.push_back(std::move(o));
        }
        json[name] = std::move(list);
      }
    }
    writeFile(opt.buildDir + "/.attrs.sh", rewriteStrings(structuredAttrsShell(json), rewrites));
    writeFile(opt.buildDir + "/.attrs.json", rewriteStrings(json.dump(), rewrites));
    // Nix 2.8 sets these to the host path of the build directory, which
    // does not exist in the sandbox; later versions (and we) use the
    // path the builder sees.
    env["NIX_ATTRS_SH_FILE"] = top + "/.attrs.sh";
    env["NIX_ATTRS_JSON_FILE"] = top + "/.attrs.json";
  }

  // Placeholders in the environment are replaced too (Nix rewrites each
  // "name=value" string before exec).
  std::map<std::string, std::string> rewritten;
  for (auto &[k, v] : env)
    rewritten[rewriteStrings(k, rewrites)] = rewriteStrings(v, rewrites);
  env = std::move(rewritten);
  for (auto &a : drv.args)
    result.args.push_back(rewriteStrings(a, rewrites));
  return result;
}

} // namespace bastion::build
