// Debian version numbers ([epoch:]upstream[-revision]) compared as dpkg
// compares them (lib/dpkg/version.c: verrevcmp), and the relations of a
// versioned dependency (<<, <=, =, >=, >>).
#pragma once

#include <string_view>

namespace bastion::pkgs {

// <0, 0 or >0 as a sorts before, equal to or after b.
int compareVersions(std::string_view a, std::string_view b);

enum class Relation { Any, Less, LessEq, Equal, GreaterEq, Greater };

// "<<", "<=", "=", ">=", ">>" (and the obsolete "<" and ">", which dpkg
// reads as <= and >=); false for anything else.
bool parseRelation(std::string_view text, Relation &out);

// Whether `version` satisfies "(rel wanted)".
bool satisfies(std::string_view version, Relation rel, std::string_view wanted);

} // namespace bastion::pkgs
