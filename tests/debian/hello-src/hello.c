#include <stdio.h>
#include <stdlib.h>
int main(void) {
  const char *who = getenv("GREETING_WHO");
  printf("hello, %s (" VERSION ")\n", who ? who : "nobody");
  return 0;
}
