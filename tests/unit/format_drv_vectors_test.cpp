// The derivations of tests/vectors/drv, written by Nix 2.8's
// nix-instantiate (generate.sh): each must parse and print again byte for
// byte, its file name must be the .drv path computed from it, and the
// output paths written inside must be the ones computed from it (with the
// modulo hashes of its input derivations, read from the same directory).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "format/derivation.h"
#include "format/store_path.h"
#include "vectors.h"

using namespace bastion::format;

namespace {

std::string readDrv(const std::string &file) { return bastion::test::readVector("drv/" + file); }

// Input derivations by store path, from the vector directory.
Derivation readInput(const std::string &drvPath) {
  StorePath p = parseStorePath(drvPath);
  return parseDerivation(readDrv(p.baseName()));
}

TEST(FormatDrvVectors, EveryVectorRoundTripsAndHasNixsPaths) {
  std::vector<std::string> files = bastion::test::vectorFiles("drv", ".drv");
  EXPECT_EQ(files.size(), 8u);
  DrvHashLookup lookup = makeDrvHashLookup(readInput);
  size_t withInputs = 0;
  for (const std::string &file : files) {
    SCOPED_TRACE(file);
    std::string text = readDrv(file);
    Derivation drv = parseDerivation(text);
    EXPECT_EQ(unparseDerivation(drv), text);

    StorePath self = parseStorePathBaseName(file);
    ASSERT_TRUE(self.name.ends_with(".drv"));
    std::string drvName = self.name.substr(0, self.name.size() - 4);
    EXPECT_EQ(computeDerivationPath(drv, drvName).baseName(), file);

    std::map<std::string, StorePath> outs = computeOutputPaths(drv, drvName, lookup);
    ASSERT_EQ(outs.size(), drv.outputs.size());
    for (const auto &[name, out] : drv.outputs) {
      ASSERT_TRUE(outs.count(name)) << name;
      EXPECT_EQ(printStorePath(outs.at(name)), out.path) << name;
      EXPECT_EQ(drv.env.at(name), out.path) << name;
    }
    // Filling in the outputs of the cleared derivation gives Nix's text again.
    Derivation cleared = drv;
    for (auto &[name, out] : cleared.outputs) {
      out.path.clear();
      cleared.env[name].clear();
    }
    fillOutputPaths(cleared, drvName, lookup);
    EXPECT_EQ(unparseDerivation(cleared), text);
    withInputs += !drv.inputDrvs.empty();
  }
  EXPECT_GE(withInputs, 1u); // dep.drv: modulo hashes of inputs are used
}

} // namespace
