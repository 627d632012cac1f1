#include "lang/versions.h"

#include <charconv>
#include <optional>

namespace bastion::lang {

namespace {

// Nix uses isdigit/isalpha in the C locale: ASCII only.
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Advances p past separators and returns the next component ("" at the end).
std::string_view nextComponent(std::string_view v, size_t &p) {
  while (p < v.size() && (v[p] == '.' || v[p] == '-'))
    ++p;
  size_t start = p;
  if (p < v.size() && isDigit(v[p]))
    while (p < v.size() && isDigit(v[p]))
      ++p;
  else
    while (p < v.size() && !isDigit(v[p]) && v[p] != '.' && v[p] != '-')
      ++p;
  return v.substr(start, p - start);
}

// Nix parses components with string2Int<int>: a run of digits too large for
// an int is not a number at all and falls through to the word rules.
std::optional<int> asInt(std::string_view c) {
  int n = 0;
  auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), n);
  if (c.empty() || ec != std::errc() || end != c.data() + c.size())
    return std::nullopt;
  return n;
}

bool componentsLT(std::string_view c1, std::string_view c2) {
  auto n1 = asInt(c1), n2 = asInt(c2);
  if (n1 && n2)
    return *n1 < *n2;
  if (c1.empty() && n2)
    return true;
  if (c1 == "pre" && c2 != "pre")
    return true;
  if (c2 == "pre")
    return false;
  if (n2)
    return true; // "2.3a" < "2.3.1"
  if (n1)
    return false;
  return c1 < c2;
}

} // namespace

int compareVersions(std::string_view a, std::string_view b) {
  size_t pa = 0, pb = 0;
  while (pa < a.size() || pb < b.size()) {
    auto ca = nextComponent(a, pa), cb = nextComponent(b, pb);
    if (componentsLT(ca, cb))
      return -1;
    if (componentsLT(cb, ca))
      return 1;
  }
  return 0;
}

std::vector<std::string> splitVersion(std::string_view v) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p < v.size()) {
    auto c = nextComponent(v, p);
    if (c.empty())
      break;
    out.emplace_back(c);
  }
  return out;
}

DrvName parseDrvName(std::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i)
    if (s[i] == '-' && !isAlpha(s[i + 1]))
      return {std::string(s.substr(0, i)), std::string(s.substr(i + 1))};
  return {std::string(s), ""};
}

} // namespace bastion::lang
