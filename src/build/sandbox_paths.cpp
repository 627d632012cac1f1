// parseSandboxPaths: Nix's `sandbox-paths` setting syntax.
#include <sstream>

#include "build/sandbox.h"

namespace bastion::build {

std::map<std::string, std::string> parseSandboxPaths(const std::string &value) {
  std::map<std::string, std::string> out;
  std::istringstream in(value);
  std::string item;
  while (in >> item) {
    // "?" marks the whole entry optional; Nix strips it before splitting
    // at '=', and we carry it on the source for prepareChroot.
    bool optional = item.back() == '?';
    if (optional)
      item.pop_back();
    if (item.empty())
      continue;
    auto eq = item.find('=');
    std::string target = eq == std::string::npos ? item : item.substr(0, eq);
    std::string source = eq == std::string::npos ? item : item.substr(eq + 1);
    out[target] = source + (optional ? "?" : "");
  }
  return out;
}

} // namespace bastion::build
