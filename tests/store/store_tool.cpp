// Test-only command line front end to the local store, for the
// interoperability tests against Nix (tests/store/interop.py).
//
//   store_tool add-text ROOT NAME FILE [REF...]        prints the store path
//   store_tool add-path ROOT NAME PATH [--flat] [--algo A] [--exclude BASENAME]...
//                                                     prints the store path and content hash
//   store_tool write-drv ROOT NAME FILE               FILE holds an ATerm; prints the .drv path
//   store_tool read-drv ROOT DRVPATH                  prints the ATerm
//   store_tool info ROOT PATH                         prints the path's row as JSON
//   store_tool valid ROOT PATH [--read-only]          exit 0 if valid, 1 if not
//
// Exit code 2 and a message on stderr for any error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "format/derivation.h"
#include "store/store.h"

using namespace bastion;
using namespace bastion::store;

namespace {

std::string slurp(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    throw StoreError("cannot read '" + path + "'");
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

int usage() {
  std::cerr << "usage: store_tool (add-text|add-path|write-drv|read-drv|info|valid) ROOT ...\n";
  return 2;
}

int run(const std::vector<std::string> &a) {
  if (a.size() < 3)
    return usage();
  const std::string &cmd = a[1];
  const std::string &root = a[2];
  if (cmd == "add-text" && a.size() >= 5) {
    auto store = LocalStore::open(root, false);
    std::set<StorePath> refs;
    for (size_t i = 5; i < a.size(); ++i)
      refs.insert(store->parseStorePath(a[i]));
    std::cout << store->printStorePath(store->addTextToStore(a[3], slurp(a[4]), refs)) << "\n";
    return 0;
  }
  if (cmd == "add-path" && a.size() >= 5) {
    auto method = FileIngestionMethod::Recursive;
    HashAlgo algo = HashAlgo::SHA256;
    std::set<std::string> excluded;
    for (size_t i = 5; i < a.size(); ++i) {
      if (a[i] == "--flat") {
        method = FileIngestionMethod::Flat;
      } else if (a[i] == "--algo" && i + 1 < a.size()) {
        algo = format::parseHashAlgoOrThrow(a[++i]);
      } else if (a[i] == "--exclude" && i + 1 < a.size()) {
        excluded.insert(a[++i]);
      } else {
        return usage();
      }
    }
    PathFilter filter;
    if (!excluded.empty())
      filter = [&](const std::string &path) {
        return !excluded.count(path.substr(path.rfind('/') + 1));
      };
    auto store = LocalStore::open(root, false);
    auto [path, hash] = store->addToStore(a[3], a[4], method, algo, filter);
    std::cout << store->printStorePath(path) << " " << hash.to(format::HashFormat::Nix32, true)
              << "\n";
    return 0;
  }
  if (cmd == "write-drv" && a.size() == 5) {
    auto store = LocalStore::open(root, false);
    format::Derivation drv = format::parseDerivation(slurp(a[4]));
    std::cout << store->printStorePath(store->writeDerivation(drv, a[3])) << "\n";
    return 0;
  }
  if (cmd == "read-drv" && a.size() == 4) {
    auto store = LocalStore::open(root, true);
    std::cout << format::unparseDerivation(store->readDerivation(store->parseStorePath(a[3])));
    return 0;
  }
  if (cmd == "info" && a.size() == 4) {
    auto store = LocalStore::open(root, true);
    auto info = store->queryPathInfo(store->parseStorePath(a[3]));
    if (!info)
      throw StoreError("path '" + a[3] + "' is not valid");
    std::cout << "{\"path\": " << jsonString(store->printStorePath(info->path))
              << ", \"narHash\": " << jsonString(info->narHash.to(format::HashFormat::Base16, true))
              << ", \"narSize\": " << info->narSize << ", \"references\": [";
    bool first = true;
    for (const StorePath &r : info->references) {
      std::cout << (first ? "" : ", ") << jsonString(store->printStorePath(r));
      first = false;
    }
    std::cout << "], \"deriver\": " << jsonString(info->deriver)
              << ", \"ca\": " << jsonString(info->ca)
              << ", \"ultimate\": " << (info->ultimate ? "true" : "false")
              << ", \"registrationTime\": " << info->registrationTime << "}\n";
    return 0;
  }
  if (cmd == "valid" && (a.size() == 4 || (a.size() == 5 && a[4] == "--read-only"))) {
    auto store = LocalStore::open(root, a.size() == 5);
    return store->isValidPath(store->parseStorePath(a[3])) ? 0 : 1;
  }
  return usage();
}

} // namespace

int main(int argc, char **argv) {
  try {
    return run(std::vector<std::string>(argv, argv + argc));
  } catch (const std::exception &e) {
    std::cerr << "store_tool: " << e.what() << "\n";
    return 2;
  }
}
