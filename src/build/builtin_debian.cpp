#include "build/builtin_debian.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "build/elf_info.h"
#include "store/fs_util.h"
#include "store/shared_lib.h"
#include "store/unpack.h"
#include "util/fd.h"
#include "util/file.h"
#include "util/io.h"
#include "util/path.h"

extern char **environ;

namespace bastion::build {
namespace {

struct DebianError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const std::string &attr(const format::Derivation &drv, const std::string &name) {
  auto it = drv.env.find(name);
  if (it == drv.env.end())
    throw DebianError("attribute '" + name + "' missing");
  return it->second;
}

// A store path of the derivation's inputs, where it really is.
std::string realPath(const std::string &p, const std::string &storeDir,
                     const std::string &realStoreDir) {
  if (p.rfind(storeDir + "/", 0) != 0)
    throw DebianError("'" + p + "' is not in the store");
  return realStoreDir + p.substr(storeDir.size());
}

bool isDir(const std::string &p) {
  struct stat st;
  return lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool isLink(const std::string &p) {
  struct stat st;
  return lstat(p.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

// The data.tar.* member of the ar archive `deb`, copied to `dest`.
void extractDataTar(const std::string &deb, const std::string &dest) {
  archive *a = BASTION_LAZY(store::libarchive(), archive_read_new)();
  struct Free {
    archive *a;
    ~Free() { BASTION_LAZY(store::libarchive(), archive_read_free)(a); }
  } guard{a};
  auto fail = [&](const std::string &what) {
    const char *why = BASTION_LAZY(store::libarchive(), archive_error_string)(a);
    throw DebianError(what + " (" + (why ? why : "unknown libarchive error") + ")");
  };
  BASTION_LAZY(store::libarchive(), archive_read_support_format_ar)(a);
  if (BASTION_LAZY(store::libarchive(), archive_read_open_filename)(a, deb.c_str(), 65536) !=
      ARCHIVE_OK)
    fail("'" + deb + "' is not a Debian package");
  for (;;) {
    archive_entry *e;
    int r = BASTION_LAZY(store::libarchive(), archive_read_next_header)(a, &e);
    if (r == ARCHIVE_EOF)
      throw DebianError("'" + deb + "' has no data.tar member");
    if (r != ARCHIVE_OK)
      fail("reading '" + deb + "'");
    std::string name = BASTION_LAZY(store::libarchive(), archive_entry_pathname)(e);
    if (name.rfind("data.tar", 0) != 0)
      continue;
    util::Fd out(open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out)
      util::throwSysError("creating '" + dest + "'");
    char buf[65536];
    for (;;) {
      la_ssize_t n = BASTION_LAZY(store::libarchive(), archive_read_data)(a, buf, sizeof buf);
      if (n < 0)
        fail("reading " + name + " of '" + deb + "'");
      if (n == 0)
        break;
      util::writeFull(out.get(), std::string_view(buf, size_t(n)), "writing '" + dest + "'");
    }
    return;
  }
}

// Moves the entries of root/from into root/to (merged /usr), then makes
// root/from a symlink to it. Two files of one name are an error.
void mergeInto(const std::string &root, const std::string &from, const std::string &to) {
  std::string src = root + "/" + from, dst = root + "/" + to;
  if (!isDir(src))
    return;
  store::createDirs(dst);
  for (auto &n : store::readDirNames(src)) {
    std::string a = src + "/" + n, b = dst + "/" + n;
    if (isDir(a) && isDir(b)) {
      mergeInto(root, from + "/" + n, to + "/" + n);
      continue;
    }
    if (store::pathExists(b))
      throw DebianError("both /" + from + "/" + n + " and /" + to + "/" + n + " exist");
    store::renamePath(a, b);
  }
  if (rmdir(src.c_str()) != 0)
    util::throwSysError("removing '" + src + "'");
}

// Where `target` (an absolute link target) is in the package, after the
// merge; "" when it is not there.
std::string mergedTarget(const std::string &root, const std::string &target) {
  std::string t = util::canonPath(target);
  for (const char *d : {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
    std::string dir = d;
    if (t == dir || t.rfind(dir + "/", 0) == 0) {
      t = "/usr" + t;
      break;
    }
  }
  return store::pathExists(root + t) || isLink(root + t) ? t : "";
}

std::string relativeTo(const std::string &fromDir, const std::string &to) {
  // Both absolute and canonical, inside the package.
  std::vector<std::string> a, b;
  std::stringstream sa(fromDir), sb(to);
  for (std::string c; std::getline(sa, c, '/');)
    if (!c.empty())
      a.push_back(c);
  for (std::string c; std::getline(sb, c, '/');)
    if (!c.empty())
      b.push_back(c);
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i])
    i++;
  std::string r;
  for (size_t j = i; j < a.size(); j++)
    r += "../";
  for (size_t j = i; j < b.size(); j++)
    r += b[j] + (j + 1 < b.size() ? "/" : "");
  return r.empty() ? "." : r;
}

void relativiseLinks(const std::string &root, const std::string &rel) {
  std::string dir = root + rel;
  for (auto &n : store::readDirNames(dir)) {
    std::string p = dir + "/" + n, relp = rel + "/" + n;
    if (isLink(p)) {
      std::string target = util::readLink(p);
      if (target.empty() || target[0] != '/')
        continue;
      std::string t = mergedTarget(root, target);
      if (t.empty())
        continue;
      util::replaceSymlink(relativeTo(rel.empty() ? "/" : rel, t), p);
    } else if (isDir(p)) {
      relativiseLinks(root, relp);
    }
  }
}

void copyTree(const std::string &from, const std::string &to) {
  struct stat st;
  if (lstat(from.c_str(), &st) != 0)
    util::throwSysError("getting status of '" + from + "'");
  if (S_ISLNK(st.st_mode)) {
    util::createSymlink(util::readLink(from), to);
  } else if (S_ISDIR(st.st_mode)) {
    if (mkdir(to.c_str(), 0755) != 0)
      util::throwSysError("creating directory '" + to + "'");
    for (auto &n : store::readDirNames(from))
      copyTree(from + "/" + n, to + "/" + n);
  } else {
    util::Fd in(open(from.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in)
      util::throwSysError("opening '" + from + "'");
    util::Fd out(open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                      (st.st_mode & S_IXUSR) ? 0755 : 0644));
    if (!out)
      util::throwSysError("creating '" + to + "'");
    util::writeFull(out.get(), util::readAll(in.get(), "reading '" + from + "'"),
                    "writing '" + to + "'");
  }
}

// The directories a package's libraries are in, below its root.
std::vector<std::string> libDirs(const std::string &real) {
  std::vector<std::string> dirs;
  if (isDir(real + "/usr/lib"))
    for (auto &n : store::readDirNames(real + "/usr/lib"))
      if (n.find("-linux-gnu") != std::string::npos && isDir(real + "/usr/lib/" + n))
        dirs.push_back("/usr/lib/" + n);
  std::sort(dirs.begin(), dirs.end());
  for (const char *d : {"/usr/lib", "/usr/lib64"})
    if (isDir(real + d))
      dirs.push_back(d);
  return dirs;
}

struct SearchDir {
  std::string logical, real;
};

void run(const std::vector<std::string> &argv, BuildLog &log) {
  std::vector<char *> cargv;
  for (auto &a : argv)
    cargv.push_back(const_cast<char *>(a.c_str()));
  cargv.push_back(nullptr);
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0)
    util::throwSysError("creating a pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
  pid_t pid;
  int err = posix_spawnp(&pid, argv[0].c_str(), &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(pipefd[1]);
  util::Fd rd(pipefd[0]);
  if (err != 0)
    throw DebianError("cannot run '" + argv[0] + "': " + strerror(err) +
                      " (install Debian's patchelf)");
  std::string out = util::readAll(rd.get(), "reading " + argv[0] + "'s output");
  log.append(out.data(), out.size());
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      util::throwSysError("waiting for " + argv[0]);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw DebianError(argv[0] + " failed on '" + argv.back() + "': " + out);
}

class Relocator {
public:
  // `roots`: the package's own output first, then the packages of its
  // Depends closure; `dirs`: their library directories, in that order.
  Relocator(std::string outLogical, std::string outReal, std::vector<SearchDir> roots,
            std::vector<SearchDir> dirs, BuildLog &log)
      : outLogical_(std::move(outLogical)), outReal_(std::move(outReal)), roots_(std::move(roots)),
        dirs_(std::move(dirs)), log_(log) {
    assert(!roots_.empty() && roots_.front().real == outReal_);
  }

  void walk(const std::string &rel) {
    std::string p = outReal_ + rel;
    struct stat st;
    if (lstat(p.c_str(), &st) != 0)
      util::throwSysError("getting status of '" + p + "'");
    if (S_ISDIR(st.st_mode)) {
      for (auto &n : store::readDirNames(p))
        walk(rel + "/" + n);
    } else if (S_ISREG(st.st_mode)) {
      relocate(rel);
    }
  }

private:
  // The real file a library name is found as: in `own` (the object's own
  // search path) first, then in the closure's library directories.
  const SearchDir *find(const std::string &lib, const std::vector<SearchDir> &own,
                        std::string &real) {
    for (const std::vector<SearchDir> *list :
         {&own, const_cast<const std::vector<SearchDir> *>(&dirs_)})
      for (auto &d : *list) {
        std::string r = d.real + "/" + lib;
        if (store::pathExists(r)) {
          real = r;
          return &d;
        }
      }
    return nullptr;
  }

  // An object's own DT_RUNPATH/DT_RPATH entries, as store directories:
  // $ORIGIN is the object's directory; an absolute one (Debian's private
  // library directories, /usr/lib/x86_64-linux-gnu/systemd) is that
  // directory in the package itself and in every package of its Depends
  // closure that has it, as the loader would find it on a Debian system
  // where they are all unpacked into one /.
  std::vector<SearchDir> ownPath(const ElfInfo &info, const std::string &logicalDir,
                                 const std::string &realDir, std::vector<std::string> *kept) {
    std::vector<SearchDir> r;
    std::string path = info.runpath.empty() ? info.rpath : info.runpath;
    std::stringstream ss(path);
    for (std::string e; std::getline(ss, e, ':');) {
      if (e.empty())
        continue;
      if (e.rfind("$ORIGIN", 0) == 0 || e.rfind("${ORIGIN}", 0) == 0) {
        std::string rest = e.substr(e[1] == '{' ? 9 : 7);
        r.push_back({util::canonPath(logicalDir + rest), util::canonPath(realDir + rest)});
        if (kept)
          kept->push_back(e);
      } else if (e[0] == '/') {
        for (auto &root : roots_) {
          if (!isDir(root.real + e))
            continue;
          r.push_back({root.logical + e, root.real + e});
          if (kept)
            kept->push_back(root.logical + e);
        }
      }
    }
    return r;
  }

  void relocate(const std::string &rel) {
    std::string real = outReal_ + rel;
    auto info = readElfInfo(real);
    if (!info || (info->interpreter.empty() && info->needed.empty()))
      return;
    std::vector<std::string> rpath;
    std::set<std::string> used;
    std::vector<SearchDir> own =
        ownPath(*info, util::dirOf(outLogical_ + rel), util::dirOf(real), &rpath);
    // A library in a private directory may need a sibling without saying
    // where (libsystemd-core-252.so needs libsystemd-shared-252.so, both in
    // /usr/lib/x86_64-linux-gnu/systemd): on Debian the programs loading it
    // have found the sibling first. Its own directory is where to look last.
    if (info->interpreter.empty())
      own.push_back({util::dirOf(outLogical_ + rel), util::dirOf(real)});
    // Breadth first over the libraries the object needs, and theirs.
    std::vector<std::pair<std::string, std::vector<SearchDir>>> todo;
    for (auto &n : info->needed)
      todo.push_back({n, own});
    std::set<std::string> seen;
    for (size_t i = 0; i < todo.size(); i++) {
      auto [lib, path] = todo[i];
      if (lib.find('/') != std::string::npos || !seen.insert(lib).second)
        continue;
      std::string found;
      const SearchDir *d = find(lib, path, found);
      if (!d)
        throw DebianError("'" + rel.substr(1) + "' needs " + lib +
                          ", which no package of its Depends closure has");
      if (used.insert(d->logical).second &&
          std::find(rpath.begin(), rpath.end(), d->logical) == rpath.end())
        rpath.push_back(d->logical);
      auto li = readElfInfo(found);
      if (!li)
        continue;
      auto libOwn = ownPath(*li, util::dirOf(d->logical + "/" + lib), util::dirOf(found), nullptr);
      for (auto &n : li->needed)
        todo.push_back({n, libOwn});
    }
    std::vector<std::string> argv{"patchelf"};
    if (!info->interpreter.empty()) {
      std::string found;
      const SearchDir *d = find(util::baseNameOf(info->interpreter), {}, found);
      if (!d)
        throw DebianError("'" + rel.substr(1) + "' needs the loader " + info->interpreter +
                          ", which no package of its Depends closure has");
      argv.insert(argv.end(),
                  {"--set-interpreter", d->logical + "/" + util::baseNameOf(info->interpreter)});
    }
    std::string joined;
    for (auto &r : rpath)
      joined += (joined.empty() ? "" : ":") + r;
    argv.insert(argv.end(), {"--force-rpath", "--set-rpath", joined, real});
    chmod(real.c_str(), 0755);
    run(argv, log_);
    std::string line = "relocated " + rel.substr(1) + "\n";
    log_.append(line.data(), line.size());
  }

  std::string outLogical_, outReal_;
  std::vector<SearchDir> roots_, dirs_;
  BuildLog &log_;
};

} // namespace

void runDebianUnpack(const format::Derivation &drv, const std::string &builtStoreDir,
                     const std::string &storeDir, const std::string &realStoreDir, BuildLog &log) {
  (void)log;
  std::string deb = realPath(attr(drv, "deb"), storeDir, realStoreDir);
  std::string dest = builtStoreDir + "/" + util::baseNameOf(attr(drv, "out"));
  store::TempDir tmp("bastion-deb-");
  std::string tar = tmp.path + "/data.tar";
  extractDataTar(deb, tar);
  std::string root = tmp.path + "/root";
  store::unpackArchive(tar, root);
  for (const char *d : {"bin", "sbin", "lib", "lib32", "lib64", "libx32"})
    mergeInto(root, d, std::string("usr/") + d);
  relativiseLinks(root, "");
  // What profiles link: bin/, sbin/, lib/ … as on a merged-usr system.
  for (const char *d : {"bin", "sbin", "lib", "lib64", "share", "include", "libexec"})
    if (isDir(root + "/usr/" + d) && !store::pathExists(root + "/" + d))
      util::createSymlink(std::string("usr/") + d, root + "/" + d);
  store::renamePath(root, dest);
}

void runDebianRelocate(const format::Derivation &drv, const std::string &builtStoreDir,
                       const std::string &storeDir, const std::string &realStoreDir,
                       BuildLog &log) {
  const std::string &out = attr(drv, "out");
  std::string dest = builtStoreDir + "/" + util::baseNameOf(out);
  std::string src = realPath(attr(drv, "src"), storeDir, realStoreDir);
  copyTree(src, dest);
  std::vector<SearchDir> roots{{out, dest}}, dirs;
  std::stringstream ss(drv.env.count("deps") ? drv.env.at("deps") : "");
  for (std::string dep; ss >> dep;)
    roots.push_back({dep, realPath(dep, storeDir, realStoreDir)});
  for (auto &root : roots)
    for (auto &d : libDirs(root.real))
      dirs.push_back({root.logical + d, root.real + d});
  Relocator(out, dest, roots, dirs, log).walk("");
}

} // namespace bastion::build
