// The owner of a file descriptor: closes it when it goes out of scope
// (Nix's AutoCloseFD). Moves, never copies.
#pragma once

namespace bastion::util {

class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd &&o) noexcept : fd_(o.release()) {}
  Fd &operator=(Fd &&o) noexcept {
    if (this != &o)
      reset(o.release());
    return *this;
  }
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  // Gives the descriptor up without closing it.
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes the descriptor held (errors ignored) and holds `fd` instead.
  void reset(int fd = -1);
  // Closes it and throws SysError("<what>") when close(2) fails, for
  // descriptors written to, where a failing close loses data.
  void close(const char *what = "closing file descriptor");

private:
  int fd_ = -1;
};

} // namespace bastion::util
