// Tokens of the Nix language. The parser drives the lexer in the mode its
// grammar needs (code, "string", ''indented string'', path), so no state
// stack is needed here.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace bastion::lang {

enum class Tok {
  Eof,
  Id,
  Int,
  Float,
  Path,
  HPath,
  SPath,
  Uri,
  If,
  Then,
  Else,
  Assert,
  With,
  Let,
  In,
  Rec,
  Inherit,
  Or,
  Ellipsis,
  Eq,
  NEq,
  Leq,
  Geq,
  And,
  OrOr,
  Impl,
  Update,
  Concat,
  DollarCurly,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Quote,
  IndOpen,
  IndClose,
  Str,
  IndStr,
  PathEnd,
  Semi,
  Colon,
  Comma,
  Dot,
  At,
  Assign,
  Question,
  Not,
  Plus,
  Minus,
  Star,
  Slash,
  Lt,
  Gt,
  Invalid,
};

struct Token {
  Tok kind = Tok::Eof;
  uint32_t line = 1, col = 1;
  uint32_t endLine = 1, endCol = 1; // just past the token
  std::string text;                 // Id/Path/Uri/Str text (Str unescaped)
  int64_t intValue = 0;
  double floatValue = 0;
  bool hasIndentation = false; // for IndStr: raw text whose leading spaces count
  bool intOverflow = false;
};

// Bison's names for tokens, as Nix's syntax errors print them.
const char *tokenDescription(Tok t);

class Lexer {
public:
  explicit Lexer(std::string_view src) : s_(src) {}
  Token next();              // code
  Token nextStringPart();    // inside "…"
  Token nextIndStringPart(); // inside ''…''
  Token nextPathPart();      // after a path token: more path, ${, or PathEnd
  bool atEof() const { return p_ >= s_.size(); }
  // Position of the next character (for errors at end of file).
  uint32_t line() const { return line_; }
  uint32_t col() const { return col_; }
  // "path has a trailing slash" and similar lexical errors.
  std::string error;

private:
  std::string_view s_;
  size_t p_ = 0;
  uint32_t line_ = 1, col_ = 1;

  char at(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }
  void advance(size_t n);
  bool skipSpaceAndComments(); // false on an unterminated comment
  Token make(Tok k, size_t len);
  size_t matchId(size_t i) const;
  size_t matchPath(size_t i) const;          // {PATH_CHAR}*(\/{PATH_CHAR}+)+\/?
  size_t matchPathSegInterp(size_t i) const; // {PATH_CHAR}*\/\$\{
  size_t matchHPath(size_t i) const;
  size_t matchSPath(size_t i) const;
  size_t matchUri(size_t i) const;
  size_t matchFloat(size_t i) const;
  size_t matchInt(size_t i) const;
  bool lastPathEndedWithSlash_ = false;
  // Longest-match rules scan runs of path (or URI-scheme) characters from
  // every token start; `1+1+1…` would make that quadratic. A run's end is
  // the same from any position inside it, so it is remembered.
  struct RunCache {
    size_t start = 1, end = 0;
  };
  mutable RunCache pathRun_, schemeRun_;
  size_t pathRunEnd(size_t i) const;
  size_t schemeRunEnd(size_t i) const;
};

} // namespace bastion::lang
