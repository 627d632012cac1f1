#include "cli/legacy_args.h"

#include <cctype>
#include <iostream>
#include <set>
#include <string_view>

namespace bastion::cli {

namespace {

// Nix 2.8's settings (`nix show-config`), which its tools accept as flags.
// Boolean ones: --NAME and --no-NAME.
const std::set<std::string_view> kBoolSettings = {"accept-flake-config",
                                                  "allow-dirty",
                                                  "allow-import-from-derivation",
                                                  "allow-new-privileges",
                                                  "allow-symlinked-store",
                                                  "allow-unsafe-native-code-during-evaluation",
                                                  "auto-optimise-store",
                                                  "builders-use-substitutes",
                                                  "compress-build-log",
                                                  "enforce-determinism",
                                                  "eval-cache",
                                                  "fallback",
                                                  "filter-syscalls",
                                                  "fsync-metadata",
                                                  "http2",
                                                  "impersonate-linux-26",
                                                  "keep-build-log",
                                                  "keep-derivations",
                                                  "keep-env-derivations",
                                                  "keep-failed",
                                                  "keep-going",
                                                  "keep-outputs",
                                                  "preallocate-contents",
                                                  "print-missing",
                                                  "pure-eval",
                                                  "require-sigs",
                                                  "restrict-eval",
                                                  "run-diff-hook",
                                                  "sandbox",
                                                  "sandbox-fallback",
                                                  "show-trace",
                                                  "substitute",
                                                  "sync-before-registering",
                                                  "trace-function-calls",
                                                  "use-case-hack",
                                                  "use-registries",
                                                  "use-sqlite-wal",
                                                  "warn-dirty"};

// The others take one value: --NAME VALUE (and --extra-NAME VALUE).
const std::set<std::string_view> kValueSettings = {"access-tokens",
                                                   "allowed-impure-host-deps",
                                                   "allowed-uris",
                                                   "allowed-users",
                                                   "bash-prompt",
                                                   "bash-prompt-suffix",
                                                   "build-hook",
                                                   "build-poll-interval",
                                                   "build-users-group",
                                                   "builders",
                                                   "commit-lockfile-summary",
                                                   "connect-timeout",
                                                   "cores",
                                                   "diff-hook",
                                                   "download-attempts",
                                                   "experimental-features",
                                                   "extra-platforms",
                                                   "flake-registry",
                                                   "gc-reserved-space",
                                                   "hashed-mirrors",
                                                   "http-connections",
                                                   "ignored-acls",
                                                   "log-lines",
                                                   "max-build-log-size",
                                                   "max-free",
                                                   "max-jobs",
                                                   "max-silent-time",
                                                   "min-free",
                                                   "min-free-check-interval",
                                                   "nar-buffer-size",
                                                   "narinfo-cache-negative-ttl",
                                                   "narinfo-cache-positive-ttl",
                                                   "netrc-file",
                                                   "nix-path",
                                                   "plugin-files",
                                                   "post-build-hook",
                                                   "pre-build-hook",
                                                   "repeat",
                                                   "sandbox-build-dir",
                                                   "sandbox-dev-shm-size",
                                                   "sandbox-paths",
                                                   "secret-key-files",
                                                   "stalled-download-timeout",
                                                   "store",
                                                   "substituters",
                                                   "system",
                                                   "system-features",
                                                   "tarball-ttl",
                                                   "timeout",
                                                   "trusted-public-keys",
                                                   "trusted-substituters",
                                                   "trusted-users",
                                                   "user-agent-suffix"};

// How many values a common flag takes; -1 when `flag` is not one.
int commonFlagArity(std::string_view flag) {
  static const std::set<std::string_view> noValue = {
      "--verbose", "-v", "--quiet", "--debug",         "--no-build-output",
      "-Q",        "-K", "-k",      "--readonly-mode", "--no-gc-warning"};
  static const std::set<std::string_view> oneValue = {"--log-format", "-j"};
  if (noValue.count(flag))
    return 0;
  if (oneValue.count(flag))
    return 1;
  if (flag == "--option")
    return 2;
  if (flag.substr(0, 2) != "--")
    return -1;
  std::string_view name = flag.substr(2);
  if (kBoolSettings.count(name))
    return 0;
  if (name.substr(0, 3) == "no-" && kBoolSettings.count(name.substr(3)))
    return 0;
  if (kValueSettings.count(name))
    return 1;
  if (name.substr(0, 6) == "extra-" && kValueSettings.count(name.substr(6)))
    return 1;
  return -1;
}

} // namespace

std::string ArgCursor::next() {
  const std::string flag = args_[pos_];
  if (pos_ + 1 >= end_)
    throw UsageError("'" + flag + "' requires an argument");
  return args_[++pos_];
}

namespace {

void recordSetting(const std::vector<std::string> &args, size_t pos, LegacySettings &out) {
  const std::string &flag = args[pos];
  if (flag == "--option")
    out.emplace_back(args[pos + 1], args[pos + 2]);
  else if (flag == "-j")
    out.emplace_back("max-jobs", args[pos + 1]);
  else if (flag == "-k")
    out.emplace_back("keep-going", "true");
  else if (flag == "-K")
    out.emplace_back("keep-failed", "true");
  else if (flag == "-Q" || flag == "--no-build-output")
    out.emplace_back("build-output", "false");
  else if (flag.rfind("--", 0) == 0) {
    std::string name = flag.substr(2);
    if (kBoolSettings.count(name))
      out.emplace_back(name, "true");
    else if (name.rfind("no-", 0) == 0 && kBoolSettings.count(name.substr(3)))
      out.emplace_back(name.substr(3), "false");
    else if (commonFlagArity(flag) == 1)
      out.emplace_back(name, args[pos + 1]);
  }
}

} // namespace

void expandCompound(std::vector<std::string> &args, size_t pos) {
  std::string arg = args[pos];
  if (arg.size() <= 2 || arg[0] != '-' || arg[1] == '-' ||
      !std::isalpha(static_cast<unsigned char>(arg[1])))
    return;
  std::vector<std::string> parts = {std::string("-") + arg[1]};
  for (size_t j = 2; j < arg.size(); ++j) {
    if (std::isalpha(static_cast<unsigned char>(arg[j]))) {
      parts.push_back(std::string("-") + arg[j]);
    } else {
      parts.push_back(arg.substr(j));
      break;
    }
  }
  args.erase(args.begin() + static_cast<std::ptrdiff_t>(pos));
  args.insert(args.begin() + static_cast<std::ptrdiff_t>(pos), parts.begin(), parts.end());
}

void parseLegacyArgs(std::vector<std::string> args, const LegacyArgHandler &handler,
                     LegacySettings *settings, bool nixEnv) {
  bool dashDash = false;
  for (size_t pos = 0; pos < args.size();) {
    if (!dashDash)
      expandCompound(args, pos);
    const std::string arg = args[pos];
    if (!dashDash && arg == "--") {
      dashDash = true;
      ++pos;
    } else if (!dashDash && !arg.empty() && arg[0] == '-') {
      int arity = nixEnv && arg == "--system" ? -1 : commonFlagArity(arg);
      if (arity >= 0) {
        if (pos + static_cast<size_t>(arity) >= args.size())
          throw UsageError("flag '" + arg + "' requires " + std::to_string(arity) + " argument(s)");
        if (settings)
          recordSetting(args, pos, *settings);
        pos += 1 + static_cast<size_t>(arity);
        continue;
      }
      ArgCursor cursor(args, pos, args.size());
      if (!handler(cursor))
        throw UsageError("unrecognised flag '" + arg + "'");
      ++pos;
    } else {
      // Operands (and everything after "--") are offered one at a
      // time, with nothing after them: a flag there cannot take a value.
      std::vector<std::string> one = {arg};
      size_t onePos = 0;
      ArgCursor cursor(one, onePos, 1);
      if (!handler(cursor))
        throw UsageError("unexpected argument '" + arg + "'");
      ++pos;
    }
  }
}

namespace {

// Nix indents the continuation lines of a message under its "error: "
// prefix, leaving empty lines empty.
std::string indentMessage(const std::string &msg) {
  std::string out;
  for (size_t i = 0; i < msg.size(); ++i) {
    out += msg[i];
    if (msg[i] == '\n' && i + 1 < msg.size() && msg[i + 1] != '\n')
      out += "       ";
  }
  return out;
}

} // namespace

int reportUsageError(const std::string &program, const UsageError &e) {
  std::cerr << "error: " << indentMessage(e.what()) << "\nTry '" << program
            << " --help' for more information.\n";
  return 1;
}

int reportError(const std::string &what) {
  std::cerr << "error: " << indentMessage(what) << "\n";
  return 1;
}

} // namespace bastion::cli
