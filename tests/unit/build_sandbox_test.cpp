// Unit tests of src/build: the builder environment (against values Nix 2.8
// produced, see tests/sandbox/run.py for the live comparison),
// parseSandboxPaths, and a sandboxed run when this machine allows one.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "build/build_env.h"
#include "build/sandbox.h"
#include "build/structured_attrs.h"

namespace fs = std::filesystem;
using namespace bastion;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/bastion-build-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
};

std::string slurp(const std::string &p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

format::Derivation simpleDrv() {
  format::Derivation d;
  d.outputs["out"] = {"/nix/store/591cxgapa2bmhw12mw9b380bp6pq8lrc-paf", "", ""};
  d.platform = "x86_64-linux";
  d.builder = "/bin/sh";
  d.args = {"-c", "echo " + build::hashPlaceholder("out")};
  d.env = {{"builder", "/bin/sh"},
           {"name", "paf"},
           {"out", "/nix/store/591cxgapa2bmhw12mw9b380bp6pq8lrc-paf"},
           {"system", "x86_64-linux"},
           {"passAsFile", "foo bar"},
           {"foo", "hello " + build::hashPlaceholder("out")},
           {"bar", "b"},
           {"PATH", "/mypath"},
           {"TMPDIR", "/x"},
           {"TERM", "dumb"},
           {"NIX_LOG_FD", "5"}};
  return d;
}

// A busybox `sh -c script` build in dir (store/, build/), writing $out.
build::SandboxSpec shellBuild(const TempDir &dir, const std::string &script) {
  fs::create_directories(dir.path + "/store");
  fs::create_directories(dir.path + "/build");
  build::SandboxSpec spec;
  spec.builder = "/bin/sh";
  spec.args = {"-c", script};
  spec.env = {{"out", "/nix/store/00000000000000000000000000000000-t"}};
  spec.realStoreDir = dir.path + "/store";
  spec.extraPaths = build::parseSandboxPaths("/bin/sh=/bin/busybox");
  spec.buildDir = dir.path + "/build";
  spec.buildStoreDir = dir.path + "/store/t.chroot";
  return spec;
}

} // namespace

TEST(BuildEnv, PlaceholderIsNixs) {
  // builtins.placeholder "out" in Nix 2.8.
  EXPECT_EQ(build::hashPlaceholder("out"), "/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9");
}

TEST(BuildEnv, PassAsFileAndOverridesMatchNix28) {
  TempDir dir;
  build::BuildEnvOptions o;
  o.cores = 2;
  o.buildDir = dir.path;
  auto env = build::makeBuildEnv(simpleDrv(), o);
  // What `env | sort` printed in Nix 2.8's sandbox for this derivation
  // (minus SHLVL, which the shell adds).
  std::map<std::string, std::string> expected = {
      {"HOME", "/homeless-shelter"},
      {"NIX_BUILD_CORES", "2"},
      {"NIX_BUILD_TOP", "/build"},
      {"NIX_LOG_FD", "2"},
      {"NIX_STORE", "/nix/store"},
      {"PATH", "/mypath"},
      {"PWD", "/build"},
      {"TEMP", "/build"},
      {"TEMPDIR", "/build"},
      {"TERM", "xterm-256color"},
      {"TMP", "/build"},
      {"TMPDIR", "/build"},
      {"barPath", "/build/.attr-1fcgpy7vc4ammr7s17j2xq88scswkgz23dqzc04g8sx5vcp2pppw"},
      {"builder", "/bin/sh"},
      {"fooPath", "/build/.attr-1bp7cri8hplaz6hbz0v4f0nl44rl84q1sg25kgwqzipzd1mv89ic"},
      {"name", "paf"},
      {"out", "/nix/store/591cxgapa2bmhw12mw9b380bp6pq8lrc-paf"},
      {"passAsFile", "foo bar"},
      {"system", "x86_64-linux"}};
  EXPECT_EQ(env.env, expected);
  EXPECT_EQ(slurp(dir.path + "/.attr-1bp7cri8hplaz6hbz0v4f0nl44rl84q1sg25kgwqzipzd1mv89ic"),
            "hello /nix/store/591cxgapa2bmhw12mw9b380bp6pq8lrc-paf");
  EXPECT_EQ(env.args[1], "echo /nix/store/591cxgapa2bmhw12mw9b380bp6pq8lrc-paf");
}

TEST(BuildEnv, ImpureVarsOnlyForFixedOutput) {
  TempDir dir;
  auto d = simpleDrv();
  d.env["impureEnvVars"] = "FOO_PROXY UNSET_ONE";
  build::BuildEnvOptions o;
  o.buildDir = dir.path;
  o.getEnv = [](const std::string &n) -> std::optional<std::string> {
    if (n == "FOO_PROXY")
      return "proxyval";
    return std::nullopt;
  };
  auto env = build::makeBuildEnv(d, o).env;
  EXPECT_FALSE(env.count("FOO_PROXY"));
  EXPECT_FALSE(env.count("NIX_OUTPUT_CHECKED"));
  d.outputs["out"] = {"/nix/store/4yfk9q43irhw1r79i1pvbva1zd0677j1-fod", "sha256",
                      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"};
  env = build::makeBuildEnv(d, o).env;
  EXPECT_EQ(env["FOO_PROXY"], "proxyval");
  EXPECT_EQ(env["UNSET_ONE"], "");
  EXPECT_EQ(env["NIX_OUTPUT_CHECKED"], "1");
}

TEST(BuildEnv, StructuredAttrsFilesMatchNix28) {
  TempDir dir;
  format::Derivation d;
  d.outputs["out"] = {"/nix/store/gn1apq5k2iacbsidj2ybihkrwl10h4iq-sa", "", ""};
  d.outputs["dev"] = {"/nix/store/6msqn1z4va3n4ay7gg95wl08j6nk5l0n-sa-dev", "", ""};
  d.builder = "/bin/sh";
  d.env["__json"] =
      R"({"b":true,"bad-name":1,"builder":"/bin/sh","f":1.5,"l":[1,"a",true],"ll":[[1]],"n":3,"name":"sa",)"
      R"("nb":false,"nul":null,"o":{"a":1,"b c":"x"},"outputs":["out","dev"],"ph":")" +
      build::hashPlaceholder("dev") + R"(","s":"it's \"q\" $x\n","system":"x86_64-linux"})";
  build::BuildEnvOptions o;
  o.buildDir = dir.path;
  auto env = build::makeBuildEnv(d, o).env;
  // Byte for byte what Nix 2.8 wrote for this derivation.
  EXPECT_EQ(slurp(dir.path + "/.attrs.sh"),
            "declare b=1\ndeclare builder='/bin/sh'\ndeclare -a l=(1 'a' 1 )\ndeclare n=3\ndeclare "
            "name='sa'\n"
            "declare nb=\ndeclare nul=''\ndeclare -A o=(['a']=1 ['b c']='x' )\n"
            "declare -A outputs=(['dev']='/nix/store/6msqn1z4va3n4ay7gg95wl08j6nk5l0n-sa-dev' "
            "['out']='/nix/store/gn1apq5k2iacbsidj2ybihkrwl10h4iq-sa' )\n"
            "declare ph='/nix/store/6msqn1z4va3n4ay7gg95wl08j6nk5l0n-sa-dev'\n"
            "declare s='it'\\''s \"q\" $x\n'\ndeclare system='x86_64-linux'\n");
  EXPECT_EQ(
      slurp(dir.path + "/.attrs.json"),
      R"({"b":true,"bad-name":1,"builder":"/bin/sh","f":1.5,"l":[1,"a",true],"ll":[[1]],"n":3,"name":"sa",)"
      R"("nb":false,"nul":null,"o":{"a":1,"b c":"x"},"outputs":{"dev":"/nix/store/6msqn1z4va3n4ay7gg95wl08j6nk5l0n-sa-dev",)"
      R"("out":"/nix/store/gn1apq5k2iacbsidj2ybihkrwl10h4iq-sa"},"ph":"/nix/store/6msqn1z4va3n4ay7gg95wl08j6nk5l0n-sa-dev",)"
      R"("s":"it's \"q\" $x\n","system":"x86_64-linux"})");
  EXPECT_FALSE(env.count("name")); // attributes are not in the environment
  EXPECT_EQ(env["NIX_ATTRS_JSON_FILE"], "/build/.attrs.json");
  EXPECT_EQ(env["NIX_ATTRS_SH_FILE"], "/build/.attrs.sh");
}

TEST(BuildEnv, BadJsonIsAnError) {
  TempDir dir;
  format::Derivation d;
  d.env["__json"] = "{";
  build::BuildEnvOptions o;
  o.buildDir = dir.path;
  EXPECT_THROW(build::makeBuildEnv(d, o), build::BuildEnvError);
}

// exportReferencesGraph's file format and checks, as Nix 2.8's startBuilder
// (the results are compared with Nix's by tests/build/cases/refgraph.nix).
TEST(BuildEnv, ExportReferencesGraphFiles) {
  TempDir dir;
  format::Derivation d = simpleDrv();
  d.env.erase("passAsFile");
  const std::string a = "/nix/store/00000000000000000000000000000000-a";
  const std::string b = "/nix/store/11111111111111111111111111111111-b";
  build::BuildEnvOptions o;
  o.buildDir = dir.path;
  std::vector<std::string> asked;
  o.exportReferences = [&](const std::vector<std::string> &paths) {
    asked.insert(asked.end(), paths.begin(), paths.end());
    build::ExportedPath pa, pb;
    pa.path = a;
    pb.path = b;
    pb.references = {a, b};
    return std::vector<build::ExportedPath>{pa, pb};
  };
  d.env["exportReferencesGraph"] = "graph " + b + "/bin/x";
  build::makeBuildEnv(d, o);
  EXPECT_EQ(asked, std::vector<std::string>{b}); // the store path, not the file in it
  EXPECT_EQ(slurp(dir.path + "/graph"), a + "\n\n0\n" + b + "\n\n2\n" + a + "\n" + b + "\n");

  auto fails = [&](const std::string &value, const std::string &message) {
    d.env["exportReferencesGraph"] = value;
    try {
      build::makeBuildEnv(d, o);
      ADD_FAILURE() << "accepted: " << value;
    } catch (const build::BuildEnvError &e) {
      EXPECT_EQ(std::string(e.what()), message);
    }
  };
  fails("graph", "odd number of tokens in 'exportReferencesGraph': 'graph'");
  fails("1bad " + a, "invalid file name '1bad' in 'exportReferencesGraph'");
  fails("../up " + a, "invalid file name '../up' in 'exportReferencesGraph'");
  fails("g /etc/passwd", "'exportReferencesGraph' contains a non-store path '/etc/passwd'");
}

TEST(SandboxPaths, NixSyntax) {
  auto m = build::parseSandboxPaths("/bin/sh=/bin/busybox /usr/lib?  /opt=/srv/opt?");
  std::map<std::string, std::string> expected = {
      {"/bin/sh", "/bin/busybox"}, {"/usr/lib", "/usr/lib?"}, {"/opt", "/srv/opt?"}};
  EXPECT_EQ(m, expected);
}

TEST(Sandbox, RunsABuilderAsUid1000) {
  std::string why;
  if (::access("/bin/busybox", X_OK) != 0 || !build::sandboxSupported(&why))
    GTEST_SKIP() << "no sandbox here: " << why;
  TempDir dir;
  build::SandboxSpec spec =
      shellBuild(dir, "echo \"$(id -u):$(id -g):$(hostname):$PWD:$FOO\" > $out");
  spec.env["FOO"] = "bar";
  int status = build::runSandboxed(spec);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(slurp(spec.buildStoreDir + "/00000000000000000000000000000000-t"),
            "1000:100:localhost:/build:bar\n");
}

TEST(Sandbox, SetupErrorsAreReported) {
  std::string why;
  if (!build::sandboxSupported(&why))
    GTEST_SKIP() << why;
  TempDir dir;
  build::SandboxSpec spec;
  spec.builder = "/bin/sh";
  spec.buildDir = dir.path + "/missing-build-dir";
  spec.buildStoreDir = dir.path + "/root";
  try {
    build::runSandboxed(spec);
    FAIL() << "expected a SandboxError";
  } catch (const build::SandboxError &e) {
    EXPECT_EQ(std::string(e.what()).rfind("while setting up the build environment: ", 0), 0u)
        << e.what();
  }
}
