// String helpers that no layer owns more than another.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bastion::util {

// `s` cut at every `sep`: "a//b" is {"a", "", "b"}, "" is {""}.
std::vector<std::string> splitString(std::string_view s, char sep);

} // namespace bastion::util
