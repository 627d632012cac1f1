// String helpers that no layer owns more than another.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bastion::util {

// `s` cut at every `sep`: "a//b" is {"a", "", "b"}, "" is {""}.
std::vector<std::string> splitString(std::string_view s, char sep);

// The value of one hexadecimal digit, either case (Nix accepts upper case
// on input though it never prints it); -1 for anything else.
inline int hexDigitValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace bastion::util
