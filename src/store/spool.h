// Holds a serialised object (a NAR or a flat file's bytes) between hashing
// it and writing it into the store, so that what is written is exactly what
// was hashed even if the source changes meanwhile. Small objects stay in
// memory; past kSpoolMemoryLimit the bytes go to an anonymous temporary file
// in `spillDir` (the store's own file system, so it is big enough and is
// freed automatically if the process dies).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "format/nar.h"

namespace bastion::store {

inline constexpr size_t kSpoolMemoryLimit = 4 << 20;

class Spool : public format::NarSink {
public:
  explicit Spool(std::string spillDir) : spillDir_(std::move(spillDir)) {}
  ~Spool() override;
  Spool(const Spool &) = delete;
  Spool &operator=(const Spool &) = delete;

  void write(std::string_view data) override;
  uint64_t size() const { return size_; }
  // Reads everything written so far, from the start. One reader at a time.
  std::unique_ptr<format::NarSource> reader();
  // Copies everything into the file descriptor `fd`.
  void copyTo(int fd, const std::string &shown);

private:
  std::string spillDir_;
  std::string mem_;
  int fd_ = -1;
  uint64_t size_ = 0;

  void spill();
};

// Feeds every write to several sinks (hashes and a spool).
struct TeeSink : format::NarSink {
  format::NarSink *a;
  format::NarSink *b;
  format::NarSink *c;
  TeeSink(format::NarSink *a_, format::NarSink *b_, format::NarSink *c_ = nullptr)
      : a(a_), b(b_), c(c_) {}
  void write(std::string_view data) override {
    if (a)
      a->write(data);
    if (b)
      b->write(data);
    if (c)
      c->write(data);
  }
};

} // namespace bastion::store
