// bastion os test FILE.nix (os_test.cpp), for the `bastion os` dispatcher.
#pragma once

#include <string>
#include <vector>

namespace bastion::cli {

// `args` is what follows `os test`. Returns the exit status: 0 passed, 1
// failed (or bad input, "error: …" on stderr), 130 interrupted.
int runOsTest(std::vector<std::string> args);

} // namespace bastion::cli
