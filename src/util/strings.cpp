// See strings.h.
#include "util/strings.h"

namespace bastion::util {

std::vector<std::string> splitString(std::string_view s, char sep) {
  std::vector<std::string> r;
  size_t start = 0;
  for (;;) {
    size_t i = s.find(sep, start);
    if (i == std::string_view::npos) {
      r.emplace_back(s.substr(start));
      return r;
    }
    r.emplace_back(s.substr(start, i - start));
    start = i + 1;
  }
}

} // namespace bastion::util
