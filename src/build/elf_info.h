// What the dynamic loader reads of an ELF file: its interpreter, the
// libraries it needs and where it looks for them. Only 64-bit
// little-endian files are read (the x86-64 and arm64 packages we relocate);
// anything else is "not dynamic" and left alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bastion::build {

struct ElfInfo {
  std::string interpreter;         // PT_INTERP, "" when none
  std::vector<std::string> needed; // DT_NEEDED, in order
  std::string rpath, runpath;      // DT_RPATH, DT_RUNPATH
};

// nullopt when `path` is not an ELF file with a dynamic section (a static
// executable, an object file, a script). Throws util::SysError when it
// cannot be read, std::runtime_error when it is a truncated ELF file.
std::optional<ElfInfo> readElfInfo(const std::string &path);

} // namespace bastion::build
