// Profiles and their generations, as Nix 2.8's libstore/profiles.cc: a
// profile PROFILE is a symlink to PROFILE-N-link (relative when both are in
// one directory), and each PROFILE-N-link is a symlink to a store path (for
// nix-env, a user environment). Generation links are permanent GC roots:
// made with addPermRoot, so each also has an indirect root in
// gcroots/auto, wherever the profile lives (Nix does the same; profiles
// under <state>/profiles are also reachable from gcroots/profiles, which
// the store creates when it opens).
//
// Every operation that changes or reads a profile's generations takes the
// profile's lock ("PROFILE.lock", Nix's lockProfile), so Bastion and Nix
// processes take turns. Messages that Nix prints ("removing profile version
// 3", "switching profile from version 4 to 3") go to a ProfileLog, which
// may be empty.
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/path_lock.h"
#include "store/store.h"

namespace bastion::store {

using GenerationNumber = unsigned;
using ProfileLog = std::function<void(const std::string &line)>;

struct Generation {
  GenerationNumber number = 0;
  std::string path;        // PROFILE-N-link
  time_t creationTime = 0; // the link's own mtime (lstat)
};

struct Generations {
  std::vector<Generation> list;            // ascending by number
  std::optional<GenerationNumber> current; // what PROFILE points to, if a generation
};

// The generations in the profile's directory, without locking.
Generations findGenerations(const std::string &profile);

// "PROFILE-N-link".
std::string generationPath(const std::string &profile, GenerationNumber n);

// Makes a new generation PROFILE-(last+1)-link -> outPath (a GC root), or
// returns the last generation if it already points to outPath, as Nix does
// so that repeated identical installs do not pile up generations. Does not
// switch the profile (see switchLink). Call with the profile locked.
std::string createGeneration(LocalStore &store, const std::string &profile,
                             const StorePath &outPath);

// Points `link` at `target` atomically (a new symlink renamed over it);
// the target is made relative when both are in the same directory.
void switchLink(const std::string &link, const std::string &target);

// The profile lock ("PROFILE.lock"), held while the object lives.
class ProfileLock {
public:
  explicit ProfileLock(const std::string &profile) : lock_(profile) {}

private:
  PathLock lock_;
};

// What the profile points to now ("" if it does not exist): nix-env reads
// this before a long build and, under the lock, checks it is unchanged.
std::string optimisticLockProfile(const std::string &profile);

// Switches to generation `dst`, or with nullopt to the newest generation
// older than the current one (--rollback). Logs "switching profile from
// version N to M" (also in a dry run, which changes nothing). Throws
// StoreError "no profile version older than the current (N) exists" /
// "profile version N does not exist". Returns the generation switched to.
GenerationNumber switchGeneration(const std::string &profile, std::optional<GenerationNumber> dst,
                                  bool dryRun, const ProfileLog &log);

// The deletions below never remove the current generation; each logs
// "removing profile version N" ("would remove …" in a dry run) and returns
// the numbers removed, in the order removed.

// The listed generations; ones that do not exist are skipped. Throws
// StoreError if the current generation is among them.
std::vector<GenerationNumber> deleteGenerations(const std::string &profile,
                                                const std::set<GenerationNumber> &gens, bool dryRun,
                                                const ProfileLog &log);
// All but the current one ("old"; nix-collect-garbage -d).
std::vector<GenerationNumber> deleteOldGenerations(const std::string &profile, bool dryRun,
                                                   const ProfileLog &log);
// "+N": keeps the current generation, the newer ones, and N-1 older ones.
// keep must be at least 1.
std::vector<GenerationNumber> deleteGenerationsGreaterThan(const std::string &profile,
                                                           GenerationNumber keep, bool dryRun,
                                                           const ProfileLog &log);
// Generations created before `cutoff`, except the newest of those (it was
// still the active one at the cutoff) and the current one ("Nd";
// nix-collect-garbage --delete-older-than).
std::vector<GenerationNumber> deleteGenerationsOlderThan(const std::string &profile, time_t cutoff,
                                                         bool dryRun, const ProfileLog &log);
// The cutoff for a time spec "Nd" (N >= 1 days before `now`); nullopt if
// the spec is not of that form.
std::optional<time_t> olderThanCutoff(const std::string &spec, time_t now);

// A generation number as Nix parses one: decimal digits only.
std::optional<GenerationNumber> parseGenerationNumber(const std::string &s);

} // namespace bastion::store
