#include "lang/lexer.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace bastion::lang {

namespace {
bool isIdStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdChar(char c) { return isIdStart(c) || (c >= '0' && c <= '9') || c == '\'' || c == '-'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isPathChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '.' || c == '_' ||
         c == '-' || c == '+';
}
bool isUriChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) ||
         strchr("%/?:@&=+$,-_.!~*'", c);
}

// Nix's unescapeStr: backslash escapes, and CR / CR LF become LF.
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      c = s[++i];
      out += c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
    } else if (c == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n')
        i++;
    } else {
      out += c;
    }
  }
  return out;
}

struct Keyword {
  const char *text;
  Tok tok;
};
const Keyword keywords[] = {{"if", Tok::If},         {"then", Tok::Then}, {"else", Tok::Else},
                            {"assert", Tok::Assert}, {"with", Tok::With}, {"let", Tok::Let},
                            {"in", Tok::In},         {"rec", Tok::Rec},   {"inherit", Tok::Inherit},
                            {"or", Tok::Or}};
} // namespace

const char *tokenDescription(Tok t) {
  switch (t) {
  case Tok::Eof:
    return "end of file";
  case Tok::Id:
    return "identifier";
  case Tok::Int:
    return "integer";
  case Tok::Float:
    return "floating-point literal";
  case Tok::Path:
    return "path";
  case Tok::HPath:
    return "'~/…' path";
  case Tok::SPath:
    return "'<…>' path";
  case Tok::Uri:
    return "URI";
  case Tok::If:
    return "'if'";
  case Tok::Then:
    return "'then'";
  case Tok::Else:
    return "'else'";
  case Tok::Assert:
    return "'assert'";
  case Tok::With:
    return "'with'";
  case Tok::Let:
    return "'let'";
  case Tok::In:
    return "'in'";
  case Tok::Rec:
    return "'rec'";
  case Tok::Inherit:
    return "'inherit'";
  case Tok::Or:
    return "'or'";
  case Tok::Ellipsis:
    return "'...'";
  case Tok::Eq:
    return "'=='";
  case Tok::NEq:
    return "'!='";
  case Tok::Leq:
    return "'<='";
  case Tok::Geq:
    return "'>='";
  case Tok::And:
    return "'&&'";
  case Tok::OrOr:
    return "'||'";
  case Tok::Impl:
    return "'->'";
  case Tok::Update:
    return "'//'";
  case Tok::Concat:
    return "'++'";
  case Tok::DollarCurly:
    return "'${'";
  case Tok::LBrace:
    return "'{'";
  case Tok::RBrace:
    return "'}'";
  case Tok::LBracket:
    return "'['";
  case Tok::RBracket:
    return "']'";
  case Tok::LParen:
    return "'('";
  case Tok::RParen:
    return "')'";
  case Tok::Quote:
    return "'\"'";
  case Tok::IndOpen:
    return "start of an indented string";
  case Tok::IndClose:
    return "end of an indented string";
  case Tok::Str:
    return "string";
  case Tok::IndStr:
    return "string";
  case Tok::PathEnd:
    return "end of a path";
  case Tok::Semi:
    return "';'";
  case Tok::Colon:
    return "':'";
  case Tok::Comma:
    return "','";
  case Tok::Dot:
    return "'.'";
  case Tok::At:
    return "'@'";
  case Tok::Assign:
    return "'='";
  case Tok::Question:
    return "'?'";
  case Tok::Not:
    return "'!'";
  case Tok::Plus:
    return "'+'";
  case Tok::Minus:
    return "'-'";
  case Tok::Star:
    return "'*'";
  case Tok::Slash:
    return "'/'";
  case Tok::Lt:
    return "'<'";
  case Tok::Gt:
    return "'>'";
  case Tok::Invalid:
    return "invalid token";
  }
  return "token";
}

void Lexer::advance(size_t n) {
  for (size_t i = 0; i < n && p_ < s_.size(); i++, p_++) {
    if (s_[p_] == '\n') {
      line_++;
      col_ = 1;
    } else {
      col_++;
    }
  }
}

Token Lexer::make(Tok k, size_t len) {
  Token t;
  t.kind = k;
  t.line = line_;
  t.col = col_;
  t.text.assign(s_.substr(p_, len));
  advance(len);
  t.endLine = line_;
  t.endCol = col_;
  return t;
}

bool Lexer::skipSpaceAndComments() {
  for (;;) {
    char c = at(p_);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      advance(1);
    } else if (c == '#') {
      size_t e = p_;
      while (e < s_.size() && s_[e] != '\n' && s_[e] != '\r')
        e++;
      advance(e - p_);
    } else if (c == '/' && at(p_ + 1) == '*') {
      size_t e = s_.find("*/", p_ + 2);
      if (e == std::string_view::npos)
        return false;
      advance(e + 2 - p_);
    } else {
      return true;
    }
  }
}

size_t Lexer::matchId(size_t i) const {
  if (!isIdStart(at(i)))
    return 0;
  size_t j = i + 1;
  while (isIdChar(at(j)))
    j++;
  return j - i;
}

size_t Lexer::matchInt(size_t i) const {
  size_t j = i;
  while (isDigit(at(j)))
    j++;
  return j - i;
}

// (([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?
size_t Lexer::matchFloat(size_t i) const {
  size_t j = i;
  if (at(j) >= '1' && at(j) <= '9') {
    while (isDigit(at(j)))
      j++;
    if (at(j) != '.')
      return 0;
    j++;
    while (isDigit(at(j)))
      j++;
  } else {
    if (at(j) == '0')
      j++;
    if (at(j) != '.' || !isDigit(at(j + 1)))
      return 0;
    j++;
    while (isDigit(at(j)))
      j++;
  }
  if (at(j) == 'e' || at(j) == 'E') {
    size_t k = j + 1;
    if (at(k) == '+' || at(k) == '-')
      k++;
    if (isDigit(at(k))) {
      while (isDigit(at(k)))
        k++;
      j = k;
    }
  }
  return j - i;
}

size_t Lexer::pathRunEnd(size_t i) const {
  if (i >= pathRun_.start && i <= pathRun_.end)
    return pathRun_.end;
  size_t j = i;
  while (isPathChar(at(j)))
    j++;
  pathRun_ = {i, j};
  return j;
}

size_t Lexer::schemeRunEnd(size_t i) const {
  if (i >= schemeRun_.start && i <= schemeRun_.end)
    return schemeRun_.end;
  size_t j = i;
  for (char c = at(j); (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '+' ||
                       c == '-' || c == '.';
       c = at(j))
    j++;
  schemeRun_ = {i, j};
  return j;
}

size_t Lexer::matchPath(size_t i) const {
  size_t j = pathRunEnd(i);
  bool any = false;
  while (at(j) == '/' && isPathChar(at(j + 1))) {
    j = pathRunEnd(j + 1);
    any = true;
  }
  if (!any)
    return 0;
  if (at(j) == '/')
    j++;
  return j - i;
}

size_t Lexer::matchPathSegInterp(size_t i) const {
  // The longest {PATH_CHAR}*\/ prefix run that is directly followed by ${.
  size_t j = i;
  size_t best = 0;
  for (;;) {
    j = pathRunEnd(j);
    if (at(j) != '/')
      break;
    j++;
    if (at(j) == '$' && at(j + 1) == '{')
      best = j + 2 - i;
    if (!isPathChar(at(j)))
      break;
  }
  return best;
}

size_t Lexer::matchHPath(size_t i) const {
  if (at(i) != '~' || at(i + 1) != '/')
    return 0;
  if (at(i + 2) == '$' && at(i + 3) == '{')
    return 4; // HPATH_START${
  size_t j = i + 1;
  bool any = false;
  while (at(j) == '/' && isPathChar(at(j + 1))) {
    j++;
    while (isPathChar(at(j)))
      j++;
    any = true;
  }
  if (!any)
    return 0;
  if (at(j) == '/')
    j++;
  return j - i;
}

size_t Lexer::matchSPath(size_t i) const {
  if (at(i) != '<')
    return 0;
  size_t j = i + 1;
  if (!isPathChar(at(j)))
    return 0;
  while (isPathChar(at(j)))
    j++;
  while (at(j) == '/' && isPathChar(at(j + 1))) {
    j++;
    while (isPathChar(at(j)))
      j++;
  }
  if (at(j) != '>')
    return 0;
  return j + 1 - i;
}

// [a-zA-Z][a-zA-Z0-9\+\-\.]*\:[a-zA-Z0-9\%\/\?\:\@\&\=\+\$\,\-\_\.\!\~\*\']+
size_t Lexer::matchUri(size_t i) const {
  char c = at(i);
  if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
    return 0;
  size_t j = schemeRunEnd(i + 1);
  if (at(j) != ':')
    return 0;
  j++;
  size_t k = j;
  while (at(k) && isUriChar(at(k)))
    k++;
  return k > j ? k - i : 0;
}

Token Lexer::next() {
  if (!skipSpaceAndComments()) {
    Token t = make(Tok::Invalid, 0);
    error = "unterminated comment";
    return t;
  }
  if (p_ >= s_.size())
    return make(Tok::Eof, 0);
  char c = s_[p_];

  // Rules that compete by longest match, ties going to the earlier rule,
  // as in Nix's flex lexer.
  struct Cand {
    Tok tok;
    size_t len;
  } best{Tok::Invalid, 0};
  auto consider = [&](Tok t, size_t len) {
    if (len > best.len)
      best = {t, len};
  };
  size_t idLen = matchId(p_);
  if (idLen) {
    Tok t = Tok::Id;
    for (auto &k : keywords)
      if (strlen(k.text) == idLen && s_.compare(p_, idLen, k.text) == 0)
        t = k.tok;
    consider(t, idLen);
  }
  if (isDigit(c))
    consider(Tok::Int, matchInt(p_));
  if (isDigit(c) || c == '.')
    consider(Tok::Float, matchFloat(p_));
  if (isPathChar(c) || c == '/') {
    consider(Tok::Path, matchPathSegInterp(p_));
    consider(Tok::Path, matchPath(p_));
  }
  if (c == '~')
    consider(Tok::HPath, matchHPath(p_));
  if (c == '<')
    consider(Tok::SPath, matchSPath(p_));
  if (idLen)
    consider(Tok::Uri, matchUri(p_));

  // Fixed tokens, longest first.
  static const struct {
    const char *text;
    Tok tok;
  } fixed[] = {
      {"...", Tok::Ellipsis}, {"${", Tok::DollarCurly}, {"==", Tok::Eq},      {"!=", Tok::NEq},
      {"<=", Tok::Leq},       {">=", Tok::Geq},         {"&&", Tok::And},     {"||", Tok::OrOr},
      {"->", Tok::Impl},      {"//", Tok::Update},      {"++", Tok::Concat},  {"''", Tok::IndOpen},
      {"{", Tok::LBrace},     {"}", Tok::RBrace},       {"[", Tok::LBracket}, {"]", Tok::RBracket},
      {"(", Tok::LParen},     {")", Tok::RParen},       {"\"", Tok::Quote},   {";", Tok::Semi},
      {":", Tok::Colon},      {",", Tok::Comma},        {".", Tok::Dot},      {"@", Tok::At},
      {"=", Tok::Assign},     {"?", Tok::Question},     {"!", Tok::Not},      {"+", Tok::Plus},
      {"-", Tok::Minus},      {"*", Tok::Star},         {"/", Tok::Slash},    {"<", Tok::Lt},
      {">", Tok::Gt}};
  for (auto &f : fixed) {
    size_t n = strlen(f.text);
    if (s_.compare(p_, n, f.text) == 0) {
      if (n > best.len)
        best = {f.tok, n};
      break;
    }
  }

  // The pipe operators are an experimental feature of newer Nix, off by
  // default; Nix reports them by name rather than as a syntax error.
  if ((c == '|' && at(p_ + 1) == '>') || (c == '<' && at(p_ + 1) == '|')) {
    Token t = make(Tok::Invalid, 2);
    error = "experimental Nix feature 'pipe-operators' is disabled; add "
            "'--extra-experimental-features pipe-operators' to enable it";
    return t;
  }
  if (best.len == 0)
    return make(Tok::Invalid, 1);

  if (best.tok == Tok::Path || best.tok == Tok::HPath) {
    size_t len = best.len;
    // A segment ending in "${": the token is the part before it.
    if (len >= 2 && s_[p_ + len - 2] == '$' && s_[p_ + len - 1] == '{')
      len -= 2;
    Token t = make(best.tok, len);
    lastPathEndedWithSlash_ = t.text.back() == '/';
    return t;
  }
  if (best.tok == Tok::IndOpen) {
    // ''(\ *\n)? : the opening swallows the rest of an otherwise blank line.
    size_t j = p_ + 2;
    while (at(j) == ' ')
      j++;
    size_t len = at(j) == '\n' ? j + 1 - p_ : 2;
    return make(Tok::IndOpen, len);
  }
  Token t = make(best.tok, best.len);
  if (t.kind == Tok::Int) {
    errno = 0;
    t.intValue = strtoll(t.text.c_str(), nullptr, 10);
    if (errno == ERANGE)
      t.intOverflow = true;
  } else if (t.kind == Tok::Float) {
    t.floatValue = strtod(t.text.c_str(), nullptr);
  } else if (t.kind == Tok::SPath) {
    t.text = t.text.substr(1, t.text.size() - 2);
  }
  return t;
}

Token Lexer::nextStringPart() {
  if (p_ >= s_.size())
    return make(Tok::Eof, 0);
  if (s_[p_] == '"')
    return make(Tok::Quote, 1);
  if (s_[p_] == '$' && at(p_ + 1) == '{')
    return make(Tok::DollarCurly, 2);
  // ([^\$\"\\]|\$[^\{\"\\]|\\{ANY}|\$\\{ANY})* with a trailing $ allowed
  size_t j = p_;
  while (j < s_.size()) {
    char c = s_[j];
    if (c == '"')
      break;
    if (c == '\\') {
      if (j + 1 >= s_.size()) {
        j++;
        break;
      }
      j += 2;
    } else if (c == '$') {
      char d = at(j + 1);
      if (d == '{')
        break;
      if (d == '\\') {
        if (j + 2 >= s_.size()) {
          j += 2;
          break;
        }
        j += 3;
      } else if (d == '"' || d == 0) {
        j++;
      } else {
        j += 2;
      }
    } else {
      j++;
    }
  }
  Token t;
  t.kind = Tok::Str;
  t.line = line_;
  t.col = col_;
  t.text = unescape(s_.substr(p_, j - p_));
  advance(j - p_);
  t.endLine = line_;
  t.endCol = col_;
  return t;
}

Token Lexer::nextIndStringPart() {
  if (p_ >= s_.size())
    return make(Tok::Eof, 0);
  char c = s_[p_];
  if (c == '\'' && at(p_ + 1) == '\'') {
    char d = at(p_ + 2);
    if (d == '$') { // ''$ → $
      Token t = make(Tok::IndStr, 3);
      t.text = "$";
      return t;
    }
    if (d == '\'') { // ''' → ''
      Token t = make(Tok::IndStr, 3);
      t.text = "''";
      return t;
    }
    if (d == '\\' && p_ + 3 < s_.size()) { // ''\x → unescaped x
      size_t n = 4;
      if (s_[p_ + 3] == '\r' && at(p_ + 4) == '\n')
        n = 5;
      Token t = make(Tok::IndStr, n);
      t.text = unescape(std::string_view(s_).substr(p_ - n + 2, n - 2));
      return t;
    }
    return make(Tok::IndClose, 2);
  }
  if (c == '$' && at(p_ + 1) == '{')
    return make(Tok::DollarCurly, 2);
  // ([^\$\']|\$[^\{\']|\'[^\'\$])+
  size_t j = p_;
  while (j < s_.size()) {
    char a = s_[j];
    char b = at(j + 1);
    if (a == '$') {
      if (b == '{' || b == '\'' || j + 1 >= s_.size())
        break;
      j += 2;
    } else if (a == '\'') {
      if (b == '\'' || b == '$' || j + 1 >= s_.size())
        break;
      j += 2;
    } else {
      j++;
    }
  }
  if (j == p_) { // a lone $ or ' that the longer rules did not take
    Token t = make(Tok::IndStr, 1);
    t.hasIndentation = false;
    return t;
  }
  Token t = make(Tok::IndStr, j - p_);
  t.hasIndentation = true;
  return t;
}

Token Lexer::nextPathPart() {
  if (at(p_) == '$' && at(p_ + 1) == '{') {
    lastPathEndedWithSlash_ = false;
    return make(Tok::DollarCurly, 2);
  }
  // {PATH}|{PATH_SEG}|{PATH_CHAR}+, longest
  size_t j = p_;
  for (;;) {
    while (isPathChar(at(j)))
      j++;
    if (at(j) == '/') {
      j++;
      continue;
    }
    break;
  }
  // A "/" directly before "${" belongs to this part; one before anything
  // else that is not a path character ends the path with a trailing slash.
  if (j > p_) {
    Token t = make(Tok::Str, j - p_);
    lastPathEndedWithSlash_ = t.text.back() == '/';
    return t;
  }
  if (lastPathEndedWithSlash_) {
    error = "path has a trailing slash";
    return make(Tok::Invalid, 0);
  }
  return make(Tok::PathEnd, 0);
}

} // namespace bastion::lang
