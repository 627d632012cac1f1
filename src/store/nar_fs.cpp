// dumpPath and restorePath: NARs to and from the file system. See nar_fs.h.
#include "store/nar_fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "store/fs_util.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/file.h"
#include "util/io.h"

namespace bastion::store {

using format::NarError;

namespace {

constexpr size_t kChunkSize = 64 * 1024;

std::string joinPath(const std::string &dir, const std::string &name) {
  if (!dir.empty() && dir.back() == '/')
    return dir + name;
  return dir + "/" + name;
}

void dumpContents(const std::string &path, bool executable, format::NarWriter &w) {
  util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd)
    throwSysError("opening file '" + path + "'");
  struct stat st;
  if (::fstat(fd.get(), &st) != 0)
    throwSysError("getting status of '" + path + "'");
  if (!S_ISREG(st.st_mode))
    throw NarError("file '" + path + "' changed while it was being archived");
  uint64_t remaining = static_cast<uint64_t>(st.st_size);
  w.beginRegular(executable, remaining);
  std::vector<char> buf(std::min<uint64_t>(kChunkSize, remaining));
  while (remaining > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), remaining));
    size_t n = util::readFull(fd.get(), buf.data(), want, "reading file '" + path + "'");
    if (n < want)
      throw NarError("file '" + path + "' changed while it was being archived");
    w.contents({buf.data(), n});
    remaining -= n;
  }
  w.endRegular();
}

void dumpNode(const std::string &path, format::NarWriter &w, const PathFilter &filter) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0)
    throwSysError("getting status of '" + path + "'");
  if (S_ISREG(st.st_mode)) {
    dumpContents(path, st.st_mode & S_IXUSR, w);
  } else if (S_ISDIR(st.st_mode)) {
    std::vector<std::string> names = readDirNames(path);
    // std::string compares through char_traits<char>, i.e. as unsigned
    // bytes: the order Nix uses (std::map<std::string, ...>).
    std::sort(names.begin(), names.end());
    w.beginDirectory();
    for (const std::string &name : names) {
      std::string child = joinPath(path, name);
      if (filter && !filter(child))
        continue;
      w.beginEntry(name);
      dumpNode(child, w, filter);
      w.endEntry();
    }
    w.endDirectory();
  } else if (S_ISLNK(st.st_mode)) {
    w.symlink(util::readLink(path));
  } else {
    throw NarError("file '" + path + "' has an unsupported type");
  }
}

class RestoreVisitor : public format::NarVisitor {
public:
  // Objects go to `base` + path; messages name `shown` + path.
  RestoreVisitor(std::string base, std::string shown)
      : base_(std::move(base)), shown_(std::move(shown)) {}

  void createDirectory(const std::string &path) override {
    if (::mkdir((base_ + path).c_str(), 0777) != 0)
      throwSysError("creating directory '" + shown_ + path + "'");
  }

  void createRegularFile(const std::string &path, bool executable, uint64_t) override {
    current_ = shown_ + path;
    fd_ = util::Fd(
        ::open((base_ + path).c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666));
    if (!fd_)
      throwSysError("creating file '" + current_ + "'");
    if (executable) {
      struct stat st;
      if (::fstat(fd_.get(), &st) != 0)
        throwSysError("getting status of '" + current_ + "'");
      if (::fchmod(fd_.get(), (st.st_mode & 07777) | S_IXUSR | S_IXGRP | S_IXOTH) != 0)
        throwSysError("making '" + current_ + "' executable");
    }
  }

  void contents(std::string_view chunk) override {
    util::writeFull(fd_.get(), chunk, "writing to file '" + current_ + "'");
  }

  void closeRegularFile() override {
    if (::close(fd_.release()) != 0)
      throwSysError("writing to file '" + current_ + "'");
  }

  void createSymlink(const std::string &path, const std::string &target) override {
    if (::symlink(target.c_str(), (base_ + path).c_str()) != 0)
      throwSysError("creating symlink '" + shown_ + path + "'");
  }

private:
  std::string base_, shown_, current_;
  util::Fd fd_;
};

// rename() that refuses to replace an existing `to`.
void renameNoReplace(const std::string &from, const std::string &to) {
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
    return;
  if (errno != EINVAL && errno != ENOSYS)
    throwSysError("moving restored NAR to '" + to + "'");
#endif
  struct stat st;
  if (::lstat(to.c_str(), &st) == 0)
    throw util::SysError("moving restored NAR to '" + to + "'", EEXIST);
  if (::rename(from.c_str(), to.c_str()) != 0)
    throwSysError("moving restored NAR to '" + to + "'");
}

} // namespace

void dumpPath(const std::string &path, format::NarSink &sink, const PathFilter &filter) {
  format::NarWriter w(sink);
  dumpNode(path, w, filter);
  w.finish();
}

std::string dumpPathToString(const std::string &path, const PathFilter &filter) {
  std::string out;
  format::StringNarSink sink(out);
  dumpPath(path, sink, filter);
  return out;
}

format::Hash hashPath(format::HashAlgo algo, const std::string &path, uint64_t *narSize,
                      const PathFilter &filter) {
  format::HashSink hash(algo);
  format::HashNarSink sink(hash);
  dumpPath(path, sink, filter);
  if (narSize)
    *narSize = hash.bytesHashed();
  return hash.finish();
}

format::Hash hashFile(format::HashAlgo algo, const std::string &path) {
  util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    throwSysError("opening file '" + path + "'", path);
  format::HashSink sink(algo);
  std::vector<char> buf(kChunkSize);
  while (size_t n =
             util::readFull(fd.get(), buf.data(), buf.size(), "reading file '" + path + "'")) {
    sink.update(std::string_view(buf.data(), n));
    if (n < buf.size())
      break;
  }
  return sink.finish();
}

void restorePath(const std::string &destIn, format::NarSource &source) {
  std::string dest = destIn;
  while (dest.size() > 1 && dest.back() == '/')
    dest.pop_back();
  if (dest.empty())
    throw NarError("cannot restore a NAR to an empty path");

  std::string parent, base;
  size_t slash = dest.rfind('/');
  if (slash == std::string::npos) {
    parent = ".";
    base = dest;
  } else {
    parent = slash == 0 ? "/" : dest.substr(0, slash);
    base = dest.substr(slash + 1);
  }
  if (base.empty() || base == "." || base == "..")
    throw util::SysError("restoring NAR to '" + dest + "'", EINVAL);

  struct stat st;
  if (::lstat(dest.c_str(), &st) == 0)
    throw util::SysError("restoring NAR to '" + dest + "'", EEXIST);

  // A fresh, private directory next to dest (same file system, so the
  // final rename is atomic).
  std::string tmp =
      createTempDirIn(parent == "/" ? "" : parent, "." + base.substr(0, 100) + ".nar-");
  std::string staged = tmp + "/nar";

  try {
    {
      RestoreVisitor v(staged, dest);
      format::parseNar(source, v, true);
    }
    renameNoReplace(staged, dest);
  } catch (...) {
    try {
      deletePath(tmp);
    } catch (const util::Error &) {
      // Best effort: the error that matters is the one being thrown.
    }
    throw;
  }
  ::rmdir(tmp.c_str());
}

} // namespace bastion::store
