// A root's system generations: switching DIR to a toplevel, rolling back,
// listing and deleting, on DIR/nix/var/nix/profiles/system (a profile as
// nix-env's, store/profiles.h: system-N-link -> /nix/store/…, GC roots) and
// the boot entries beside it (boot_entries.h).
//
// A switch goes, each step atomic and the order chosen so that a switch
// killed at any point leaves the old generation or the new one current and
// the root's store consistent (its next run finishes the job):
//   1. check the layout, then lay it out and keep the machine id;
//   2. copy the toplevel's closure into DIR's store (closure_copy.h);
//   3. add generation N (a GC root), unless the newest already is it;
//   4. write N's boot entry;
//   5. point `system` at N;
//   6. make N the loader's default, drop entries of deleted generations.
// One switch, rollback or deletion runs at a time per root (a lock in the
// root's state directory), and each takes the profile's own lock as
// nix-env does.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/profiles.h"
#include "store/store.h"

namespace bastion::os {

struct SwitchResult {
  store::GenerationNumber generation = 0;
  size_t copied = 0; // paths copied into the root's store
};

// `toplevel` must be valid in `from` and hold an `init`. `log` gets what a
// user is told ("copying 3 paths …"). Throws util::Error.
SwitchResult switchRoot(store::LocalStore &from, const std::string &root,
                        const store::StorePath &toplevel, const store::ProfileLog &log);

// To the generation before the current one (or to `to`); returns it.
store::GenerationNumber rollbackRoot(const std::string &root,
                                     std::optional<store::GenerationNumber> to,
                                     const store::ProfileLog &log);

store::Generations rootGenerations(const std::string &root);

// `specs`: generation numbers, or one of "Nd" (older than N days), "+N"
// (keep N), "old" (all but the current) as nix-env takes them. Never the
// current generation. Returns the numbers removed.
std::vector<store::GenerationNumber> deleteRootGenerations(const std::string &root,
                                                           const std::vector<std::string> &specs,
                                                           const store::ProfileLog &log);

} // namespace bastion::os
