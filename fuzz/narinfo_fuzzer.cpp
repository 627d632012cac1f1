// libFuzzer target: arbitrary bytes through the .narinfo parser
// (parseNarInfo) and, for accepted input, the printer and the fingerprint
// signatures are over; also the nix-cache-info parser.
//
// NarInfoError is the expected outcome for most inputs. The parser ignores
// unknown keys and takes fields in any order, so print(parse(x)) == x holds
// only for Nix's own files (format_narinfo_test checks those); what must
// hold for every accepted x is that the printed form is a fixed point:
// parse(print(parse(x))) prints the same text again. Any difference aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "format/narinfo.h"

using namespace bastion::format;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view input(reinterpret_cast<const char *>(data), size);
  try {
    (void)printCacheInfo(parseCacheInfo(input, "fuzz"));
  } catch (const NarInfoError &) {
  }
  NarInfo info;
  try {
    info = parseNarInfo(input, "fuzz");
  } catch (const NarInfoError &) {
    return 0;
  }
  std::string printed = printNarInfo(info);
  try {
    if (printNarInfo(parseNarInfo(printed, "printed")) != printed)
      std::abort();
  } catch (const NarInfoError &) {
    std::abort(); // the printer wrote something the parser refuses
  }
  (void)narInfoFingerprint(info);
  return 0;
}
