// String builtins (src/lang/builtins/strings.cpp). Expected values come from
// the upstream language corpus (Nix ~2.36) or from nix-instantiate 2.8 where
// the two agree; where they differ (replaceStrings' laziness) upstream decides.
#include <gc/gc.h>

#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "eval_session.h"
#include "lang/eval.h"
#include "lang/print.h"

using namespace bastion::lang;

namespace {

using StringsSession = test::Session;

constexpr const char *kDrv = "/nix/store/pg9yqs4yd85yhdm3f4i5dyaqp5jahrsz-fail.drv";
constexpr const char *kSrc = "/nix/store/2dxd5frb715z451vbf7s8birlf3argbk-fail-2";

std::string withContext(const std::string &s, const std::string &path, const std::string &info) {
  return "(builtins.appendContext \"" + s + "\" { \"" + path + "\" = " + info + "; })";
}

TEST(LangStrings, Substring) {
  StringsSession s;
  EXPECT_EQ(s.evalPrint("builtins.substring 1 3 \"hello\""), "\"ell\"");
  EXPECT_EQ(s.evalPrint("builtins.substring 2 (-1) \"hello\""), "\"llo\"");
  EXPECT_EQ(s.evalPrint("builtins.substring 10 2 \"hello\""), "\"\"");
  EXPECT_EQ(s.evalPrint("builtins.substring 0 100 \"hello\""), "\"hello\"");
  EXPECT_EQ(s.evalError("builtins.substring (-1) 1 \"x\""),
            "negative start position in 'substring'");
  // An empty substring keeps the context.
  EXPECT_EQ(s.evalPrint("builtins.hasContext (builtins.substring 0 0 " +
                        withContext("abc", kSrc, "{ path = true; }") + ")"),
            "true");
}

TEST(LangStrings, StringLengthAndToString) {
  StringsSession s;
  EXPECT_EQ(s.evalPrint("builtins.stringLength \"héllo\""), "6");
  EXPECT_EQ(s.evalPrint("toString [ 1 [ 2 3 ] null true false \"a\" [ ] ]"), "\"1 2 3  1  a \"");
  EXPECT_EQ(s.evalPrint("toString /foo/bar"), "\"/foo/bar\"");
  EXPECT_EQ(s.evalPrint("toString { __toString = self: \"y\"; }"), "\"y\"");
  EXPECT_EQ(s.evalError("toString { a = 1; }"), "cannot coerce a set to a string: { a = 1; }");
}

TEST(LangStrings, ReplaceStrings) {
  StringsSession s;
  EXPECT_EQ(s.evalPrint("builtins.replaceStrings [ \"oo\" \"a\" ] [ \"a\" \"i\" ] \"foobar\""),
            "\"fabir\"");
  EXPECT_EQ(s.evalPrint("builtins.replaceStrings [ \"\" ] [ \"-\" ] \"ab\""), "\"-a-b-\"");
  EXPECT_EQ(s.evalPrint("builtins.replaceStrings [ \"\" ] [ \"-\" ] \"\""), "\"-\"");
  EXPECT_EQ(s.evalPrint("builtins.replaceStrings [ \"a\" \"\" ] [ \"A\" \"-\" ] \"bab\""),
            "\"-bA-b-\"");
  // Replacements are forced only when used.
  EXPECT_EQ(s.evalPrint("builtins.replaceStrings [ \"x\" ] [ (throw \"no\") ] \"abc\""), "\"abc\"");
  EXPECT_EQ(s.evalError("builtins.replaceStrings [ \"a\" ] [ ] \"abc\""),
            "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths");
  // The context of a used replacement is kept, an unused one's is not.
  std::string rep = withContext("b", kSrc, "{ path = true; }");
  EXPECT_EQ(s.evalPrint("builtins.hasContext (builtins.replaceStrings [ \"a\" ] [ " + rep +
                        " ] \"xax\")"),
            "true");
  EXPECT_EQ(s.evalPrint("builtins.hasContext (builtins.replaceStrings [ \"q\" ] [ " + rep +
                        " ] \"xax\")"),
            "false");
}

TEST(LangStrings, BaseNameOfDirOf) {
  StringsSession s;
  EXPECT_EQ(s.evalPrint("[ (baseNameOf \"/a/b//\") (baseNameOf \"/a/b/\") (baseNameOf \"\") "
                        "(baseNameOf /foo/bar) ]"),
            "[ \"\" \"b\" \"\" \"bar\" ]");
  EXPECT_EQ(
      s.evalPrint(
          "[ (dirOf \"\") (dirOf \"abc\") (dirOf \"/\") (dirOf \"/abc\") (dirOf \"/a/b/\") ]"),
      "[ \".\" \".\" \"/\" \"/\" \"/a/b\" ]");
  EXPECT_EQ(s.evalPrint("[ (dirOf /foo/bar) (dirOf /foo) (dirOf /.) ]"), "[ /foo / / ]");
}

TEST(LangStrings, ConcatStringsSep) {
  StringsSession s;
  EXPECT_EQ(s.evalPrint("builtins.concatStringsSep \", \" [ \"a\" \"b\" \"c\" ]"), "\"a, b, c\"");
  EXPECT_EQ(s.evalPrint("builtins.concatStringsSep \", \" [ ]"), "\"\"");
  EXPECT_EQ(s.evalError("builtins.concatStringsSep \"-\" [ 1 ]"),
            "cannot coerce an integer to a string: 1");
}

TEST(LangStrings, MatchAndSplit) {
  StringsSession s;
  EXPECT_EQ(s.evalPrint("builtins.match \"(a)|(b)\" \"b\""), "[ null \"b\" ]");
  EXPECT_EQ(s.evalPrint("builtins.match \"ab\" \"abc\""), "null");
  EXPECT_EQ(s.evalPrint("builtins.split \"(a)|(c)\" \"abc\""),
            "[ \"\" [ \"a\" null ] \"b\" [ null \"c\" ] \"\" ]");
  EXPECT_EQ(s.evalPrint("builtins.split \"x\" \"abc\""), "[ \"abc\" ]");
  EXPECT_EQ(s.evalError("builtins.match \"(\" \"x\""), "invalid regular expression '('");
}

TEST(LangStrings, Versions) {
  StringsSession s;
  EXPECT_EQ(s.evalPrint("builtins.splitVersion \"1.2.3-pre4\""),
            "[ \"1\" \"2\" \"3\" \"pre\" \"4\" ]");
  EXPECT_EQ(s.evalPrint("[ (builtins.compareVersions \"2.3\" \"2.10\") (builtins.compareVersions "
                        "\"1.0\" \"1.0\") ]"),
            "[ -1 0 ]");
  EXPECT_EQ(s.evalPrint("builtins.parseDrvName \"nix-0.12pre12876\""),
            "{ name = \"nix\"; version = \"0.12pre12876\"; }");
}

TEST(LangStrings, Hashes) {
  StringsSession s;
  EXPECT_EQ(s.evalPrint("builtins.hashString \"md5\" \"\""),
            "\"d41d8cd98f00b204e9800998ecf8427e\"");
  EXPECT_EQ(s.evalPrint("builtins.hashString \"sha1\" \"abc\""),
            "\"a9993e364706816aba3e25717850c26c9cd0d89d\"");
  EXPECT_EQ(s.evalError("builtins.hashString \"foo\" \"x\""),
            "unknown hash algorithm 'foo', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'");
  EXPECT_EQ(s.evalPrint("builtins.convertHash { hash = "
                        "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"; "
                        "hashAlgo = \"sha256\"; toHashFormat = \"sri\"; }"),
            "\"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"");
  EXPECT_EQ(
      s.evalPrint(
          "builtins.convertHash { hash = \"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"; "
          "toHashFormat = \"nix32\"; }"),
      "\"0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73\"");
  EXPECT_EQ(s.evalError("builtins.convertHash { toHashFormat = \"sri\"; }"),
            "attribute 'hash' missing");
}

TEST(LangStrings, Context) {
  StringsSession s;
  std::string both = "(builtins.appendContext \"x\" { \"" + std::string(kDrv) +
                     "\" = { outputs = [ \"out\" \"bin\" ]; allOutputs = true; }; \"" + kSrc +
                     "\" = { path = true; }; })";
  EXPECT_EQ(s.evalPrint("builtins.getContext " + both),
            std::string("{ \"") + kSrc + "\" = { path = true; }; \"" + kDrv +
                "\" = { allOutputs = true; outputs = [ \"bin\" \"out\" ]; }; }");
  EXPECT_EQ(s.evalPrint("builtins.hasContext " + both), "true");
  EXPECT_EQ(s.evalPrint("builtins.hasContext (builtins.unsafeDiscardStringContext " + both + ")"),
            "false");
  EXPECT_EQ(s.evalPrint("builtins.getContext (builtins.unsafeDiscardOutputDependency " +
                        withContext("x", kDrv, "{ allOutputs = true; }") + ")"),
            std::string("{ \"") + kDrv + "\" = { path = true; }; }");
  EXPECT_EQ(s.evalPrint("builtins.getContext (builtins.addDrvOutputDependencies " +
                        withContext("x", kDrv, "{ path = true; }") + ")"),
            std::string("{ \"") + kDrv + "\" = { allOutputs = true; }; }");
  EXPECT_EQ(s.evalError("builtins.addDrvOutputDependencies \"\""),
            "context of string '' must have exactly one element, but has 0");
  EXPECT_EQ(s.evalError("builtins.addDrvOutputDependencies " +
                        withContext("x", kSrc, "{ path = true; }")),
            std::string("path '") + kSrc + "' is not a derivation");
  EXPECT_EQ(s.evalError("builtins.appendContext \"x\" { \"/nix/store/foo\" = { path = true; }; }"),
            "context key '/nix/store/foo' is not a store path");
  EXPECT_EQ(s.evalError(withContext("x", kSrc, "{ allOutputs = true; }")),
            std::string("tried to add all-outputs context of ") + kSrc +
                ", which is not a derivation, to a string");
}

} // namespace
