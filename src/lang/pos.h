// Source positions. An expression stores a 32-bit index into one table
// instead of a file/line/column triple.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bastion::lang {

struct PosIdx {
  uint32_t id = 0; // 0 means "no position"
  explicit operator bool() const { return id != 0; }
  bool operator==(const PosIdx &) const = default;
};

struct Origin {
  enum Kind { File, Stdin, String, None } kind = None;
  std::string path;                          // for File
  std::shared_ptr<const std::string> source; // for showing the offending line
};

struct Pos {
  uint32_t origin = 0;
  uint32_t line = 0, column = 0;
};

class PosTable {
public:
  PosTable() {
    origins_.emplace_back();
    positions_.emplace_back();
  }
  uint32_t addOrigin(Origin o) {
    origins_.push_back(std::move(o));
    return uint32_t(origins_.size() - 1);
  }
  PosIdx add(uint32_t origin, uint32_t line, uint32_t column) {
    positions_.push_back(Pos{origin, line, column});
    return PosIdx{uint32_t(positions_.size() - 1)};
  }
  const Pos &operator[](PosIdx p) const { return positions_[p.id]; }
  const Origin &origin(uint32_t i) const { return origins_[i]; }
  // "/file.nix:3:5", "«stdin»:1:1", "«string»:1:1", or "" without a position.
  std::string describe(PosIdx p) const;

private:
  std::vector<Origin> origins_;
  std::vector<Pos> positions_;
};

} // namespace bastion::lang
