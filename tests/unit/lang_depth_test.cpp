// Deeply nested input must end in an error, never in a crash of the
// process: the parser, variable binding, evaluation and printing all
// recurse, and all of them check the stack (EvalState::checkStack). These
// tests run with the default 8 MiB stack of the test process.
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

// Parses and evaluates `text` deeply; returns the error message or "".
std::string run(const std::string &text) { return test::Session().evalError(text); }

std::string repeat(const std::string &s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; i++)
    out += s;
  return out;
}

TEST(LangDepth, NestedParenthesesAreAParseError) {
  const size_t n = 1000000;
  EXPECT_EQ(run(repeat("(", n) + "1" + repeat(")", n)), "expression nested too deeply");
}

TEST(LangDepth, NestedListsAreAParseError) {
  const size_t n = 1000000;
  EXPECT_EQ(run(repeat("[", n) + repeat("]", n)), "expression nested too deeply");
}

TEST(LangDepth, LongOperatorChainIsAnError) {
  std::string chain = "1" + repeat("+1", 1000000);
  EXPECT_EQ(run(chain), "stack overflow; max-call-depth exceeded");
}

TEST(LangDepth, ModerateNestingStillWorks) {
  // Small enough to fit the default stack even in a sanitizer build,
  // whose frames are several times larger.
  const size_t n = 200;
  EXPECT_EQ(run(repeat("[", n) + repeat("]", n)), "");
  EXPECT_EQ(run("1" + repeat("+1", 1000)), "");
}

TEST(LangDepth, RunawayRecursionHitsMaxCallDepth) {
  EXPECT_EQ(run("let f = n: 1 + f (n + 1); in f 0"), "stack overflow; max-call-depth exceeded");
}

TEST(LangDepth, SelfReferenceIsInfiniteRecursion) {
  EXPECT_EQ(run("let x = x + 1; in x"), "infinite recursion encountered");
}

} // namespace
