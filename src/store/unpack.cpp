#include "store/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "store/fs_util.h"
#include "store/shared_lib.h"
#include "util/fd.h"

namespace bastion::store {
namespace {

// A file descriptor closed on every path out.
struct Reader {
  archive *a = BASTION_LAZY(libarchive(), archive_read_new)();
  ~Reader() { BASTION_LAZY(libarchive(), archive_read_free)(a); }
  [[noreturn]] void fail(const std::string &what) {
    const char *why = BASTION_LAZY(libarchive(), archive_error_string)(a);
    throw UnpackError(what + " (" + (why ? why : "unknown libarchive error") + ")");
  }
};

// An entry's name as components below the target; empty for the target
// itself ("." or "./").
std::vector<std::string> entryComponents(std::string_view name) {
  if (name.empty())
    throw UnpackError("archive entry has an empty name");
  if (name[0] == '/')
    throw UnpackError("archive entry '" + std::string(name) + "' has an absolute path");
  std::vector<std::string> comps;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos)
      end = name.size();
    std::string_view c = name.substr(start, end - start);
    if (c == "..")
      throw UnpackError("archive entry '" + std::string(name) + "' has a '..' component");
    if (!c.empty() && c != ".")
      comps.emplace_back(c);
    start = end + 1;
  }
  return comps;
}

std::string joined(const std::vector<std::string> &comps, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; i++)
    s += (i ? "/" : "") + comps[i];
  return s;
}

class Extractor {
public:
  Extractor(int root, std::string dest) : root_(root), dest_(std::move(dest)) {}

  void extract(archive *a, archive_entry *entry, const std::string &name) {
    std::vector<std::string> comps = entryComponents(name);
    const char *linkTarget = BASTION_LAZY(libarchive(), archive_entry_hardlink)(entry);
    mode_t type = BASTION_LAZY(libarchive(), archive_entry_filetype)(entry);
    if (comps.empty()) {
      // The target itself; only a directory makes sense there.
      if (linkTarget || type != AE_IFDIR)
        throw UnpackError("archive entry '" + name + "' would replace the target directory");
      return;
    }
    util::Fd parent(openParent(name, comps, true));
    const std::string &last = comps.back();
    if (linkTarget)
      return hardLink(name, linkTarget, parent.get(), last);
    switch (type) {
    case AE_IFDIR:
      return makeDir(name, parent.get(), last);
    case AE_IFREG:
      return writeFile(a, entry, name, parent.get(), last);
    case AE_IFLNK: {
      const char *target = BASTION_LAZY(libarchive(), archive_entry_symlink)(entry);
      if (!target || !*target)
        throw UnpackError("archive entry '" + name + "' is a symlink without a target");
      clear(name, parent.get(), last);
      if (symlinkat(target, parent.get(), last.c_str()) != 0)
        sysError("creating symlink", name);
      return;
    }
    default:
      throw UnpackError("archive entry '" + name +
                        "' is a device, FIFO or socket, which a store path cannot hold");
    }
  }

private:
  [[noreturn]] void sysError(const std::string &what, const std::string &name) {
    throwSysError(what + " '" + dest_ + "/" + name + "'");
  }

  // The directory holding the last component, opened without following
  // symlinks at any step, so nothing can lead out of the target.
  int openParent(const std::string &name, const std::vector<std::string> &comps, bool create) {
    int fd = dup(root_);
    if (fd < 0)
      throwSysError("duplicating a file descriptor");
    for (size_t i = 0; i + 1 < comps.size(); i++) {
      const char *c = comps[i].c_str();
      int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0 && errno == ENOENT && create) {
        if (mkdirat(fd, c, 0755) != 0 && errno != EEXIST) {
          close(fd);
          sysError("creating directory", joined(comps, i + 1));
        }
        next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      }
      int err = errno;
      close(fd);
      if (next < 0) {
        if (err == ELOOP || err == ENOTDIR)
          throw UnpackError("archive entry '" + name + "' lies below '" + joined(comps, i + 1) +
                            "', which is not a directory");
        errno = err;
        sysError("opening directory", joined(comps, i + 1));
      }
      fd = next;
    }
    return fd;
  }

  // Makes room for a new non-directory entry, as tar replaces files.
  void clear(const std::string &name, int parent, const std::string &last) {
    struct stat st;
    if (fstatat(parent, last.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      return;
    if (S_ISDIR(st.st_mode))
      throw UnpackError("archive entry '" + name + "' would replace a directory");
    if (unlinkat(parent, last.c_str(), 0) != 0)
      sysError("removing", name);
  }

  void makeDir(const std::string &name, int parent, const std::string &last) {
    struct stat st;
    if (fstatat(parent, last.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (S_ISDIR(st.st_mode))
        return;
      if (unlinkat(parent, last.c_str(), 0) != 0)
        sysError("removing", name);
    }
    if (mkdirat(parent, last.c_str(), 0755) != 0)
      sysError("creating directory", name);
  }

  void writeFile(archive *a, archive_entry *entry, const std::string &name, int parent,
                 const std::string &last) {
    clear(name, parent, last);
    mode_t mode = (BASTION_LAZY(libarchive(), archive_entry_perm)(entry) & S_IXUSR) ? 0755 : 0644;
    util::Fd out(
        openat(parent, last.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!out)
      sysError("creating file", name);
    const void *buf;
    size_t size;
    la_int64_t offset, end = 0;
    for (;;) {
      int r = BASTION_LAZY(libarchive(), archive_read_data_block)(a, &buf, &size, &offset);
      if (r == ARCHIVE_EOF)
        break;
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
        const char *why = BASTION_LAZY(libarchive(), archive_error_string)(a);
        throw UnpackError("failed to extract archive entry '" + name + "' (" +
                          (why ? why : "read error") + ")");
      }
      // Blocks come with their offsets, so holes of sparse files stay holes.
      for (size_t done = 0; done < size;) {
        ssize_t w = pwrite(out.get(), static_cast<const char *>(buf) + done, size - done,
                           offset + la_int64_t(done));
        if (w < 0 && errno == EINTR)
          continue;
        if (w < 0)
          sysError("writing to file", name);
        done += size_t(w);
      }
      end = std::max(end, offset + la_int64_t(size));
    }
    la_int64_t declared = BASTION_LAZY(libarchive(), archive_entry_size_is_set)(entry)
                              ? BASTION_LAZY(libarchive(), archive_entry_size)(entry)
                              : 0;
    if (ftruncate(out.get(), std::max(end, declared)) != 0)
      sysError("writing to file", name);
  }

  void hardLink(const std::string &name, const std::string &target, int parent,
                const std::string &last) {
    std::vector<std::string> tcomps = entryComponents(target);
    if (tcomps.empty())
      throw UnpackError("archive entry '" + name + "' is a hard link to the target directory");
    util::Fd tparent(openParent(target, tcomps, false));
    clear(name, parent, last);
    if (linkat(tparent.get(), tcomps.back().c_str(), parent, last.c_str(), 0) != 0)
      throwSysError("creating hard link '" + dest_ + "/" + name + "' to '" + target + "'");
  }

  int root_;
  std::string dest_;
};

void extractAll(Reader &r, int rootFd, const std::string &dest) {
  Extractor x(rootFd, dest);
  for (;;) {
    archive_entry *entry;
    int res = BASTION_LAZY(libarchive(), archive_read_next_header)(r.a, &entry);
    if (res == ARCHIVE_EOF)
      break;
    if (res != ARCHIVE_OK && res != ARCHIVE_WARN)
      r.fail("failed to extract archive");
    const char *name = BASTION_LAZY(libarchive(), archive_entry_pathname)(entry);
    if (!name)
      name = BASTION_LAZY(libarchive(), archive_entry_pathname_utf8)(entry);
    if (!name)
      r.fail("cannot get archive member name");
    x.extract(r.a, entry, name);
  }
}

} // namespace

void unpackArchive(const std::string &archivePath, const std::string &dest) {
  Reader r;
  // The formats and compressions fetchTarball is for, and no others:
  // libarchive's catch-all would also run external decompressors.
  BASTION_LAZY(libarchive(), archive_read_support_format_tar)(r.a);
  BASTION_LAZY(libarchive(), archive_read_support_format_gnutar)(r.a);
  BASTION_LAZY(libarchive(), archive_read_support_format_zip)(r.a);
  BASTION_LAZY(libarchive(), archive_read_support_filter_gzip)(r.a);
  BASTION_LAZY(libarchive(), archive_read_support_filter_bzip2)(r.a);
  BASTION_LAZY(libarchive(), archive_read_support_filter_xz)(r.a);
  BASTION_LAZY(libarchive(), archive_read_support_filter_lzma)(r.a);
  BASTION_LAZY(libarchive(), archive_read_support_filter_zstd)(r.a);
  BASTION_LAZY(libarchive(), archive_read_support_filter_compress)(r.a);
  if (BASTION_LAZY(libarchive(), archive_read_open_filename)(r.a, archivePath.c_str(), 65536) !=
      ARCHIVE_OK)
    r.fail("failed to open archive '" + archivePath + "'");

  if (mkdir(dest.c_str(), 0755) != 0)
    throwSysError("creating directory '" + dest + "'");
  try {
    util::Fd root(open(dest.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!root)
      throwSysError("opening directory '" + dest + "'");
    extractAll(r, root.get(), dest);
    if (BASTION_LAZY(libarchive(), archive_read_close)(r.a) != ARCHIVE_OK)
      r.fail("failed to extract archive");
  } catch (...) {
    deletePath(dest);
    throw;
  }
}

std::string tarballRoot(const std::string &dest) {
  DIR *d = opendir(dest.c_str());
  if (!d)
    throwSysError("opening directory '" + dest + "'");
  std::vector<std::string> names;
  while (dirent *e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..")
      names.push_back(n);
  }
  closedir(d);
  if (names.size() != 1)
    return dest;
  std::string only = dest + "/" + names[0];
  struct stat st;
  if (lstat(only.c_str(), &st) != 0)
    throwSysError("getting status of '" + only + "'");
  return S_ISDIR(st.st_mode) ? only : dest;
}

XzFileSource::XzFileSource(const std::string &path)
    : a_(BASTION_LAZY(libarchive(), archive_read_new)()), path_(path) {
  BASTION_LAZY(libarchive(), archive_read_support_filter_xz)(a_);
  BASTION_LAZY(libarchive(), archive_read_support_format_raw)(a_);
  archive_entry *entry;
  if (BASTION_LAZY(libarchive(), archive_read_open_filename)(a_, path.c_str(), 65536) !=
          ARCHIVE_OK ||
      BASTION_LAZY(libarchive(), archive_read_next_header)(a_, &entry) != ARCHIVE_OK) {
    const char *why = BASTION_LAZY(libarchive(), archive_error_string)(a_);
    std::string msg =
        "failed to decompress '" + path + "' (" + (why ? why : "unknown libarchive error") + ")";
    BASTION_LAZY(libarchive(), archive_read_free)(a_);
    throw UnpackError(msg);
  }
  // "raw" accepts anything; insist that xz really was the compression.
  if (BASTION_LAZY(libarchive(), archive_filter_code)(a_, 0) != ARCHIVE_FILTER_XZ) {
    BASTION_LAZY(libarchive(), archive_read_free)(a_);
    throw UnpackError("failed to decompress '" + path + "' (not in xz format)");
  }
}

XzFileSource::~XzFileSource() { BASTION_LAZY(libarchive(), archive_read_free)(a_); }

size_t XzFileSource::read(char *buf, size_t len) {
  la_ssize_t n = BASTION_LAZY(libarchive(), archive_read_data)(a_, buf, len);
  if (n < 0) {
    const char *why = BASTION_LAZY(libarchive(), archive_error_string)(a_);
    throw UnpackError("failed to decompress '" + path_ + "' (" + (why ? why : "read error") + ")");
  }
  return size_t(n);
}

} // namespace bastion::store
