// The private network of `bastion os test`: a network namespace per node,
// each with an `eth0` whose peer sits on a bridge in a hub namespace, the
// node's address 192.0.2.<i+1>/24 on it (TEST-NET-1: never routed). The
// addresses are given from the host side, so a node needs no network
// configuration of its own to reach the others; the names are in each
// node's /etc/hosts (nix/test-driver/node.nix). Made with iproute2's `ip`.
#pragma once

#include <string>
#include <vector>

namespace bastion::os {

struct TestNode {
  std::string name;    // the node's name in the test
  std::string netns;   // its namespace's name under /run/netns
  std::string address; // 192.0.2.<i+1>
};

class TestNetwork {
public:
  // `tag` makes the namespace names unique on the machine (the pid of
  // `os test`). Throws util::Error (naming the failing `ip` command) after
  // undoing what was made.
  TestNetwork(const std::string &tag, const std::vector<std::string> &names);
  // Kills every process still in a node's namespace (what is left of a
  // container), then deletes the namespaces.
  ~TestNetwork();
  TestNetwork(const TestNetwork &) = delete;
  TestNetwork &operator=(const TestNetwork &) = delete;

  const std::vector<TestNode> &nodes() const { return nodes_; }
  // The path of a namespace made here: /run/netns/NAME.
  static std::string path(const std::string &netns);

private:
  void teardown();
  std::string hub_;
  std::vector<TestNode> nodes_;
  std::vector<std::string> made_; // namespaces to delete, hub last
};

// The pids of the processes whose network namespace is the one at `path`.
std::vector<int> processesInNetns(const std::string &path);

// What a TestNetwork made with `tag` left behind when its process died
// before its destructor ran: each /run/netns/bastion-test-TAG-* namespace,
// the processes in it killed first.
void removeTestNetworks(const std::string &tag);

} // namespace bastion::os
