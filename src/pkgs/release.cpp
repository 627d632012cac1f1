#include "pkgs/release.h"

#include <sstream>

namespace bastion::pkgs {

ReleaseFile parseRelease(const std::string &text) {
  ReleaseFile r;
  std::istringstream in(text);
  std::string line, field;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    if (line[0] == ' ') {
      if (field != "SHA256")
        continue;
      std::istringstream w(line);
      std::string hash, name;
      uint64_t size = 0;
      if (w >> hash >> size >> name)
        r.sha256[name] = {hash, size};
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    field = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value[0] == ' ')
      value.erase(0, 1);
    if (field == "Date")
      r.date = value;
    else if (field == "Suite")
      r.suite = value;
    else if (field == "Codename")
      r.codename = value;
  }
  return r;
}

} // namespace bastion::pkgs
