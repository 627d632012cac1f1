// POSIX extended regular expressions with the semantics of builtins.match
// and builtins.split. Nix uses libstdc++'s std::regex::extended; this uses
// glibc's regcomp/regexec and adjusts the grammar to match (see regex.cpp).
// The two agree on the language corpus; they can still differ on which
// text a group reports when a repeated group can match empty ("(a|)+",
// "(a*)+b": libstdc++ reports ""), on repetition-count limits, and on
// collating names like [[.hyphen.]].
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::lang {

// what() is Nix's message, e.g. "invalid regular expression '(.*'".
struct RegexError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One capture group: nullopt when the group did not take part in the match.
using RegexGroups = std::vector<std::optional<std::string>>;

// builtins.match: nullopt unless the whole of s matches; otherwise the
// capture groups (without group 0). Throws RegexError.
std::optional<RegexGroups> regexMatch(std::string_view pattern, std::string_view s);

// One element of builtins.split's result: either the text between matches
// (isMatch false) or one match's capture groups (isMatch true).
struct SplitPart {
  bool isMatch = false;
  std::string text;
  RegexGroups groups;
};

// builtins.split: text, groups, text, ..., text (always an odd count; [s]
// when nothing matches). Empty matches are taken as std::regex_iterator
// takes them. Throws RegexError.
std::vector<SplitPart> regexSplit(std::string_view pattern, std::string_view s);

} // namespace bastion::lang
