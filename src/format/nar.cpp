// NAR serialisation (dumpPath), validation (parseNar) and restoration
// (restorePath). See nar.h for the format and the rules enforced.
#include "format/nar.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "util/error.h"
#include "util/fd.h"
#include "util/file.h"
#include "util/io.h"

namespace bastion::format {

namespace {

constexpr size_t kChunkSize = 64 * 1024;
// Longest tag the format knows is "executable"/"directory"; anything longer
// than this cannot be a valid tag, so it is not even read.
constexpr size_t kMaxTagLength = 16;

[[noreturn]] void throwSys(const std::string &what) { util::throwSysError(what); }

[[noreturn]] void throwSys(int err, const std::string &what) { throw util::SysError(what, err); }

// ---------------------------------------------------------------------------
// Writing

class Writer {
public:
  explicit Writer(NarSink &sink) : sink_(sink) { buf_.reserve(kChunkSize); }

  void raw(std::string_view data) {
    if (buf_.size() + data.size() > kChunkSize) {
      flush();
      if (data.size() >= kChunkSize) {
        sink_.write(data);
        return;
      }
    }
    buf_.append(data);
  }

  void u64(uint64_t n) {
    char b[8];
    for (int i = 0; i < 8; ++i)
      b[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    raw({b, 8});
  }

  void pad(uint64_t len) {
    static const char zeros[8] = {};
    if (size_t r = len % 8)
      raw({zeros, 8 - r});
  }

  void str(std::string_view s) {
    u64(s.size());
    raw(s);
    pad(s.size());
  }

  void flush() {
    if (!buf_.empty()) {
      sink_.write(buf_);
      buf_.clear();
    }
  }

private:
  NarSink &sink_;
  std::string buf_;
};

struct DirCloser {
  void operator()(DIR *d) const { ::closedir(d); }
};

std::string joinPath(const std::string &dir, const std::string &name) {
  if (!dir.empty() && dir.back() == '/')
    return dir + name;
  return dir + "/" + name;
}

std::vector<std::string> readDirectory(const std::string &path) {
  std::unique_ptr<DIR, DirCloser> dir(::opendir(path.c_str()));
  if (!dir)
    throwSys("opening directory '" + path + "'");
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    struct dirent *ent = ::readdir(dir.get());
    if (!ent) {
      if (errno != 0)
        throwSys("reading directory '" + path + "'");
      break;
    }
    std::string_view name = ent->d_name;
    if (name == "." || name == "..")
      continue;
    names.emplace_back(name);
  }
  // std::string compares through char_traits<char>, i.e. as unsigned
  // bytes: the order Nix uses (std::map<std::string, ...>).
  std::sort(names.begin(), names.end());
  return names;
}

void dumpContents(const std::string &path, Writer &w) {
  util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd)
    throwSys("opening file '" + path + "'");
  struct stat st;
  if (::fstat(fd.get(), &st) != 0)
    throwSys("getting status of '" + path + "'");
  if (!S_ISREG(st.st_mode))
    throw NarError("file '" + path + "' changed while it was being archived");
  uint64_t remaining = static_cast<uint64_t>(st.st_size);
  w.u64(remaining);
  std::vector<char> buf(std::min<uint64_t>(kChunkSize, remaining));
  while (remaining > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), remaining));
    size_t n = util::readFull(fd.get(), buf.data(), want, "reading file '" + path + "'");
    if (n < want)
      throw NarError("file '" + path + "' changed while it was being archived");
    w.raw({buf.data(), n});
    remaining -= n;
  }
  w.pad(static_cast<uint64_t>(st.st_size));
}

void dumpNode(const std::string &path, Writer &w, const PathFilter &filter) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0)
    throwSys("getting status of '" + path + "'");
  w.str("(");
  if (S_ISREG(st.st_mode)) {
    w.str("type");
    w.str("regular");
    if (st.st_mode & S_IXUSR) {
      w.str("executable");
      w.str("");
    }
    w.str("contents");
    dumpContents(path, w);
  } else if (S_ISDIR(st.st_mode)) {
    w.str("type");
    w.str("directory");
    for (const std::string &name : readDirectory(path)) {
      std::string child = joinPath(path, name);
      if (filter && !filter(child))
        continue;
      w.str("entry");
      w.str("(");
      w.str("name");
      w.str(name);
      w.str("node");
      dumpNode(child, w, filter);
      w.str(")");
    }
  } else if (S_ISLNK(st.st_mode)) {
    w.str("type");
    w.str("symlink");
    w.str("target");
    w.str(util::readLink(path));
  } else {
    throw NarError("file '" + path + "' has an unsupported type");
  }
  w.str(")");
}

// ---------------------------------------------------------------------------
// Parsing

// Printable rendering of untrusted bytes for error messages.
std::string quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string out = "'";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == kMax) {
      out += "...";
      break;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char b[5];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    }
  }
  out += "'";
  return out;
}

std::string where(const std::string &path) {
  return path.empty() ? " (at the archive root)" : " (at " + quote(path) + ")";
}

class Parser {
public:
  Parser(NarSource &src, NarVisitor &visitor) : src_(src), v_(visitor) {}

  void run(bool requireEof) {
    uint64_t n = readU64();
    if (n != kNarMagic.size())
      throw NarError("invalid NAR: bad magic (not a Nix archive)");
    std::string magic(kNarMagic.size(), '\0');
    readExact(magic.data(), magic.size());
    readPadding(magic.size());
    if (magic != kNarMagic)
      throw NarError("invalid NAR: bad magic (not a Nix archive)");
    parseNode("", 0);
    if (requireEof) {
      char c;
      if (src_.read(&c, 1) != 0)
        throw NarError("invalid NAR: trailing data after the end of the archive");
    }
  }

private:
  NarSource &src_;
  NarVisitor &v_;

  void readExact(char *buf, size_t n) {
    while (n > 0) {
      size_t got = src_.read(buf, n);
      if (got == 0)
        throw NarError("invalid NAR: unexpected end of input (truncated archive)");
      if (got > n)
        got = n;
      buf += got;
      n -= got;
    }
  }

  uint64_t readU64() {
    unsigned char b[8];
    readExact(reinterpret_cast<char *>(b), 8);
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
      n = (n << 8) | b[i];
    return n;
  }

  void readPadding(uint64_t len) {
    if (size_t r = len % 8) {
      char b[8];
      readExact(b, 8 - r);
      for (size_t i = 0; i < 8 - r; ++i)
        if (b[i] != 0)
          throw NarError("invalid NAR: non-zero padding");
    }
  }

  std::string readString(size_t max, const char *what, const std::string &path) {
    uint64_t n = readU64();
    if (n > max)
      throw NarError("invalid NAR: " + std::string(what) + " of " + std::to_string(n) +
                     " bytes exceeds the limit of " + std::to_string(max) + " bytes" + where(path));
    std::string s(static_cast<size_t>(n), '\0');
    readExact(s.data(), s.size());
    readPadding(n);
    return s;
  }

  // A tag; `expected` describes what was acceptable, for the message.
  std::string readTag(const std::string &expected, const std::string &path) {
    uint64_t n = readU64();
    if (n > kMaxTagLength)
      throw NarError("invalid NAR: expected " + expected + " but found a string of " +
                     std::to_string(n) + " bytes" + where(path));
    std::string s(static_cast<size_t>(n), '\0');
    readExact(s.data(), s.size());
    readPadding(n);
    return s;
  }

  [[noreturn]] void unexpected(const std::string &expected, const std::string &got,
                               const std::string &path) {
    throw NarError("invalid NAR: expected " + expected + " but found " + quote(got) + where(path));
  }

  void expect(std::string_view tag, const std::string &path) {
    std::string want = quote(tag);
    std::string got = readTag(want, path);
    if (got != tag)
      unexpected(want, got, path);
  }

  static void checkName(const std::string &name, const std::string &path) {
    if (name.empty())
      throw NarError("invalid NAR: empty entry name" + where(path));
    if (name == "." || name == "..")
      throw NarError("invalid NAR: entry name " + quote(name) + " is not allowed" + where(path));
    if (name.find('/') != std::string::npos)
      throw NarError("invalid NAR: entry name " + quote(name) + " contains '/'" + where(path));
    if (name.find('\0') != std::string::npos)
      throw NarError("invalid NAR: entry name " + quote(name) + " contains a NUL byte" +
                     where(path));
  }

  void parseNode(const std::string &path, size_t depth) {
    expect("(", path);
    expect("type", path);
    std::string type = readTag("a node type", path);
    if (type == "regular") {
      parseRegular(path);
    } else if (type == "symlink") {
      expect("target", path);
      std::string target = readString(kNarMaxTargetLength, "symlink target", path);
      if (target.empty())
        throw NarError("invalid NAR: empty symlink target" + where(path));
      if (target.find('\0') != std::string::npos)
        throw NarError("invalid NAR: symlink target contains a NUL byte" + where(path));
      v_.createSymlink(path, target);
      expect(")", path);
    } else if (type == "directory") {
      parseDirectory(path, depth);
    } else {
      throw NarError("invalid NAR: unknown node type " + quote(type) + where(path));
    }
  }

  void parseRegular(const std::string &path) {
    bool executable = false;
    std::string tag = readTag("'executable' or 'contents'", path);
    if (tag == "executable") {
      executable = true;
      std::string marker = readTag("''", path);
      if (!marker.empty())
        throw NarError("invalid NAR: 'executable' must be followed by an empty string" +
                       where(path));
      tag = readTag("'contents'", path);
      if (tag != "contents")
        unexpected("'contents'", tag, path);
    } else if (tag != "contents") {
      unexpected("'executable' or 'contents'", tag, path);
    }
    uint64_t size = readU64();
    v_.createRegularFile(path, executable, size);
    std::vector<char> buf(static_cast<size_t>(std::min<uint64_t>(kChunkSize, size)));
    for (uint64_t left = size; left > 0;) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), left));
      size_t got = src_.read(buf.data(), want);
      if (got == 0)
        throw NarError("invalid NAR: unexpected end of input (truncated archive)");
      if (got > want)
        got = want;
      v_.contents({buf.data(), got});
      left -= got;
    }
    readPadding(size);
    v_.closeRegularFile();
    expect(")", path);
  }

  void parseDirectory(const std::string &path, size_t depth) {
    v_.createDirectory(path);
    std::string prev;
    bool first = true;
    for (;;) {
      std::string tag = readTag("'entry' or ')'", path);
      if (tag == ")")
        return;
      if (tag != "entry")
        unexpected("'entry' or ')'", tag, path);
      if (depth + 1 > kNarMaxDepth)
        throw NarError("invalid NAR: directories nested deeper than " +
                       std::to_string(kNarMaxDepth) + " levels" + where(path));
      expect("(", path);
      expect("name", path);
      std::string name = readString(kNarMaxNameLength, "entry name", path);
      checkName(name, path);
      if (!first) {
        if (name == prev)
          throw NarError("invalid NAR: duplicate entry name " + quote(name) + where(path));
        if (name < prev)
          throw NarError("invalid NAR: entry name " + quote(name) + " is not sorted after " +
                         quote(prev) + where(path));
      }
      expect("node", path);
      std::string child = path + "/" + name;
      parseNode(child, depth + 1);
      expect(")", child);
      prev = std::move(name);
      first = false;
    }
  }
};

struct NullVisitor : NarVisitor {
  void createDirectory(const std::string &) override {}
  void createRegularFile(const std::string &, bool, uint64_t) override {}
  void contents(std::string_view) override {}
  void createSymlink(const std::string &, const std::string &) override {}
};

// ---------------------------------------------------------------------------
// Restoring

class RestoreVisitor : public NarVisitor {
public:
  // Objects go to `base` + path; messages name `shown` + path.
  RestoreVisitor(std::string base, std::string shown)
      : base_(std::move(base)), shown_(std::move(shown)) {}
  ~RestoreVisitor() override {
    if (fd_ >= 0)
      ::close(fd_);
  }

  void createDirectory(const std::string &path) override {
    if (::mkdir((base_ + path).c_str(), 0777) != 0)
      throwSys("creating directory '" + shown_ + path + "'");
  }

  void createRegularFile(const std::string &path, bool executable, uint64_t) override {
    current_ = shown_ + path;
    fd_ =
        ::open((base_ + path).c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd_ < 0)
      throwSys("creating file '" + current_ + "'");
    if (executable) {
      struct stat st;
      if (::fstat(fd_, &st) != 0)
        throwSys("getting status of '" + current_ + "'");
      if (::fchmod(fd_, (st.st_mode & 07777) | S_IXUSR | S_IXGRP | S_IXOTH) != 0)
        throwSys("making '" + current_ + "' executable");
    }
  }

  void contents(std::string_view chunk) override {
    util::writeFull(fd_, chunk, "writing to file '" + current_ + "'");
  }

  void closeRegularFile() override {
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0)
      throwSys("writing to file '" + current_ + "'");
  }

  void createSymlink(const std::string &path, const std::string &target) override {
    if (::symlink(target.c_str(), (base_ + path).c_str()) != 0)
      throwSys("creating symlink '" + shown_ + path + "'");
  }

private:
  std::string base_, shown_, current_;
  int fd_ = -1;
};

// Best-effort removal of `name` under `dirfd`, never following symlinks and
// independent of PATH_MAX.
void removeTree(int dirfd, const char *name) {
  struct stat st;
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return;
  if (S_ISDIR(st.st_mode)) {
    int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == EACCES) {
      ::fchmodat(dirfd, name, 0700, 0);
      fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd >= 0) {
      if ((st.st_mode & 0700) != 0700)
        ::fchmod(fd, 0700);
      DIR *dir = ::fdopendir(fd);
      if (!dir) {
        ::close(fd);
      } else {
        std::vector<std::string> names;
        while (struct dirent *ent = ::readdir(dir)) {
          std::string_view n = ent->d_name;
          if (n != "." && n != "..")
            names.emplace_back(n);
        }
        int dfd = ::dirfd(dir);
        for (const std::string &n : names)
          removeTree(dfd, n.c_str());
        ::closedir(dir);
      }
    }
    ::unlinkat(dirfd, name, AT_REMOVEDIR);
  } else {
    ::unlinkat(dirfd, name, 0);
  }
}

// rename() that refuses to replace an existing `to`.
void renameNoReplace(const std::string &from, const std::string &to) {
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
    return;
  if (errno != EINVAL && errno != ENOSYS)
    throwSys("moving restored NAR to '" + to + "'");
#endif
  struct stat st;
  if (::lstat(to.c_str(), &st) == 0)
    throwSys(EEXIST, "moving restored NAR to '" + to + "'");
  if (::rename(from.c_str(), to.c_str()) != 0)
    throwSys("moving restored NAR to '" + to + "'");
}

} // namespace

size_t StringNarSource::read(char *buf, size_t len) {
  size_t n = std::min(len, data.size() - pos);
  if (n > 0)
    std::memcpy(buf, data.data() + pos, n);
  pos += n;
  return n;
}

size_t FdNarSource::read(char *buf, size_t len) {
  return util::readSome(fd, buf, len, "reading NAR");
}

void dumpPath(const std::string &path, NarSink &sink, const PathFilter &filter) {
  Writer w(sink);
  w.str(kNarMagic);
  dumpNode(path, w, filter);
  w.flush();
}

std::string dumpPathToString(const std::string &path, const PathFilter &filter) {
  std::string out;
  StringNarSink sink(out);
  dumpPath(path, sink, filter);
  return out;
}

Hash hashPath(HashAlgo algo, const std::string &path, uint64_t *narSize, const PathFilter &filter) {
  HashSink hash(algo);
  HashNarSink sink(hash);
  dumpPath(path, sink, filter);
  if (narSize)
    *narSize = hash.bytesHashed();
  return hash.finish();
}

void parseNar(NarSource &source, NarVisitor &visitor, bool requireEof) {
  Parser(source, visitor).run(requireEof);
}

void checkNar(NarSource &source, bool requireEof) {
  NullVisitor v;
  parseNar(source, v, requireEof);
}

void restorePath(const std::string &destIn, NarSource &source) {
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
    throwSys(EINVAL, "restoring NAR to '" + dest + "'");

  struct stat st;
  if (::lstat(dest.c_str(), &st) == 0)
    throwSys(EEXIST, "restoring NAR to '" + dest + "'");

  // A fresh, private directory next to dest (same file system, so the
  // final rename is atomic).
  std::string tmpl = joinPath(parent, "." + base.substr(0, 100) + ".nar-XXXXXX");
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))
    throwSys("creating a temporary directory in '" + parent + "'");
  std::string tmp = buf.data();
  std::string staged = tmp + "/nar";

  try {
    {
      RestoreVisitor v(staged, dest);
      parseNar(source, v, true);
    }
    renameNoReplace(staged, dest);
  } catch (...) {
    removeTree(AT_FDCWD, tmp.c_str());
    throw;
  }
  ::rmdir(tmp.c_str());
}

} // namespace bastion::format
