#include "cli/build_options.h"

#include <iostream>
#include <sstream>
#include <thread>

#include "cli/substituters.h"

#include "cli/eval_options.h"

namespace bastion::cli {

bool parseBuildArg(std::vector<std::string> &args, size_t &i, BuildOptions &o,
                   const std::string &tool) {
  const std::string &a = args[i];
  auto value = [&]() -> std::string {
    if (i + 1 >= args.size())
      usageError(tool, "flag '" + a + "' requires 1 argument(s)");
    return args[++i];
  };
  if (a == "-j" || a == "--max-jobs")
    o.settings.emplace_back("max-jobs", value());
  else if (a == "--cores")
    o.settings.emplace_back("cores", value());
  else if (a == "-k" || a == "--keep-going")
    o.keepGoing = true;
  else if (a == "--check")
    o.check = true;
  else if (a == "-K" || a == "--keep-failed")
    o.keepFailed = true;
  else if (a == "-Q" || a == "--no-build-output")
    o.quiet = true;
  else
    return false;
  return true;
}

namespace {
unsigned parseCount(const std::string &name, const std::string &v) {
  if (v == "auto")
    return std::max(1u, std::thread::hardware_concurrency());
  try {
    size_t used;
    unsigned long n = std::stoul(v, &used);
    if (used == v.size())
      return unsigned(n);
  } catch (std::exception &) {
  }
  throw std::runtime_error("configuration setting '" + name + "' should be 'auto' or an integer");
}
} // namespace

// Substitution from the caches the settings list (none by default); a
// rejected cache is reported and the path built instead, as Nix does.
std::function<void(store::LocalStore &, const std::set<store::StorePath> &)>
substituter(const lang::EvalSettings &settings, const std::map<std::string, std::string> &opts) {
  lang::EvalSettings merged = settings;
  for (auto &[n, v] : opts)
    merged.options[n] = v;
  if (!substituteEnabled(merged))
    return {};
  store::SubstituteSettings ss = substituteSettingsFrom(merged);
  if (ss.urls.empty())
    return {};
  return [ss](store::LocalStore &store, const std::set<store::StorePath> &paths) {
    try {
      store::substitutePaths(store, ss, paths);
    } catch (const store::StoreError &e) {
      std::cerr << "warning: " << e.what() << "\nwarning: building instead\n";
    }
  };
}

build::BuildSettings makeBuildSettings(const BuildOptions &o, const lang::EvalSettings &settings) {
  std::map<std::string, std::string> opts(settings.options.begin(), settings.options.end());
  for (auto &[n, v] : o.settings)
    opts[n] = v;
  build::BuildSettings b;
  if (auto it = opts.find("max-jobs"); it != opts.end())
    b.maxJobs = parseCount("max-jobs", it->second);
  if (auto it = opts.find("cores"); it != opts.end())
    b.cores = parseCount("cores", it->second);
  if (b.cores == 0)
    b.cores = std::max(1u, std::thread::hardware_concurrency());
  for (const char *name : {"sandbox-paths", "extra-sandbox-paths"})
    if (auto it = opts.find(name); it != opts.end())
      b.sandboxPaths += (b.sandboxPaths.empty() ? "" : " ") + it->second;
  if (auto it = opts.find("keep-going"); it != opts.end())
    b.keepGoing = it->second == "true";
  b.keepGoing = b.keepGoing || o.keepGoing;
  b.check = o.check;
  b.keepFailed = o.keepFailed;
  b.quiet = o.quiet;
  b.system = settings.currentSystem;
  b.substitute = substituter(settings, opts);
  if (auto it = opts.find("system-features"); it != opts.end()) {
    std::istringstream words(it->second);
    b.systemFeatures.clear();
    for (std::string f; words >> f;)
      b.systemFeatures.insert(f);
  }
  return b;
}

} // namespace bastion::cli
