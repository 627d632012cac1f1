// See error.h.
#include "util/error.h"

#include <cerrno>
#include <cstring>

namespace bastion::util {

SysError::SysError(const std::string &what, int errNo, std::string path)
    : Error(what + ": " + std::strerror(errNo)), errNo(errNo), path(std::move(path)) {}

void throwSysError(const std::string &what, const std::string &path) {
  throw SysError(what, errno, path);
}

} // namespace bastion::util
