// The shipped Nix code's directory, found once per process from the
// binary's own location, so that no set-up (-I, NIX_PATH) is needed.
#include "lang/datadir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace bastion::lang {
namespace {

bool isDirectory(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::optional<std::string> findDataDir() {
  std::vector<char> buf(4096);
  ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0)
    return std::nullopt;
  std::string exe(buf.data(), size_t(n));
  size_t slash = exe.rfind('/');
  if (slash == std::string::npos)
    return std::nullopt;
  std::string bin = slash == 0 ? "" : exe.substr(0, slash);
  std::string inTree = bin + "/share/bastion";
  if (isDirectory(inTree))
    return inTree;
  size_t up = bin.rfind('/');
  std::string prefix = up == std::string::npos ? "" : bin.substr(0, up);
  std::string installed = prefix + "/share/bastion";
  if (isDirectory(installed))
    return installed;
  return std::nullopt;
}

} // namespace

const std::optional<std::string> &bastionDataDir() {
  static const std::optional<std::string> dir = findDataDir();
  return dir;
}

} // namespace bastion::lang
