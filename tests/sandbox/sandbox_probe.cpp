// Test driver: builds one .drv file in Bastion's sandbox, the way the
// scheduler will (makeBuildEnv + runSandboxed), so tests/sandbox/run.py can
// compare what a builder sees with what Nix 2.8's sandbox shows it.
//
//   sandbox_probe --drv FILE --real-store DIR --build-store DIR --build-dir DIR
//                 [--store-dir /nix/store] [--sandbox-paths "a=b c?"] [--cores N]
//                 [--input PATH]... [--host-uid N] [--kill-after SECONDS]
//
// Inputs are the derivation's inputSrcs plus any --input. The builder's log
// goes to stdout. Exit status: the builder's (128+signal if killed), or 125
// with "error: ..." on stderr when the sandbox could not be set up.
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "build/build_env.h"
#include "build/sandbox.h"
#include "build/system_features.h"
#include "format/derivation.h"

using namespace bastion;

int main(int argc, char **argv) {
  std::string drvFile, storeDir = "/nix/store", sandboxPaths;
  build::SandboxSpec spec;
  std::set<std::string> extraInputs;
  double killAfter = 0;
  unsigned cores = 1; // NIX_BUILD_CORES, through the build environment
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value for " << a << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--drv")
      drvFile = next();
    else if (a == "--real-store")
      spec.realStoreDir = next();
    else if (a == "--build-store")
      spec.buildStoreDir = next();
    else if (a == "--build-dir")
      spec.buildDir = next();
    else if (a == "--store-dir")
      storeDir = next();
    else if (a == "--sandbox-paths")
      sandboxPaths = next();
    else if (a == "--cores")
      cores = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--input")
      extraInputs.insert(next());
    else if (a == "--host-uid")
      spec.hostUid = spec.hostGid = std::stol(next());
    else if (a == "--kill-after")
      killAfter = std::stod(next());
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  try {
    std::ifstream in(drvFile, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in)
      throw std::runtime_error("cannot read " + drvFile);
    format::Derivation drv = format::parseDerivation(text.str());

    build::BuildEnvOptions opts;
    opts.storeDir = storeDir;
    opts.cores = cores;
    opts.buildDir = spec.buildDir;
    build::BuildEnv benv = build::makeBuildEnv(drv, opts);

    spec.builder = drv.builder;
    spec.args = benv.args;
    spec.env = benv.env;
    spec.storeDir = storeDir;
    spec.inputPaths = drv.inputSrcs;
    spec.inputPaths.insert(extraInputs.begin(), extraInputs.end());
    spec.extraPaths = build::parseSandboxPaths(sandboxPaths);
    spec.network = format::isFixedOutputDerivation(drv);
    // As nix-build with the default system-features.
    spec.kvm = build::defaultSystemFeatures().count("kvm") != 0;
    spec.logFd = 1;

    build::SandboxedProcess proc = build::startSandboxed(spec);
    std::thread killer;
    if (killAfter > 0)
      killer = std::thread([&] {
        std::this_thread::sleep_for(std::chrono::duration<double>(killAfter));
        proc.kill();
      });
    int status = proc.wait();
    if (killer.joinable())
      killer.join();
    if (WIFEXITED(status))
      return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
      return 128 + WTERMSIG(status);
    return 126;
  } catch (std::exception &e) {
    std::cerr << "error: " << e.what() << "\n";
    return 125;
  }
}
