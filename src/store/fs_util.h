// Small POSIX file helpers for the store. System call failures throw
// util::SysError, naming the path and the system's reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/file.h"
#include "util/temp.h"

namespace bastion::store {

// The store's callers use util's one copy of these (see ARCHITECTURE.md).
using util::createTempDir;
using util::createTempDirIn;
using util::deletePath;
using util::TempDir;
using util::throwSysError;

bool pathExists(const std::string &path); // lstat succeeds
// mkdir -p with mode 0777 (less the umask), as Nix's createDirs.
void createDirs(const std::string &path);
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

// fcntl lock of a whole file: F_WRLCK or F_RDLCK (F_UNLCK releases),
// retrying on EINTR; returns false when `wait` is false and someone else
// holds it. Other failures throw SysError "<what>: <reason>".
bool lockFile(int fd, short type, bool wait, const std::string &what = "locking file");

} // namespace bastion::store
