/* libdemo: what tests/debian/fixup_live.py builds and splits. */
#ifndef DEMO_H
#define DEMO_H
const char *demo_greeting(void);
#endif
