#include "os/root_layout.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <cerrno>
#include <fstream>

#include "os/atomic_file.h"
#include "os/root_path.h"
#include "util/error.h"
#include "util/file.h"
#include "util/path.h"

namespace bastion::os {

namespace {

struct Dir {
  const char *name;
  mode_t mode;
};
// /tmp is world-writable and sticky, root's home private, as on any system.
const Dir kDirs[] = {{"var", 0755}, {"home", 0755}, {"root", 0700}, {"tmp", 01777},
                     {"run", 0755}, {"etc", 0755},  {"boot", 0755}};

struct Link {
  const char *name;
  const char *target;
};
const Link kLinks[] = {
    {"bin", "usr/bin"}, {"sbin", "usr/sbin"}, {"lib", "usr/lib"}, {"lib64", "usr/lib64"}};

// lstat; false when the path does not exist.
bool statPath(const std::string &path, struct stat &st) {
  if (::lstat(path.c_str(), &st) == 0)
    return true;
  if (errno != ENOENT)
    util::throwSysError("getting status of '" + path + "'", path);
  return false;
}

// A directory that exists already keeps the mode it has.
void makeDir(const std::string &path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0) {
    if (errno == EEXIST)
      return;
    util::throwSysError("creating directory '" + path + "'", path);
  }
  // mkdir's mode is cut by the umask; the sticky bit needs chmod.
  if (::chmod(path.c_str(), mode) != 0)
    util::throwSysError("changing the mode of '" + path + "'", path);
}

void makeDirs(const std::string &path) {
  if (path.empty() || path == "/")
    return;
  struct stat st;
  if (statPath(path, st))
    return;
  makeDirs(util::dirOf(path));
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    util::throwSysError("creating directory '" + path + "'", path);
}

bool isMachineId(const std::string &s) {
  if (s.size() != 32)
    return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

} // namespace

RootPaths rootPaths(const std::string &dir) {
  RootPaths p;
  p.root = util::canonPath(util::absPath(dir));
  p.profile = p.root + "/nix/var/nix/profiles/system";
  p.entries = p.root + "/boot/loader/entries";
  p.loaderConf = p.root + "/boot/loader/loader.conf";
  p.machineId = p.root + "/etc/machine-id";
  return p;
}

void checkRootLayout(const RootPaths &paths) {
  struct stat st;
  if (statPath(paths.root, st) && !S_ISDIR(st.st_mode))
    throw util::Error("root '" + paths.root + "' is not a directory");
  for (const Dir &d : kDirs) {
    std::string p = paths.root + "/" + d.name;
    if (statPath(p, st) && !S_ISDIR(st.st_mode))
      throw util::Error("'" + p + "' is in the way: the root's layout needs a directory there");
  }
  for (const Link &l : kLinks) {
    std::string p = paths.root + "/" + l.name;
    if (statPath(p, st) && !S_ISLNK(st.st_mode))
      throw util::Error("'" + p + "' is in the way: the root's layout needs a symlink to '" +
                        l.target + "' there");
  }
  std::string usr = paths.root + "/usr";
  if (statPath(usr, st) && !S_ISLNK(st.st_mode))
    throw util::Error("'" + usr +
                      "' is in the way: the root's layout needs a symlink to the current "
                      "generation's usr there");
}

void pointUsrAtCurrent(const RootPaths &paths) {
  auto real = resolveInRoot(paths.root, "/nix/var/nix/profiles/system/usr");
  if (!real || real->size() <= paths.root.size() + 1)
    return;
  std::string target = real->substr(paths.root.size() + 1);
  std::string link = paths.root + "/usr";
  struct stat st;
  if (statPath(link, st) && S_ISLNK(st.st_mode) && util::readLink(link) == target)
    return;
  util::replaceSymlink(target, link);
}

void layOutRoot(const RootPaths &paths) {
  makeDirs(paths.root);
  for (const Dir &d : kDirs)
    makeDir(paths.root + "/" + d.name, d.mode);
  makeDirs(paths.entries);
  for (const Link &l : kLinks) {
    std::string p = paths.root + "/" + l.name;
    struct stat st;
    if (statPath(p, st) && S_ISLNK(st.st_mode) && util::readLink(p) == l.target)
      continue;
    util::replaceSymlink(l.target, p);
  }
}

std::string ensureMachineId(const RootPaths &paths) {
  {
    std::ifstream in(paths.machineId);
    std::string line;
    if (in && std::getline(in, line) && isMachineId(line))
      return line;
  }
  unsigned char b[16];
  size_t got = 0;
  while (got < sizeof b) {
    ssize_t n = ::getrandom(b + got, sizeof b - got, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      util::throwSysError("getting random bytes for a machine id");
    }
    got += size_t(n);
  }
  // A version 4, variant 1 UUID, as systemd's sd_id128_randomize.
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  static const char hex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char c : b) {
    id += hex[c >> 4];
    id += hex[c & 15];
  }
  writeFileAtomic(paths.machineId, id + "\n", 0444);
  return id;
}

} // namespace bastion::os
