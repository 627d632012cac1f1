#include "os/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/io.h"
#include "util/path.h"
#include "util/scope_guard.h"
#include "util/temp.h"

namespace bastion::os {

void writeFileAtomic(const std::string &path, std::string_view data, mode_t mode) {
  std::string dir = util::dirOf(path);
  auto [fd, tmp] = util::createTempFileIn(dir, "." + util::baseNameOf(path) + ".tmp-");
  util::ScopeGuard cleanup([&] { ::unlink(tmp.c_str()); });
  util::writeFull(fd.get(), data, "writing '" + tmp + "'");
  if (::fchmod(fd.get(), mode) != 0)
    util::throwSysError("changing the mode of '" + tmp + "'", tmp);
  if (::fsync(fd.get()) != 0)
    util::throwSysError("syncing '" + tmp + "'", tmp);
  fd.close(("closing '" + tmp + "'").c_str());
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    util::throwSysError("renaming '" + tmp + "' to '" + path + "'", path);
  cleanup.dismiss();
  util::Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d)
    ::fsync(d.get());
}

} // namespace bastion::os
