// util/url.h: Nix's parseURL and percent-coding (from libfetchers).
#include <gtest/gtest.h>

#include "util/strings.h"
#include "util/url.h"

using namespace bastion::util;

TEST(UtilUrl, PercentCoding) {
  EXPECT_EQ(percentEncode("a b/c~"), "a%20b%2Fc~");
  EXPECT_EQ(percentEncode("a b/c", "/"), "a%20b/c");
  EXPECT_EQ(percentEncode("\xff"), "%FF");
  EXPECT_EQ(percentDecode("a%20b%2fc"), "a b/c");
  EXPECT_THROW(percentDecode("a%2"), BadURL);
  EXPECT_THROW(percentDecode("a%zz"), BadURL);
  for (std::string s : {"", "x y", "%", "ü/?#&="})
    EXPECT_EQ(percentDecode(percentEncode(s)), s);
}

TEST(UtilUrl, Query) {
  StringMap q = decodeQuery("b=2&a=x%20y&noequals");
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q["a"], "x y");
  EXPECT_EQ(q["b"], "2");
  EXPECT_EQ(encodeQuery(q), "a=x%20y&b=2");
}

TEST(UtilUrl, Parse) {
  ParsedURL u = parseURL("Git+HTTPS://user@example.org:8080/a%20b/c?ref=main&rev=x#frag%21");
  EXPECT_EQ(u.scheme, "git+https");
  EXPECT_EQ(*u.authority, "user@example.org:8080");
  EXPECT_EQ(u.path, (std::vector<std::string>{"", "a b", "c"}));
  EXPECT_EQ(u.query.at("ref"), "main");
  EXPECT_EQ(u.fragment, "frag!");
  EXPECT_EQ(u.segments(), (std::vector<std::string>{"a b", "c"}));
  EXPECT_EQ(u.to_string(), "git+https://user@example.org:8080/a%20b/c?ref=main&rev=x#frag%21");
  EXPECT_EQ(splitScheme("git+https"), (std::pair<std::string, std::string>{"git", "https"}));
  EXPECT_EQ(splitScheme("https"), (std::pair<std::string, std::string>{"", "https"}));
}

TEST(UtilUrl, FileURLs) {
  ParsedURL u = parseURL("file:///tmp/x");
  EXPECT_EQ(u.path, (std::vector<std::string>{"", "tmp", "x"}));
  EXPECT_EQ(parseURL("file://").path, (std::vector<std::string>{""}));
  try {
    parseURL("file://host/x");
    FAIL();
  } catch (const BadURL &e) {
    EXPECT_STREQ(e.what(), "file:// URL 'file://host/x' has unexpected authority 'host'");
  }
}

TEST(UtilUrl, NoScheme) {
  try {
    parseURL("/just/a/path");
    FAIL();
  } catch (const BadURL &e) {
    EXPECT_STREQ(e.what(), "'/just/a/path' doesn't have a scheme");
  }
  EXPECT_THROW(parseURL("1http://x"), BadURL);
  EXPECT_THROW(parseURL("http"), BadURL);
}

TEST(UtilStrings, SplitString) {
  EXPECT_EQ(splitString("a//b", '/'), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(splitString("", '/'), (std::vector<std::string>{""}));
}
