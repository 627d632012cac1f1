// Which host uid a build's sandbox runs as. Started as root, every build
// gets its own unprivileged id (30000 + slot) so that concurrent builders,
// in this process or another, can never touch each other's files. A slot
// is held through an fcntl lock on <state>/userpool2/slot-<n>, which the
// kernel releases if the process dies.
#pragma once

#include <string>

namespace bastion::build {

class BuildSlot {
public:
  explicit BuildSlot(const std::string &stateDir); // blocks until a slot is free
  ~BuildSlot();
  BuildSlot(const BuildSlot &) = delete;
  BuildSlot &operator=(const BuildSlot &) = delete;
  unsigned number() const { return slot_; }

private:
  int fd_ = -1;
  unsigned slot_ = 0;
};

} // namespace bastion::build
