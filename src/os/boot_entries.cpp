#include "os/boot_entries.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#include "os/atomic_file.h"
#include "os/root_path.h"
#include "util/error.h"
#include "util/file.h"
#include "util/path.h"

namespace bastion::os {

namespace {

const std::string kPrefix = "bastion-generation-";
const std::string kSuffix = ".conf";

// The contents of a file in the root (as the booted system sees `path`),
// without a final newline; nullopt when missing.
std::optional<std::string> readInRoot(const RootPaths &paths, const std::string &path) {
  auto real = resolveInRoot(paths.root, path);
  if (!real)
    return std::nullopt;
  std::ifstream in(*real, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

// Linux's version: the one directory under lib/modules beside the kernel
// image (NixOS's describe_generation).
std::string kernelVersion(const std::string &kernelReal) {
  std::string dir = util::dirOf(kernelReal) + "/lib/modules";
  DIR *d = ::opendir(dir.c_str());
  if (!d)
    return "";
  std::string found;
  while (struct dirent *e = ::readdir(d))
    if (e->d_name[0] != '.')
      found = e->d_name;
  ::closedir(d);
  return found;
}

// Copies the toplevel's `kernel` or `initrd` to the boot partition as
// /efi/bastion/<store name>-<file name>.efi; returns that path, or "" when
// the toplevel has none.
std::string copyToBoot(const RootPaths &paths, const std::string &toplevel,
                       const std::string &what) {
  std::string link = toplevel + "/" + what;
  auto real = resolveInRoot(paths.root, link);
  if (!real)
    return "";
  std::string inStore = real->substr(paths.root.size()); // "/nix/store/<name>/…"
  std::string storeName = inStore.size() > 11 ? inStore.substr(11) : inStore;
  std::string top = storeName.substr(0, storeName.find('/'));
  std::string efi = "/efi/bastion/" + top + "-" + util::baseNameOf(inStore) + ".efi";
  std::string dest = paths.root + "/boot" + efi;
  struct stat st;
  if (::lstat(dest.c_str(), &st) == 0)
    return efi; // named by its store path: already the same file
  std::string dir = util::dirOf(dest);
  for (std::string d : {paths.root + "/boot/efi", dir})
    if (::mkdir(d.c_str(), 0755) != 0 && errno != EEXIST)
      util::throwSysError("creating directory '" + d + "'", d);
  std::ifstream in(*real, std::ios::binary);
  if (!in)
    util::throwSysError("opening '" + *real + "'", *real);
  std::stringstream ss;
  ss << in.rdbuf();
  writeFileAtomic(dest, ss.str(), 0644);
  return efi;
}

std::string buildDate(const RootPaths &paths, const std::string &toplevel) {
  struct stat st;
  time_t t = ::lstat((paths.root + toplevel).c_str(), &st) == 0 ? st.st_ctime : time(nullptr);
  struct tm tm;
  localtime_r(&t, &tm);
  char buf[16];
  strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The kernels and initrds under /efi/bastion that no entry names any more
// (NixOS's builder removes them the same way, after the entries).
void removeUnusedBootFiles(const RootPaths &paths) {
  std::set<std::string> used;
  DIR *d = ::opendir(paths.entries.c_str());
  if (!d)
    return;
  while (struct dirent *e = ::readdir(d)) {
    if (e->d_name[0] == '.')
      continue;
    std::ifstream in(paths.entries + "/" + e->d_name);
    std::string line;
    while (std::getline(in, line))
      for (const char *key : {"linux ", "initrd "})
        if (line.compare(0, strlen(key), key) == 0)
          used.insert(line.substr(strlen(key)));
  }
  ::closedir(d);
  std::string dir = paths.root + "/boot/efi/bastion";
  DIR *b = ::opendir(dir.c_str());
  if (!b)
    return;
  std::vector<std::string> unused;
  while (struct dirent *e = ::readdir(b)) {
    std::string name = e->d_name;
    if (name[0] != '.' && !used.count("/efi/bastion/" + name))
      unused.push_back(dir + "/" + name);
  }
  ::closedir(b);
  for (auto &p : unused)
    if (::unlink(p.c_str()) != 0 && errno != ENOENT)
      util::throwSysError("removing '" + p + "'", p);
}

} // namespace

std::string bootEntryName(store::GenerationNumber n) {
  return kPrefix + std::to_string(n) + kSuffix;
}

void writeBootEntry(const RootPaths &paths, store::GenerationNumber n, const std::string &toplevel,
                    const std::string &machineId) {
  std::string version = readInRoot(paths, toplevel + "/nixos-version").value_or("Unknown");
  std::string kernelFile = copyToBoot(paths, toplevel, "kernel");
  std::string initrd = copyToBoot(paths, toplevel, "initrd");
  std::string description = "Bastion " + version;
  if (!kernelFile.empty()) {
    std::string v = kernelVersion(*resolveInRoot(paths.root, toplevel + "/kernel"));
    if (!v.empty())
      description += ", Linux Kernel " + v;
  }
  description += ", Built on " + buildDate(paths, toplevel);
  std::string options = "init=" + toplevel + "/init";
  if (auto params = readInRoot(paths, toplevel + "/kernel-params"); params && !params->empty())
    options += " " + *params;

  std::string text = "title Bastion\n";
  text += "version Generation " + std::to_string(n) + " " + description + "\n";
  if (!kernelFile.empty())
    text += "linux " + kernelFile + "\n";
  if (!initrd.empty())
    text += "initrd " + initrd + "\n";
  text += "options " + options + "\n";
  text += "machine-id " + machineId + "\n";
  writeFileAtomic(paths.entries + "/" + bootEntryName(n), text, 0644);
}

void writeLoaderConf(const RootPaths &paths, store::GenerationNumber n) {
  writeFileAtomic(paths.loaderConf, "default " + bootEntryName(n) + "\n", 0644);
}

void removeStaleBootEntries(const RootPaths &paths, const std::set<store::GenerationNumber> &keep) {
  DIR *d = ::opendir(paths.entries.c_str());
  if (!d)
    return;
  std::vector<std::string> stale;
  while (struct dirent *e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() <= kPrefix.size() + kSuffix.size() ||
        name.compare(0, kPrefix.size(), kPrefix) ||
        name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix))
      continue;
    auto n = store::parseGenerationNumber(
        name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size()));
    if (n && !keep.count(*n))
      stale.push_back(paths.entries + "/" + name);
  }
  ::closedir(d);
  for (auto &p : stale)
    if (::unlink(p.c_str()) != 0 && errno != ENOENT)
      util::throwSysError("removing '" + p + "'", p);
  removeUnusedBootFiles(paths);
}

} // namespace bastion::os
