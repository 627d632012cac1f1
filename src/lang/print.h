// Rendering values as text: nix-instantiate's output, and the short forms
// used inside error messages.
#pragma once
#include <ostream>
#include <set>
#include <string>
#include <string_view>

#include "lang/value.h"

namespace bastion::lang {

class EvalState;

// `nix-instantiate --eval` output (Nix's printAmbiguous): values already
// forced are printed, thunks show as <CODE>.
void printAmbiguous(EvalState &state, Value &v, std::ostream &out, std::set<const void *> *seen,
                    int depth);

// A value inside an error message: not forced, at most 10 levels / 10
// attributes / 10 items / 1024 bytes of string.
std::string printValueForError(EvalState &state, Value &v);

std::string printLiteralString(std::string_view s, size_t maxLength = std::string::npos);
std::string printAttrName(std::string_view name);
bool isValidIdentifier(std::string_view s);
std::string printFloat(double f); // as C++ streams print a double by default

} // namespace bastion::lang
