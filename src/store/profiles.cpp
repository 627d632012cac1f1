// See profiles.h. Follows Nix 2.8's libstore/profiles.cc, messages included.
#include "store/profiles.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "store/fs_util.h"
#include "store/gc_roots.h"
#include "util/file.h"
#include "util/path.h"

namespace bastion::store {

using util::baseNameOf;
using util::dirOf;
using util::readLink;

namespace {

// "<profileName>-<number>-link" -> number. Like Nix, the text after the
// number only has to contain "-link" somewhere.
std::optional<GenerationNumber> parseName(const std::string &profileName, const std::string &name) {
  if (name.compare(0, profileName.size() + 1, profileName + "-") != 0)
    return std::nullopt;
  std::string s = name.substr(profileName.size() + 1);
  size_t p = s.find("-link");
  if (p == std::string::npos)
    return std::nullopt;
  return parseGenerationNumber(s.substr(0, p));
}

void logLine(const ProfileLog &log, const std::string &line) {
  if (log)
    log(line);
}

void removeGeneration(const std::string &profile, GenerationNumber n, bool dryRun,
                      const ProfileLog &log, std::vector<GenerationNumber> &removed) {
  if (dryRun) {
    logLine(log, "would remove profile version " + std::to_string(n));
  } else {
    logLine(log, "removing profile version " + std::to_string(n));
    std::string link = generationPath(profile, n);
    if (::unlink(link.c_str()) != 0)
      throwSysError("cannot unlink '" + link + "'");
  }
  removed.push_back(n);
}

} // namespace

std::optional<GenerationNumber> parseGenerationNumber(const std::string &s) {
  if (s.empty() || s.size() > 9)
    return std::nullopt;
  GenerationNumber n = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    n = n * 10 + GenerationNumber(c - '0');
  }
  return n;
}

std::string generationPath(const std::string &profile, GenerationNumber n) {
  return profile + "-" + std::to_string(n) + "-link";
}

Generations findGenerations(const std::string &profile) {
  Generations result;
  std::string dir = dirOf(profile), name = baseNameOf(profile);
  DIR *d = ::opendir(dir.c_str());
  if (!d)
    throwSysError("opening directory '" + dir + "'");
  try {
    errno = 0;
    while (struct dirent *e = ::readdir(d)) {
      auto n = parseName(name, e->d_name);
      if (!n)
        continue;
      Generation g;
      g.number = *n;
      g.path = dir + "/" + e->d_name;
      struct stat st;
      if (::lstat(g.path.c_str(), &st) != 0)
        throwSysError("statting '" + g.path + "'");
      g.creationTime = st.st_mtime;
      result.list.push_back(g);
    }
  } catch (...) {
    ::closedir(d);
    throw;
  }
  ::closedir(d);
  std::sort(result.list.begin(), result.list.end(),
            [](const Generation &a, const Generation &b) { return a.number < b.number; });
  if (pathExists(profile))
    result.current = parseName(name, readLink(profile));
  return result;
}

std::string createGeneration(LocalStore &store, const std::string &profile,
                             const StorePath &outPath) {
  Generations gens = findGenerations(profile);
  GenerationNumber num = 0;
  if (!gens.list.empty()) {
    const Generation &last = gens.list.back();
    if (readLink(last.path) == store.printStorePath(outPath))
      return last.path;
    num = last.number;
  }
  return addPermRoot(store, outPath, generationPath(profile, num + 1));
}

void switchLink(const std::string &link, const std::string &targetIn) {
  std::string target = dirOf(targetIn) == dirOf(link) ? baseNameOf(targetIn) : targetIn;
  util::replaceSymlink(target, link);
}

std::string optimisticLockProfile(const std::string &profile) {
  return pathExists(profile) ? readLink(profile) : "";
}

GenerationNumber switchGeneration(const std::string &profile, std::optional<GenerationNumber> dst,
                                  bool dryRun, const ProfileLog &log) {
  ProfileLock lock(profile);
  Generations gens = findGenerations(profile);
  GenerationNumber cur = gens.current.value_or(0);
  const Generation *found = nullptr;
  for (auto &g : gens.list)
    if ((!dst && gens.current && g.number < cur) || (dst && g.number == *dst))
      found = &g;
  if (!found) {
    if (!dst)
      throw StoreError("no profile version older than the current (" + std::to_string(cur) +
                       ") exists");
    throw StoreError("profile version " + std::to_string(*dst) + " does not exist");
  }
  logLine(log, "switching profile from version " + std::to_string(cur) + " to " +
                   std::to_string(found->number));
  if (!dryRun)
    switchLink(profile, found->path);
  return found->number;
}

std::vector<GenerationNumber> deleteGenerations(const std::string &profile,
                                                const std::set<GenerationNumber> &toDelete,
                                                bool dryRun, const ProfileLog &log) {
  ProfileLock lock(profile);
  Generations gens = findGenerations(profile);
  // Nix's message, stray quote included.
  if (gens.current && toDelete.count(*gens.current))
    throw StoreError("cannot delete current version of profile " + profile + "'");
  std::vector<GenerationNumber> removed;
  for (auto &g : gens.list)
    if (toDelete.count(g.number))
      removeGeneration(profile, g.number, dryRun, log, removed);
  return removed;
}

std::vector<GenerationNumber> deleteOldGenerations(const std::string &profile, bool dryRun,
                                                   const ProfileLog &log) {
  ProfileLock lock(profile);
  Generations gens = findGenerations(profile);
  std::vector<GenerationNumber> removed;
  for (auto &g : gens.list)
    if (g.number != gens.current)
      removeGeneration(profile, g.number, dryRun, log, removed);
  return removed;
}

std::vector<GenerationNumber> deleteGenerationsGreaterThan(const std::string &profile,
                                                           GenerationNumber keep, bool dryRun,
                                                           const ProfileLog &log) {
  if (keep == 0)
    throw StoreError(
        "Must keep at least one generation, otherwise the current one would be deleted");
  ProfileLock lock(profile);
  Generations gens = findGenerations(profile);
  std::vector<GenerationNumber> removed;
  // Newer generations than the current one are kept; counting starts at
  // the current one.
  bool fromCurrent = false;
  for (auto i = gens.list.rbegin(); i != gens.list.rend(); ++i) {
    if (i->number == gens.current) {
      fromCurrent = true;
      keep--;
      continue;
    }
    if (!fromCurrent)
      continue;
    if (keep) {
      keep--;
      continue;
    }
    removeGeneration(profile, i->number, dryRun, log, removed);
  }
  return removed;
}

std::vector<GenerationNumber> deleteGenerationsOlderThan(const std::string &profile, time_t cutoff,
                                                         bool dryRun, const ProfileLog &log) {
  ProfileLock lock(profile);
  Generations gens = findGenerations(profile);
  std::vector<GenerationNumber> removed;
  bool canDelete = false;
  for (auto i = gens.list.rbegin(); i != gens.list.rend(); ++i) {
    if (canDelete) {
      if (i->number != gens.current)
        removeGeneration(profile, i->number, dryRun, log, removed);
    } else if (i->creationTime < cutoff) {
      // This one was still the active generation at the cutoff: keep it.
      canDelete = true;
    }
  }
  return removed;
}

std::optional<time_t> olderThanCutoff(const std::string &spec, time_t now) {
  if (spec.size() < 2 || spec.back() != 'd')
    return std::nullopt;
  std::string digits = spec.substr(0, spec.size() - 1);
  if (digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  long days = std::stol(digits);
  if (days < 1)
    return std::nullopt;
  return now - days * 24 * 3600;
}

} // namespace bastion::store
