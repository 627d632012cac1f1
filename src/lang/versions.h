// Version strings and derivation names, as Nix's builtins.compareVersions,
// builtins.splitVersion and builtins.parseDrvName see them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bastion::lang {

// -1, 0 or 1. Versions are compared component by component (see
// splitVersion); numbers numerically, "pre" below everything, a number
// above a word, words bytewise, a missing component below a number.
int compareVersions(std::string_view a, std::string_view b);

// The components compareVersions walks: runs of digits or of other
// characters, with '.' and '-' as separators. "1.2pre3" -> 1, 2, pre, 3.
std::vector<std::string> splitVersion(std::string_view v);

// "apache-httpd-2.0.48" -> {"apache-httpd", "2.0.48"}: split at the first
// '-' that is followed by a character other than an ASCII letter.
struct DrvName {
  std::string name, version;
};
DrvName parseDrvName(std::string_view s);

} // namespace bastion::lang
