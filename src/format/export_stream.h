// The stream of `nix-store --export` / `--import` (Nix 2.8's exportPaths
// and importPaths): for each path, the number 1, its NAR, the magic
// 0x4558494e, the path, its references, its deriver and a 0 (no legacy
// signature); then a 0. Numbers are 64-bit little-endian; strings are a
// length, the bytes, and zeros up to a multiple of eight.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "format/nar.h"

namespace bastion::format {

inline constexpr uint64_t kExportMagic = 0x4558494e;

// Wire primitives (Nix's serialise.hh).
void writeNum(NarSink &sink, uint64_t n);
void writeString(NarSink &sink, std::string_view s);
uint64_t readNum(NarSource &source);
// Throws NarError for a string longer than maxLength.
std::string readString(NarSource &source, size_t maxLength = 1 << 20);

// What follows a path's NAR in the stream.
struct ExportTrailer {
  std::string path;                 // printed store path
  std::set<std::string> references; // printed store paths
  std::string deriver;              // "" if none
};

void writeTrailer(NarSink &sink, const ExportTrailer &t);
// Reads the magic, the trailer and the (ignored) legacy signature; throws
// NarError "Nix archive cannot be imported; wrong format" on a bad magic.
ExportTrailer readTrailer(NarSource &source);

} // namespace bastion::format
