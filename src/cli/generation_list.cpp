#include "cli/generation_list.h"

#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace bastion::cli {

std::string generationListLine(const store::Generation &g, bool current) {
  struct tm t;
  if (!localtime_r(&g.creationTime, &t))
    throw std::runtime_error("cannot convert time");
  char line[128];
  snprintf(line, sizeof line, "%4u   %4d-%02d-%02d %02d:%02d:%02d   %s\n", g.number,
           t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
           current ? "(current)" : "");
  return line;
}

} // namespace bastion::cli
