// Under AddressSanitizer: the parsed syntax trees (and the scopes made for
// them) live until the process ends and are never freed, exactly as in Nix,
// so LeakSanitizer would report every parse. Leak checking is off by default;
// ASAN_OPTIONS=detect_leaks=1 still turns it on.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(__SANITIZE_ADDRESS__)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char *__asan_default_options() { return "detect_leaks=0"; }
#endif
