// The binary-cache commands, named as Nix's newer interface names them:
//   bastion store sign --key-file K [-r] PATHS      (nix store sign)
//   bastion store verify [--sigs-needed N] [-r] [--no-contents] [--no-trust] PATHS|--all
//   bastion path-info [--json] [--sigs] [-r] [-s] [-S] PATHS   (nix path-info)
//   bastion nix-copy --to URL | --from URL [--no-check-sigs] [-j N] PATHS   (nix copy)
// `bastion nix store sign`, `nix path-info`, `nix copy` are the same.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/legacy_args.h"
#include "cli/nix_store_common.h"
#include "cli/substituters.h"
#include "format/narinfo.h"
#include "format/signature.h"
#include "store/binary_cache.h"
#include "store/cache_copy.h"
#include "store/closure.h"
#include "store/substitute.h"
#include "store/verify.h"
#include "util/exit.h"

namespace bastion::cli {
namespace {

using store::StorePath;

// The flags every one of these commands takes, and its operands.
struct Common {
  NixStoreInvocation inv;
  std::vector<std::string> paths;
  bool recursive = false, all = false;
};

// Each command's --help text.
const char *const signUsage =
    "Usage: bastion store sign --key-file FILE [-r] [--all] PATHS...\n"
    "Adds a signature by the secret key in FILE to each path in the store.\n"
    "  -k, --key-file FILE   the secret key (nix-store --generate-binary-cache-key)\n"
    "  -r, --recursive       the paths' closures\n"
    "  --all                 every valid path\n";
const char *const verifyUsage =
    "Usage: bastion store verify [--sigs-needed N] [--no-contents] [--no-trust] [-r] "
    "PATHS...|--all\n"
    "Checks the paths' contents against their NAR hashes and their signatures against\n"
    "trusted-public-keys; exit status 1: corrupted, 2: untrusted, 3: both.\n"
    "  -n, --sigs-needed N   the number of trusted signatures each path needs\n"
    "  --no-contents         do not check the contents\n"
    "  --no-trust            do not check the signatures\n"
    "  -r, --recursive       the paths' closures\n";
const char *const pathInfoUsage =
    "Usage: bastion path-info [--json] [--sigs] [-s] [-S] [-r] PATHS...|--all\n"
    "Prints the paths' store metadata.\n"
    "  --json                as JSON, as Nix 2.8's nix path-info --json\n"
    "  --sigs                the signatures (and 'ultimate', 'ca:…')\n"
    "  -s, --size            the NAR size\n"
    "  -S, --closure-size    the closure's NAR size\n"
    "  -r, --recursive       the paths' closures\n";
const char *const copyUsage =
    "Usage: bastion nix-copy --to URL [--compression zstd|xz|bzip2|none] [-j N] [-r] PATHS...\n"
    "       bastion nix-copy --from URL [--no-check-sigs] [-j N] PATHS...\n"
    "Copies the paths' closures to a binary cache (file:///dir, http(s)://…; URL\n"
    "parameters ?compression=…&secret-key=FILE), or substitutes them from one.\n"
    "  --to URL              copy to the cache at URL\n"
    "  --from URL            copy from the cache at URL into the store\n"
    "  --no-check-sigs       accept paths without a trusted signature\n"
    "  --compression METHOD  the NAR compression (default zstd)\n"
    "  --jobs N              parallel transfers\n";
const char *const storeUsage = "Usage: bastion store sign|verify [FLAGS] PATHS...\n"
                               "  sign     add signatures to paths (store sign --help)\n"
                               "  verify   check contents and signatures (store verify --help)\n";

// Parses args with `own` for the command's flags (true: consumed);
// --help prints `usage` and ends the command with status 0.
void parse(std::vector<std::string> &args, Common &c, const char *usage,
           const std::function<bool(const std::string &, ArgCursor &)> &own) {
  parseLegacyArgs(
      args,
      [&](ArgCursor &arg) {
        const std::string &a = *arg;
        if (a == "--help") {
          std::cout << usage;
          throw util::ExitNow{};
        }
        if (own(a, arg))
          return true;
        if (a == "-r" || a == "--recursive")
          c.recursive = true;
        else if (a == "--all")
          c.all = true;
        else if (!a.empty() && a[0] == '-')
          return false;
        else
          c.paths.push_back(a);
        return true;
      },
      &c.inv.settings);
}

std::set<StorePath> resolvePaths(store::LocalStore &store, const Common &c) {
  std::set<StorePath> paths;
  if (c.all)
    paths = store.queryAllValidPaths();
  for (const std::string &p : c.paths) {
    StorePath sp = followLinksToStorePath(store, p);
    if (!store.isValidPath(sp))
      throw store::StoreError("path '" + store.printStorePath(sp) + "' is not valid");
    paths.insert(sp);
  }
  if (c.recursive) {
    std::set<StorePath> closure;
    store::computeFSClosure(store, paths, closure);
    paths = closure;
  }
  return paths;
}

std::string fingerprintOf(store::LocalStore &store, const store::ValidPathInfo &info) {
  std::set<std::string> refs;
  for (const StorePath &r : info.references)
    refs.insert(store.printStorePath(r));
  return format::pathFingerprint(store.printStorePath(info.path), info.narHash, info.narSize, refs);
}

int cmdStoreSign(const std::string &name, std::vector<std::string> &args) {
  Common c;
  std::string keyFile;
  parse(args, c, signUsage, [&](const std::string &a, ArgCursor &arg) {
    if (a == "--key-file" || a == "-k") {
      keyFile = arg.next();
      return true;
    }
    return false;
  });
  if (keyFile.empty())
    throw UsageError("required argument '--key-file' is missing");
  format::SecretKey key = readSecretKeyFile(keyFile);
  StoreSession s = openStoreSession(c.inv);
  size_t added = 0;
  for (const StorePath &p : resolvePaths(*s.store, c)) {
    store::ValidPathInfo info = *s.store->queryPathInfo(p);
    std::string sig = key.signDetached(fingerprintOf(*s.store, info));
    if (!info.sigs.count(sig)) {
      s.store->addSignatures(p, {sig});
      added++;
    }
  }
  logInfo("added " + std::to_string(added) + " signatures");
  return 0;
}

int cmdStoreVerify(const std::string &name, std::vector<std::string> &args) {
  Common c;
  size_t sigsNeeded = 0;
  bool noContents = false, noTrust = false;
  parse(args, c, verifyUsage, [&](const std::string &a, ArgCursor &arg) {
    if (a == "--sigs-needed" || a == "-n") {
      std::string v = arg.next();
      try {
        size_t used = 0;
        sigsNeeded = std::stoul(v, &used);
        if (used != v.size())
          throw std::invalid_argument(v);
      } catch (const std::exception &) {
        throw UsageError("flag '--sigs-needed' requires an integer, not '" + v + "'");
      }
    } else if (a == "--no-contents")
      noContents = true;
    else if (a == "--no-trust")
      noTrust = true;
    else
      return false;
    return true;
  });
  StoreSession s = openStoreSession(c.inv);
  format::PublicKeys keys = substituteSettingsFrom(s.settings).trustedKeys;
  bool corrupted = false, untrusted = false;
  for (const StorePath &p : resolvePaths(*s.store, c)) {
    store::ValidPathInfo info = *s.store->queryPathInfo(p);
    std::string printed = s.store->printStorePath(p);
    logInfo("checking '" + printed + "'...");
    if (!noContents && !store::verifyPathContents(*s.store, p, logInfo))
      corrupted = true;
    if (noTrust)
      continue;
    bool good = info.ultimate && sigsNeeded == 0;
    size_t valid = 0;
    std::string signers;
    if (!good) {
      std::string fp = fingerprintOf(*s.store, info);
      for (const std::string &sig : info.sigs) {
        bool ok = format::verifySignature(fp, sig, keys);
        valid += ok;
        signers += (signers.empty() ? "" : ", ") + format::signatureKeyName(sig) +
                   (ok                                          ? ""
                    : keys.count(format::signatureKeyName(sig)) ? " (invalid)"
                                                                : " (not trusted)");
      }
      if (store::selfCertifying(s.store->storeDir(), info.path, info.ca, info.references))
        valid = SIZE_MAX / 2;
      good = valid >= std::max<size_t>(sigsNeeded, 1);
    }
    if (!good) {
      untrusted = true;
      logInfo("path '" + printed + "' is untrusted (" + std::to_string(valid) +
              " valid signatures, " + std::to_string(std::max<size_t>(sigsNeeded, 1)) +
              " needed; signed by: " + (signers.empty() ? "nobody" : signers) + ")");
    }
  }
  return (corrupted ? 1 : 0) | (untrusted ? 2 : 0);
}

int cmdPathInfo(const std::string &name, std::vector<std::string> &args) {
  Common c;
  bool json = false, sigs = false, size = false, closureSize = false;
  parse(args, c, pathInfoUsage, [&](const std::string &a, ArgCursor &) {
    if (a == "--json")
      json = true;
    else if (a == "--sigs")
      sigs = true;
    else if (a == "-s" || a == "--size")
      size = true;
    else if (a == "-S" || a == "--closure-size")
      closureSize = true;
    else
      return false;
    return true;
  });
  StoreSession s = openStoreSession(c.inv, true);
  store::LocalStore &st = *s.store;
  std::set<StorePath> paths = resolvePaths(st, c);
  auto closureBytes = [&](const StorePath &p) {
    std::set<StorePath> cl;
    store::computeFSClosure(st, {p}, cl);
    uint64_t n = 0;
    for (const StorePath &q : cl)
      n += st.queryPathInfo(q)->narSize;
    return n;
  };
  if (json) {
    // Nix 2.8's pathInfoToJSON, keys in its order.
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const StorePath &p : paths) {
      store::ValidPathInfo info = *st.queryPathInfo(p);
      nlohmann::ordered_json j;
      j["path"] = st.printStorePath(p);
      j["narHash"] = info.narHash.to(format::HashFormat::SRI, true);
      j["narSize"] = info.narSize;
      j["references"] = nlohmann::ordered_json::array();
      for (const StorePath &r : info.references)
        j["references"].push_back(st.printStorePath(r));
      if (!info.ca.empty())
        j["ca"] = info.ca;
      if (closureSize)
        j["closureSize"] = closureBytes(p);
      if (!info.deriver.empty())
        j["deriver"] = info.deriver;
      j["registrationTime"] = info.registrationTime;
      if (info.ultimate)
        j["ultimate"] = true;
      if (!info.sigs.empty())
        j["signatures"] = info.sigs;
      out.push_back(j);
    }
    std::cout << out.dump() << "\n";
    return 0;
  }
  size_t width = 0;
  for (const StorePath &p : paths)
    width = std::max(width, st.printStorePath(p).size());
  for (const StorePath &p : paths) {
    store::ValidPathInfo info = *st.queryPathInfo(p);
    std::string printed = st.printStorePath(p);
    std::cout << printed;
    if (size || closureSize || sigs)
      std::cout << std::string(width - printed.size(), ' ');
    if (size)
      std::cout << '\t' << std::setw(11) << info.narSize;
    if (closureSize)
      std::cout << '\t' << std::setw(11) << closureBytes(p);
    if (sigs) {
      std::cout << '\t';
      std::string ss;
      if (info.ultimate)
        ss = "ultimate";
      if (!info.ca.empty())
        ss += (ss.empty() ? "" : " ") + ("ca:" + info.ca);
      for (const std::string &sig : info.sigs)
        ss += (ss.empty() ? "" : " ") + sig;
      std::cout << ss;
    }
    std::cout << "\n";
  }
  return 0;
}

// "file:///dir?compression=xz&secret-key=K": the URL and its parameters.
std::string splitParams(const std::string &url, std::map<std::string, std::string> &params) {
  size_t q = url.find('?');
  if (q == std::string::npos)
    return url;
  std::string rest = url.substr(q + 1);
  size_t pos = 0;
  while (pos <= rest.size()) {
    size_t amp = rest.find('&', pos);
    std::string kv = rest.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    size_t eq = kv.find('=');
    if (!kv.empty())
      params[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (amp == std::string::npos)
      break;
    pos = amp + 1;
  }
  return url.substr(0, q);
}

int cmdNixCopy(const std::string &name, std::vector<std::string> &args) {
  Common c;
  std::string to, from, compression;
  bool noCheckSigs = false;
  std::optional<unsigned> jobs;
  parse(args, c, copyUsage, [&](const std::string &a, ArgCursor &arg) {
    if (a == "--to")
      to = arg.next();
    else if (a == "--from")
      from = arg.next();
    else if (a == "--no-check-sigs")
      noCheckSigs = true;
    else if (a == "--compression")
      compression = arg.next();
    else if (a == "--jobs") {
      std::string v = arg.next();
      try {
        jobs = unsigned(std::stoul(v));
      } catch (const std::exception &) {
        throw UsageError("flag '--jobs' requires an integer, not '" + v + "'");
      }
    } else
      return false;
    return true;
  });
  if (to.empty() == from.empty())
    throw UsageError("give exactly one of '--to URL' and '--from URL'");
  StoreSession s = openStoreSession(c.inv);
  store::LocalStore &st = *s.store;
  if (!to.empty()) {
    std::map<std::string, std::string> params;
    std::string url = splitParams(to, params);
    store::CacheCopyOptions o;
    if (params.count("compression"))
      o.compression = params["compression"];
    if (!compression.empty())
      o.compression = compression;
    o.signWith = secretKeysFrom(s.settings);
    if (params.count("secret-key"))
      o.signWith.push_back(readSecretKeyFile(params["secret-key"]));
    if (jobs)
      o.jobs = *jobs;
    std::unique_ptr<store::BinaryCache> cache = store::BinaryCache::open(url);
    store::copyToCache(st, *cache, resolvePaths(st, c), o);
    return 0;
  }
  store::SubstituteSettings ss = substituteSettingsFrom(s.settings);
  std::map<std::string, std::string> params;
  ss.urls = {splitParams(from, params)};
  if (noCheckSigs)
    ss.requireSigs = false;
  if (jobs)
    ss.jobs = *jobs;
  std::set<StorePath> wanted;
  for (const std::string &p : c.paths)
    wanted.insert(st.parseStorePath(p));
  std::set<StorePath> missing = store::substitutePaths(st, ss, wanted);
  if (!missing.empty())
    throw store::StoreError("path '" + st.printStorePath(*missing.begin()) +
                            "' is not available from '" + ss.urls[0] + "'");
  return 0;
}

int guarded(int (*f)(const std::string &, std::vector<std::string> &), const std::string &name,
            std::vector<std::string> &args) {
  try {
    return f(name, args);
  } catch (const UsageError &e) {
    return reportUsageError(name, e);
  } catch (const std::exception &e) {
    return reportError(e.what());
  }
}

} // namespace

int cmdStore(const std::string &name, std::vector<std::string> &args) {
  if (args.empty())
    return reportUsageError(name, UsageError("'store' needs a subcommand: sign, verify"));
  std::string sub = args[0];
  if (sub == "--help") {
    std::cout << storeUsage;
    return 0;
  }
  args.erase(args.begin());
  if (sub == "sign")
    return guarded(cmdStoreSign, name + " sign", args);
  if (sub == "verify")
    return guarded(cmdStoreVerify, name + " verify", args);
  return reportUsageError(name, UsageError("'" + sub + "' is not a recognised command"));
}

int cmdPathInfoCommand(const std::string &name, std::vector<std::string> &args) {
  return guarded(cmdPathInfo, name, args);
}

int cmdNixCopyCommand(const std::string &name, std::vector<std::string> &args) {
  return guarded(cmdNixCopy, name, args);
}

} // namespace bastion::cli
