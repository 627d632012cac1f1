// builtins.toJSON / fromJSON / toXML / fromTOML and the --json / --xml
// printers. Expected values come from the upstream language corpus (Nix
// ~2.36) or from nix-instantiate 2.8 where the two agree.
#include <gc/gc.h>

#include <algorithm>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "eval_session.h"
#include "lang/eval.h"
#include "lang/json.h"
#include "lang/print.h"
#include "lang/xml.h"

using namespace bastion::lang;

namespace {

using test::Session;

// ---- toJSON -------------------------------------------------------------------

TEST(LangJSON, ToJSONScalarsAndContainers) {
  Session s;
  EXPECT_EQ(s.evalPrint(R"(builtins.toJSON { b = [ 1 (-2) true false null ]; a = "x"; })"),
            R"("{\"a\":\"x\",\"b\":[1,-2,true,false,null]}")");
  EXPECT_EQ(s.evalPrint(R"(builtins.toJSON [ 1.0 0.1 1.44 1.0e22 (1.0 / 3) ])"),
            R"("[1.0,0.1,1.44,1e+22,0.3333333333333333]")");
  EXPECT_EQ(s.evalPrint(R"(builtins.toJSON "a\nb\t\"c\"\\")"), R"("\"a\\nb\\t\\\"c\\\"\\\\\"")");
  EXPECT_EQ(s.evalPrint(R"(builtins.toJSON { })"), R"("{}")");
  EXPECT_EQ(s.evalPrint(R"(builtins.toJSON [ ])"), R"("[]")");
}

TEST(LangJSON, ToJSONSortsAttributesByName) {
  Session s;
  // Symbols are interned in the order z, a, m: ids do not follow names.
  EXPECT_EQ(s.evalPrint(R"(builtins.toJSON { z = 1; a = 2; m = { zz = 1; "" = 2; "A" = 3; }; })"),
            R"("{\"a\":2,\"m\":{\"\":2,\"A\":3,\"zz\":1},\"z\":1}")");
}

TEST(LangJSON, ToJSONPeelsToStringAndOutPath) {
  Session s;
  EXPECT_EQ(s.evalPrint(R"(builtins.toJSON { __toString = self: self.a; a = "foo"; })"),
            R"("\"foo\"")");
  EXPECT_EQ(s.evalPrint(R"(builtins.toJSON { outPath = 42; })"), R"("42")");
  EXPECT_EQ(s.evalPrint(R"(builtins.toJSON { outPath = { a = 1; b = 2; }; })"),
            R"("{\"a\":1,\"b\":2}")");
  EXPECT_EQ(s.evalPrint(R"(builtins.toJSON { __toString = self: { outPath = "deep"; }; })"),
            R"("\"deep\"")");
  EXPECT_EQ(s.evalPrint(R"(builtins.toJSON { __toString = self: "won"; outPath = abort "no"; })"),
            R"("\"won\"")");
}

TEST(LangJSON, ToJSONPathsGoToTheStoreUnlessFromToString) {
  // Only existing paths can be copied, so the test makes one.
  std::string file = testing::TempDir() + "bastion-json-a.nix";
  { std::ofstream(file) << "1"; }
  auto subst = [&](std::string expr) {
    for (size_t at; (at = expr.find("FILE")) != std::string::npos;)
      expr.replace(at, 4, file);
    return expr;
  };
  // An evaluation session computes store paths without writing (read-only).
  Session s;
  std::string stored = s.evalPrint(subst(R"("${FILE}")"));
  stored = stored.substr(1, stored.size() - 2);
  ASSERT_EQ(stored.size(),
            std::string("/nix/store/").size() + 33 + std::string("bastion-json-a.nix").size());
  EXPECT_EQ(s.evalPrint(subst(
                R"(builtins.toJSON { outPath = [ "1" { b = { outPath = [ FILE ]; }; } ]; })")),
            "\"[\\\"1\\\",{\\\"b\\\":[\\\"" + stored + "\\\"]}]\"");
  EXPECT_EQ(s.evalPrint(subst(R"(builtins.toJSON { __toString = self: FILE; })")),
            subst(R"("\"FILE\"")"));
  Value v;
  s.eval(subst("builtins.toJSON FILE"), v);
  ASSERT_NE(v.string.context, nullptr);
  EXPECT_EQ(v.string.context[0], stored);
  std::remove(file.c_str());
}

TEST(LangJSON, ToJSONErrors) {
  Session s;
  EXPECT_EQ(s.evalError("builtins.toJSON (x: x)"), "cannot convert a function to JSON");
  EXPECT_EQ(s.evalError("builtins.toJSON [ builtins.map ]"),
            "cannot convert the built-in function 'map' to JSON");
  EXPECT_EQ(s.evalError("builtins.toJSON { a = builtins.map (x: x); }"),
            "cannot convert the partially applied built-in function 'map' to JSON");
  EXPECT_EQ(s.evalError("builtins.toJSON { __toString = self: 42; }"),
            "`__toString` should return a string, but got an integer: 42");
  EXPECT_EQ(s.evalError("builtins.toJSON { __toString = self: { a = 1; }; }"),
            "`__toString` must return a string, but got a set: { a = 1; }");
}

TEST(LangJSON, ToJSONRejectsInvalidUTF8AfterEvaluating) {
  Session s;
  Value *list = s.state.allocValue();
  s.state.mkList(*list, 2);
  list->list.elems[0] = s.state.mkStringValue("_invalid UTF-8: \xff_");
  list->list.elems[1] = s.state.allocValue();
  list->list.elems[1]->mkInt(1);
  std::ostringstream out;
  std::vector<std::string> ctx;
  try {
    printValueAsJSON(s.state, true, *list, PosIdx{}, out, ctx, false);
    FAIL() << "no error";
  } catch (EvalError &e) {
    EXPECT_EQ(e.message, "JSON serialization error: [json.exception.type_error.316] invalid UTF-8 "
                         "byte at index 16: 0xFF");
  }
}

TEST(LangJSON, ToJSONTraces) {
  Session s;
  try {
    Value v;
    s.eval("builtins.toJSON { a.b = [ true (throw \"hah no\") ]; }", v);
    FAIL() << "no error";
  } catch (EvalError &e) {
    EXPECT_EQ(e.message, "hah no");
    std::vector<std::string> texts;
    for (auto &t : e.traces)
      texts.push_back(t.text);
    auto has = [&](const std::string &s) {
      return std::find(texts.begin(), texts.end(), s) != texts.end();
    };
    EXPECT_TRUE(has("while evaluating attribute 'a'"));
    EXPECT_TRUE(has("while evaluating attribute 'b'"));
    EXPECT_TRUE(has("while evaluating list element at index 1"));
  }
}

TEST(LangJSON, ToJSONCollectsContext) {
  Session s;
  const std::string path = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x";
  Value *str = s.state.allocValue();
  s.state.mkString(*str, "x", {path});
  Value *list = s.state.allocValue();
  s.state.mkList(*list, 1);
  list->list.elems[0] = str;
  std::ostringstream out;
  std::vector<std::string> ctx;
  printValueAsJSON(s.state, true, *list, PosIdx{}, out, ctx, false);
  EXPECT_EQ(out.str(), R"(["x"])");
  EXPECT_EQ(ctx, std::vector<std::string>{path});
}

TEST(LangJSON, PrintValueAsJSONNonStrictSeesThunks) {
  Session s;
  Value v;
  Expr *e = s.state.parseString("{ a = 1 + 1; }", "/tmp", Origin::String);
  s.state.eval(e, v);
  std::ostringstream out;
  std::vector<std::string> ctx;
  try {
    printValueAsJSON(s.state, false, v, PosIdx{}, out, ctx, false);
    FAIL() << "no error";
  } catch (EvalError &err) {
    EXPECT_EQ(err.message, "cannot convert a thunk to JSON");
  }
  std::ostringstream out2;
  printValueAsJSON(s.state, true, v, PosIdx{}, out2, ctx, false);
  EXPECT_EQ(out2.str(), R"({"a":2})");
}

// ---- fromJSON -----------------------------------------------------------------

TEST(LangJSON, FromJSON) {
  Session s;
  EXPECT_EQ(s.evalPrint(R"(builtins.fromJSON ''{"x": [1, 2.5, -3, true, null, "s"], "y": {}}'')"),
            R"({ x = [ 1 2.5 -3 true null "s" ]; y = { }; })");
  EXPECT_EQ(s.evalPrint(R"(builtins.fromJSON "1.0")"),
            "1"); // a float, printed as Nix prints floats
  EXPECT_EQ(s.evalPrint(R"(builtins.typeOf (builtins.fromJSON "1.0"))"), R"("float")");
  EXPECT_EQ(s.evalPrint(R"(builtins.fromJSON "9223372036854775807")"), "9223372036854775807");
  EXPECT_EQ(s.evalPrint(R"(builtins.fromJSON "-9223372036854775808")"), "-9223372036854775808");
  EXPECT_EQ(s.evalPrint(R"(builtins.typeOf (builtins.fromJSON "-9223372036854775809"))"),
            R"("float")");
  EXPECT_EQ(s.evalPrint(R"(builtins.fromJSON ''"\u00e9\u2192\/"'')"), "\"\xc3\xa9\xe2\x86\x92/\"");
  EXPECT_EQ(s.evalPrint(R"(builtins.fromJSON ''{"a": 1, "a": 2}'')"), "{ a = 2; }");
  EXPECT_EQ(s.evalPrint(R"(builtins.fromJSON "[[[]], {\"b\": [{}]}]")"),
            "[ [ [ ] ] { b = [ { } ]; } ]");
}

TEST(LangJSON, FromJSONErrors) {
  Session s;
  EXPECT_EQ(s.evalError(R"(builtins.fromJSON ''{"attr": 18446744073709551615}'')"),
            "unsigned json number 18446744073709551615 outside of Nix integer range");
  EXPECT_EQ(
      s.evalError(R"(builtins.fromJSON ''"a\u0000b"'')"),
      "input string 'a\u2400b' cannot be represented as Nix string because it contains null bytes");
  EXPECT_EQ(
      s.evalError(R"(builtins.fromJSON ''{"a\u0000b": 1}'')"),
      "input string 'a\u2400b' cannot be represented as Nix string because it contains null bytes");
  EXPECT_EQ(s.evalError(R"(builtins.fromJSON "[1,")"),
            "[json.exception.parse_error.101] parse error at line 1, column 4: syntax error while "
            "parsing value - "
            "unexpected end of input; expected '[', '{', or a literal");
  EXPECT_EQ(s.evalError(R"(builtins.fromJSON "1e400")"),
            "[json.exception.out_of_range.406] number overflow parsing '1e400'");
}

// ---- toXML ----------------------------------------------------------------------

TEST(LangJSON, ToXML) {
  Session s;
  Value v;
  s.eval(
      R"(builtins.toXML [ ("a" + "b") 10 { y = "x"; x = 1.5; } null true ({ b, a ? 1, ... }: a) (x: x) ])",
      v);
  ASSERT_EQ(v.type, VType::String);
  EXPECT_EQ(std::string(v.str()), "<?xml version='1.0' encoding='utf-8'?>\n"
                                  "<expr>\n"
                                  "  <list>\n"
                                  "    <string value=\"ab\" />\n"
                                  "    <int value=\"10\" />\n"
                                  "    <attrs>\n"
                                  "      <attr name=\"x\">\n"
                                  "        <float value=\"1.5\" />\n"
                                  "      </attr>\n"
                                  "      <attr name=\"y\">\n"
                                  "        <string value=\"x\" />\n"
                                  "      </attr>\n"
                                  "    </attrs>\n"
                                  "    <null />\n"
                                  "    <bool value=\"true\" />\n"
                                  "    <function>\n"
                                  "      <attrspat ellipsis=\"1\">\n"
                                  "        <attr name=\"a\" />\n"
                                  "        <attr name=\"b\" />\n"
                                  "      </attrspat>\n"
                                  "    </function>\n"
                                  "    <function>\n"
                                  "      <varpat name=\"x\" />\n"
                                  "    </function>\n"
                                  "  </list>\n"
                                  "</expr>\n");
}

TEST(LangJSON, ToXMLEscapesAndDerivations) {
  Session s;
  Value v;
  s.eval(
      R"(builtins.toXML { s = "<&\">\n'"; d = { type = "derivation"; drvPath = "/d.drv"; outPath = "/o"; x = 1; }; e = { type = "derivation"; }; })",
      v);
  EXPECT_EQ(std::string(v.str()), "<?xml version='1.0' encoding='utf-8'?>\n"
                                  "<expr>\n"
                                  "  <attrs>\n"
                                  "    <attr name=\"d\">\n"
                                  "      <derivation drvPath=\"/d.drv\" outPath=\"/o\">\n"
                                  "        <attr name=\"drvPath\">\n"
                                  "          <string value=\"/d.drv\" />\n"
                                  "        </attr>\n"
                                  "        <attr name=\"outPath\">\n"
                                  "          <string value=\"/o\" />\n"
                                  "        </attr>\n"
                                  "        <attr name=\"type\">\n"
                                  "          <string value=\"derivation\" />\n"
                                  "        </attr>\n"
                                  "        <attr name=\"x\">\n"
                                  "          <int value=\"1\" />\n"
                                  "        </attr>\n"
                                  "      </derivation>\n"
                                  "    </attr>\n"
                                  "    <attr name=\"e\">\n"
                                  "      <derivation>\n"
                                  "        <repeated />\n"
                                  "      </derivation>\n"
                                  "    </attr>\n"
                                  "    <attr name=\"s\">\n"
                                  "      <string value=\"&lt;&amp;&quot;&gt;&#xA;'\" />\n"
                                  "    </attr>\n"
                                  "  </attrs>\n"
                                  "</expr>\n");
}

TEST(LangJSON, PrintValueAsXMLWithLocations) {
  Session s;
  Value v;
  s.eval("{ a = 1; }", v);
  std::ostringstream out;
  std::vector<std::string> ctx;
  printValueAsXML(s.state, true, true, v, out, ctx, PosIdx{});
  // A string has no path: only line and column.
  EXPECT_EQ(out.str(), "<?xml version='1.0' encoding='utf-8'?>\n"
                       "<expr>\n"
                       "  <attrs>\n"
                       "    <attr column=\"3\" line=\"1\" name=\"a\">\n"
                       "      <int value=\"1\" />\n"
                       "    </attr>\n"
                       "  </attrs>\n"
                       "</expr>\n");
}

// ---- fromTOML -------------------------------------------------------------------

TEST(LangJSON, FromTOML) {
  Session s;
  EXPECT_EQ(
      s.evalPrint(R"(builtins.fromTOML ''
      x = 1
      s = "a"
      h = 0xff
      f = 1.5
      arr = [ 1, "two", [ 3 ] ]
      [table]
      y = 2
      [[t]]
      z = true
    '')"),
      R"({ arr = [ 1 "two" [ 3 ] ]; f = 1.5; h = 255; s = "a"; t = [ { z = true; } ]; table = { y = 2; }; x = 1; })");
}

TEST(LangJSON, FromTOMLErrors) {
  Session s;
  EXPECT_EQ(s.evalError("builtins.fromTOML \"d = 1979-05-27\""),
            "while parsing TOML: Dates and times are not supported");
  EXPECT_EQ(s.evalError("builtins.fromTOML ''attr = 9223372036854775808''"),
            "while parsing TOML: [error] toml::parse_dec_integer: too large integer: current max "
            "digits = 2^63\n"
            " --> fromTOML\n"
            "   |\n"
            " 1 | attr = 9223372036854775808\n"
            "   |                           ^-- must be < 2^63\n");
  EXPECT_EQ(s.evalError("builtins.fromTOML ''attr = -9223372036854775809''"),
            "while parsing TOML: [error] toml::parse_dec_integer: too large integer: current max "
            "digits = 2^63\n"
            " --> fromTOML\n"
            "   |\n"
            " 1 | attr = -9223372036854775809\n"
            "   |                            ^-- must be < 2^63\n");
  EXPECT_EQ(s.evalPrint("builtins.fromTOML ''attr = -9223372036854775808''"),
            "{ attr = -9223372036854775808; }");
  EXPECT_EQ(s.evalError(R"(builtins.fromTOML ''k = "a\u0000b"'')"),
            "while parsing TOML: error: input string 'a\u2400b' cannot be represented as Nix "
            "string because it "
            "contains null bytes");
}

TEST(LangJSON, FromTOMLTimestamps) {
  Session s("nix-command parse-toml-timestamps");
  EXPECT_EQ(s.evalPrint("builtins.fromTOML ''\n"
                        "  a = 1979-05-27 07:32:00.1Z\n"
                        "  b = 1979-05-27t00:32:00.1234\n"
                        "  c = 1979-05-27\n"
                        "  d = 00:32:00.1234567891\n"
                        "  e = 1979-05-27T00:32:00-07:00\n"
                        "''"),
            R"({ a = { _type = "timestamp"; value = "1979-05-27T07:32:00.100Z"; }; )"
            R"(b = { _type = "timestamp"; value = "1979-05-27T00:32:00.123400"; }; )"
            R"(c = { _type = "timestamp"; value = "1979-05-27"; }; )"
            R"(d = { _type = "timestamp"; value = "00:32:00.123456789"; }; )"
            R"(e = { _type = "timestamp"; value = "1979-05-27T00:32:00-07:00"; }; })");
}

} // namespace
