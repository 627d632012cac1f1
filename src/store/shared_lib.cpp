#include "store/shared_lib.h"

#include <dlfcn.h>

#include <mutex>

#include "store/store.h"

namespace bastion::store {

namespace {
std::mutex gMutex; // dlerror's state is per thread, but loading is shared
}

void *SharedLib::symbol(const char *name) {
  std::lock_guard<std::mutex> lk(gMutex);
  if (!handle_) {
    handle_ = ::dlopen(soname_.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
      const char *err = ::dlerror();
      throw StoreError("cannot load " + soname_ + ": " + (err ? err : "unknown error"));
    }
  }
  ::dlerror();
  void *p = ::dlsym(handle_, name);
  if (!p) {
    const char *err = ::dlerror();
    throw StoreError("cannot find " + std::string(name) + " in " + soname_ + ": " +
                     (err ? err : "no such symbol"));
  }
  return p;
}

SharedLib &libcurl() {
  static SharedLib *lib = new SharedLib(BASTION_LIBCURL_SONAME);
  return *lib;
}

SharedLib &libarchive() {
  static SharedLib *lib = new SharedLib(BASTION_LIBARCHIVE_SONAME);
  return *lib;
}

} // namespace bastion::store
