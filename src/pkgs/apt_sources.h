// The machine's apt sources, read as apt reads them: sources.list (one
// line per source: "deb [opts] URI SUITE COMPONENT...") and then the files
// of sources.list.d in name order, *.list in that format and *.sources in
// deb822 (paragraphs with Types, URIs, Suites, Components, Enabled).
// Bastion has no mirror built in: the default is the first `deb` URI that
// the machine lists for the suite.
#pragma once

#include <string>
#include <vector>

namespace bastion::pkgs {

struct AptSource {
  std::string uri;
  std::vector<std::string> suites, components;
  std::string origin; // file:line, for messages
};

// Every enabled `deb` source under etcDir ("/etc/apt"), in apt's order.
std::vector<AptSource> readAptSources(const std::string &etcDir);

// The first URI serving `suite`, without a trailing slash; throws
// std::runtime_error naming the files read when there is none.
std::string defaultMirror(const std::string &etcDir, const std::string &suite);

} // namespace bastion::pkgs
