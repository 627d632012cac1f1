// `nix-store`: the command line as Nix 2.8 parses it (src/nix-store/
// nix-store.cc, main_nix_store), then one operation from the table below.
// Operations Bastion does not have yet are listed with no function, so
// they are refused by name instead of being mistaken for unknown flags.
#include <unistd.h>

#include <iostream>
#include <string_view>

#include "cli/commands.h"
#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/version.h"
#include "store/fs_util.h"
#include "util/exit.h"
#include "util/path.h"

namespace bastion::cli {

namespace {

struct Operation {
  std::string_view canonical; // the long name, used in messages
  std::vector<std::string_view> aliases;
  NixStoreOp run; // nullptr: not implemented yet
};

const std::vector<Operation> &operations() {
  static const std::vector<Operation> table = {
      {"--realise", {"--realize", "-r"}, opNixStoreRealise},
      {"--add", {"-A"}, opNixStoreAdd},
      {"--add-fixed", {}, opNixStoreAddFixed},
      {"--print-fixed-path", {}, opNixStorePrintFixedPath},
      {"--delete", {}, opNixStoreDelete},
      {"--query", {"-q"}, opNixStoreQuery},
      {"--print-env", {}, nullptr},
      {"--read-log", {"-l"}, opNixStoreReadLog},
      {"--dump-db", {}, opNixStoreDumpDb},
      {"--load-db", {}, nullptr},
      {"--register-validity", {}, nullptr},
      {"--check-validity", {}, opNixStoreCheckValidity},
      {"--gc", {}, opNixStoreGc},
      {"--dump", {}, opNixStoreDump},
      {"--restore", {}, opNixStoreRestore},
      {"--export", {}, opNixStoreExport},
      {"--import", {}, opNixStoreImport},
      {"--init", {}, opNixStoreInit},
      {"--verify", {}, opNixStoreVerify},
      {"--verify-path", {}, opNixStoreVerifyPath},
      {"--repair-path", {}, nullptr},
      {"--optimise", {"--optimize"}, opNixStoreOptimise},
      {"--serve", {}, nullptr},
      {"--generate-binary-cache-key", {}, opNixStoreGenerateBinaryCacheKey},
      {"--version", {}, nullptr}, // handled in cmdNixStore
  };
  return table;
}

const Operation *findOperation(std::string_view flag) {
  for (const Operation &op : operations()) {
    if (op.canonical == flag)
      return &op;
    for (std::string_view alias : op.aliases)
      if (alias == flag)
        return &op;
  }
  return nullptr;
}

// Nix shows its man page; ours lists what the table above has.
void printHelp() {
  auto names = [](const Operation &op) {
    std::string s(op.canonical);
    for (std::string_view alias : op.aliases)
      s += ", " + std::string(alias);
    return s;
  };
  std::cout << "Usage: nix-store OPERATION [OPTIONS...] [ARGUMENTS...]\n\n"
               "Operations available in Bastion (as in Nix 2.8's nix-store(1)):\n";
  for (const Operation &op : operations())
    if (op.run)
      std::cout << "  " << names(op) << "\n";
  std::cout << "  --version\n\nRecognised but not implemented yet:\n";
  for (const Operation &op : operations())
    if (!op.run && op.canonical != "--version")
      std::cout << "  " << names(op) << "\n";
}

} // namespace

int cmdNixStore(const std::string &name, std::vector<std::string> &args) {
  NixStoreInvocation inv;
  const Operation *op = nullptr;
  bool readFromStdin = false;
  try {
    parseLegacyArgs(
        args,
        [&](ArgCursor &arg) {
          const std::string &a = *arg;
          const Operation *oldOp = op;
          if (a == "--help") {
            printHelp();
            throw util::ExitNow{};
          }
          if (const Operation *found = findOperation(a))
            op = found;
          else if (a == "--add-root")
            inv.gcRoot = util::absPath(arg.next());
          else if (a == "--stdin" && !isatty(STDIN_FILENO))
            readFromStdin = true;
          else if (a == "--indirect") {
          } // accepted and ignored, as in Nix
          else if (a == "--no-output")
            inv.noOutput = true;
          else if (!a.empty() && a[0] == '-') {
            inv.flags.push_back(a);
            // Nix's own "hack": these flags of --gc take a value.
            if (a == "--max-freed" || a == "--max-links" || a == "--max-atime")
              inv.flags.push_back(arg.next());
          } else {
            inv.args.push_back(a);
          }

          bool stdinIsData = op && (op->canonical == "--import" || op->canonical == "--restore" ||
                                    op->canonical == "--serve");
          if (readFromStdin && !stdinIsData) {
            std::string word;
            while (std::cin >> word)
              inv.args.push_back(std::move(word));
          }
          if (oldOp && oldOp != op)
            throw UsageError("only one operation may be specified");
          return true;
        },
        &inv.settings);
    if (!op)
      throw UsageError("no operation specified");
    if (op->canonical == "--version") {
      std::cout << versionText("nix-store");
      return 0;
    }
    if (!op->run)
      return reportError("nix-store " + std::string(op->canonical) +
                         " is not implemented in Bastion yet");
    return op->run(inv);
  } catch (const util::ExitNow &e) {
    return e.code;
  } catch (const UsageError &e) {
    return reportUsageError(name, e);
  } catch (const std::exception &e) {
    return reportError(e.what());
  }
}

} // namespace bastion::cli
