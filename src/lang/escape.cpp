#include "lang/escape.h"

#include <array>

#include <nlohmann/json.hpp>

namespace bastion::lang {

std::string escapeNixString(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      out += "\\$"; // "${" would start an interpolation
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

bool isReservedKeyword(std::string_view s) {
  static constexpr std::array<std::string_view, 9> keywords = {
      "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit"};
  for (auto k : keywords)
    if (s == k)
      return true;
  return false;
}

bool isValidNixIdentifier(std::string_view s) {
  if (s.empty() || isReservedKeyword(s))
    return false;
  char first = s[0];
  if ((first >= '0' && first <= '9') || first == '-' || first == '\'')
    return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '\'';
    if (!ok)
      return false;
  }
  return true;
}

std::string quoteAttrName(std::string_view s) {
  return isValidNixIdentifier(s) ? std::string(s) : escapeNixString(s);
}

// Delegated to nlohmann::json, the serialiser Nix itself uses, so that the
// escape set and the UTF-8 validation (and its message) match exactly.
std::string escapeJSONString(std::string_view s) {
  // Printable ASCII other than '"' and '\\' is written as it is by
  // nlohmann's serialiser too; only the rest takes the round trip through
  // a json value (escapes, UTF-8 checking), which cost a third of toJSON.
  bool plain = true;
  for (char c : s)
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  if (plain) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    out += s;
    out += '"';
    return out;
  }
  try {
    return nlohmann::json(std::string(s)).dump();
  } catch (const nlohmann::json::type_error &e) {
    throw JSONError(e.what());
  }
}

std::string escapeXMLAttr(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '"':
      out += "&quot;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '\n':
      out += "&#xA;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

} // namespace bastion::lang
