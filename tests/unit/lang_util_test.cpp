// Vectors for the value-independent language helpers. Expected values come
// from the upstream language corpus (tests/functional/lang, Nix ~2.36) or
// were taken once from nix-instantiate 2.8 where the two agree; where 2.8
// differs from 2.36 the upstream source decides, as noted.
#include <clocale>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lang/escape.h"
#include "lang/float_format.h"
#include "lang/regex.h"
#include "lang/versions.h"

using namespace bastion::lang;

namespace {

using Groups = std::vector<std::optional<std::string>>;
constexpr std::nullopt_t null = std::nullopt;

// A split result in the shape Nix prints it: strings, and group lists.
struct Item {
  bool isMatch;
  std::string text;
  Groups groups;
};
Item T(std::string s) { return {false, std::move(s), {}}; }
Item G(Groups g = {}) { return {true, {}, std::move(g)}; }

void expectSplit(const std::string &re, const std::string &s, const std::vector<Item> &want) {
  auto got = regexSplit(re, s);
  ASSERT_EQ(got.size(), want.size()) << "split '" << re << "' '" << s << "'";
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].isMatch, want[i].isMatch) << re << " item " << i;
    EXPECT_EQ(got[i].text, want[i].text) << re << " item " << i;
    EXPECT_EQ(got[i].groups, want[i].groups) << re << " item " << i;
  }
}

std::string regexErrorOf(const std::string &re) {
  try {
    regexMatch(re, "");
  } catch (const RegexError &e) {
    return e.what();
  }
  return "no error";
}

} // namespace

// ---------------------------------------------------------------- versions

TEST(Versions, CorpusEvalOkayVersions) {
  struct Case {
    const char *a, *b;
    int want;
  } cases[] = {{"1.0", "2.3", -1},   {"2.1", "2.3", -1},      {"2.3", "2.3", 0},
               {"2.5", "2.3", 1},    {"3.1", "2.3", 1},       {"2.3.1", "2.3", 1},
               {"2.3.1", "2.3a", 1}, {"2.3pre1", "2.3", -1},  {"2.3pre3", "2.3pre12", -1},
               {"2.3a", "2.3c", -1}, {"2.3pre1", "2.3c", -1}, {"2.3pre1", "2.3q", -1}};
  for (auto &c : cases) {
    EXPECT_EQ(compareVersions(c.a, c.b), c.want) << c.a << " vs " << c.b;
    EXPECT_EQ(compareVersions(c.b, c.a), -c.want) << c.b << " vs " << c.a;
  }
}

TEST(Versions, EdgeCasesFromOracle) {
  struct Case {
    const char *a, *b;
    int want;
  } cases[] = {
      // A digit run that does not fit an int is a word, and a word is
      // below a number: hence 99999999999 < 1.
      {"99999999999", "1", -1},
      {"1", "99999999999", 1},
      {"2147483647", "2147483648", 1},
      {"2147483648", "2147483647", -1},
      {"", "1", -1},
      {"1", "", 1},
      {"", "", 0},
      {"", "a", -1},
      {"a", "", 1},
      {"1.0", "1.0.", 0},
      {"1-pre", "1", -1},
      {"pre", "", -1},
      {"", "pre", 1},
      {"1.2pre", "1.2a", -1},
      {"a", "b", -1},
      {"1a", "1.1", -1},
      {"01", "1", 0},
      {"1..2", "1.2", 0},
      {"2.3pre1", "2.3pre", 1},
      {"prefoo", "pre", 1},
      {"1.0pre", "1.0", -1},
      {"1.0", "1.0pre", 1},
  };
  for (auto &c : cases)
    EXPECT_EQ(compareVersions(c.a, c.b), c.want) << c.a << " vs " << c.b;
}

TEST(Versions, SplitVersion) {
  using V = std::vector<std::string>;
  EXPECT_EQ(splitVersion("1.2.3"), (V{"1", "2", "3"})); // corpus eval-okay-splitversion
  EXPECT_EQ(splitVersion(""), V{});
  EXPECT_EQ(splitVersion("..."), V{});
  EXPECT_EQ(splitVersion("1..2-3pre4foo"), (V{"1", "2", "3", "pre", "4", "foo"}));
  EXPECT_EQ(splitVersion("a-b.c1"), (V{"a", "b", "c", "1"}));
  EXPECT_EQ(splitVersion("2.3pre1"), (V{"2", "3", "pre", "1"}));
  EXPECT_EQ(splitVersion("1.2."), (V{"1", "2"}));
  EXPECT_EQ(splitVersion(".1"), V{"1"});
}

TEST(Versions, ParseDrvName) {
  struct Case {
    const char *in, *name, *version;
  } cases[] = {
      // corpus eval-okay-versions
      {"hello-1.0.2", "hello", "1.0.2"},
      {"hello", "hello", ""},
      {"915resolution-0.5.2", "915resolution", "0.5.2"},
      {"xf86-video-i810-1.7.4", "xf86-video-i810", "1.7.4"},
      {"name-that-ends-with-dash--1.0", "name-that-ends-with-dash", "-1.0"},
      // oracle
      {"hello-", "hello-", ""},
      {"-1.0", "", "1.0"},
      {"a-b-c", "a-b-c", ""},
      {"a-B-1", "a-B", "1"},
      {"a-1-b", "a", "1-b"},
      {"x-\xc3\xa9", "x", "\xc3\xa9"},
      {"foo--bar", "foo", "-bar"},
      {"foo-_1", "foo", "_1"},
  };
  for (auto &c : cases) {
    auto d = parseDrvName(c.in);
    EXPECT_EQ(d.name, c.name) << c.in;
    EXPECT_EQ(d.version, c.version) << c.in;
  }
}

// ---------------------------------------------------------------- regex

TEST(Regex, CorpusRegexMatch) {
  EXPECT_TRUE(regexMatch("foobar", "foobar"));
  EXPECT_TRUE(regexMatch("fo*", "f"));
  EXPECT_FALSE(regexMatch("fo+", "f"));
  EXPECT_TRUE(regexMatch("fo*", "fo"));
  EXPECT_TRUE(regexMatch("fo*", "foo"));
  EXPECT_TRUE(regexMatch("fo+", "foo"));
  EXPECT_TRUE(regexMatch("fo{1,2}", "foo"));
  EXPECT_FALSE(regexMatch("fo{1,2}", "fooo"));
  EXPECT_FALSE(regexMatch("fo*", "foobar"));
  EXPECT_TRUE(regexMatch("[[:space:]]+([^[:space:]]+)[[:space:]]+", "  foo   "));
  EXPECT_FALSE(regexMatch("[[:space:]]+([[:upper:]]+)[[:space:]]+", "  foo   "));
  EXPECT_EQ(regexMatch("(.*)\\.nix", "foobar.nix"), Groups{"foobar"});
  EXPECT_EQ(regexMatch("[[:space:]]+([[:upper:]]+)[[:space:]]+", "  FOO   "), Groups{"FOO"});
  const char *splitFN = "((.*)/)?([^/]*)\\.(nix|cc)";
  EXPECT_EQ(regexMatch(splitFN, "/path/to/foobar.nix"),
            (Groups{"/path/to/", "/path/to", "foobar", "nix"}));
  EXPECT_EQ(regexMatch(splitFN, "foobar.cc"), (Groups{null, null, "foobar", "cc"}));
}

TEST(Regex, CorpusRegexMatch2Sample) {
  // A selection of eval-okay-regex-match2 (the whole list agrees).
  EXPECT_EQ(regexMatch("(.*)e?abi.*", "linux"), std::nullopt);
  EXPECT_EQ(regexMatch("[[:alnum:]+_?=-][[:alnum:]+._?=-]*", "glibc-2.40-66"), Groups{});
  EXPECT_EQ(regexMatch("mirror://([a-z]+)/(.*)", "mirror://gnu/m4/m4-1.4.19.tar.bz2"),
            (Groups{"gnu", "m4/m4-1.4.19.tar.bz2"}));
  EXPECT_EQ(regexMatch("^([0-9][0-9\\.]*)(.*)$", "10"), (Groups{"10", ""}));
  EXPECT_EQ(regexMatch("[[:space:]]*0*(-?[[:digit:]]+)[[:space:]]*", "36"), Groups{"36"});
  EXPECT_EQ(regexMatch("[[:alnum:],._+:@%/-]+", ""), std::nullopt);
  EXPECT_EQ(regexMatch("^(@([^/]+)/)?([^/]+)$", "draupnir"), (Groups{null, null, "draupnir"}));
  EXPECT_EQ(regexMatch("[^[:space:]]*", ""), Groups{});
  EXPECT_EQ(regexMatch(".*[0-9]_LIN(UX)?.sh", "Wolfram_14.2.1_LIN.sh"), Groups{null});
  EXPECT_EQ(regexMatch("([0-9A-Za-z._])[0-9A-Za-z._-]*", "pythoncheck.sh"), Groups{"p"});
  EXPECT_EQ(regexMatch("(.+)+(.+)", "17.0.14+7"), (Groups{"17.0.14+", "7"}));
  EXPECT_EQ(regexMatch("[[:alpha:]_][[:alnum:]_]*(\\.[[:alpha:]_][[:alnum:]_]*)*", "local_cache"),
            Groups{null});
  EXPECT_EQ(regexMatch("([^/]*)/([^/]*)(/SNAPSHOT)?(/.*)?", "jna/5.6.0"),
            (Groups{"jna", "5.6.0", null, null}));
  EXPECT_EQ(
      regexMatch("git\\+([^?]+)(\\?(rev|tag|branch)=(.*))?#(.*)",
                 "git+https://github.com/GRA0007/google-cloud-rs.git#4a2db92e"),
      (Groups{"https://github.com/GRA0007/google-cloud-rs.git", null, null, null, "4a2db92e"}));
  EXPECT_EQ(regexMatch("^(#.*|$)", ""), Groups{""});
  EXPECT_EQ(regexMatch("^(/?)(.*)", "\\.git"), (Groups{"", "\\.git"}));
  EXPECT_EQ(regexMatch("^.*CONFIG_BOARD_DIRECTORY=\"([a-zA-Z0-9_]+)\".*$",
                       "# x\nCONFIG_BOARD_DIRECTORY=\"simulator\"\nCONFIG_X=y\n"),
            Groups{"simulator"});
  EXPECT_EQ(regexMatch("\n  [ \t\n  ]*(.*[^ \t\n  ])[ \t\n  ]*", "\n  0.3.2308\n"),
            Groups{"0.3.2308"});
  EXPECT_EQ(regexMatch(".*[<>\"'&].*", "org.eclipse.jdt"), std::nullopt);
  EXPECT_EQ(regexMatch("[a-zA-Z_][a-zA-Z0-9_'-]*", "2bwm"), std::nullopt);
  EXPECT_EQ(regexMatch("(pypy|python)([[:digit:]]*)", "pypy310"), (Groups{"pypy", "310"}));
}

TEST(Regex, CorpusRegexSplit) {
  expectSplit("foobar", "foobar", {T(""), G(), T("")});
  expectSplit("fo*", "f", {T(""), G(), T("")});
  expectSplit("fo+", "f", {T("f")});
  expectSplit("fo{1,2}", "fooo", {T(""), G(), T("o")});
  expectSplit("fo*", "foobar", {T(""), G(), T("bar")});
  expectSplit("(fo*)", "f", {T(""), G({"f"}), T("")});
  expectSplit("(fo+)", "f", {T("f")});
  expectSplit("(f)(o*)", "f", {T(""), G({"f", ""}), T("")});
  expectSplit("(f)(o*)", "foo", {T(""), G({"f", "oo"}), T("")});
  expectSplit("(fo{1,2})", "fooo", {T(""), G({"foo"}), T("o")});
  expectSplit("(fo*)", "foobar", {T(""), G({"foo"}), T("bar")});
  expectSplit("(o+)", "oooofoooo", {T(""), G({"oooo"}), T("f"), G({"oooo"}), T("")});
  expectSplit("(b)", "foobarbaz", {T("foo"), G({"b"}), T("ar"), G({"b"}), T("az")});
  expectSplit("[[:space:]]+|([',.!?])", "Nix Rocks!\nThat's why I use it.\n",
              {T("Nix"), G({null}), T("Rocks"), G({"!"}), T(""),     G({null}), T("That"),
               G({"'"}), T("s"),    G({null}),  T("why"), G({null}), T("I"),    G({null}),
               T("use"), G({null}), T("it"),    G({"."}), T(""),     G({null}), T("")});
  expectSplit("(a)b", "abc", {T(""), G({"a"}), T("c")});
  expectSplit("([ac])", "abc", {T(""), G({"a"}), T("b"), G({"c"}), T("")});
  expectSplit("(a)|(c)", "abc", {T(""), G({"a", null}), T("b"), G({null, "c"}), T("")});
  expectSplit("([[:upper:]]+)", "  FOO   ", {T("  "), G({"FOO"}), T("   ")});
}

TEST(Regex, SplitEmptyMatchesLikeRegexIterator) {
  expectSplit("(a)|b", "abc", {T(""), G({"a"}), T(""), G({null}), T("c")});
  expectSplit("", "abc", {T(""), G(), T("a"), G(), T("b"), G(), T("c"), G(), T("")});
  expectSplit("(a*)", "xaay",
              {T(""), G({""}), T("x"), G({"aa"}), T(""), G({""}), T("y"), G({""}), T("")});
  expectSplit("a*", "", {T(""), G(), T("")});
  expectSplit("a*", "aa", {T(""), G(), T(""), G(), T("")});
  expectSplit(
      "(b*)", "abbcb",
      {T(""), G({""}), T("a"), G({"bb"}), T(""), G({""}), T("c"), G({"b"}), T(""), G({""}), T("")});
  expectSplit("x*", "abc", {T(""), G(), T("a"), G(), T("b"), G(), T("c"), G(), T("")});
}

TEST(Regex, SplitAnchorsSeeTheWholeString) {
  expectSplit("^", "abc", {T(""), G(), T("abc")});
  expectSplit("$", "abc", {T("abc"), G(), T("")});
  expectSplit("^a|b", "aab", {T(""), G(), T("a"), G(), T("")});
  expectSplit("(^|,)", "a,b", {T(""), G({""}), T("a"), G({","}), T("b")});
  expectSplit("^a", "a\na", {T(""), G(), T("\na")});
  expectSplit("a$", "a\na", {T("a\n"), G(), T("")});
  expectSplit(".", "\n", {T(""), G(), T("")}); // '.' matches newline
}

TEST(Regex, LongestAndGroupChoiceOnUnambiguousPatterns) {
  EXPECT_EQ(regexMatch("(a|b)*", "ab"), Groups{"b"});
  EXPECT_EQ(regexMatch("(a*)(a*)", "aaa"), (Groups{"aaa", ""}));
  EXPECT_EQ(regexMatch("(.*)(.*)", "ab"), (Groups{"ab", ""}));
  EXPECT_EQ(regexMatch("(a?)((ab)?)(b?)", "ab"), (Groups{"a", "", null, "b"}));
  EXPECT_EQ(regexMatch("(a|ab)(c|bcd)(d*)", "abcd"), (Groups{"a", "bcd", ""}));
  EXPECT_EQ(regexMatch("((a)|b)*", "ab"), (Groups{"b", "a"}));
  EXPECT_EQ(regexMatch("(a)?", ""), Groups{null});
  EXPECT_EQ(regexMatch("(a){0}", ""), Groups{null});
  EXPECT_EQ(regexMatch("()", ""), Groups{""});
  EXPECT_EQ(regexMatch("", ""), Groups{});
  EXPECT_EQ(regexMatch("", "a"), std::nullopt);
  expectSplit("(a|b)*c", "xabcyc", {T("x"), G({"b"}), T("y"), G({null}), T("")});
}

TEST(Regex, StdRegexGrammarNotGlibcExtensions) {
  // Escaping an ordinary character is an error in Nix's (strict
  // libstdc++) std::regex, where glibc would read \w, \1, \n etc.
  for (const char *re :
       {"\\d+", "\\w+", "(a)\\1", "a\\n", "\\]", "\\}", "a\\", "\\/", "\\-", "\\\""})
    EXPECT_EQ(regexErrorOf(re), std::string("invalid regular expression '") + re + "'");
  for (const char *re : {"\\.", "\\*", "\\^", "\\$", "\\+", "\\?", "\\|", "\\{", "\\)", "\\\\"})
    EXPECT_EQ(regexMatch(re, std::string(1, re[1])), Groups{}) << re;
  // ...but inside brackets a backslash is an ordinary member.
  EXPECT_EQ(regexMatch("[\\n]+", "\\n"), Groups{});
  // An unmatched ')' and "{,n}" are errors (glibc would accept them).
  EXPECT_EQ(regexErrorOf("a)"), "invalid regular expression 'a)'");
  EXPECT_EQ(regexErrorOf("a{,3}"), "invalid regular expression 'a{,3}'");
  // Class names: case-insensitive, plus d, w and s.
  EXPECT_EQ(regexMatch("[[:ALPHA:]]", "a"), Groups{});
  EXPECT_EQ(regexMatch("[[:w:]]+", "a_1"), Groups{});
  EXPECT_EQ(regexMatch("[^[:w:]]", "_"), std::nullopt);
  EXPECT_EQ(regexMatch("[[:d:]][[:s:]]", "1 "), Groups{});
  EXPECT_EQ(regexErrorOf("[[:word:]]"), "invalid regular expression '[[:word:]]'");
  // Bracket corner cases both engines agree on.
  EXPECT_EQ(regexMatch("[]a]+", "]a"), Groups{});
  EXPECT_EQ(regexMatch("[^]a]", "b"), Groups{});
  EXPECT_EQ(regexMatch("[a-]+", "a-"), Groups{});
  EXPECT_EQ(regexMatch("a**", "aa"), Groups{});
  EXPECT_EQ(regexMatch("a||b", "b"), Groups{});
  EXPECT_EQ(regexMatch("]", "]"), Groups{});
  EXPECT_EQ(regexMatch("}", "}"), Groups{});
}

TEST(Regex, ErrorMessages) {
  // corpus eval-fail-match-3 / eval-fail-split-3
  EXPECT_EQ(regexErrorOf("(.*"), "invalid regular expression '(.*'");
  EXPECT_THROW(regexSplit("f(o*o", "1foo2"), RegexError);
  for (const char *re : {"(", "[", "[a", "*a", "a|*b", "(*a)", "{", "a{", "a{1", "a{2,1}", "^*",
                         "[[:foo:]]", "[z-a]"})
    EXPECT_EQ(regexErrorOf(re), std::string("invalid regular expression '") + re + "'");
  EXPECT_EQ(regexErrorOf("a{99999}"), "memory limit exceeded by regular expression 'a{99999}'");
  // A failed pattern is not cached as valid.
  EXPECT_THROW(regexMatch("(.*", "x"), RegexError);
}

TEST(Regex, BytesNotCharacters) {
  const std::string e = "\xc3\xa9"; // é in UTF-8
  EXPECT_EQ(regexMatch("^.$", e), std::nullopt);
  EXPECT_EQ(regexMatch("^..$", e), Groups{});
  EXPECT_EQ(regexMatch("[[:alpha:]]+", e), std::nullopt);
  EXPECT_EQ(regexMatch("(.)(.)", "\xff\x01"), (Groups{"\xff", "\x01"}));
  expectSplit(e, "a" + e + "b", {T("a"), G(), T("b")});
  // The same under a UTF-8 process locale: the C locale is pinned.
  if (const char *old = std::setlocale(LC_ALL, nullptr); old) {
    std::string saved = old;
    if (std::setlocale(LC_ALL, "C.UTF-8") || std::setlocale(LC_ALL, "C.utf8")) {
      EXPECT_EQ(regexMatch("^.$", e), std::nullopt);
      EXPECT_EQ(regexMatch("^x.y$", "x\xffy"), Groups{});
      EXPECT_EQ(regexMatch("^..$", e), Groups{}); // a different pattern: new regcomp
    }
    std::setlocale(LC_ALL, saved.c_str());
  }
}

// ---------------------------------------------------------------- floats

TEST(Floats, Print) {
  // corpus eval-okay-float, eval-fail-assert-equal-floats, eval-okay-xml,
  // eval-okay-fromTOML (flt1..flt8)
  EXPECT_EQ(floatToPrint(1.1 + 2.3), "3.4");
  EXPECT_EQ(floatToPrint(2.5), "2.5");
  EXPECT_EQ(floatToPrint(1.0), "1");
  EXPECT_EQ(floatToPrint(1.01), "1.01");
  EXPECT_EQ(floatToPrint(567.890), "567.89");
  EXPECT_EQ(floatToPrint(3.1415), "3.1415");
  EXPECT_EQ(floatToPrint(-0.01), "-0.01");
  EXPECT_EQ(floatToPrint(5e+22), "5e+22");
  EXPECT_EQ(floatToPrint(1e6), "1e+06");
  EXPECT_EQ(floatToPrint(6.626e-34), "6.626e-34");
  EXPECT_EQ(floatToPrint(9224617.445991228313), "9.22462e+06");
  // oracle
  EXPECT_EQ(floatToPrint(1e-7), "1e-07");
  EXPECT_EQ(floatToPrint(123456789.0), "1.23457e+08");
  EXPECT_EQ(floatToPrint(1e300), "1e+300");
  EXPECT_EQ(floatToPrint(0.0001), "0.0001");
  EXPECT_EQ(floatToPrint(0.00001), "1e-05");
  EXPECT_EQ(floatToPrint(100000.0), "100000");
  EXPECT_EQ(floatToPrint(0.0), "0");
  EXPECT_EQ(floatToPrint(-0.0), "-0");
  EXPECT_EQ(floatToXML(567.890), "567.89");
  EXPECT_EQ(floatToXML(1.0), "1");
}

TEST(Floats, ToString) {
  EXPECT_EQ(floatToString(1.5), "1.500000");
  EXPECT_EQ(floatToString(0.1), "0.100000");
  EXPECT_EQ(floatToString(1e-7), "0.000000");
  EXPECT_EQ(floatToString(123456789.0), "123456789.000000");
  EXPECT_EQ(floatToString(-0.01), "-0.010000");
}

TEST(Floats, JSON) {
  // corpus eval-okay-tojson has 1.44; the rest is nlohmann::json's dump,
  // which Nix 2.36 uses (2.8 still printed "%g" here).
  EXPECT_EQ(floatToJSON(1.44), "1.44");
  EXPECT_EQ(floatToJSON(1.0), "1.0");
  EXPECT_EQ(floatToJSON(1.5), "1.5");
  EXPECT_EQ(floatToJSON(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(floatToJSON(123456789.0), "123456789.0");
  EXPECT_EQ(floatToJSON(1e-7), "1e-07");
  EXPECT_EQ(floatToJSON(1e22), "1e+22");
  EXPECT_EQ(floatToJSON(5e22), "4.9999999999999996e+22"); // Grisu2, not shortest
  EXPECT_EQ(floatToJSON(-0.0), "-0.0");
  EXPECT_EQ(floatToJSON(1.0 / 0.0), "null");
}

// ---------------------------------------------------------------- escaping

TEST(Escape, NixString) {
  EXPECT_EQ(escapeNixString("foo"), "\"foo\"");
  EXPECT_EQ(escapeNixString("${"), "\"\\${\"");
  EXPECT_EQ(escapeNixString("$"), "\"$\"");
  EXPECT_EQ(escapeNixString("a$"), "\"a$\"");
  EXPECT_EQ(escapeNixString("$$"), "\"$$\"");
  EXPECT_EQ(escapeNixString("$${"), "\"$\\${\"");
  EXPECT_EQ(escapeNixString("x${y}"), "\"x\\${y}\"");
  EXPECT_EQ(escapeNixString("\\"), "\"\\\\\"");
  EXPECT_EQ(escapeNixString("\""), "\"\\\"\"");
  EXPECT_EQ(escapeNixString("\n\r\t"), "\"\\n\\r\\t\"");
  // corpus eval-okay-fromjson-escapes: \b and \f are printed raw.
  EXPECT_EQ(escapeNixString("\b \f \xc3\xa9"), "\"\b \f \xc3\xa9\"");
}

TEST(Escape, AttrNames) {
  // The 2.36 printer quotes all nine keywords (2.8 only quoted "if").
  for (const char *k : {"if", "then", "else", "assert", "with", "let", "in", "rec", "inherit"}) {
    EXPECT_TRUE(isReservedKeyword(k));
    EXPECT_EQ(quoteAttrName(k), std::string("\"") + k + "\"");
  }
  for (const char *bare : {"or", "a-b", "a'", "_a", "A_9", "__curPos", "true", "null", "bare-key"})
    EXPECT_EQ(quoteAttrName(bare), bare);
  EXPECT_EQ(quoteAttrName(""), "\"\"");
  EXPECT_EQ(quoteAttrName("'a"), "\"'a\"");
  EXPECT_EQ(quoteAttrName("1a"), "\"1a\"");
  EXPECT_EQ(quoteAttrName("1234"), "\"1234\""); // corpus eval-okay-fromTOML
  EXPECT_EQ(quoteAttrName("-a"), "\"-a\"");
  EXPECT_EQ(quoteAttrName("a.b"), "\"a.b\"");
  EXPECT_EQ(quoteAttrName("a b"), "\"a b\"");
  EXPECT_EQ(quoteAttrName("${x}"), "\"\\${x}\"");
  EXPECT_EQ(quoteAttrName("\xca\x9e"), "\"\xca\x9e\""); // "ʞ", corpus eval-okay-fromTOML
  EXPECT_EQ(quoteAttrName("quoted \"value\""), "\"quoted \\\"value\\\"\"");
}

TEST(Escape, JSONString) {
  // corpus eval-okay-tojson
  EXPECT_EQ(escapeJSONString("foo\n\"bar\""), "\"foo\\n\\\"bar\\\"\"");
  EXPECT_EQ(escapeJSONString("foo\nbar"), "\"foo\\nbar\"");
  EXPECT_EQ(escapeJSONString("\t\r\\/"), "\"\\t\\r\\\\/\"");
  EXPECT_EQ(escapeJSONString("\b\f"), "\"\\b\\f\"");
  EXPECT_EQ(escapeJSONString(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\x7f\"");
  EXPECT_EQ(escapeJSONString("\xc3\xa9\xe2\x86\x92"), "\"\xc3\xa9\xe2\x86\x92\"");
  // corpus eval-fail-toJSON-non-utf-8
  try {
    escapeJSONString("_invalid UTF-8: \xff_");
    ADD_FAILURE() << "no error";
  } catch (const JSONError &e) {
    EXPECT_STREQ(e.what(), "[json.exception.type_error.316] invalid UTF-8 byte at index 16: 0xFF");
  }
}

TEST(Escape, XMLAttr) {
  // corpus eval-okay-toxml, eval-okay-xml; oracle for the escapes
  EXPECT_EQ(escapeXMLAttr("s"), "s");
  EXPECT_EQ(escapeXMLAttr("a\"<>&\n\r\t'b"), "a&quot;&lt;&gt;&amp;&#xA;\r\t'b");
}
