// See gc_socket.h. One thread polls the listening socket and every client
// connection: a client keeps its connection for all the paths it sends.
#include "store/gc_socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "store/fs_util.h"
#include "store/store.h"

namespace bastion::store {

GcRootServer::GcRootServer(const std::string &stateDir,
                           std::function<void(const std::string &)> onRoot)
    : onRoot_(std::move(onRoot)) {
  std::string dir = stateDir + "/gc-socket";
  createDirs(dir);
  std::string path = dir + "/socket";
  ::unlink(path.c_str());
  // sun_path holds 108 bytes; a longer path is reached through the
  // directory's descriptor instead.
  int dirFd = -1;
  std::string bindPath = path;
  struct sockaddr_un addr {};
  if (bindPath.size() >= sizeof addr.sun_path) {
    dirFd = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirFd < 0)
      throwSysError("opening directory '" + dir + "'");
    bindPath = "/proc/self/fd/" + std::to_string(dirFd) + "/socket";
  }
  listenFd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listenFd_ < 0)
    throwSysError("creating Unix domain socket");
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, bindPath.c_str(), bindPath.size() + 1);
  int rc = ::bind(listenFd_, reinterpret_cast<struct sockaddr *>(&addr), sizeof addr);
  int err = errno;
  if (dirFd >= 0)
    ::close(dirFd);
  if (rc != 0 || ::chmod(path.c_str(), 0666) != 0 || ::listen(listenFd_, 100) != 0 ||
      ::pipe2(stopPipe_, O_CLOEXEC) != 0) {
    if (rc != 0)
      errno = err;
    int e = errno;
    ::close(listenFd_);
    errno = e;
    throwSysError("binding Unix domain socket '" + path + "'");
  }
  thread_ = std::thread([this] { serve(); });
}

GcRootServer::~GcRootServer() {
  // The socket file stays, like Nix's: a client that finds it refused
  // retries the lock, whereas a missing one is an error to Nix.
  char c = 'x';
  if (::write(stopPipe_[1], &c, 1) < 0) {
  }
  thread_.join();
  ::close(listenFd_);
  ::close(stopPipe_[0]);
  ::close(stopPipe_[1]);
}

void GcRootServer::serve() {
  std::map<int, std::string> clients; // fd -> partial line
  for (;;) {
    std::vector<struct pollfd> fds = {{stopPipe_[0], POLLIN, 0}, {listenFd_, POLLIN, 0}};
    for (const auto &[fd, buf] : clients)
      fds.push_back({fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (fds[0].revents)
      break;
    if (fds[1].revents & POLLIN) {
      int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0)
        clients.emplace(fd, "");
    }
    for (size_t i = 2; i < fds.size(); ++i) {
      if (!fds[i].revents)
        continue;
      int fd = fds[i].fd;
      char buf[4096];
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fd);
        clients.erase(fd);
        continue;
      }
      std::string &pending = clients[fd];
      pending.append(buf, static_cast<size_t>(n));
      for (size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
        std::string line = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        onRoot_(line);
        if (::send(fd, "1", 1, MSG_NOSIGNAL) != 1)
          break;
      }
    }
  }
  for (const auto &[fd, buf] : clients)
    ::close(fd);
}

} // namespace bastion::store
