// The parent's half of the sandbox: the build store dir on disk, and the
// plan for the child: the skeleton of the root tmpfs and the mounts.
// Layout, modes and file contents follow Nix 2.8's startBuilder/runChild,
// checked against a live Nix 2.8 sandbox by tests/sandbox/run.py.
//
// Nix builds its chroot on disk, under the store. Only the store dir has to
// be there (outputs are renamed from it into the store); the rest lives on
// a tmpfs in the builder's mount namespace, because creating and deleting
// a few dozen inodes per build on the store's file system was a large part
// of the cost of a small build.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "build/sandbox_plan.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/file.h"
#include "util/io.h"
#include "util/path.h"

namespace bastion::build::detail {
namespace {

[[noreturn]] void fail(const std::string &what) {
  throw SandboxError("while setting up the build environment: " + what + ": " +
                     std::strerror(errno));
}

bool exists(const std::string &p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}

// mkdir -p; new directories get exactly `mode` (no umask), so the sandbox
// looks the same whatever the caller's umask.
void makeDirs(const std::string &path, mode_t mode = 0755) {
  if (path.empty() || exists(path))
    return;
  auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0)
    makeDirs(path.substr(0, slash), mode);
  if (::mkdir(path.c_str(), mode) == -1 && errno != EEXIST)
    fail("creating directory '" + path + "'");
  if (::chmod(path.c_str(), mode) == -1)
    fail("setting permissions on '" + path + "'");
}

void writeFile(const std::string &path, const std::string &data, mode_t mode = 0644) {
  util::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!fd)
    fail("creating '" + path + "'");
  try {
    util::writeFull(fd.get(), data, "writing '" + path + "'");
  } catch (const util::SysError &e) {
    errno = e.errNo;
    fail("writing '" + path + "'");
  }
  fd.reset();
  if (::chmod(path.c_str(), mode) == -1)
    fail("setting permissions on '" + path + "'");
}

void chownTo(const std::string &path, uid_t uid, gid_t gid) {
  if (::lchown(path.c_str(), uid, gid) == -1)
    fail("changing ownership of '" + path + "'");
}

std::string baseOf(const std::string &p) { return p.substr(p.rfind('/') + 1); }

// Flags a read-only remount must keep: in a user namespace the kernel
// refuses to clear nosuid/nodev/noexec or change the atime mode of a mount
// that came from the parent namespace.
unsigned long lockedFlags(const std::string &path) {
  struct statvfs sv;
  if (::statvfs(path.c_str(), &sv) == -1)
    fail("getting attributes of path '" + path + "'");
  unsigned long f = 0;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    f |= MS_RELATIME;
  return f;
}

// The build store dir: empty, 1775 and group-owned by the builder's group,
// like Nix's chroot store dir.
void prepareStoreDir(const std::string &dir, bool privileged, gid_t hostGid) {
  struct stat st;
  if (::lstat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      errno = ENOTDIR;
      fail("using '" + dir + "' as the build store");
    }
    std::error_code ec;
    if (!std::filesystem::is_empty(dir, ec) || ec) {
      errno = ec ? ec.value() : ENOTEMPTY;
      fail("using '" + dir + "' as the build store");
    }
  } else {
    makeDirs(util::dirOf(dir));
    if (::mkdir(dir.c_str(), 01775) == -1)
      fail("creating '" + dir + "'");
  }
  if (::chmod(dir.c_str(), 01775) == -1)
    fail("setting permissions on '" + dir + "'");
  if (privileged)
    chownTo(dir, 0, hostGid);
}

// The root tmpfs's files, in creation order, parents before children.
class Skeleton {
public:
  explicit Skeleton(std::string root) : root_(std::move(root)) {}
  // mkdir -p: missing parents get 0755.
  void dir(const std::string &path, mode_t mode = 0755) {
    if (path == "/" || has(path))
      return;
    dir(util::dirOf(path));
    add({SkeletonEntry::kDir, root_ + path, mode, {}}, path);
  }
  void file(const std::string &path, std::string data = {}, mode_t mode = 0644) {
    if (has(path))
      return;
    dir(util::dirOf(path));
    add({SkeletonEntry::kFile, root_ + path, mode, std::move(data)}, path);
  }
  void symlink(const std::string &target, const std::string &path) {
    dir(util::dirOf(path));
    add({SkeletonEntry::kSymlink, root_ + path, 0777, target}, path);
  }
  bool has(const std::string &path) const { return made_.count(path) != 0; }
  std::vector<SkeletonEntry> take() { return std::move(entries_); }

private:
  void add(SkeletonEntry e, const std::string &path) {
    entries_.push_back(std::move(e));
    made_.insert(path);
  }
  std::string root_;
  std::vector<SkeletonEntry> entries_;
  std::set<std::string> made_;
};

// The chroot's files belong to host root and only the builder's group, as
// with Nix's build users; the build directory is the builder's own.
void chownBuildDir(const std::string &dir, uid_t uid, gid_t gid) {
  chownTo(dir, uid, gid);
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    chownTo(it->path().string(), uid, gid);
  if (ec) {
    errno = ec.value();
    fail("reading '" + dir + "'");
  }
}

} // namespace

SandboxPlan prepareSandbox(const SandboxSpec &spec, uid_t hostUid, gid_t hostGid) {
  if (spec.buildStoreDir.empty() || spec.buildStoreDir[0] != '/')
    throw SandboxError(
        "while setting up the build environment: the build store must be an absolute path");
  if (spec.buildDir.empty() || spec.buildDir[0] != '/')
    throw SandboxError(
        "while setting up the build environment: the build directory must be an absolute path");

  const std::string root = spec.buildStoreDir;
  const std::string storeDir = spec.storeDir;
  const bool privileged = ::geteuid() == 0;
  SandboxPlan plan;
  plan.rootDir = root;
  plan.storeMount = root + storeDir;
  plan.privateNetwork = !spec.network;

  prepareStoreDir(root, privileged, hostGid);
  Skeleton skel(root);

  // A writable /tmp: many builders need one (Nix's comment), and it
  // vanishes with the sandbox.
  skel.dir("/tmp", 01777);

  skel.dir("/etc");
  skel.file("/etc/group", "root:x:0:\nnixbld:!:100:\nnogroup:x:65534:\n");
  skel.file("/etc/passwd", "root:x:0:0:Nix build user:/build:/noshell\n"
                           "nixbld:x:1000:100:Nix build user:/build:/noshell\n"
                           "nobody:x:65534:65534:Nobody:/:/noshell\n");
  if (!spec.network)
    skel.file("/etc/hosts", "127.0.0.1 localhost\n::1 localhost\n");

  // Where the build store dir is mounted back.
  skel.dir(storeDir);

  // target (inside) -> source (host), with Nix's "?" optional marker.
  struct Source {
    std::string path;
    bool optional = false;
    bool readOnly = false;
    bool recursive = true;
  };
  std::map<std::string, Source> dirs;
  for (auto &[target, source] : spec.extraPaths) {
    bool optional = !source.empty() && source.back() == '?';
    dirs[target] = {optional ? source.substr(0, source.size() - 1) : source, optional};
  }
  dirs["/build"] = {spec.buildDir};

  const std::string realStore = spec.realStoreDir.empty() ? storeDir : spec.realStoreDir;
  for (auto &p : spec.inputPaths) {
    if (p.rfind(storeDir + "/", 0) != 0 || p.find('/', storeDir.size() + 1) != std::string::npos)
      throw SandboxError("while setting up the build environment: '" + p + "' is not a store path");
    std::string real = realStore + "/" + baseOf(p);
    struct stat st;
    if (::lstat(real.c_str(), &st) == -1)
      fail("getting attributes of path '" + real + "'");
    if (S_ISLNK(st.st_mode)) {
      // A symlink cannot be bind-mounted; a copy of it is as good
      // (Nix hard-links non-directories instead).
      try {
        util::createSymlink(util::readLink(real), root + "/" + baseOf(p));
      } catch (const util::SysError &e) {
        throw SandboxError("while setting up the build environment: " + std::string(e.what()));
      }
    } else {
      dirs[p] = {real, false, true, false};
    }
  }

  // A nearly empty /dev, unless the caller bind-mounts the host's.
  if (!dirs.count("/dev")) {
    skel.dir("/dev/shm");
    skel.dir("/dev/pts");
    for (const char *dev :
         {"/dev/full", "/dev/null", "/dev/random", "/dev/tty", "/dev/urandom", "/dev/zero"})
      dirs.emplace(dev, Source{dev});
    // Present, not necessarily accessible: Nix's pathExists. Whether the
    // caller could use it decided the default "kvm" feature.
    struct stat kvm;
    if (spec.kvm && ::stat("/dev/kvm", &kvm) == 0)
      dirs.emplace("/dev/kvm", Source{"/dev/kvm"});
    skel.symlink("/proc/self/fd", "/dev/fd");
    skel.symlink("/proc/self/fd/0", "/dev/stdin");
    skel.symlink("/proc/self/fd/1", "/dev/stdout");
    skel.symlink("/proc/self/fd/2", "/dev/stderr");
  }

  // Fixed-output derivations reach the network, so they get the host's
  // resolver configuration (and only nss "files dns").
  if (spec.network) {
    skel.file("/etc/nsswitch.conf", "hosts: files dns\nservices: files\n");
    for (const char *f : {"/etc/resolv.conf", "/etc/services", "/etc/hosts"})
      if (exists(f))
        dirs.emplace(f, Source{f});
  }

  for (auto &[target, src] : dirs) {
    if (src.path == "/proc")
      continue; // Nix ignores it: /proc is always fresh
    struct stat st;
    if (::stat(src.path.c_str(), &st) == -1) {
      if (src.optional && errno == ENOENT)
        continue;
      fail("getting attributes of path '" + src.path + "'");
    }
    if (target.rfind(storeDir + "/", 0) == 0) {
      // Inside the store dir, which is the build store dir on disk:
      // the mount point must be made there.
      std::string hostTarget = root + target.substr(storeDir.size());
      if (S_ISDIR(st.st_mode)) {
        makeDirs(hostTarget);
      } else {
        makeDirs(util::dirOf(hostTarget));
        if (!exists(hostTarget))
          writeFile(hostTarget, "", 0644);
      }
    } else if (S_ISDIR(st.st_mode)) {
      skel.dir(target);
    } else {
      skel.file(target);
    }
    BindMount b{src.path, root + target, src.recursive, src.readOnly, 0};
    if (src.readOnly)
      b.keepFlags = lockedFlags(src.path);
    plan.binds.push_back(std::move(b));
  }

  skel.dir("/proc", 0555);
  plan.procDir = root + "/proc";
  plan.shmDir = root + "/dev/shm";
  plan.ptsDir = root + "/dev/pts";
  plan.ptmxLink = root + "/dev/ptmx";
  plan.ptsPtmx = root + "/dev/pts/ptmx";
  plan.hostPts = "/dev/pts";
  plan.hostPtmx = "/dev/ptmx";
  plan.mountShm = exists("/dev/shm");
  plan.mountPts = exists("/dev/pts/ptmx") && !skel.has("/dev/ptmx") && !dirs.count("/dev/pts");
  if (plan.mountPts)
    skel.dir("/dev/pts");
  plan.skeleton = skel.take();

  // Private to the builder, as Nix's createTempDir(..., 0700).
  if (::chmod(spec.buildDir.c_str(), 0700) == -1)
    fail("setting permissions on '" + spec.buildDir + "'");
  if (privileged)
    chownBuildDir(spec.buildDir, hostUid, hostGid);

  plan.seccomp = seccompProgram();
  plan.builder = spec.builder;
  plan.argv.push_back(baseOf(spec.builder));
  plan.argv.insert(plan.argv.end(), spec.args.begin(), spec.args.end());
  for (auto &[k, v] : spec.env)
    plan.envp.push_back(k + "=" + v);
  return plan;
}

} // namespace bastion::build::detail
