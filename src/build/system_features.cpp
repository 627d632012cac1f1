#include "build/system_features.h"

#include <unistd.h>

#include "build/build_env.h"

namespace bastion::build {

std::set<std::string> defaultSystemFeatures() {
  std::set<std::string> features{"nixos-test", "benchmark", "big-parallel"};
  // Accessible, not merely present: as Nix, so that both agree on which
  // derivations this machine builds and on whether /dev/kvm is in the
  // sandbox (sandbox_chroot.cpp).
  if (::access("/dev/kvm", R_OK | W_OK) == 0)
    features.insert("kvm");
  return features;
}

std::set<std::string> requiredSystemFeatures(const format::Derivation &drv) {
  std::vector<std::string> names = derivationStringsAttr(drv, "requiredSystemFeatures");
  return {names.begin(), names.end()};
}

std::string showFeatures(const std::set<std::string> &features) {
  std::string out = "{";
  for (auto &f : features)
    out += (out.size() > 1 ? ", " : "") + f;
  return out + "}";
}

} // namespace bastion::build
