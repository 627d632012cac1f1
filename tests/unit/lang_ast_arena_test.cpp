// Syntax trees belong to the state that parsed them (AstArena): a long-lived
// process that parses one input after another (a fuzzer, a server) frees
// them with releaseAst, so it does not grow with every input.
#include <malloc.h>

#include <string>

#include <gtest/gtest.h>

#include "eval_session.h"
#include "lang/eval.h"

using namespace bastion::lang;

namespace {

const char *kProgram = R"(
  let f = { a, b ? 2, ... }@args: a + b; s = rec { x = 1; y = x; inherit (t) z; }; t = { z = "str"; };
  in [ (f { a = 1; }) s.y ./p "${s.z}" (x: x) (with s; x) ]
)";

TEST(AstArena, ParsedTreesAreOwnedAndReleased) {
  test::Session session;
  EvalState &state = session.state;
  size_t mark = state.astMark();
  state.parseString(kProgram, "/tmp", Origin::String);
  EXPECT_GT(state.astMark(), mark + 20); // every node of the tree registered
  state.releaseAst(mark);
  EXPECT_EQ(state.astMark(), mark);
}

TEST(AstArena, ParseErrorsLeaveNothingBehind) {
  test::Session session;
  EvalState &state = session.state;
  size_t mark = state.astMark();
  EXPECT_THROW(state.parseString("{ a = [ 1 2 (x: ; }", "/tmp", Origin::String), EvalError);
  state.releaseAst(mark);
  EXPECT_EQ(state.astMark(), mark);
}

TEST(AstArena, RepeatedParsesDoNotGrowTheHeap) {
  test::Session session;
  EvalState &state = session.state;
  size_t mark = state.astMark();
  PosTable base = state.positions;
  auto round = [&] {
    for (int i = 0; i < 200; i++) {
      Value v;
      state.eval(state.parseString(kProgram, "/tmp", Origin::String), v);
      state.forceValueDeep(v);
      state.releaseAst(mark);
      state.positions = base;
    }
  };
  round(); // the allocator's own caches settle
  size_t before = mallinfo2().uordblks;
  for (int i = 0; i < 5; i++)
    round();
  size_t after = mallinfo2().uordblks;
  // 1000 trees of this program are several MB; released, the heap in use
  // stays where it was (give or take the allocator's bookkeeping).
  EXPECT_LT(after, before + 256 * 1024) << "before " << before << " after " << after;
}

} // namespace
