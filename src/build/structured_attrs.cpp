// .attrs.sh, byte for byte as Nix 2.8 writes it (checked against a live
// Nix 2.8 build by the unit tests' vectors).
#include "build/structured_attrs.h"

#include <cmath>
#include <optional>
#include <regex>

namespace bastion::build {
namespace {

std::optional<std::string> simpleValue(const nlohmann::json &v) {
  if (v.is_string())
    return shellEscape(v.get<std::string>());
  if (v.is_number()) {
    // Nix tests integrality on a float and prints the int conversion:
    // 1.5 is left out, 2.0 prints as 2.
    auto f = v.get<float>();
    if (std::ceil(f) == f)
      return std::to_string(v.get<int>());
  }
  if (v.is_null())
    return std::string("''");
  if (v.is_boolean())
    return v.get<bool>() ? std::string("1") : std::string();
  return std::nullopt;
}

} // namespace

std::string shellEscape(const std::string &s) {
  std::string r = "'";
  for (char c : s) {
    if (c == '\'')
      r += "'\\''";
    else
      r += c;
  }
  return r + "'";
}

std::string structuredAttrsShell(const nlohmann::json &attrs) {
  static const std::regex shVarName("[A-Za-z_][A-Za-z0-9_]*");
  std::string out;
  for (auto &[key, value] : attrs.items()) {
    if (!std::regex_match(key, shVarName))
      continue;
    if (auto s = simpleValue(value)) {
      out += "declare " + key + "=" + *s + "\n";
    } else if (value.is_array()) {
      std::string items;
      bool good = true;
      for (auto &v : value) {
        auto s2 = simpleValue(v);
        if (!s2) {
          good = false;
          break;
        }
        items += *s2 + " ";
      }
      if (good)
        out += "declare -a " + key + "=(" + items + ")\n";
    } else if (value.is_object()) {
      std::string items;
      bool good = true;
      for (auto &[k2, v2] : value.items()) {
        auto s2 = simpleValue(v2);
        if (!s2) {
          good = false;
          break;
        }
        items += "[" + shellEscape(k2) + "]=" + *s2 + " ";
      }
      if (good)
        out += "declare -A " + key + "=(" + items + ")\n";
    }
  }
  return out;
}

} // namespace bastion::build
