// Small POSIX file helpers for the store. All throw StoreError with a
// message naming the path and the system's reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bastion::store {

[[noreturn]] void throwSysError(const std::string &what);

bool pathExists(const std::string &path); // lstat succeeds
// mkdir -p with mode 0777 (less the umask), as Nix's createDirs.
void createDirs(const std::string &path);
// rm -rf that never follows symlinks and copes with read-only directories
// (store objects are 0555). A missing path is not an error.
void deletePath(const std::string &path);
// Creates `path` (which must not exist) holding `data`, flushed to disk.
void writeNewFile(const std::string &path, std::string_view data);
std::string readFile(const std::string &path);
// fsync of a file or directory, by path.
void syncPath(const std::string &path);
// rename(2); both must be in the same directory or file system.
void renamePath(const std::string &from, const std::string &to);
// renamePath for a store object that may already be read-only: moving a
// directory to another parent updates its "..", which needs write
// permission on it unless we are root (Nix's movePath).
void movePath(const std::string &from, const std::string &to);
// Absolute, with "." / ".." / repeated slashes resolved lexically and no
// trailing slash (Nix's absPath + canonPath, without resolving symlinks).
std::string absolutePath(const std::string &path);
// The same relative to `dir` instead of the working directory.
std::string absolutePath(const std::string &path, const std::string &dir);

// A fresh directory "$TMPDIR/<prefix>XXXXXX" (/tmp without TMPDIR); `what`
// names it in the error ("creating <what> in '…'").
std::string createTempDir(const std::string &prefix,
                          const std::string &what = "a temporary directory");
// The same in `parent` instead of $TMPDIR.
std::string createTempDirIn(const std::string &parent, const std::string &prefix,
                            const std::string &what = "a temporary directory");
// The names in `dir` but "." and "..", in readdir order. Throws a
// system error naming the directory when it cannot be opened.
std::vector<std::string> readDirNames(const std::string &dir);

// Deletes everything in `dir` but `dir` itself.
void deleteContents(const std::string &dir);

// A directory that its user keeps an flock on while it works in it (a build
// thread's store dir): the garbage collector leaves a locked one alone and
// deletes an unlocked one as a crashed process's leftover. lockDirectory
// returns the descriptor that holds the lock (close it to release).
int lockDirectory(const std::string &dir);
bool directoryInUse(const std::string &dir);

// A createTempDir directory that is deleted, contents and all, however the
// scope is left.
struct TempDir {
  std::string path;
  explicit TempDir(const std::string &prefix) : path(createTempDir(prefix)) {}
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
};

// fcntl lock of a whole file: F_WRLCK or F_RDLCK (F_UNLCK releases),
// retrying on EINTR; returns false when `wait` is false and someone else
// holds it. Other failures throw StoreError "<what>: <reason>".
bool lockFile(int fd, short type, bool wait, const std::string &what = "locking file");

} // namespace bastion::store
