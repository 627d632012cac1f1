#include <stdio.h>

#include "demo.h"

int main(void) {
  printf("demo: %s\n", demo_greeting());
  return 0;
}
