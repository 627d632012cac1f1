#include "demo.h"

static const char greeting[] = "hello from libdemo";

const char *demo_greeting(void) { return greeting; }
