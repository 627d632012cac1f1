// A root directory laid out as a machine's disks, so that systemd-nspawn
// (or a boot loader) can start the current generation in it:
//
//   DIR/nix/store, DIR/nix/var/nix/db       its own store
//   DIR/nix/var/nix/profiles/system         the current generation
//   DIR/usr -> nix/store/…/usr              the current generation's /usr,
//                                            relative (see pointUsrAtCurrent)
//   DIR/bin, sbin, lib, lib64 -> usr/…      merged /usr, as Debian's
//   DIR/var, home, root, tmp, run, etc, boot   empty directories
//   DIR/etc/machine-id                      made once, kept across switches
#pragma once

#include <string>

namespace bastion::os {

// Where things are in a root (all absolute host paths).
struct RootPaths {
  std::string root;       // DIR, absolute and canonical
  std::string profile;    // DIR/nix/var/nix/profiles/system
  std::string entries;    // DIR/boot/loader/entries
  std::string loaderConf; // DIR/boot/loader/loader.conf
  std::string machineId;  // DIR/etc/machine-id
};
RootPaths rootPaths(const std::string &dir);

// Throws util::Error naming the path when something in the way is not what
// the layout needs (a real directory where a link goes, a file where a
// directory goes); changes nothing. Called before a switch writes anything.
void checkRootLayout(const RootPaths &paths);

// Creates what is missing of the layout (idempotent; links already right
// are left alone, wrong ones replaced atomically).
void layOutRoot(const RootPaths &paths);

// Points DIR/usr at the current generation's usr, as a relative link
// straight to the store object (usr resolved inside the root:
// nix/store/<toplevel>/usr, or where that leads). systemd-nspawn follows
// DIR/usr on the host before it starts, so neither an absolute link nor
// one through the profile (system-N-link -> /nix/store/…, absolute, as
// Nix's profiles are) would resolve; this one does on the host and in the
// container alike. It is derived from the profile, so every switch and
// rollback, and `os run` before booting, calls this: a switch cut off
// between moving the profile and this link is repaired by the next one.
// Does nothing when there is no current generation or it has no usr.
void pointUsrAtCurrent(const RootPaths &paths);

// The root's machine id (32 lowercase hex digits), made from random bytes
// as systemd makes one (a version 4 UUID) and written when the file is
// missing, empty or not an id; otherwise kept.
std::string ensureMachineId(const RootPaths &paths);

} // namespace bastion::os
