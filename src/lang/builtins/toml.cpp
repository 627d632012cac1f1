// builtins.fromTOML, on toml11.
//
// Nix ~2.36 is built against toml11 4.x; the toml11 available here is 3.x.
// Both accept TOML 1.0.0 and print date-times the same way once Nix has
// normalised 4.x's output (upper-case 'T', seconds always, sub-seconds in
// groups of three digits up to nanoseconds), but 3.x silently saturates
// out-of-range numbers where 4.x rejects them. So numbers are checked again
// against their source text here, and rejected with 4.x's message.
//
// toml11 3.x is not safe on invalid UTF-8: when a string's bytes are not
// UTF-8 it rewinds a location over one buffer with an iterator into another
// (parser.hpp, `inner_loc.reset(first)` in every parse_*_string), which is an
// assertion failure (`sz >= 0`, abort) or a heap overflow. TOML 1.0 requires
// the whole document to be valid UTF-8, so it is checked here first, with
// toml11's own notion of a code point (lex_utf8_code: no overlong forms, no
// surrogates, nothing past U+10FFFF), and toml11 only ever sees valid text.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <toml.hpp>

#include "lang/eval.h"

namespace bastion::lang {

namespace {

constexpr PosIdx noPos{}; // see builtins/json.cpp

// Nix's forceNoNullByte, as its message reads inside "while parsing TOML: "
// (Nix prints the caught error's what(), which starts with "error: ").
void forceNoNullByte(std::string_view s) {
  if (s.find('\0') == std::string_view::npos)
    return;
  std::string shown;
  for (char c : s) {
    if (c == '\0')
      shown += "\u2400"; // ␀
    else
      shown += c;
  }
  throw std::runtime_error("error: input string '" + shown +
                           "' cannot be represented as Nix string because it contains null bytes");
}

// A number toml11 4.x would have refused, with where and why.
struct NumberError {
  uint32_t line, column; // column just past the number, as 4.x points
  std::string lineText;
  std::string title, comment;
};

// toml11 4.x's error layout:
//   [error] TITLE
//    --> fromTOML
//      |
//    1 | LINE
//      |      ^-- COMMENT
std::string formatTomlError(const NumberError &e) {
  std::string num = std::to_string(e.line);
  std::string pad(num.size() + 2, ' ');
  std::ostringstream out;
  out << "[error] " << e.title << "\n";
  out << " --> fromTOML\n";
  out << pad << "|\n";
  out << " " << num << " | " << e.lineText << "\n";
  out << pad << "| " << std::string(e.column - 1, ' ') << "^-- " << e.comment << "\n";
  return out.str();
}

std::optional<NumberError> checkNumber(const toml::value &t) {
  toml::source_location loc = t.location();
  const std::string &line = loc.line_str();
  if (loc.column() == 0 || loc.column() - 1 + loc.region() > line.size())
    return std::nullopt;
  std::string token = line.substr(loc.column() - 1, loc.region());
  std::string digits;
  for (char c : token)
    if (c != '_')
      digits += c;
  auto fail = [&](std::string title, std::string comment) {
    return NumberError{loc.line(), uint32_t(loc.column() + loc.region()), line, std::move(title),
                       std::move(comment)};
  };

  if (t.is_integer()) {
    int base = 10;
    const char *kind = "dec";
    std::string body = digits;
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o' || body[1] == 'b')) {
      base = body[1] == 'x' ? 16 : body[1] == 'o' ? 8 : 2;
      kind = body[1] == 'x' ? "hex" : body[1] == 'o' ? "oct" : "bin";
      body = body.substr(2);
    }
    errno = 0;
    char *end = nullptr;
    long long v = std::strtoll(body.c_str(), &end, base);
    (void)v;
    if (end == body.c_str() || *end != '\0')
      return std::nullopt; // not what we think it is
    if (errno == ERANGE) {
      std::string what = base == 10 ? "digits" : "value";
      return fail(std::string("toml::parse_") + kind + "_integer: too large integer: current max " +
                      what + " = 2^63",
                  "must be < 2^63");
    }
    return std::nullopt;
  }

  if (t.is_floating()) {
    std::string lower;
    for (char c : digits)
      lower += char(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("inf") != std::string::npos || lower.find("nan") != std::string::npos)
      return std::nullopt;
    errno = 0;
    char *end = nullptr;
    double d = std::strtod(digits.c_str(), &end);
    if (end == digits.c_str() || *end != '\0')
      return std::nullopt;
    if (errno == ERANGE && std::isinf(d))
      return fail("toml::parse_floating: failed to read floating point value from stream", "here");
    return std::nullopt;
  }
  return std::nullopt;
}

// Where `text` stops being UTF-8, as toml11's lex_utf8_code reads it.
std::optional<size_t> invalidUtf8(std::string_view text) {
  auto cont = [&](size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return i < text.size() && uint8_t(text[i]) >= lo && uint8_t(text[i]) <= hi;
  };
  size_t i = 0;
  while (i < text.size()) {
    uint8_t c = uint8_t(text[i]);
    size_t n;
    if (c < 0x80)
      n = 1;
    else if (c >= 0xC2 && c <= 0xDF)
      n = cont(i + 1) ? 2 : 0;
    else if (c >= 0xE0 && c <= 0xEF) {
      unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
      n = cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
    } else if (c >= 0xF0 && c <= 0xF4) {
      unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
      n = cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    } else
      n = 0;
    if (n == 0)
      return i;
    i += n;
  }
  return std::nullopt;
}

// The error for a document that is not UTF-8, laid out as toml11 lays out
// its own, pointing at the first bad byte.
NumberError utf8Error(std::string_view text, size_t at) {
  size_t lineStart = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
  lineStart = lineStart == std::string_view::npos ? 0 : lineStart + 1;
  size_t lineEnd = text.find('\n', at);
  if (lineEnd == std::string_view::npos)
    lineEnd = text.size();
  uint32_t line = 1;
  for (size_t i = 0; i < lineStart; i++)
    line += text[i] == '\n';
  // The line is shown up to the bad byte: what follows is not text.
  std::string shown(text.substr(lineStart, at - lineStart));
  return NumberError{line, uint32_t(at - lineStart + 1), shown,
                     "toml::parse: invalid UTF-8 sequence found (TOML documents must be UTF-8)",
                     "here"};
}

// The first (in source order) number that 4.x would have stopped at.
void findNumberError(const toml::value &t, std::optional<NumberError> &first) {
  std::optional<NumberError> e;
  switch (t.type()) {
  case toml::value_t::table:
    for (auto &[k, v] : t.as_table())
      findNumberError(v, first);
    return;
  case toml::value_t::array:
    for (auto &v : t.as_array())
      findNumberError(v, first);
    return;
  case toml::value_t::integer:
  case toml::value_t::floating:
    e = checkNumber(t);
    break;
  default:
    return;
  }
  if (e &&
      (!first || e->line < first->line || (e->line == first->line && e->column < first->column)))
    first = std::move(e);
}

void visit(EvalState &state, Value &v, const toml::value &t, bool timestamps) {
  switch (t.type()) {
  case toml::value_t::table: {
    auto &table = t.as_table();
    EvalState::BindingsBuilder b(state, uint32_t(table.size()));
    for (auto &[key, elem] : table) {
      forceNoNullByte(key);
      visit(state, b.alloc(key), elem, timestamps);
    }
    v.mkAttrs(b.finish());
    break;
  }
  case toml::value_t::array: {
    auto &array = t.as_array();
    state.mkList(v, array.size());
    for (size_t n = 0; n < array.size(); n++)
      v.list.elems[n] = state.allocValue();
    for (size_t n = 0; n < array.size(); n++)
      visit(state, *v.list.elems[n], array[n], timestamps);
    break;
  }
  case toml::value_t::boolean:
    v.mkBool(t.as_boolean());
    break;
  case toml::value_t::integer:
    v.mkInt(int64_t(t.as_integer()));
    break;
  case toml::value_t::floating:
    v.mkFloat(double(t.as_floating()));
    break;
  case toml::value_t::string: {
    const std::string &s = t.as_string().str;
    forceNoNullByte(s);
    v.mkString(s);
    break;
  }
  case toml::value_t::local_datetime:
  case toml::value_t::offset_datetime:
  case toml::value_t::local_date:
  case toml::value_t::local_time: {
    if (!timestamps)
      throw std::runtime_error("Dates and times are not supported");
    std::ostringstream s;
    s << t;
    forceNoNullByte(s.str());
    EvalState::BindingsBuilder b(state, 2);
    b.alloc("_type").mkString("timestamp");
    b.alloc("value").mkString(s.str());
    v.mkAttrs(b.finish());
    break;
  }
  case toml::value_t::empty:
    v.mkNull();
    break;
  }
}

void prim_fromTOML(EvalState &state, PosIdx, Value **args, Value &v) {
  std::string_view text = state.forceStringNoCtx(
      *args[0], noPos, "while evaluating the argument passed to builtins.fromTOML");
  bool timestamps = state.settings.experimentalFeature("parse-toml-timestamps");
  std::istringstream in{std::string(text)};
  try {
    if (auto at = invalidUtf8(text))
      throw std::runtime_error(formatTomlError(utf8Error(text, *at)));
    toml::value root = toml::parse(in, "fromTOML");
    std::optional<NumberError> bad;
    findNumberError(root, bad);
    if (bad)
      throw std::runtime_error(formatTomlError(*bad));
    visit(state, v, root, timestamps);
  } catch (EvalError &) {
    throw;
  } catch (std::exception &e) {
    // Nix attaches the primop's position, which is none (see above).
    throw EvalError(ErrorKind::Eval, std::string("while parsing TOML: ") + e.what(), noPos);
  }
}

RegisterPrimOp regFromTOML("fromTOML", 1, prim_fromTOML);

} // namespace

} // namespace bastion::lang
