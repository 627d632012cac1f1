// nix-env --rollback, --switch-generation, --list-generations and
// --delete-generations: thin shells over store/profiles.h, with Nix 2.8's
// argument checks and messages.
#include <ctime>
#include <iostream>

#include "cli/generation_list.h"
#include "cli/nix_env.h"
#include "store/profiles.h"

namespace bastion::cli {

namespace {

void noFlags(const std::vector<std::string> &flags) {
  if (!flags.empty())
    throw UsageError("unknown flag '" + flags.front() + "'");
}

} // namespace

void opNixEnvRollback(NixEnvGlobals &g, std::vector<std::string> &flags,
                      std::vector<std::string> &args) {
  noFlags(flags);
  if (!args.empty())
    throw UsageError("no arguments expected");
  store::switchGeneration(g.profile, std::nullopt, g.dryRun, printInfo);
}

void opNixEnvSwitchGeneration(NixEnvGlobals &g, std::vector<std::string> &flags,
                              std::vector<std::string> &args) {
  noFlags(flags);
  if (args.size() != 1)
    throw UsageError("exactly one argument expected");
  auto n = store::parseGenerationNumber(args.front());
  if (!n)
    throw UsageError("expected a generation number");
  store::switchGeneration(g.profile, *n, g.dryRun, printInfo);
}

void opNixEnvListGenerations(NixEnvGlobals &g, std::vector<std::string> &flags,
                             std::vector<std::string> &args) {
  noFlags(flags);
  if (!args.empty())
    throw UsageError("no arguments expected");
  store::Generations gens;
  {
    store::ProfileLock lock(g.profile);
    gens = store::findGenerations(g.profile);
  }
  for (auto &gen : gens.list)
    std::cout << generationListLine(gen, gen.number == gens.current);
}

void opNixEnvDeleteGenerations(NixEnvGlobals &g, std::vector<std::string> &flags,
                               std::vector<std::string> &args) {
  noFlags(flags);
  if (args.size() == 1 && args.front() == "old") {
    store::deleteOldGenerations(g.profile, g.dryRun, printInfo);
  } else if (args.size() == 1 && args.front().find('d') != std::string::npos) {
    auto cutoff = store::olderThanCutoff(args.front(), time(nullptr));
    if (!cutoff)
      throw UsageError("invalid number of days specifier '" + args.front() + "'");
    store::deleteGenerationsOlderThan(g.profile, *cutoff, g.dryRun, printInfo);
  } else if (args.size() == 1 && args.front().find('+') != std::string::npos) {
    if (args.front().size() < 2)
      throw std::runtime_error("invalid number of generations '" + args.front() + "'");
    auto keep = store::parseGenerationNumber(args.front().substr(1));
    if (!keep || *keep == 0)
      throw std::runtime_error("invalid number of generations to keep '" + args.front() + "'");
    store::deleteGenerationsGreaterThan(g.profile, *keep, g.dryRun, printInfo);
  } else {
    std::set<store::GenerationNumber> gens;
    for (auto &a : args) {
      auto n = store::parseGenerationNumber(a);
      if (!n)
        throw UsageError("invalid generation number '" + a + "'");
      gens.insert(*n);
    }
    store::deleteGenerations(g.profile, gens, g.dryRun, printInfo);
  }
}

} // namespace bastion::cli
