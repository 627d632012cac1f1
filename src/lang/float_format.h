// The textual forms Nix gives a float, which differ by context.
#pragma once

#include <string>

namespace bastion::lang {

// The value printer (nix-instantiate --eval, error messages such as "a float
// with value '1.01'"): std::ostream's default, i.e. printf "%g" with six
// significant digits: 1 for 1.0, 1e+06, 9.22462e+06, 1e-05, inf, nan.
std::string floatToPrint(double d);

// toString and string coercion: std::to_string, i.e. printf "%f":
// "1.500000", "0.000000" for 1e-7.
std::string floatToString(double d);

// builtins.toJSON (nlohmann::json's dump, Grisu2): digits that read back as
// the same double, usually the fewest (not always: 5e22 gives
// 4.9999999999999996e+22), ".0" on integral values: 1.0, 0.1, 1e+22,
// 0.30000000000000004; null for inf and nan.
std::string floatToJSON(double d);

// builtins.toXML's <float value="..."/>: the same as floatToPrint.
std::string floatToXML(double d);

} // namespace bastion::lang
