// See find_roots.h.
#include "store/find_roots.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <vector>

#include "store/fs_util.h"
#include "store/temp_roots.h"
#include "util/error.h"
#include "util/file.h"
#include "util/path.h"

namespace bastion::store {

namespace {

const char kCensored[] = "{censored}";

struct RootFinder {
  LocalStore &store;
  Roots &roots;
  const GcLog &log;
  std::string autoDir;

  bool isInStore(const std::string &p) const {
    const std::string &dir = store.storeDir();
    return p.size() > dir.size() + 1 && p.compare(0, dir.size(), dir) == 0 && p[dir.size()] == '/';
  }

  void found(const std::string &link, const std::string &target) {
    std::string base = target.substr(store.storeDir().size() + 1);
    base = base.substr(0, base.find('/'));
    try {
      StorePath path = format::parseStorePathBaseName(base);
      if (store.isValidPath(path))
        roots[path].insert(link);
      else
        log("skipping invalid root from '" + link + "' to '" + target + "'");
    } catch (const format::BadStorePath &) {
    }
  }

  void visit(const std::string &path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0)
      return cannotRead(path, errno);
    if (S_ISDIR(st.st_mode)) {
      DIR *d = ::opendir(path.c_str());
      if (!d)
        return cannotRead(path, errno);
      std::vector<std::string> names;
      while (struct dirent *e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name != "." && name != "..")
          names.push_back(name);
      }
      ::closedir(d);
      for (const std::string &name : names)
        visit(path + "/" + name);
    } else if (S_ISLNK(st.st_mode)) {
      std::string target = util::readLink(path);
      if (isInStore(target))
        return found(path, target);
      // An indirect root: a link to a link into the store.
      if (target.empty() || target[0] != '/')
        target = util::absPath(util::dirOf(path) + "/" + target);
      struct stat st2;
      if (::lstat(target.c_str(), &st2) != 0) {
        if (path.compare(0, autoDir.size() + 1, autoDir + "/") == 0) {
          log("removing stale link from '" + path + "' to '" + target + "'");
          ::unlink(path.c_str());
        }
        return;
      }
      if (!S_ISLNK(st2.st_mode))
        return;
      std::string target2 = util::readLink(target);
      if (isInStore(target2))
        found(target, target2);
    } else if (S_ISREG(st.st_mode)) {
      std::string base = path.substr(path.rfind('/') + 1);
      try {
        StorePath p = format::parseStorePathBaseName(base);
        if (store.isValidPath(p))
          roots[p].insert(path);
      } catch (const format::BadStorePath &) {
      }
    }
  }

  void cannotRead(const std::string &path, int err) {
    // Nix ignores only permanent failures.
    if (err == EACCES || err == ENOENT || err == ENOTDIR)
      log("cannot read potential root '" + path + "'");
    else
      throwSysError("getting status of '" + path + "'");
  }
};

// Every "/nix/store/<hash>-<name>" mentioned in `text`.
void scanForStorePaths(LocalStore &store, const std::string &text, const std::string &label,
                       bool censor, Roots &roots) {
  static const std::regex re("[0-9a-df-np-sv-z]{32}-[a-zA-Z0-9+\\-._?=]+");
  std::string prefix = store.storeDir() + "/";
  for (size_t pos = text.find(prefix); pos != std::string::npos; pos = text.find(prefix, pos + 1)) {
    std::smatch m;
    std::string rest = text.substr(pos + prefix.size(), 300);
    if (!std::regex_search(rest, m, re, std::regex_constants::match_continuous))
      continue;
    try {
      StorePath p = format::parseStorePathBaseName(m.str());
      if (store.isValidPath(p))
        roots[p].insert(censor ? kCensored : label);
    } catch (const format::BadStorePath &) {
    }
  }
}

void findRuntimeRoots(LocalStore &store, bool censor, Roots &roots) {
  DIR *proc = ::opendir("/proc");
  if (!proc)
    return;
  std::vector<std::string> pids;
  while (struct dirent *e = ::readdir(proc))
    if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
      pids.push_back(e->d_name);
  ::closedir(proc);
  auto tryLink = [&](const std::string &link) {
    std::string target;
    try {
      target = util::readLink(link);
    } catch (const util::SysError &) {
    }
    if (!target.empty())
      scanForStorePaths(store, target, link, censor, roots);
  };
  for (const std::string &pid : pids) {
    // Processes come and go, and others' files are unreadable: every
    // failure here just means "nothing found".
    std::string dir = "/proc/" + pid;
    tryLink(dir + "/exe");
    tryLink(dir + "/cwd");
    if (DIR *fds = ::opendir((dir + "/fd").c_str())) {
      std::vector<std::string> names;
      while (struct dirent *e = ::readdir(fds))
        if (e->d_name[0] != '.')
          names.push_back(e->d_name);
      ::closedir(fds);
      for (const std::string &fd : names)
        tryLink(dir + "/fd/" + fd);
    }
    for (const char *file : {"/maps", "/environ"}) {
      try {
        scanForStorePaths(store, readFile(dir + file), dir + file, censor, roots);
      } catch (const util::Error &) {
      }
    }
  }
}

} // namespace

Roots findPermanentRoots(LocalStore &store, bool censor, const GcLog &log) {
  Roots roots;
  RootFinder finder{store, roots, log, store.stateDir() + "/gcroots/auto"};
  finder.visit(store.stateDir() + "/gcroots");
  finder.visit(store.stateDir() + "/profiles");
  if (store.root().empty())
    findRuntimeRoots(store, censor, roots);
  return roots;
}

Roots findTempRootsOf(LocalStore &store, bool censor) {
  Roots roots;
  for (const auto &[printed, labels] : readTempRoots(store.stateDir())) {
    try {
      StorePath p = store.parseStorePath(printed);
      for (const std::string &l : labels)
        roots[p].insert(censor ? kCensored : l);
    } catch (const format::BadStorePath &) {
    }
  }
  return roots;
}

Roots findRoots(LocalStore &store, bool censor, const GcLog &log) {
  Roots roots = findPermanentRoots(store, censor, log);
  for (auto &[path, labels] : findTempRootsOf(store, censor))
    roots[path].insert(labels.begin(), labels.end());
  return roots;
}

} // namespace bastion::store
