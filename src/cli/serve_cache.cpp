// bastion serve-cache --listen HOST:PORT [--store DIR] [--sign-key FILE]
// [--priority N] [--threads N]: the store as a binary cache over HTTP
// (store/cache_server.h). Prints "listening on http://HOST:PORT" once the
// socket listens (port 0 picks a free one), then serves until killed.
#include <iostream>

#include "cli/commands.h"
#include "cli/legacy_args.h"
#include "cli/nix_store_common.h"
#include "cli/substituters.h"
#include "store/cache_server.h"
#include "util/exit.h"

namespace bastion::cli {
namespace {
const char *const usage =
    "Usage: bastion serve-cache [--listen HOST:PORT] [--store DIR] [--sign-key FILE]\n"
    "                           [--priority N] [--threads N]\n"
    "Serves the store as a binary cache over HTTP (nix-cache-info, narinfo, NARs).\n"
    "  --listen HOST:PORT  the IPv4 address to listen on (default 127.0.0.1:5000;\n"
    "                      port 0 picks a free one)\n"
    "  --store DIR         the store to serve\n"
    "  --sign-key FILE     sign each narinfo on the fly with this secret key\n"
    "  --priority N        the Priority in nix-cache-info (default 30)\n"
    "  --threads N         connections served at once (default 256)\n";
} // namespace

int cmdServeCache(const std::string &name, std::vector<std::string> &args) {
  try {
    NixStoreInvocation inv;
    store::CacheServerOptions o;
    std::string listen = "127.0.0.1:5000", keyFile;
    auto number = [](const std::string &flag, const std::string &v) {
      try {
        size_t used = 0;
        unsigned long n = std::stoul(v, &used);
        if (used == v.size())
          return n;
      } catch (const std::exception &) {
      }
      throw UsageError("flag '" + flag + "' requires a number, not '" + v + "'");
    };
    parseLegacyArgs(
        args,
        [&](ArgCursor &arg) {
          const std::string &a = *arg;
          if (a == "--help") {
            std::cout << usage;
            throw util::ExitNow{};
          }
          if (a == "--listen")
            listen = arg.next();
          else if (a == "--sign-key")
            keyFile = arg.next();
          else if (a == "--priority")
            o.priority = int(number(a, arg.next()));
          else if (a == "--threads")
            o.threads = unsigned(number(a, arg.next()));
          else
            return false;
          return true;
        },
        &inv.settings);
    size_t colon = listen.rfind(':');
    if (colon == std::string::npos)
      throw UsageError("--listen wants HOST:PORT, not '" + listen + "'");
    o.host = listen.substr(0, colon);
    o.port = int(number("--listen", listen.substr(colon + 1)));
    if (o.port > 65535)
      throw UsageError("--listen: port " + std::to_string(o.port) + " is out of range");
    if (!keyFile.empty())
      o.signKey = readSecretKeyFile(keyFile);
    // Not read-only: a read-only connection to a database without a WAL
    // file is opened immutable and would not see paths added later.
    StoreSession s = openStoreSession(inv);
    store::serveCache(*s.store, o, [&](int port) {
      std::cout << "listening on http://" << o.host << ":" << port << std::endl;
    });
    return 0;
  } catch (const UsageError &e) {
    return reportUsageError(name, e);
  } catch (const std::exception &e) {
    return reportError(e.what());
  }
}

} // namespace bastion::cli
