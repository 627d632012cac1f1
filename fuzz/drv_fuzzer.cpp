// libFuzzer target: arbitrary bytes through the ATerm derivation parser
// (parseDerivation) and, for accepted input, the functions that consume a
// parsed derivation (unparse, hash modulo, output and .drv paths).
//
// DerivationError is the expected outcome for most inputs. The parser is as
// lenient as Nix 2.8's (unknown escapes such as "\q" read as "q", env and
// output lists need not be sorted, a repeated env key keeps the last value,
// inputSrcs may repeat), so unparse(parse(x)) == x only holds for text in
// canonical form. What must hold for every accepted x is that the canonical
// form is a fixed point: with y = unparse(parse(x)), parse(y) succeeds,
// equals parse(x), and unparse(parse(y)) == y. Any difference aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "format/derivation.h"

using namespace bastion::format;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view input(reinterpret_cast<const char *>(data), size);
  Derivation drv;
  try {
    drv = parseDerivation(input);
  } catch (const DerivationError &) {
    return 0;
  }

  std::string canonical = unparseDerivation(drv);
  Derivation again;
  try {
    again = parseDerivation(canonical);
  } catch (const DerivationError &) {
    std::abort(); // the printer wrote something the parser refuses
  }
  if (!(again == drv))
    std::abort();
  if (unparseDerivation(again) != canonical)
    std::abort();

  // The consumers of a parsed derivation must fail cleanly, never crash.
  DrvHashLookup lookup = [](const std::string &) { return Hash(HashAlgo::SHA256); };
  try {
    (void)hashDerivationModulo(drv, false, lookup);
    (void)hashDerivationModulo(drv, true, lookup);
  } catch (const DerivationError &) {
  }
  try {
    (void)computeDerivationPath(drv, "fuzz");
  } catch (const DerivationError &) {
  } catch (const BadStorePath &) {
  }
  try {
    (void)computeOutputPaths(drv, "fuzz", lookup);
  } catch (const DerivationError &) {
  } catch (const BadStorePath &) {
  }
  return 0;
}
