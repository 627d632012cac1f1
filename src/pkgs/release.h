// A Release file (the signed text of InRelease): its Date and the SHA256
// list of the index files it pins.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace bastion::pkgs {

struct ReleaseFile {
  std::string date, suite, codename;
  struct Entry {
    std::string sha256; // base16
    uint64_t size = 0;
  };
  std::map<std::string, Entry> sha256; // "main/binary-amd64/Packages.xz" -> …
};

ReleaseFile parseRelease(const std::string &text);

} // namespace bastion::pkgs
