// How Nix writes strings back out: as Nix literals and attribute names (the
// value printer), inside JSON (builtins.toJSON) and inside XML attributes
// (builtins.toXML).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace bastion::lang {

// A double-quoted Nix string literal, as the value printer writes it:
// '"' and '\' are backslashed, newline/CR/tab become \n \r \t, '$' becomes
// \$ only before '{'. Other bytes (other control characters, non-UTF-8)
// are written as they are.
std::string escapeNixString(std::string_view s);

// True for the nine keywords that cannot be attribute names unquoted:
// if then else assert with let in rec inherit. ("or" is not one of them.)
bool isReservedKeyword(std::string_view s);

// Whether the printer writes an attribute name bare: non-empty, not a
// reserved keyword, only [A-Za-z0-9_'-] and not starting with a digit,
// '-' or '\''.
bool isValidNixIdentifier(std::string_view s);

// An attribute name as the value printer writes it: bare if
// isValidNixIdentifier, else as escapeNixString. (Named apart from
// print.h's printAttrName, which does the same inside the printer.)
std::string quoteAttrName(std::string_view s);

// builtins.toJSON's rendering of a string, quotes included (nlohmann::json's
// dump): \" \\ \b \f \n \r \t, other bytes below 0x20 as \u00xx, everything
// else (including non-ASCII UTF-8 and DEL) as is.
// Throws JSONError on invalid UTF-8 with nlohmann's message, e.g.
// "[json.exception.type_error.316] invalid UTF-8 byte at index 16: 0xFF";
// Nix reports it prefixed with "JSON serialization error: ".
struct JSONError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
std::string escapeJSONString(std::string_view s);

// An XML attribute value as Nix's XMLWriter writes it (without the quotes):
// &quot; &lt; &gt; &amp;, and &#xA; for newline so that attribute-value
// normalisation does not turn it into a space. CR and tab stay as they are.
std::string escapeXMLAttr(std::string_view s);

} // namespace bastion::lang
