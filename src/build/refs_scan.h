// Finding references: a store object refers to another when the other's
// 32-character hash part occurs anywhere in its NAR serialisation (file
// contents, symlink targets, even file names), as Nix decides it. Nothing
// else is needed because store paths are hard to write down by accident.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <unordered_set>

#include "format/nar.h"

namespace bastion::build {

// Feeds on NAR bytes (in any chunking) and collects which of the candidate
// hash parts it has seen.
class RefScanSink : public format::NarSink {
public:
  explicit RefScanSink(const std::set<std::string> &hashParts);
  void write(std::string_view data) override;
  const std::set<std::string> &found() const { return found_; }

private:
  void scan(std::string_view data);

  std::unordered_set<std::string> candidates_;
  std::set<std::string> found_;
  std::string tail_; // the last bytes of the previous chunk, for matches across chunks
};

// Writes to two sinks: hashing and scanning read the NAR only once.
struct TeeNarSink : format::NarSink {
  format::NarSink &a;
  format::NarSink &b;
  TeeNarSink(format::NarSink &x, format::NarSink &y) : a(x), b(y) {}
  void write(std::string_view data) override {
    a.write(data);
    b.write(data);
  }
};

} // namespace bastion::build
