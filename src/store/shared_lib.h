// Shared libraries loaded on first use. libcurl and libarchive (fetching,
// unpacking, compressed logs) bring in some forty libraries between them,
// and loading those at start-up cost every command about 15 ms whether it
// fetched anything or not: more than evaluating a small expression. They
// are opened with dlopen when first needed instead.
#pragma once

#include <string>

namespace bastion::store {

class SharedLib {
public:
  // soname: e.g. "libcurl.so.4" (the build finds it; see CMakeLists.txt).
  explicit SharedLib(std::string soname) : soname_(std::move(soname)) {}
  SharedLib(const SharedLib &) = delete;
  SharedLib &operator=(const SharedLib &) = delete;

  // The address of `name`, loading the library first if need be. Throws
  // StoreError when either cannot be found.
  void *symbol(const char *name);

private:
  std::string soname_;
  void *handle_ = nullptr;
};

SharedLib &libcurl();
SharedLib &libarchive();

} // namespace bastion::store

// `fn` from `lib`, typed as its declaration in the library's header, looked
// up once per call site: BASTION_LAZY(libcurl(), curl_easy_init)().
#define BASTION_LAZY(lib, fn)                                                                      \
  ([]() -> decltype(&fn) {                                                                         \
    static decltype(&fn) f = reinterpret_cast<decltype(&fn)>((lib).symbol(#fn));                   \
    return f;                                                                                      \
  }())
