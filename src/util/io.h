// Whole reads and writes on file descriptors: they retry on EINTR and
// carry on after short reads and writes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bastion::util {

// Writes all of `data`; throws SysError("<what>") on failure.
void writeFull(int fd, std::string_view data, const std::string &what = "writing to file");
// Reads up to `n` bytes into `buf`, stopping early only at end of file;
// returns how many were read. Throws SysError("<what>") on failure.
size_t readFull(int fd, char *buf, size_t n, const std::string &what = "reading from file");
// One read(2) of up to `n` bytes, retried on EINTR: what a stream has now
// (0 only at end of file), for readers that must not wait for more.
size_t readSome(int fd, char *buf, size_t n, const std::string &what = "reading from file");
// Everything up to end of file.
std::string readAll(int fd, const std::string &what = "reading from file");

} // namespace bastion::util
