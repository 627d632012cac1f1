// The command-line convention of Nix's classic tools (nix-hash, nix-store,
// …), as libmain's parseCmdLine/LegacyArgs implement it in Nix 2.8, so the
// same command lines are accepted and refused with the same messages:
//
//  * "-abc" is split into "-a -b -c", and "-j3" into "-j 3";
//  * "--" ends the flags, but Nix still hands every later argument to the
//    tool's own handler (so "nix-hash -- --flat" sets --flat);
//  * the common flags (--verbose, --option NAME VALUE, --store URL, every
//    Nix setting as --NAME [VALUE] / --no-NAME, …) are accepted and
//    reported as settings to the tools that use them;
//  * "--name=value" is not supported (neither is it in Nix 2.8).
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bastion::cli {

// Nix's UsageError: printed as "error: <msg>" plus a line pointing at --help.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The argument being handled, and access to the ones after it.
class ArgCursor {
public:
  ArgCursor(std::vector<std::string> &args, size_t &pos, size_t end)
      : args_(args), pos_(pos), end_(end) {}
  const std::string &operator*() const { return args_[pos_]; }
  const std::string *operator->() const { return &args_[pos_]; }
  // Consumes and returns the next argument, as Nix's getArg; throws
  // UsageError "'<flag>' requires an argument" when there is none.
  std::string next();

private:
  std::vector<std::string> &args_;
  size_t &pos_;
  size_t end_;
};

// Returns false for an argument the tool does not know; parseLegacyArgs
// then fails with "unrecognised flag '<arg>'" (or "unexpected argument").
using LegacyArgHandler = std::function<bool(ArgCursor &arg)>;

// A common flag as the setting it sets: "--option cores 4", "--cores 4"
// and "--store DIR" become {"cores","4"}, {"store","DIR"}; "-j 3" is
// max-jobs, "-k" keep-going, "-K" keep-failed, "--no-NAME" {"NAME","false"}.
using LegacySettings = std::vector<std::pair<std::string, std::string>>;

// Nix expands "-abc" to "-a -b -c" and "-j3" to "-j 3", in place at pos,
// before it looks at an argument.
void expandCompound(std::vector<std::string> &args, size_t pos);

// Walks `args` (without the program name), calling `handler` for every
// argument that is not a common flag; the common flags' settings are
// appended to `settings` when given. Throws UsageError. For nix-env,
// `--system` is not the setting but its own query flag, as in Nix
// ("nix-env already had a --system flag").
void parseLegacyArgs(std::vector<std::string> args, const LegacyArgHandler &handler,
                     LegacySettings *settings = nullptr, bool nixEnv = false);

// Prints an error the way Nix's handleExceptions does and returns the exit
// code (1). `program` names the tool in the --help hint of usage errors.
int reportUsageError(const std::string &program, const UsageError &e);
int reportError(const std::string &what);

} // namespace bastion::cli
