#include "store/binary_cache_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>
#include <random>

#include "store/fs_util.h"
#include "store/store.h"

namespace bastion::store {
namespace {

std::string sysError(const std::string &what, const std::string &path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

constexpr const char *kTempPrefix = ".tmp-";
// A temporary file not written to for this long belongs to a writer that
// died (every write updates its mtime).
constexpr time_t kStaleTempAge = 3600;

// Removes temporary files that killed writers left behind (named ones,
// where the file system has no O_TMPFILE, or killed between link and
// rename); a file still being written is younger than kStaleTempAge.
void removeStaleTemps(const std::string &dir) {
  DIR *d = ::opendir(dir.c_str());
  if (!d)
    return;
  time_t now = ::time(nullptr);
  while (struct dirent *e = ::readdir(d)) {
    if (std::strncmp(e->d_name, kTempPrefix, std::strlen(kTempPrefix)) != 0)
      continue;
    struct stat st;
    if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
        now - st.st_mtime > kStaleTempAge)
      ::unlinkat(::dirfd(d), e->d_name, 0);
  }
  ::closedir(d);
}

// Relative names come from narinfo URLs: refuse anything that climbs out.
void checkRel(const std::string &rel) {
  if (rel.empty() || rel[0] == '/' || rel.find("..") != std::string::npos)
    throw StoreError("refusing binary cache file name '" + rel + "'");
}

class FileUpload final : public BinaryCache::Upload {
public:
  FileUpload(std::string dir) : dir_(std::move(dir)) {
    static std::mutex m;
    static std::mt19937_64 rng{std::random_device{}()};
    uint64_t r;
    {
      std::lock_guard<std::mutex> lk(m);
      r = rng();
    }
    tmp_ = dir_ + "/" + kTempPrefix + std::to_string(getpid()) + "-" + std::to_string(r);
    // Unnamed until committed, so a killed upload leaves nothing in the
    // cache; a named temporary file where the file system has no O_TMPFILE.
    fd_ = ::open(dir_.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (fd_ >= 0) {
      unnamed_ = true;
      return;
    }
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw StoreError(sysError("creating file", tmp_));
  }
  ~FileUpload() override {
    if (fd_ >= 0)
      ::close(fd_);
    if (!committed_ && !unnamed_)
      ::unlink(tmp_.c_str());
  }
  void write(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        throw StoreError(sysError("writing to file", tmp_));
      data.remove_prefix(size_t(n));
    }
  }
  void commit(const std::string &rel, bool syncDirectory) override {
    checkRel(rel);
    if (::fsync(fd_) != 0)
      throw StoreError(sysError("syncing file", tmp_));
    if (unnamed_) {
      // Named only for the rename: rename replaces an existing file where
      // linkat would not.
      std::string proc = "/proc/self/fd/" + std::to_string(fd_);
      if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, tmp_.c_str(), AT_SYMLINK_FOLLOW) != 0)
        throw StoreError(sysError("linking file", tmp_));
      unnamed_ = false;
    }
    ::close(fd_);
    fd_ = -1;
    std::string dest = dir_ + "/" + rel;
    if (::rename(tmp_.c_str(), dest.c_str()) != 0)
      throw StoreError(sysError("renaming file to", dest));
    committed_ = true;
    if (syncDirectory)
      syncPath(dest.substr(0, dest.rfind('/'))); // durable before anything refers to it
  }

private:
  std::string dir_, tmp_;
  int fd_ = -1;
  bool unnamed_ = false;
  bool committed_ = false;
};

} // namespace

FileBinaryCache::FileBinaryCache(std::string url, std::string dir)
    : url_(std::move(url)), dir_(std::move(dir)) {}

void FileBinaryCache::init() {
  if (initialised_)
    return;
  createDirs(dir_ + "/nar");
  createDirs(dir_ + "/log");
  removeStaleTemps(dir_);
  initialised_ = true;
  if (!pathExists(dir_ + "/nix-cache-info"))
    writeFile("nix-cache-info", format::printCacheInfo({}));
}

void FileBinaryCache::syncDir(const std::string &rel) {
  checkRel(rel.empty() ? "." : rel);
  syncPath(rel.empty() ? dir_ : dir_ + "/" + rel);
}

std::optional<std::string> FileBinaryCache::getFile(const std::string &rel) {
  checkRel(rel);
  std::string path = dir_ + "/" + rel;
  if (!pathExists(path))
    return std::nullopt;
  try {
    return readFile(path);
  } catch (const std::exception &e) {
    throw StoreError(e.what());
  }
}

bool FileBinaryCache::getFileStream(const std::string &rel, const ByteSink &sink) {
  checkRel(rel);
  std::string path = dir_ + "/" + rel;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return false;
    throw StoreError(sysError("opening file", path));
  }
  std::string buf(256 * 1024, '\0');
  try {
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        throw StoreError(sysError("reading file", path));
      if (n == 0)
        break;
      sink(std::string_view(buf.data(), size_t(n)));
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return true;
}

bool FileBinaryCache::fileExists(const std::string &rel) {
  checkRel(rel);
  return pathExists(dir_ + "/" + rel);
}

std::unique_ptr<BinaryCache::Upload> FileBinaryCache::upload() {
  init();
  return std::make_unique<FileUpload>(dir_);
}

} // namespace bastion::store
