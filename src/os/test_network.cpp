#include "os/test_network.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "os/container.h"
#include "util/error.h"

namespace bastion::os {

namespace {

void ip(const std::vector<std::string> &args) {
  std::vector<std::string> argv = {"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  int rc = runCommand(argv);
  if (rc != 0) {
    std::string line;
    for (auto &a : argv)
      line += (line.empty() ? "" : " ") + a;
    throw util::Error("setting up the test network: `" + line + "` exited with " +
                      std::to_string(rc));
  }
}

// Deletes a namespace. A container's processes hold it: they go first,
// SIGKILL (the driver has already stopped what it could stop cleanly).
void removeNetns(const std::string &ns) {
  using namespace std::chrono_literals;
  for (int round = 0; round < 100; ++round) {
    auto pids = processesInNetns(TestNetwork::path(ns));
    if (pids.empty())
      break;
    for (int pid : pids)
      ::kill(pid, SIGKILL);
    std::this_thread::sleep_for(100ms);
  }
  try {
    ip({"netns", "del", ns});
  } catch (std::exception &) {
    // Left for `ip netns del` by hand; the error is on stderr already.
  }
}

} // namespace

std::string TestNetwork::path(const std::string &netns) { return "/run/netns/" + netns; }

std::vector<int> processesInNetns(const std::string &path) {
  std::vector<int> pids;
  struct stat want;
  if (::stat(path.c_str(), &want) != 0)
    return pids;
  DIR *d = ::opendir("/proc");
  if (!d)
    return pids;
  while (struct dirent *e = ::readdir(d)) {
    char *end;
    long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0)
      continue;
    struct stat st;
    std::string ns = std::string("/proc/") + e->d_name + "/ns/net";
    if (::stat(ns.c_str(), &st) == 0 && st.st_ino == want.st_ino && st.st_dev == want.st_dev)
      pids.push_back(static_cast<int>(pid));
  }
  ::closedir(d);
  return pids;
}

TestNetwork::TestNetwork(const std::string &tag, const std::vector<std::string> &names) {
  assert(names.size() <= 250);
  hub_ = "bastion-test-" + tag + "-hub";
  try {
    ip({"netns", "add", hub_});
    made_.push_back(hub_);
    ip({"-n", hub_, "link", "add", "br0", "type", "bridge"});
    ip({"-n", hub_, "link", "set", "br0", "up"});
    for (size_t i = 0; i < names.size(); ++i) {
      TestNode n{names[i], "bastion-test-" + tag + "-" + std::to_string(i),
                 "192.0.2." + std::to_string(i + 1)};
      ip({"netns", "add", n.netns});
      made_.insert(made_.begin(), n.netns);
      std::string peer = "n" + std::to_string(i);
      ip({"-n", n.netns, "link", "add", "eth0", "type", "veth", "peer", "name", peer, "netns",
          hub_});
      ip({"-n", hub_, "link", "set", peer, "master", "br0", "up"});
      ip({"-n", n.netns, "addr", "add", n.address + "/24", "dev", "eth0"});
      ip({"-n", n.netns, "link", "set", "eth0", "up"});
      ip({"-n", n.netns, "link", "set", "lo", "up"});
      nodes_.push_back(n);
    }
  } catch (...) {
    teardown();
    throw;
  }
}

TestNetwork::~TestNetwork() { teardown(); }

void TestNetwork::teardown() {
  for (auto &ns : made_)
    removeNetns(ns);
  made_.clear();
}

void removeTestNetworks(const std::string &tag) {
  std::string prefix = "bastion-test-" + tag + "-", hub = prefix + "hub";
  DIR *d = ::opendir("/run/netns");
  if (!d)
    return;
  std::vector<std::string> names;
  while (struct dirent *e = ::readdir(d))
    if (std::string(e->d_name).starts_with(prefix) && e->d_name != hub)
      names.push_back(e->d_name);
  ::closedir(d);
  names.push_back(hub); // last, as TestNetwork removes it
  for (auto &n : names)
    if (::access(TestNetwork::path(n).c_str(), F_OK) == 0)
      removeNetns(n);
}

} // namespace bastion::os
