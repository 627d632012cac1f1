// See builtin_buildenv.h. The algorithm and its messages are Nix 2.8's; all
// paths below are store paths ("logical"), turned into real ones only to
// touch the file system, so the symlinks name /nix/store/… whatever the
// store's root.
#include "build/builtin_buildenv.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "format/store_path.h"
#include "store/fs_util.h"
#include "util/error.h"
#include "util/file.h"

namespace bastion::build {

namespace {

struct EnvError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool hasPrefixDir(const std::string &path, const std::string &dir) {
  return path.size() >= dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         (path.size() == dir.size() || path[dir.size()] == '/');
}

bool hasSuffix(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Builder {
  const StoreView &view;
  const std::function<void(const std::string &)> &warn;
  std::map<std::string, int> priorities;
  unsigned long symlinks = 0;

  // Nix's canonPath(path, true) inside the store's own view: every symlink
  // on the way is followed, absolute targets being store paths again.
  // Returns the resolved store path, or nullopt (with errno) if a
  // component is missing.
  std::optional<std::string> resolve(const std::string &path) {
    std::vector<std::string> todo;
    auto push = [&](const std::string &p) {
      std::vector<std::string> parts;
      std::stringstream ss(p);
      std::string c;
      while (std::getline(ss, c, '/'))
        if (!c.empty() && c != ".")
          parts.push_back(c);
      todo.insert(todo.begin(), parts.begin(), parts.end());
    };
    push(path);
    std::string result;
    int follows = 0;
    while (!todo.empty()) {
      std::string c = todo.front();
      todo.erase(todo.begin());
      if (c == "..") {
        size_t slash = result.rfind('/');
        result = slash == std::string::npos ? "" : result.substr(0, slash);
        continue;
      }
      std::string next = result + "/" + c;
      // The store dir and its parents are directories in the view even
      // where the host has no such path (a store under --store).
      if (hasPrefixDir(view.storeDir, next)) {
        result = next;
        continue;
      }
      struct stat st;
      if (::lstat(view.real(next).c_str(), &st) != 0)
        return std::nullopt;
      if (S_ISLNK(st.st_mode)) {
        if (++follows > 1024) {
          errno = ELOOP;
          return std::nullopt;
        }
        std::string target = util::readLink(view.real(next));
        if (!target.empty() && target[0] == '/')
          result.clear();
        push(target);
      } else {
        result = next;
      }
    }
    return result.empty() ? "/" : result;
  }

  // stat(2) of a store path: follows symlinks, within the store's view.
  bool statFollow(const std::string &path, struct stat &st, int &err) {
    auto r = resolve(path);
    if (!r) {
      err = errno;
      return false;
    }
    if (::lstat(view.real(*r).c_str(), &st) != 0) {
      err = errno;
      return false;
    }
    return true;
  }

  bool lstatPath(const std::string &path, struct stat &st) {
    if (::lstat(view.real(path).c_str(), &st) == 0)
      return true;
    if (errno != ENOENT)
      throw util::SysError("getting status of '" + path + "'", errno);
    return false;
  }

  // The entries of a directory (following symlinks to it), sorted so that
  // the outcome never depends on readdir order; nullopt (with errno) if
  // it is not one.
  std::optional<std::vector<std::string>> readDirectory(const std::string &dir) {
    auto r = resolve(dir);
    if (!r)
      return std::nullopt;
    std::vector<std::string> names;
    try {
      names = store::readDirNames(view.real(*r));
    } catch (const util::SysError &e) {
      errno = e.errNo;
      return std::nullopt;
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  void createSymlink(const std::string &target, const std::string &link) {
    if (::symlink(target.c_str(), view.real(link).c_str()) != 0)
      throw util::SysError("creating symlink from '" + link + "' to '" + target + "'", errno);
  }

  void createLinks(const std::string &srcDir, const std::string &dstDir, int priority) {
    auto entries = readDirectory(srcDir);
    if (!entries) {
      if (errno == ENOTDIR) {
        warn("not including '" + srcDir + "' in the user environment because it's not a directory");
        return;
      }
      throw util::SysError("opening directory '" + srcDir + "'", errno);
    }

    for (auto &name : *entries) {
      if (name[0] == '.')
        continue; // not matched by glob
      std::string srcFile = srcDir + "/" + name;
      std::string dstFile = dstDir + "/" + name;

      struct stat srcSt;
      int err = 0;
      if (!statFollow(srcFile, srcSt, err)) {
        if (err == ENOENT || err == ENOTDIR) {
          warn("skipping dangling symlink '" + dstFile + "'");
          continue;
        }
        throw util::SysError("getting status of '" + srcFile + "'", err);
      }

      // Useless in a profile, or bound to collide between packages.
      if (hasSuffix(srcFile, "/propagated-build-inputs") || hasSuffix(srcFile, "/nix-support") ||
          hasSuffix(srcFile, "/perllocal.pod") || hasSuffix(srcFile, "/info/dir") ||
          hasSuffix(srcFile, "/log") || hasSuffix(srcFile, "/manifest.nix") ||
          hasSuffix(srcFile, "/manifest.json"))
        continue;

      struct stat dstSt;
      if (S_ISDIR(srcSt.st_mode)) {
        if (lstatPath(dstFile, dstSt)) {
          if (S_ISDIR(dstSt.st_mode)) {
            createLinks(srcFile, dstFile, priority);
            continue;
          } else if (S_ISLNK(dstSt.st_mode)) {
            // A directory of one package so far: make it a real directory
            // holding links to both packages' contents.
            auto target = resolve(dstFile);
            struct stat targetSt;
            if (!target || ::lstat(view.real(*target).c_str(), &targetSt) != 0 ||
                !S_ISDIR(targetSt.st_mode))
              throw EnvError("collision between '" + srcFile + "' and non-directory '" +
                             target.value_or(dstFile) + "'");
            if (::unlink(view.real(dstFile).c_str()) != 0)
              throw util::SysError("unlinking '" + dstFile + "'", errno);
            if (::mkdir(view.real(dstFile).c_str(), 0755) != 0)
              throw util::SysError("creating directory '" + dstFile + "'", errno);
            createLinks(*target, dstFile, priorities[dstFile]);
            createLinks(srcFile, dstFile, priority);
            continue;
          }
        }
      } else if (lstatPath(dstFile, dstSt)) {
        if (S_ISLNK(dstSt.st_mode)) {
          int prevPriority = priorities[dstFile];
          if (prevPriority == priority)
            throw EnvError(
                "packages '" + srcFile + "' and '" + util::readLink(view.real(dstFile)) +
                "' have the same priority " + std::to_string(priority) +
                "; use 'nix-env --set-flag priority NUMBER INSTALLED_PKGNAME' to change the "
                "priority of one of the conflicting packages (0 being the highest priority)");
          if (prevPriority < priority)
            continue;
          if (::unlink(view.real(dstFile).c_str()) != 0)
            throw util::SysError("unlinking '" + dstFile + "'", errno);
        } else if (S_ISDIR(dstSt.st_mode)) {
          throw EnvError("collision between non-directory '" + srcFile + "' and directory '" +
                         dstFile + "'");
        }
      }

      createSymlink(srcFile, dstFile);
      priorities[dstFile] = priority;
      symlinks++;
    }
  }

  std::string readPropagated(const std::string &pkgDir) {
    auto r = resolve(pkgDir + "/nix-support/propagated-user-env-packages");
    if (!r) {
      if (errno == ENOENT || errno == ENOTDIR)
        return "";
      throw util::SysError("reading '" + pkgDir + "/nix-support/propagated-user-env-packages'",
                           errno);
    }
    return store::readFile(view.real(*r));
  }
};

std::vector<std::string> tokenize(const std::string &s, const char *separators) {
  std::vector<std::string> out;
  size_t pos = s.find_first_not_of(separators);
  while (pos != std::string::npos) {
    size_t end = s.find_first_of(separators, pos);
    out.push_back(s.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
    pos = end == std::string::npos ? end : s.find_first_not_of(separators, end);
  }
  return out;
}

const std::string &attr(const format::Derivation &drv, const std::string &name) {
  auto it = drv.env.find(name);
  if (it == drv.env.end())
    throw EnvError("attribute '" + name + "' missing");
  return it->second;
}

long parseNumber(const std::string &s) {
  try {
    size_t used;
    long n = std::stol(s, &used);
    if (used == s.size())
      return n;
  } catch (std::exception &) {
  }
  throw EnvError("invalid number '" + s + "' in the 'derivations' attribute");
}

} // namespace

std::string StoreView::real(const std::string &path) const {
  if (hasPrefixDir(path, outPath))
    return outReal + path.substr(outPath.size());
  if (hasPrefixDir(path, storeDir))
    return realStoreDir + path.substr(storeDir.size());
  return path;
}

unsigned long buildProfile(const StoreView &view, std::vector<EnvPackage> pkgs,
                           const std::function<void(const std::string &)> &warn) {
  Builder b{view, warn, {}, 0};
  std::set<std::string> done, postponed;

  auto addPkg = [&](const std::string &pkgDir, int priority) {
    if (!done.insert(pkgDir).second)
      return;
    b.createLinks(pkgDir, view.outPath, priority);
    for (auto &p : tokenize(b.readPropagated(pkgDir), " \n"))
      if (!done.count(p))
        postponed.insert(p);
  };

  // In priority order, to spare needless link/unlink steps.
  std::sort(pkgs.begin(), pkgs.end(), [](const EnvPackage &a, const EnvPackage &b) {
    return a.priority < b.priority || (a.priority == b.priority && a.path < b.path);
  });
  for (auto &pkg : pkgs)
    if (pkg.active)
      addPkg(pkg.path, pkg.priority);

  // Propagated packages last: they lose collisions.
  int priorityCounter = 1000;
  while (!postponed.empty()) {
    std::set<std::string> pkgDirs = std::move(postponed);
    postponed.clear();
    for (auto &pkgDir : pkgDirs)
      addPkg(pkgDir, priorityCounter++);
  }
  return b.symlinks;
}

void runBuildenv(const format::Derivation &drv, const std::string &builtStoreDir,
                 const std::string &storeDir, const std::string &realStoreDir, BuildLog &log) {
  StoreView view;
  view.storeDir = storeDir;
  view.outPath = attr(drv, "out");
  view.outReal = builtStoreDir + "/" + format::parseStorePath(view.outPath, storeDir).baseName();
  view.realStoreDir = realStoreDir;

  store::createDirs(view.outReal);

  std::vector<EnvPackage> pkgs;
  auto items = tokenize(attr(drv, "derivations"), " \t\n\r");
  for (size_t i = 0; i < items.size();) {
    // As Nix: the layout is trusted, but running off the end is an error.
    if (i + 3 > items.size())
      throw EnvError("malformed 'derivations' attribute");
    bool active = items[i] != "false";
    int priority = int(parseNumber(items[i + 1]));
    long outputs = parseNumber(items[i + 2]);
    i += 3;
    for (long n = 0; n < outputs; n++, i++) {
      if (i >= items.size())
        throw EnvError("malformed 'derivations' attribute");
      pkgs.push_back({items[i], active, priority});
    }
  }

  auto warn = [&](const std::string &msg) {
    std::string line = "warning: " + msg + "\n";
    log.append(line.data(), line.size());
  };
  buildProfile(view, std::move(pkgs), warn);

  std::string manifestLink = view.outReal + "/manifest.nix";
  if (::symlink(attr(drv, "manifest").c_str(), manifestLink.c_str()) != 0)
    throw util::SysError("creating symlink '" + manifestLink + "'", errno);
}

} // namespace bastion::build
