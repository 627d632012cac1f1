// Booting a root in systemd-nspawn (Debian's systemd-container), the
// generation's stage 2 as the container's init:
//
//   systemd-nspawn -D DIR --kill-signal=SIGRTMIN+3 --capability=CAP_NET_ADMIN
//                  [--network-namespace-path=/run/netns/NAME] [--ephemeral]
//                  /nix/var/nix/profiles/system/init
//
// (not -b, which would start the root's systemd and skip activation).
// Where the host's systemd cannot be reached (no system bus: a container or
// a machine booted without systemd), nspawn cannot register the machine or
// make a scope unit for it, so it is told not to (--register=no
// --keep-unit) instead of failing.
#pragma once

#include <string>
#include <vector>

namespace bastion::os {

struct ContainerOptions {
  std::string root;  // DIR
  std::string netns; // a name under /run/netns, or ""
  bool ephemeral = false;
};

// The path of the current generation's init as the container sees it.
inline const char kContainerInit[] = "/nix/var/nix/profiles/system/init";

// Throws util::Error when DIR has no current generation with an init, or
// the network namespace does not exist; then points DIR/usr at the current
// generation (root_layout.h), which nspawn checks before it starts.
void prepareBoot(const ContainerOptions &o);

// The command line (argv[0] "systemd-nspawn").
std::vector<std::string> nspawnCommand(const ContainerOptions &o);

// The addresses (IPv4, then global IPv6) of the namespace's interfaces
// other than loopback: the container's, since it runs in that namespace.
std::vector<std::string> netnsAddresses(const std::string &netns);

// Runs the command, waits, and returns its exit status (128+N for a
// signal). Throws util::Error when it cannot be started.
int runCommand(const std::vector<std::string> &argv);

} // namespace bastion::os
