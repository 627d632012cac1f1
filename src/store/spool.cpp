// See spool.h.
#include "store/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "store/fs_util.h"
#include "util/io.h"

namespace bastion::store {

namespace {

void writeAll(int fd, std::string_view data, const std::string &shown) {
  util::writeFull(fd, data, "writing to '" + shown + "'");
}

} // namespace

Spool::~Spool() {
  if (fd_ >= 0)
    ::close(fd_);
}

void Spool::spill() {
#ifdef O_TMPFILE
  fd_ = ::open(spillDir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
  if (fd_ < 0) {
    // No O_TMPFILE here: a named file, unlinked at once.
    std::string tmpl = spillDir_ + "/.bastion-spool-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    fd_ = ::mkostemp(buf.data(), O_CLOEXEC);
    if (fd_ < 0)
      throwSysError("creating a temporary file in '" + spillDir_ + "'");
    ::unlink(buf.data());
  }
  writeAll(fd_, mem_, spillDir_);
  std::string().swap(mem_);
}

void Spool::write(std::string_view data) {
  size_ += data.size();
  if (fd_ < 0 && mem_.size() + data.size() <= kSpoolMemoryLimit) {
    mem_.append(data);
    return;
  }
  if (fd_ < 0)
    spill();
  writeAll(fd_, data, spillDir_);
}

std::unique_ptr<format::NarSource> Spool::reader() {
  if (fd_ < 0)
    return std::make_unique<format::StringNarSource>(mem_);
  if (::lseek(fd_, 0, SEEK_SET) != 0)
    throwSysError("rewinding a temporary file");
  return std::make_unique<format::FdNarSource>(fd_);
}

void Spool::copyTo(int fd, const std::string &shown) {
  if (fd_ < 0) {
    writeAll(fd, mem_, shown);
    return;
  }
  auto src = reader();
  std::vector<char> buf(1 << 16);
  while (size_t n = src->read(buf.data(), buf.size()))
    writeAll(fd, {buf.data(), n}, shown);
}

} // namespace bastion::store
