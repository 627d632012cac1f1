#include "cli/nix_store_common.h"
#include "store/fs_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <vector>

#include "cli/legacy_args.h"
#include "cli/store_open.h"
#include "util/error.h"
#include "util/file.h"
#include "util/path.h"

namespace bastion::cli {

bool StoreSession::boolSetting(const std::string &name, bool dflt) const {
  auto it = settings.options.find(name);
  if (it == settings.options.end())
    return dflt;
  return it->second == "true" || it->second == "1" || it->second == "yes";
}

StoreSession openStoreSession(const NixStoreInvocation &inv, bool readOnly) {
  StoreSession s;
  s.settings = settingsFrom(inv.settings);
  s.store = openStore(s.settings, readOnly);
  return s;
}

store::StorePath followLinksToStorePath(store::LocalStore &store, const std::string &arg) {
  const std::string &dir = store.storeDir();
  auto inStore = [&](const std::string &p) {
    return p.size() > dir.size() + 1 && p.compare(0, dir.size(), dir) == 0 && p[dir.size()] == '/';
  };
  std::string path = util::absPath(arg, util::currentDir());
  while (!inStore(path)) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0)
      util::throwSysError("getting status of '" + path + "'", path);
    if (!S_ISLNK(st.st_mode))
      break;
    path = util::absPath(util::readLink(path), util::dirOf(path));
  }
  if (!inStore(path))
    throw store::StoreError("path '" + path + "' is not in the Nix store");
  size_t slash = path.find('/', dir.size() + 1);
  return store.parseStorePath(slash == std::string::npos ? path : path.substr(0, slash));
}

void logInfo(const std::string &msg) { std::cerr << msg << "\n"; }

uint64_t parseSizeArg(const std::string &flag, const std::string &value) {
  std::string digits = value;
  uint64_t mult = 1;
  if (!digits.empty() && std::isalpha(static_cast<unsigned char>(digits.back()))) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(digits.back())));
    digits.pop_back();
    if (u == 'K')
      mult = 1ULL << 10;
    else if (u == 'M')
      mult = 1ULL << 20;
    else if (u == 'G')
      mult = 1ULL << 30;
    else if (u == 'T')
      mult = 1ULL << 40;
    else
      throw UsageError("invalid unit specifier '" + std::string(1, u) + "'");
  }
  bool neg = !digits.empty() && digits[0] == '-';
  std::string num = neg ? digits.substr(1) : digits;
  if (num.empty() || num.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError("flag '" + flag + "' requires an integer argument");
  if (neg)
    return 0; // Nix clamps a negative --max-freed to 0
  return std::stoull(num) * mult;
}

} // namespace bastion::cli
