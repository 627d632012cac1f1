// A NarVisitor that writes what it is told through a NarWriter, so that
// parseNar followed by NarRewriter must reproduce an accepted archive byte
// for byte (the parser accepts only canonical archives). Used by the unit
// tests of the vectors and by fuzz/nar_fuzzer. Directory ends are not
// reported by the parser; they are inferred from the next path, and by
// finish() at the end.
#pragma once

#include <string>
#include <vector>

#include "format/nar.h"

namespace bastion::test {

class NarRewriter : public format::NarVisitor {
public:
  explicit NarRewriter(format::NarSink &sink) : w_(sink) {}

  void createDirectory(const std::string &path) override {
    begin(path);
    w_.beginDirectory();
    open_.push_back(path);
  }
  void createRegularFile(const std::string &path, bool executable, uint64_t size) override {
    begin(path);
    w_.beginRegular(executable, size);
    filePath_ = path;
  }
  void contents(std::string_view chunk) override { w_.contents(chunk); }
  void closeRegularFile() override {
    w_.endRegular();
    end(filePath_);
  }
  void createSymlink(const std::string &path, const std::string &target) override {
    begin(path);
    w_.symlink(target);
    end(path);
  }

  // After parseNar returned: closes what is still open and flushes.
  void finish() {
    while (!open_.empty())
      closeTop();
    w_.finish();
  }

private:
  format::NarWriter w_;
  std::vector<std::string> open_; // directories not yet ended, innermost last
  std::string filePath_;

  static std::string parentOf(const std::string &path) { return path.substr(0, path.rfind('/')); }

  void closeTop() {
    w_.endDirectory();
    end(open_.back());
    open_.pop_back();
  }

  void begin(const std::string &path) {
    if (path.empty())
      return;
    std::string parent = parentOf(path);
    while (!open_.empty() && open_.back() != parent)
      closeTop();
    // An entry outside any directory reaches NarWriter, which refuses it.
    w_.beginEntry(std::string_view(path).substr(parent.size() + 1));
  }

  void end(const std::string &path) {
    if (!path.empty())
      w_.endEntry();
  }
};

} // namespace bastion::test
