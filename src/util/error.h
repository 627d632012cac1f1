// The error types every layer shares. Each layer's own errors
// (StoreError, NarError, …) derive from Error, so a caller that only
// needs "something failed" catches util::Error.
#pragma once

#include <stdexcept>
#include <string>

namespace bastion::util {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A failed system call: "<what>: <strerror(errNo)>", as Nix's SysError
// words it. `path` is the file it was about, when there is one.
struct SysError : Error {
  int errNo;
  std::string path;
  SysError(const std::string &what, int errNo, std::string path = "");
};

// Throws SysError for the current errno.
[[noreturn]] void throwSysError(const std::string &what, const std::string &path = "");

} // namespace bastion::util
