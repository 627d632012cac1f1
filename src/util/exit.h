// Thrown to end a command early with an exit code (after --help or
// --version, say), so destructors run; main() catches it.
#pragma once

namespace bastion::util {

struct ExitNow {
  int code = 0;
};

} // namespace bastion::util
