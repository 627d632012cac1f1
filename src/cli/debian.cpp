// bastion debian lock|resolve: a Debian suite pinned by its signed index
// (pkgs/lock.h) and the closure apt would install from it (pkgs/resolve.h).
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/store_open.h"
#include "pkgs/index.h"
#include "pkgs/lock.h"
#include "pkgs/resolve.h"
#include "pkgs/version.h"

namespace bastion::cli {

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char kUsage[] =
    "usage: bastion debian lock [--suite S] [--components C] [--arch A] [--mirror URL]\n"
    "                           [--keyring FILE] [--offline DIR] [--store DIR] -o FILE\n"
    "       bastion debian resolve --lock FILE [--json] [--no-essential] [--time] [--store DIR] "
    "PKG...\n"
    "       bastion debian compare-versions A OP B   (as dpkg --compare-versions)\n"
    "       bastion debian compare-versions --stdin  (lines 'A B' -> -1, 0 or 1)\n";

std::string value(std::vector<std::string> &args, size_t &i) {
  if (i + 1 >= args.size())
    throw UsageError("option '" + args[i] + "' needs an argument");
  return args[++i];
}

int lock(std::vector<std::string> &args) {
  pkgs::LockOptions o;
  std::string out;
  std::vector<std::pair<std::string, std::string>> flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (a == "--suite")
      o.suite = value(args, i);
    else if (a == "--components") {
      o.component = value(args, i);
      if (o.component.find_first_of(", ") != std::string::npos)
        throw UsageError("--components: only one component per lock is supported");
    } else if (a == "--arch")
      o.arch = value(args, i);
    else if (a == "--mirror")
      o.mirror = value(args, i);
    else if (a == "--keyring")
      o.keyring = value(args, i);
    else if (a == "--offline")
      o.offlineDir = value(args, i);
    else if (a == "--store")
      flags.emplace_back("store", value(args, i));
    else if (a == "-o" || a == "--output")
      out = value(args, i);
    else
      throw UsageError("unknown argument '" + a + "'");
  }
  if (out.empty())
    throw UsageError("missing -o FILE");
  auto store = openStore(settingsFrom(flags));
  pkgs::DebianLock l = pkgs::makeLock(o, *store);
  pkgs::writeLock(l, out);
  std::cerr << "locked " << l.suite << " (" << l.date << ") from " << l.mirror << " to " << out
            << "\n";
  return 0;
}

int resolve(std::vector<std::string> &args) {
  std::string lockFile;
  bool json = false, time = false;
  pkgs::ResolveOptions ro;
  std::vector<std::string> names;
  std::vector<std::pair<std::string, std::string>> flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (a == "--lock")
      lockFile = value(args, i);
    else if (a == "--json")
      json = true;
    else if (a == "--no-essential")
      ro.essential = false;
    else if (a == "--time")
      time = true;
    else if (a == "--store")
      flags.emplace_back("store", value(args, i));
    else if (a.starts_with("-"))
      throw UsageError("unknown option '" + a + "'");
    else
      names.push_back(a);
  }
  if (lockFile.empty())
    throw UsageError("missing --lock FILE");
  auto t0 = std::chrono::steady_clock::now();
  pkgs::DebianLock l = pkgs::readLock(lockFile);
  auto store = openStore(settingsFrom(flags));
  std::string indexPath = pkgs::packagesIndex(l, *store);
  auto t1 = std::chrono::steady_clock::now();
  pkgs::PackageIndex index(indexPath);
  auto t2 = std::chrono::steady_clock::now();
  auto closure = pkgs::resolve(index, names, ro);
  auto t3 = std::chrono::steady_clock::now();
  if (json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (auto *p : closure)
      j.push_back({{"name", p->name},
                   {"version", p->version},
                   {"architecture", p->arch},
                   {"filename", p->filename},
                   {"sha256", p->sha256}});
    std::cout << j.dump(2) << "\n";
  } else {
    for (auto *p : closure)
      std::cout << p->name << "=" << p->version << "\n";
  }
  if (time) {
    auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
    std::cerr << "index " << ms(t1 - t0) << " ms, parse " << ms(t2 - t1) << " ms ("
              << index.packages().size() << " packages), resolve " << ms(t3 - t2) << " ms ("
              << closure.size() << " chosen)\n";
  }
  return 0;
}

// dpkg --compare-versions A OP B: exit 0 when the relation holds, 1 when
// not. With --stdin, one "A B" pair a line, answered by -1, 0 or 1.
int compareVersionsCmd(std::vector<std::string> &args) {
  if (args.size() == 1 && args[0] == "--stdin") {
    std::string a, b;
    while (std::cin >> a >> b) {
      int c = pkgs::compareVersions(a, b);
      std::cout << (c < 0 ? -1 : c > 0 ? 1 : 0) << "\n";
    }
    return 0;
  }
  if (args.size() != 3)
    throw UsageError("compare-versions needs A OP B");
  int c = pkgs::compareVersions(args[0], args[2]);
  const std::string &op = args[1];
  bool holds;
  if (op == "lt" || op == "<<")
    holds = c < 0;
  else if (op == "le" || op == "<=")
    holds = c <= 0;
  else if (op == "eq" || op == "=")
    holds = c == 0;
  else if (op == "ne")
    holds = c != 0;
  else if (op == "ge" || op == ">=")
    holds = c >= 0;
  else if (op == "gt" || op == ">>")
    holds = c > 0;
  else
    throw UsageError("unknown relation '" + op + "' (lt le eq ne ge gt << <= = >= >>)");
  return holds ? 0 : 1;
}

} // namespace

int cmdDebian(const std::string &name, std::vector<std::string> &args) {
  try {
    if (args.empty())
      throw UsageError("missing subcommand");
    std::string sub = args[0];
    args.erase(args.begin());
    if (sub == "--help" || sub == "help") {
      std::cout << kUsage;
      return 0;
    }
    if (sub == "lock")
      return lock(args);
    if (sub == "resolve")
      return resolve(args);
    if (sub == "compare-versions")
      return compareVersionsCmd(args);
    throw UsageError("unknown subcommand '" + sub + "'");
  } catch (const UsageError &e) {
    std::cerr << "error: " << e.what() << "\n" << kUsage;
    return 1;
  } catch (const std::exception &e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

} // namespace bastion::cli
