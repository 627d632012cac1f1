// builtins.fetchurl / fetchTarball in a read-only evaluation, with file://
// URLs (tests/fetch/run.py covers HTTP and compares with Nix 2.8).
#include <gtest/gtest.h>

#include "eval_session.h"
#include "fetch_archive_util.h"
#include "store_test_util.h"

namespace bastion::store::testing {
namespace {

using lang::test::Session;

class FetchBuiltinsTest : public StoreTest {};

TEST_F(FetchBuiltinsTest, FetchurlNamesThePathAfterTheUrl) {
  writeFile(p("f.txt"), "hello\n");
  Session s;
  // The path Nix 2.8 gives for this content and name.
  const std::string want = "\"/nix/store/d4b4lmbd433fa2xcdysz7p7zahnqh1z4-f.txt\"";
  EXPECT_EQ(s.evalPrint("builtins.fetchurl \"file://" + p("f.txt") + "\""), want);
  EXPECT_EQ(s.evalPrint("builtins.fetchurl { url = \"file://" + p("f.txt") +
                        "\"; sha256 = \"00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq\"; }"),
            want);
}

TEST_F(FetchBuiltinsTest, HashMismatch) {
  writeFile(p("f.txt"), "hello\n");
  Session s;
  EXPECT_EQ(s.evalError("builtins.fetchurl { url = \"file://" + p("f.txt") + "\"; sha256 = \"" +
                        std::string(52, '0') + "\"; }"),
            "hash mismatch in file downloaded from 'file://" + p("f.txt") +
                "':\n  specified: sha256:" + std::string(52, '0') +
                "\n  got:       sha256:00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq");
}

TEST_F(FetchBuiltinsTest, FetchTarballIsASourceTree) {
  writeArchive(p("t.tar.gz"), {file("pkg/a", "1"), file("pkg/b", "2", 0755)});
  Session s;
  std::string out = s.evalPrint("fetchTarball \"file://" + p("t.tar.gz") + "\"");
  EXPECT_TRUE(out.ends_with("-source\"")) << out;
  std::string named =
      s.evalPrint("fetchTarball { url = \"file://" + p("t.tar.gz") + "\"; name = \"pkg\"; }");
  EXPECT_TRUE(named.ends_with("-pkg\"")) << named;
}

TEST_F(FetchBuiltinsTest, ArgumentErrors) {
  Session s;
  EXPECT_EQ(s.evalError("builtins.fetchurl { url = \"file:///x\"; foo = 1; }"),
            "unsupported argument 'foo' to 'fetchurl'");
  EXPECT_EQ(s.evalError("builtins.fetchurl { }"), "'url' argument required");
  EXPECT_EQ(s.evalError("builtins.fetchurl { url = \"file:///x/~y~\"; }"),
            "invalid store path name when fetching URL 'file:///x/~y~': name '~y~' contains "
            "illegal character '~'. "
            "Please add a valid 'name' attribute to the argument for 'fetchurl', so that it can "
            "create a valid "
            "store path.");
  EXPECT_EQ(s.evalError("builtins.fetchurl \"file://" + p("missing") + "\""),
            "unable to download 'file://" + p("missing") + "': Couldn't read a file:// file (37)");
}

TEST_F(FetchBuiltinsTest, PureModeNeedsAHash) {
  Session s;
  s.state.settings.pureEval = true;
  EXPECT_EQ(s.evalError("builtins.fetchurl \"file:///x\""),
            "in pure evaluation mode, 'fetchurl' requires a 'sha256' argument");
  EXPECT_EQ(s.evalError("fetchTarball \"file:///x\""),
            "in pure evaluation mode, 'fetchTarball' requires a 'sha256' argument");
}

TEST_F(FetchBuiltinsTest, RestrictedModeChecksAllowedUris) {
  Session s;
  s.state.settings.restrictEval = true;
  s.state.settings.options["allowed-uris"] = "file:///allowed";
  EXPECT_EQ(s.evalError("builtins.fetchurl \"file:///forbidden/x\""),
            "access to URI 'file:///forbidden/x' is forbidden in restricted mode");
  // A prefix only matches whole components.
  EXPECT_EQ(s.evalError("builtins.fetchurl \"file:///allowedx\""),
            "access to URI 'file:///allowedx' is forbidden in restricted mode");
  EXPECT_NE(s.evalError("builtins.fetchurl \"file:///allowed/x\"").find("unable to download"),
            std::string::npos);
}

} // namespace
} // namespace bastion::store::testing
