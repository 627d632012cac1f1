// The one exception type of a failed build, shared by the scheduler, the
// registration of outputs and the commands that turn it into Nix's exit
// status (nix-build, nix-store -r, nix-env).
#pragma once

#include <stdexcept>
#include <string>

namespace bastion::build {

// A build that ran but must not count; what() is the whole message.
// `status` holds Nix's bits for the exit status, so that scripts can tell
// failures apart: the builder failed (100), a fixed output had another
// hash (102), --check found a different result (104). Other failures
// (missing outputs, forbidden references) exit with 1, as in Nix.
struct BuildError : std::runtime_error {
  enum : int { kPermanent = 0x04, kHashMismatch = 0x02 | 0x04, kNotDeterministic = 0x08 };
  int status = 0;
  explicit BuildError(const std::string &msg, int s = 0) : std::runtime_error(msg), status(s) {}
  // Nix's Worker::exitStatus for a combination of failures.
  static int exitStatus(int status) { return status ? (status | 0x60) : 1; }
};

} // namespace bastion::build
