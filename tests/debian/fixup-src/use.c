/* Linked against libdemo through its dev output and pkg-config; and
   against Debian's libcurl, OpenSSL and zlib through their -dev packages. */
#include <stdio.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <zlib.h>

#include "demo.h"

int main(void) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256((const unsigned char *)"abc", 3, md);
  printf("demo: %s\n", demo_greeting());
  printf("curl: %s\n", curl_version());
  printf("openssl: %s sha256(abc)=%02x%02x%02x%02x\n", OpenSSL_version(OPENSSL_VERSION), md[0],
         md[1], md[2], md[3]);
  printf("zlib: %s\n", zlibVersion());
  return 0;
}
