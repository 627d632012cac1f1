// Derivation ATerm round-trips, .drv paths and output paths. The .drv texts
// below were written once by Nix 2.8 (nix-instantiate into a throw-away
// store) from these expressions:
//   simple      = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh";
//                              args = ["-c" "echo > $out"]; };
//   multi       = outputs out/dev/lib, an argument with " \ tab CR LF
//   fixed       = flat sha256 fixed output;  fixedrec = recursive sha256 (SRI given)
//   fixedmd5    = flat md5;  fixedsha1 = recursive sha1;  fixedsha512 = flat sha512
//   dep         = depends on simple, multi.dev, fixed and builtins.toFile "src" "s"
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "format/derivation.h"
#include "format/store_path.h"

using namespace bastion::format;

namespace {

struct DrvVector {
  const char *id;
  const char *name; // derivation name
  const char *path; // .drv path
  const char *aterm;
};

const DrvVector kDrvs[] =
    {
        {"simple", "x", "/nix/store/70aia2cap0q375yn9vna7r6bkz4lf044-x.drv",
         R"ATERM(Derive([("out","/nix/store/d3v2zgdgmw8a1ja7d098isx4mdd7jf0g-x","","")],[],[],"x86_64-linux","/bin/sh",["-c","echo > $out"],[("builder","/bin/sh"),("name","x"),("out","/nix/store/d3v2zgdgmw8a1ja7d098isx4mdd7jf0g-x"),("system","x86_64-linux")]))ATERM"},
        {"multi", "multi", "/nix/store/z0dzx7l5wzyh9dss6ap8w6ddbfh4akm8-multi.drv",
         R"ATERM(Derive([("dev","/nix/store/3g3xbq2k4jsyqkxrp91xcdxvyd2f48r7-multi-dev","",""),("lib","/nix/store/084bjwxv7mgfpv6c7fhbir7ck4paybzd-multi-lib","",""),("out","/nix/store/xvp6z7ci6aca6556a77kzcyzdjk1gfnh-multi","","")],[],[],"x86_64-linux","/bin/sh",["-c","echo \"quote\" \\back\ttab\r\n > $out"],[("builder","/bin/sh"),("dev","/nix/store/3g3xbq2k4jsyqkxrp91xcdxvyd2f48r7-multi-dev"),("lib","/nix/store/084bjwxv7mgfpv6c7fhbir7ck4paybzd-multi-lib"),("name","multi"),("out","/nix/store/xvp6z7ci6aca6556a77kzcyzdjk1gfnh-multi"),("outputs","out dev lib"),("system","x86_64-linux")]))ATERM"},
        {"fixed", "fx", "/nix/store/lgxvxnjcwlmhal3sjy9c3h5il7a5c7bw-fx.drv",
         R"ATERM(Derive([("out","/nix/store/vmxnm1pb40j0a9pcnb9pb5cmvlz1v124-fx","sha256","2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")],[],[],"x86_64-linux","/bin/sh",["-c","echo -n hello > $out"],[("builder","/bin/sh"),("name","fx"),("out","/nix/store/vmxnm1pb40j0a9pcnb9pb5cmvlz1v124-fx"),("outputHash","2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),("outputHashAlgo","sha256"),("system","x86_64-linux")]))ATERM"},
        {"fixedrec", "fxr", "/nix/store/18z4mnpfcj3fhhxk4hq2b6rng9qqrrak-fxr.drv", R"ATERM(Derive([("out","/nix/store/0dj3fi3q3sfclqnr282bwg70f7p6rf3z-fxr","r:sha256","4c5995e13c634aee90f8d0f711be5c1b8bb41a6fadd4d99f46f393c872ded954")],[],[],"x86_64-linux","/bin/sh",["-c","x"],[("builder","/bin/sh"),("name","fxr"),("out","/nix/store/0dj3fi3q3sfclqnr282bwg70f7p6rf3z-fxr"),("outputHash","sha256-TFmV4TxjSu6Q+ND3Eb5cG4u0Gm+t1NmfRvOTyHLe2VQ="),("outputHashMode","recursive"),("system","x86_64-linux")]))ATERM"},
        {"fixedmd5", "fxmd5", "/nix/store/wsxsdxya7l8q4lzmvvgk1hnqh2gbdfw1-fxmd5.drv",
         R"ATERM(Derive([("out","/nix/store/j9pj1iyp4svxbn6n66iay4vpdfpdm9mg-fxmd5","md5","5d41402abc4b2a76b9719d911017c592")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","fxmd5"),("out","/nix/store/j9pj1iyp4svxbn6n66iay4vpdfpdm9mg-fxmd5"),("outputHash","5d41402abc4b2a76b9719d911017c592"),("outputHashAlgo","md5"),("system","x86_64-linux")]))ATERM"},
        {"fixedsha1", "fxsha1", "/nix/store/n1x08ykd6jw7vqpg451fl1rvx47rh0jj-fxsha1.drv",
         R"ATERM(Derive([("out","/nix/store/bqx5dszwb7xlg1ng8h1swvn89wz7syyk-fxsha1","r:sha1","aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","fxsha1"),("out","/nix/store/bqx5dszwb7xlg1ng8h1swvn89wz7syyk-fxsha1"),("outputHash","aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),("outputHashAlgo","sha1"),("outputHashMode","recursive"),("system","x86_64-linux")]))ATERM"},
        {"fixedsha512", "fxsha512", "/nix/store/x6xvkdv2q8kx6vf55a644nz3wcs3rid9-fxsha512.drv",
         R"ATERM(Derive([("out","/nix/store/yx6mvfhx35x26wrmyb7jcp031bzimlb7-fxsha512","sha512","9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","fxsha512"),("out","/nix/store/yx6mvfhx35x26wrmyb7jcp031bzimlb7-fxsha512"),("outputHash","9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"),("outputHashAlgo","sha512"),("system","x86_64-linux")]))ATERM"},
        {"dep", "dep", "/nix/store/6dhg5aiv2i0067y7in5yds5xv00609gw-dep.drv",
         R"ATERM(Derive([("out","/nix/store/illl1fnwm972rway0hq615497qj2pi8l-dep","","")],[("/nix/store/70aia2cap0q375yn9vna7r6bkz4lf044-x.drv",["out"]),("/nix/store/lgxvxnjcwlmhal3sjy9c3h5il7a5c7bw-fx.drv",["out"]),("/nix/store/z0dzx7l5wzyh9dss6ap8w6ddbfh4akm8-multi.drv",["dev"])],["/nix/store/z4ambysm1hm89bf7bf47jccn70r9zbxx-src"],"x86_64-linux","/bin/sh",["-c","cat /nix/store/d3v2zgdgmw8a1ja7d098isx4mdd7jf0g-x /nix/store/3g3xbq2k4jsyqkxrp91xcdxvyd2f48r7-multi-dev /nix/store/vmxnm1pb40j0a9pcnb9pb5cmvlz1v124-fx /nix/store/z4ambysm1hm89bf7bf47jccn70r9zbxx-src > $out"],[("builder","/bin/sh"),("name","dep"),("out","/nix/store/illl1fnwm972rway0hq615497qj2pi8l-dep"),("system","x86_64-linux")]))ATERM"},
};

const DrvVector &vec(std::string_view id) {
  for (const auto &v : kDrvs)
    if (v.id == id)
      return v;
  throw std::logic_error("no vector");
}

DrvHashLookup storeLookup() {
  return makeDrvHashLookup([](const std::string &path) {
    for (const auto &v : kDrvs)
      if (v.path == path)
        return parseDerivation(v.aterm);
    throw std::runtime_error("unknown drv " + path);
  });
}

std::string parseError(std::string_view text) {
  try {
    parseDerivation(text);
  } catch (const DerivationError &e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST(FormatDerivation, RoundTripIsByteIdentical) {
  for (const auto &v : kDrvs) {
    Derivation d = parseDerivation(v.aterm);
    EXPECT_EQ(unparseDerivation(d), v.aterm) << v.id;
  }
}

TEST(FormatDerivation, ParsedFields) {
  Derivation d = parseDerivation(vec("multi").aterm);
  ASSERT_EQ(d.outputs.size(), 3u);
  EXPECT_EQ(d.outputs.at("dev").path, "/nix/store/3g3xbq2k4jsyqkxrp91xcdxvyd2f48r7-multi-dev");
  EXPECT_EQ(d.platform, "x86_64-linux");
  EXPECT_EQ(d.builder, "/bin/sh");
  ASSERT_EQ(d.args.size(), 2u);
  EXPECT_EQ(d.args[1], "echo \"quote\" \\back\ttab\r\n > $out");
  EXPECT_EQ(d.env.at("outputs"), "out dev lib");

  Derivation dep = parseDerivation(vec("dep").aterm);
  EXPECT_EQ(dep.inputDrvs.size(), 3u);
  EXPECT_EQ(dep.inputDrvs.at("/nix/store/z0dzx7l5wzyh9dss6ap8w6ddbfh4akm8-multi.drv"),
            std::set<std::string>{"dev"});
  EXPECT_EQ(dep.inputSrcs,
            std::set<std::string>{"/nix/store/z4ambysm1hm89bf7bf47jccn70r9zbxx-src"});

  Derivation fr = parseDerivation(vec("fixedrec").aterm);
  EXPECT_EQ(fr.outputs.at("out").hashAlgo, "r:sha256");
  EXPECT_TRUE(isFixedOutputDerivation(fr));
  EXPECT_FALSE(isFixedOutputDerivation(dep));
}

TEST(FormatDerivation, UnparseFromScratch) {
  Derivation d;
  d.outputs["out"] = {"/nix/store/d3v2zgdgmw8a1ja7d098isx4mdd7jf0g-x", "", ""};
  d.platform = "x86_64-linux";
  d.builder = "/bin/sh";
  d.args = {"-c", "echo > $out"};
  d.env = {{"system", "x86_64-linux"},
           {"out", "/nix/store/d3v2zgdgmw8a1ja7d098isx4mdd7jf0g-x"},
           {"name", "x"},
           {"builder", "/bin/sh"}};
  EXPECT_EQ(unparseDerivation(d), vec("simple").aterm);
  EXPECT_EQ(unparseDerivation(d, true),
            R"(Derive([("out","","","")],[],[],"x86_64-linux","/bin/sh",["-c","echo > $out"],)"
            R"([("builder","/bin/sh"),("name","x"),("out",""),("system","x86_64-linux")]))");
}

TEST(FormatDerivation, DrvPathMatchesNix) {
  for (const auto &v : kDrvs) {
    Derivation d = parseDerivation(v.aterm);
    EXPECT_EQ(printStorePath(computeDerivationPath(d, v.name)), v.path) << v.id;
    // Same thing spelled out: makeTextPath(name.drv, sha256(ATerm), references).
    std::set<StorePath> refs;
    for (const auto &s : d.inputSrcs)
      refs.insert(parseStorePath(s));
    for (const auto &[p, _] : d.inputDrvs)
      refs.insert(parseStorePath(p));
    EXPECT_EQ(printStorePath(makeTextPath(std::string(v.name) + ".drv",
                                          hashString(HashAlgo::SHA256, v.aterm), refs)),
              v.path)
        << v.id;
  }
}

TEST(FormatDerivation, OutputPathsMatchNix) {
  auto lookup = storeLookup();
  for (const auto &v : kDrvs) {
    Derivation d = parseDerivation(v.aterm);
    auto paths = computeOutputPaths(d, v.name, lookup);
    ASSERT_EQ(paths.size(), d.outputs.size()) << v.id;
    for (const auto &[name, out] : d.outputs)
      EXPECT_EQ(printStorePath(paths.at(name)), out.path) << v.id << " " << name;
  }
}

TEST(FormatDerivation, FillOutputPathsRebuildsNixDrv) {
  // Start from what derivationStrict has before computing paths.
  auto lookup = storeLookup();
  for (const char *id : {"simple", "multi", "dep", "fixedsha1"}) {
    const auto &v = vec(id);
    Derivation d = parseDerivation(v.aterm);
    for (auto &[name, out] : d.outputs) {
      out.path.clear();
      d.env[name] = "";
    }
    fillOutputPaths(d, v.name, lookup);
    EXPECT_EQ(unparseDerivation(d), v.aterm) << id;
  }
}

TEST(FormatDerivation, HashModuloOfFixedOutput) {
  Derivation d = parseDerivation(vec("fixed").aterm);
  auto h = hashDerivationModulo(d, false, [](const std::string &) -> Hash { throw 0; });
  EXPECT_EQ(h,
            hashString(
                HashAlgo::SHA256,
                "fixed:out:sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824:"
                "/nix/store/vmxnm1pb40j0a9pcnb9pb5cmvlz1v124-fx"));
}

TEST(FormatDerivation, HashModuloReplacesInputs) {
  auto lookup = storeLookup();
  Derivation dep = parseDerivation(vec("dep").aterm);
  std::map<std::string, std::set<std::string>> inputs;
  for (const auto &[p, outs] : dep.inputDrvs)
    inputs[lookup(p).to(HashFormat::Base16, false)] = outs;
  EXPECT_EQ(hashDerivationModulo(dep, false, lookup),
            hashString(HashAlgo::SHA256, unparseDerivation(dep, false, &inputs)));
}

TEST(FormatDerivation, FloatingContentAddressedRejected) {
  Derivation d = parseDerivation(vec("simple").aterm);
  d.outputs["out"] = {"", "r:sha256", ""};
  EXPECT_THROW(computeOutputPaths(d, "x", storeLookup()), DerivationError);
}

TEST(FormatDerivation, ParseErrors) {
  EXPECT_EQ(parseError(""),
            "error parsing derivation at offset 0: expected 'Derive(' but found end of input");
  EXPECT_EQ(parseError("Derivx"),
            "error parsing derivation at offset 0: expected 'Derive(' but found 'Derivx'");
  EXPECT_EQ(parseError("Derive([(out"),
            "error parsing derivation at offset 9: expected string but found 'out'");
  EXPECT_EQ(parseError(R"(Derive([("out","x","","")])"),
            "error parsing derivation at offset 15: bad path 'x' in derivation (expected an "
            "absolute path)");
  EXPECT_EQ(parseError(R"(Derive([("out","/a","",""])"),
            "error parsing derivation at offset 25: expected ')' but found ']'");
  EXPECT_EQ(parseError(R"(Derive([("out)"),
            "error parsing derivation at offset 9: unterminated string");
  EXPECT_EQ(parseError(R"(Derive([],[],[""],)"), "error parsing derivation at offset 14: bad path "
                                                 "'' in derivation (expected an absolute path)");
  std::string good = vec("simple").aterm;
  EXPECT_EQ(parseError(good + "\n"), "error parsing derivation at offset " +
                                         std::to_string(good.size()) +
                                         ": expected end of input but found '\\n'");
  EXPECT_NE(parseError(good.substr(0, good.size() - 1)), "");
  EXPECT_EQ(parseError(R"(Derive([("out","","",""),("out","","","")],[],[],"","",[],[]))"),
            "error parsing derivation at offset 26: duplicate output name");
}
