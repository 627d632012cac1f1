// `nix-hash`, as in Nix 2.8 (src/nix/hash.cc, compatNixHash):
//
//   nix-hash [--flat] [--base32] [--truncate] [--type ALGO] PATH...
//   nix-hash [--type ALGO] --to-base16 HASH...
//   nix-hash [--type ALGO] --to-base32 HASH...
//
// The default is the MD5 of the NAR serialisation, printed in base-16. All
// flags apply to every operand wherever they appear, the last --to-* wins,
// and nothing is hashed until the whole command line has been read. Nix 2.8
// has no --base64, --sri or --to-sri/--to-base64 here (those belong to
// `nix hash`), so they are refused as unrecognised flags, as Nix does.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <vector>

#include "cli/commands.h"
#include "cli/legacy_args.h"
#include "cli/legacy_hash.h"
#include "cli/version.h"
#include "format/nar.h"
#include "util/error.h"
#include "util/exit.h"
#include "util/fd.h"
#include "util/io.h"

namespace bastion::cli {

using namespace bastion::format;

namespace {

// Nix's readFile(path, sink): the file's bytes, symlinks followed.
Hash hashFlat(HashAlgo algo, const std::string &path) {
  util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    util::throwSysError("opening file '" + path + "'", path);
  HashSink sink(algo);
  std::vector<char> buf(1 << 20);
  for (;;) {
    size_t n = util::readFull(fd.get(), buf.data(), buf.size(), "reading from file");
    if (n == 0)
      break;
    sink.update(std::string_view(buf.data(), n));
  }
  return sink.finish();
}

void printHelp() {
  std::cout << "Usage: nix-hash [--flat] [--base32] [--truncate] [--type ALGO] PATH...\n"
               "       nix-hash [--type ALGO] --to-base16 HASH...\n"
               "       nix-hash [--type ALGO] --to-base32 HASH...\n"
               "\n"
               "Prints the cryptographic hash of the NAR serialisation of each PATH\n"
               "(of its contents with --flat), MD5 in base-16 unless told otherwise;\n"
               "ALGO is md5, sha1, sha256 or sha512. --truncate folds hashes longer\n"
               "than 160 bits to 160 bits. --to-base16/--to-base32 convert hashes.\n";
}

} // namespace

int cmdNixHash(const std::string &name, std::vector<std::string> &args) {
  HashAlgo algo = HashAlgo::MD5;
  bool flat = false, base32 = false, truncate = false;
  enum { Hashing, ToBase32, ToBase16 } op = Hashing;
  std::vector<std::string> operands;
  try {
    parseLegacyArgs(args, [&](ArgCursor &arg) {
      const std::string &a = *arg;
      // Like Nix, --help and --version act at once, ignoring the rest.
      if (a == "--help") {
        printHelp();
        throw util::ExitNow{};
      }
      if (a == "--version") {
        std::cout << versionText("nix-hash");
        throw util::ExitNow{};
      }
      if (a == "--flat")
        flat = true;
      else if (a == "--base32")
        base32 = true;
      else if (a == "--truncate")
        truncate = true;
      else if (a == "--type")
        algo = parseHashAlgoLegacy(arg.next());
      else if (a == "--to-base16")
        op = ToBase16;
      else if (a == "--to-base32")
        op = ToBase32;
      else if (!a.empty() && a[0] == '-')
        return false;
      else
        operands.push_back(a);
      return true;
    });

    for (const std::string &s : operands) {
      if (op == Hashing) {
        Hash h = flat ? hashFlat(algo, s) : hashPath(algo, s);
        if (truncate && h.size > 20)
          h = compressHash(h, 20);
        std::cout << h.to(base32 ? HashFormat::Nix32 : HashFormat::Base16, false) << "\n";
      } else {
        Hash h = parseHashLegacy(s, algo);
        std::cout << h.to(op == ToBase32 ? HashFormat::Nix32 : HashFormat::Base16, false) << "\n";
      }
      std::cout.flush();
    }
    return 0;
  } catch (const util::ExitNow &e) {
    return e.code;
  } catch (const UsageError &e) {
    return reportUsageError(name, e);
  } catch (const std::exception &e) {
    // SysError, NarError and BadHash all print as
    // "error: <message>".
    return reportError(e.what());
  }
}

} // namespace bastion::cli
