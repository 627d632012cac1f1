// libFuzzer target: arbitrary bytes as the string passed to builtins.fromJSON
// (package.json, lock files). See data_fuzzer.h.
#include "data_fuzzer.h"

extern "C" const char *__ubsan_default_options() { return "print_stacktrace=1"; }

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  data_fuzzer::init("fromJSON");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return data_fuzzer::run(data, size);
}
