#include "build/build_slot.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "store/fs_util.h"

namespace bastion::build {

namespace {
constexpr unsigned kSlots = 64;
}

BuildSlot::BuildSlot(const std::string &stateDir) {
  std::string dir = stateDir + "/userpool2";
  store::createDirs(dir);
  for (;;) {
    for (unsigned n = 0; n < kSlots; n++) {
      std::string path = dir + "/slot-" + std::to_string(n);
      int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0)
        store::throwSysError("opening '" + path + "'");
      // Open file description locks: per descriptor, so two threads of one
      // process exclude each other too.
      struct flock fl = {};
      fl.l_type = F_WRLCK;
      fl.l_whence = SEEK_SET;
      if (fcntl(fd, F_OFD_SETLK, &fl) == 0) {
        fd_ = fd;
        slot_ = n;
        return;
      }
      close(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

BuildSlot::~BuildSlot() {
  if (fd_ >= 0)
    close(fd_);
}

} // namespace bastion::build
