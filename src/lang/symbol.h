// Interned identifiers. Attribute names and variables are compared and
// sorted by a small integer instead of by their characters.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bastion::lang {

struct Symbol {
  uint32_t id = 0; // 0 means "no symbol"
  explicit operator bool() const { return id != 0; }
  bool operator==(const Symbol &) const = default;
  auto operator<=>(const Symbol &) const = default;
};

class SymbolTable {
public:
  SymbolTable() { names_.emplace_back(); }
  Symbol intern(std::string_view s) {
    auto it = index_.find(s);
    if (it != index_.end())
      return Symbol{it->second};
    names_.emplace_back(s);
    uint32_t id = uint32_t(names_.size() - 1);
    index_.emplace(names_.back(), id);
    return Symbol{id};
  }
  const std::string &operator[](Symbol s) const { return names_[s.id]; }
  size_t size() const { return names_.size(); }

private:
  // A deque keeps references stable, so the map's views stay valid.
  std::deque<std::string> names_;
  std::unordered_map<std::string_view, uint32_t> index_;
};

} // namespace bastion::lang
