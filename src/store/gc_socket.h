// The collector's side of Nix 2.8's temporary-root socket (temp_roots.h):
// while a collection runs, processes that cannot take gc.lock shared send
// the paths they are about to use to <state>/gc-socket/socket, one per
// line, and wait for the answer "1".
#pragma once

#include <functional>
#include <string>
#include <thread>

namespace bastion::store {

class GcRootServer {
public:
  // Listens until destroyed; `onRoot` gets each printed path (on the
  // server's thread) before the client is answered, so it may block
  // until the path is safe to use.
  GcRootServer(const std::string &stateDir, std::function<void(const std::string &)> onRoot);
  ~GcRootServer();
  GcRootServer(const GcRootServer &) = delete;
  GcRootServer &operator=(const GcRootServer &) = delete;

private:
  std::function<void(const std::string &)> onRoot_;
  int listenFd_ = -1;
  int stopPipe_[2] = {-1, -1};
  std::thread thread_;

  void serve();
};

} // namespace bastion::store
