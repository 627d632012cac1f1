#include "format/export_stream.h"

namespace bastion::format {

namespace {

void readExactly(NarSource &source, char *buf, size_t n) {
  while (n > 0) {
    size_t got = source.read(buf, n);
    if (got == 0)
      throw NarError("unexpected end-of-file");
    buf += got;
    n -= got;
  }
}

} // namespace

void writeNum(NarSink &sink, uint64_t n) {
  char buf[8];
  for (int i = 0; i < 8; i++)
    buf[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  sink.write(std::string_view(buf, 8));
}

void writeString(NarSink &sink, std::string_view s) {
  writeNum(sink, s.size());
  sink.write(s);
  static const char zeros[8] = {};
  if (s.size() % 8)
    sink.write(std::string_view(zeros, 8 - s.size() % 8));
}

uint64_t readNum(NarSource &source) {
  unsigned char buf[8];
  readExactly(source, reinterpret_cast<char *>(buf), 8);
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--)
    n = (n << 8) | buf[i];
  return n;
}

std::string readString(NarSource &source, size_t maxLength) {
  uint64_t n = readNum(source);
  if (n > maxLength)
    throw NarError("string is too long");
  std::string s(n, '\0');
  readExactly(source, s.data(), n);
  if (n % 8) {
    char pad[8];
    readExactly(source, pad, 8 - n % 8);
    for (size_t i = 0; i < 8 - n % 8; i++)
      if (pad[i] != 0)
        throw NarError("non-zero padding");
  }
  return s;
}

void writeTrailer(NarSink &sink, const ExportTrailer &t) {
  writeNum(sink, kExportMagic);
  writeString(sink, t.path);
  writeNum(sink, t.references.size());
  for (const std::string &r : t.references)
    writeString(sink, r);
  writeString(sink, t.deriver);
  writeNum(sink, 0);
}

ExportTrailer readTrailer(NarSource &source) {
  if (readNum(source) != kExportMagic)
    throw NarError("Nix archive cannot be imported; wrong format");
  ExportTrailer t;
  t.path = readString(source);
  for (uint64_t n = readNum(source); n > 0; --n)
    t.references.insert(readString(source));
  t.deriver = readString(source);
  if (readNum(source) == 1)
    readString(source); // a legacy signature, ignored as Nix does
  return t;
}

} // namespace bastion::format
