#include "os/container.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "os/root_layout.h"
#include "os/root_path.h"
#include "util/error.h"
#include "util/fd.h"

extern char **environ;

namespace bastion::os {

namespace {

std::string netnsPath(const std::string &name) { return "/run/netns/" + name; }

bool hostSystemdReachable() {
  struct stat st;
  return ::stat("/run/dbus/system_bus_socket", &st) == 0 && ::stat("/run/systemd/system", &st) == 0;
}

} // namespace

void prepareBoot(const ContainerOptions &o) {
  RootPaths paths = rootPaths(o.root);
  auto init = resolveInRoot(paths.root, kContainerInit);
  if (!init || ::access(init->c_str(), X_OK) != 0)
    throw util::Error("'" + paths.root + "' has no current system with an init (" + paths.root +
                      kContainerInit + "): switch it first (bastion os switch)");
  if (!o.netns.empty()) {
    if (o.netns.find('/') != std::string::npos || o.netns == "." || o.netns == "..")
      throw util::Error("invalid network namespace name '" + o.netns + "'");
    struct stat st;
    if (::stat(netnsPath(o.netns).c_str(), &st) != 0)
      throw util::Error("network namespace '" + o.netns + "' does not exist (" +
                        netnsPath(o.netns) + "; create it with `ip netns add " + o.netns + "`)");
  }
  pointUsrAtCurrent(paths);
}

std::vector<std::string> nspawnCommand(const ContainerOptions &o) {
  std::vector<std::string> argv = {"systemd-nspawn", "-D", rootPaths(o.root).root,
                                   "--kill-signal=SIGRTMIN+3", "--capability=CAP_NET_ADMIN"};
  if (!hostSystemdReachable()) {
    argv.push_back("--register=no");
    argv.push_back("--keep-unit");
  }
  if (!o.netns.empty())
    argv.push_back("--network-namespace-path=" + netnsPath(o.netns));
  if (o.ephemeral)
    argv.push_back("--ephemeral");
  argv.push_back(kContainerInit);
  return argv;
}

std::vector<std::string> netnsAddresses(const std::string &netns) {
  std::vector<std::string> v4, v6;
  std::string error;
  // setns(CLONE_NEWNET) moves only the calling thread: a thread of its own
  // enters the namespace, lists its interfaces and ends.
  std::thread t([&] {
    util::Fd fd(::open(netnsPath(netns).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd || ::setns(fd.get(), CLONE_NEWNET) != 0) {
      error = "entering network namespace '" + netns + "': " + std::strerror(errno);
      return;
    }
    struct ifaddrs *ifs = nullptr;
    if (::getifaddrs(&ifs) != 0) {
      error = std::string("listing interfaces: ") + std::strerror(errno);
      return;
    }
    for (auto *i = ifs; i; i = i->ifa_next) {
      if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK))
        continue;
      char buf[INET6_ADDRSTRLEN];
      if (i->ifa_addr->sa_family == AF_INET) {
        auto *a = reinterpret_cast<sockaddr_in *>(i->ifa_addr);
        v4.push_back(::inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf));
      } else if (i->ifa_addr->sa_family == AF_INET6) {
        auto *a = reinterpret_cast<sockaddr_in6 *>(i->ifa_addr);
        if (IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr))
          continue;
        v6.push_back(::inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf));
      }
    }
    ::freeifaddrs(ifs);
  });
  t.join();
  if (!error.empty())
    throw util::Error(error);
  v4.insert(v4.end(), v6.begin(), v6.end());
  return v4;
}

int runCommand(const std::vector<std::string> &argv) {
  std::vector<char *> cargv;
  for (auto &a : argv)
    cargv.push_back(const_cast<char *>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid;
  int err = ::posix_spawnp(&pid, cargv[0], nullptr, nullptr, cargv.data(), environ);
  if (err != 0)
    throw util::Error("cannot run '" + argv[0] + "': " + std::strerror(err) +
                      (err == ENOENT ? " (install Debian's systemd-container)" : ""));
  int status;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      util::throwSysError("waiting for '" + argv[0] + "'");
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

} // namespace bastion::os
