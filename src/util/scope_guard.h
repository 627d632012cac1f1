// Runs a function when the scope is left, however it is left, unless
// dismissed first: `ScopeGuard undo([&] { unlink(tmp); }); …; undo.dismiss();`
#pragma once

#include <utility>

namespace bastion::util {

template <typename F> class ScopeGuard {
public:
  explicit ScopeGuard(F f) : f_(std::move(f)) {}
  ScopeGuard(const ScopeGuard &) = delete;
  ScopeGuard &operator=(const ScopeGuard &) = delete;
  ~ScopeGuard() {
    if (armed_)
      f_();
  }
  void dismiss() { armed_ = false; }

private:
  F f_;
  bool armed_ = true;
};

} // namespace bastion::util
