#include "lang/float_format.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace bastion::lang {

std::string floatToPrint(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", d);
  return buf;
}

std::string floatToString(double d) { return std::to_string(d); }

// Delegated to the very serialiser Nix uses, so that the shortest-digits
// algorithm and its exponent format are the same by construction.
std::string floatToJSON(double d) { return nlohmann::json(d).dump(); }

std::string floatToXML(double d) {
  // value-to-xml.cc formats with boost::format's "%1%", which is the
  // default ostream conversion again.
  return floatToPrint(d);
}

} // namespace bastion::lang
