// URLs as Nix's libfetchers parses and prints them (parseURL, percentEncode,
// percentDecode, decodeQuery, encodeQuery), with Nix's error messages.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.h"

namespace bastion::util {

// A malformed URL: callers that read a flake reference then fall back to
// reading it as a path, as Nix does.
struct BadURL : Error {
  using Error::Error;
};

using StringMap = std::map<std::string, std::string>;

// Unreserved characters (RFC 3986) and those in `keep` stay, every other
// byte becomes "%XX" (upper-case hex).
std::string percentEncode(std::string_view s, std::string_view keep = "");
// "%XX" back to bytes; a '%' without two hex digits after it is BadURL.
std::string percentDecode(std::string_view s);
// "a=1&b=2" to {a: 1, b: 2}, both sides decoded; a part without '=' is
// left out (Nix warns about it).
StringMap decodeQuery(std::string_view query);
// The other way, keys in order, keeping ":@/?" unencoded.
std::string encodeQuery(const StringMap &query);

struct ParsedURL {
  std::string scheme;                   // lower-cased
  std::optional<std::string> authority; // as written, encoded
  std::vector<std::string> path;        // decoded segments; "/a" is {"", "a"}
  StringMap query;
  std::string fragment;

  std::string to_string() const;
  // The non-empty path segments.
  std::vector<std::string> segments() const;
};

// "git+https" to {"git", "https"}; "https" to {"", "https"}.
std::pair<std::string, std::string> splitScheme(const std::string &scheme);
ParsedURL parseURL(const std::string &url);

} // namespace bastion::util
