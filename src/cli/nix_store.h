// `nix-store`'s operations. The dispatcher (nix_store.cpp) parses the
// command line as Nix 2.8 does and calls the one operation named on it;
// each operation lives in its own file and is listed in the table in
// nix_store.cpp. To add one: write `int opX(NixStoreInvocation&)` in a new
// file, declare it here, and put it in the table in place of nullptr.
#pragma once

#include <string>
#include <vector>

namespace bastion::cli {

struct NixStoreInvocation {
  // Flags nix-store did not consume itself (in order), e.g. "--print-fixed-path"'s
  // "--recursive", "-q"'s "--references"; the operation must refuse any it
  // does not know (Nix: UsageError "unknown flag").
  std::vector<std::string> flags;
  // The operands, including words read from stdin with --stdin.
  std::vector<std::string> args;
  std::string gcRoot; // --add-root PATH (absolute), "" if not given
  // The common flags as settings (--store, --option, -j, --cores, …).
  std::vector<std::pair<std::string, std::string>> settings;
  bool noOutput = false; // --no-output
};

// An operation returns the exit code. It may throw UsageError (printed with
// the --help hint), or any std::exception (printed as "error: <what()>").
using NixStoreOp = int (*)(NixStoreInvocation &inv);

int opNixStoreDump(NixStoreInvocation &inv);    // --dump PATH
int opNixStoreRestore(NixStoreInvocation &inv); // --restore PATH
int opNixStoreRealise(NixStoreInvocation &inv); // --realise PATHS
int opNixStoreExport(NixStoreInvocation &inv);  // --export PATHS
int opNixStoreImport(NixStoreInvocation &inv);  // --import

// Garbage collection and store inspection (nix_store_gc.cpp, _query.cpp,
// _verify.cpp, _optimise.cpp, _add.cpp, _read_log.cpp, _init.cpp).
int opNixStoreGc(NixStoreInvocation &inv);             // --gc
int opNixStoreDelete(NixStoreInvocation &inv);         // --delete PATHS
int opNixStoreQuery(NixStoreInvocation &inv);          // --query / -q
int opNixStoreVerify(NixStoreInvocation &inv);         // --verify
int opNixStoreVerifyPath(NixStoreInvocation &inv);     // --verify-path PATHS
int opNixStoreCheckValidity(NixStoreInvocation &inv);  // --check-validity PATHS
int opNixStoreOptimise(NixStoreInvocation &inv);       // --optimise
int opNixStoreAdd(NixStoreInvocation &inv);            // --add PATHS
int opNixStoreAddFixed(NixStoreInvocation &inv);       // --add-fixed ALGO PATHS
int opNixStorePrintFixedPath(NixStoreInvocation &inv); // --print-fixed-path ALGO HASH NAME
int opNixStoreReadLog(NixStoreInvocation &inv);        // --read-log / -l PATHS
int opNixStoreInit(NixStoreInvocation &inv);           // --init
int opNixStoreDumpDb(NixStoreInvocation &inv);         // --dump-db [PATHS]
// nix_store_keys.cpp: --generate-binary-cache-key NAME SECRET PUBLIC
int opNixStoreGenerateBinaryCacheKey(NixStoreInvocation &inv);

} // namespace bastion::cli
