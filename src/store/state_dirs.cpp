// See state_dirs.h.
#include "store/state_dirs.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "store/fs_util.h"
#include "store/store.h"

namespace bastion::store {

namespace {

// Nix's default reserved-size: space set aside so that the garbage
// collector can still open the database on a full disk.
constexpr off_t kReservedSize = 8 * 1024 * 1024;

std::string userName() {
  if (struct passwd *pw = ::getpwuid(::getuid()))
    return pw->pw_name;
  const char *user = std::getenv("USER");
  return user ? user : "";
}

void reserveSpace(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && st.st_size == kReservedSize)
    return;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return; // as Nix: not worth failing over
  if (::posix_fallocate(fd, 0, kReservedSize) != 0) {
    std::string junk(static_cast<size_t>(kReservedSize), 'X');
    ssize_t w = ::write(fd, junk.data(), junk.size());
    (void)w;
    int t = ::ftruncate(fd, kReservedSize);
    (void)t;
  }
  ::close(fd);
}

void checkNotSymlinks(std::string path) {
  const char *ignore = std::getenv("NIX_IGNORE_SYMLINK_STORE");
  if (ignore && std::string(ignore) == "1")
    return;
  while (!path.empty() && path != "/") {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0)
      throwSysError("getting status of '" + path + "'");
    if (S_ISLNK(st.st_mode))
      throw StoreError("the path '" + path +
                       "' is a symlink; this is not allowed for the Nix store and its "
                       "parent directories");
    path = path.substr(0, path.rfind('/'));
  }
}

} // namespace

StoreLayout storeLayout(const std::string &root) {
  StoreLayout l;
  l.realStoreDir = root + "/nix/store";
  l.stateDir = root + "/nix/var/nix";
  l.dbDir = l.stateDir + "/db";
  return l;
}

void createStateDirs(const StoreLayout &l) {
  createDirs(l.realStoreDir);
  createDirs(l.realStoreDir + "/.links");
  std::string profiles = l.stateDir + "/profiles";
  createDirs(profiles);
  createDirs(l.stateDir + "/temproots");
  createDirs(l.dbDir);
  std::string gcroots = l.stateDir + "/gcroots";
  if (!pathExists(gcroots)) {
    createDirs(gcroots);
    if (::symlink(profiles.c_str(), (gcroots + "/profiles").c_str()) != 0 && errno != EEXIST)
      throwSysError("creating symlink '" + gcroots + "/profiles'");
  }
  for (const std::string &perUser : {profiles + "/per-user", gcroots + "/per-user"}) {
    createDirs(perUser);
    if (::chmod(perUser.c_str(), 0755) != 0)
      throwSysError("setting permissions on '" + perUser + "' to 755");
  }
  // Nix's createUser: per-user profile and GC-root directories.
  std::string user = userName();
  if (!user.empty()) {
    for (const std::string &dir : {profiles + "/per-user/" + user, gcroots + "/per-user/" + user}) {
      createDirs(dir);
      if (::chmod(dir.c_str(), 0755) != 0)
        throwSysError("changing permissions of directory '" + dir + "'");
      if (::chown(dir.c_str(), ::getuid(), ::getgid()) != 0)
        throwSysError("changing owner of directory '" + dir + "'");
    }
  }
  checkNotSymlinks(l.realStoreDir);
  reserveSpace(l.dbDir + "/reserved");
}

int readSchemaVersion(const StoreLayout &l) {
  if (!pathExists(l.schemaPath()))
    return 0;
  std::string s = readFile(l.schemaPath());
  char *end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  while (end && (*end == '\n' || *end == ' '))
    ++end;
  if (s.empty() || !end || *end != '\0' || v < 0)
    throw StoreError("'" + l.schemaPath() + "' is corrupt");
  return static_cast<int>(v);
}

void writeSchemaVersion(const StoreLayout &l, int version) {
  // Written in place like Nix's writeFile, but through a temporary so
  // that a crash cannot leave an empty schema file behind.
  std::string tmp = l.schemaPath() + ".tmp-" + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  writeNewFile(tmp, std::to_string(version));
  renamePath(tmp, l.schemaPath());
}

int lockBigLock(const StoreLayout &l) {
  std::string path = l.dbDir + "/big-lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throwSysError("opening lock file '" + path + "'");
  try {
    lockFile(fd, F_RDLCK, true, "acquiring shared lock on '" + path + "'");
  } catch (...) {
    ::close(fd);
    throw;
  }
  return fd;
}

void relockBigLock(int fd, bool exclusive) {
  const std::string what = "changing the lock on the store's big-lock";
  // Two holders of the shared lock both asking for the exclusive one
  // would deadlock: let go first, then wait.
  if (exclusive)
    lockFile(fd, F_UNLCK, true, what);
  lockFile(fd, exclusive ? F_WRLCK : F_RDLCK, true, what);
}

} // namespace bastion::store
