// The nix-store --export stream's framing (format/export_stream.h); the
// whole stream is compared with Nix 2.8's by tests/export/run.py.
#include <gtest/gtest.h>

#include "format/export_stream.h"

using namespace bastion::format;

TEST(ExportStream, NumbersAndPaddedStrings) {
  std::string out;
  StringNarSink sink(out);
  writeNum(sink, 1);
  writeString(sink, "abc");
  writeString(sink, "");
  writeString(sink, "12345678");
  EXPECT_EQ(out, std::string("\1\0\0\0\0\0\0\0", 8) +
                     std::string("\3\0\0\0\0\0\0\0abc\0\0\0\0\0", 16) + std::string(8, '\0') +
                     std::string("\10\0\0\0\0\0\0\0"
                                 "12345678",
                                 16));
  StringNarSource in(out);
  EXPECT_EQ(readNum(in), 1u);
  EXPECT_EQ(readString(in), "abc");
  EXPECT_EQ(readString(in), "");
  EXPECT_EQ(readString(in), "12345678");
  EXPECT_THROW(readNum(in), NarError); // end of input
}

TEST(ExportStream, TrailerRoundTripAndChecks) {
  ExportTrailer t{"/nix/store/00000000000000000000000000000000-a",
                  {"/nix/store/11111111111111111111111111111111-b"},
                  "/nix/store/22222222222222222222222222222222-a.drv"};
  std::string out;
  StringNarSink sink(out);
  writeTrailer(sink, t);
  EXPECT_EQ(out.substr(0, 8), std::string("NIXE\0\0\0\0", 8)); // 0x4558494e, little-endian
  StringNarSource in(out);
  ExportTrailer back = readTrailer(in);
  EXPECT_EQ(back.path, t.path);
  EXPECT_EQ(back.references, t.references);
  EXPECT_EQ(back.deriver, t.deriver);

  std::string bad = out;
  bad[0] = 'X';
  StringNarSource badIn(bad);
  EXPECT_THROW(readTrailer(badIn), NarError);
  std::string padding = out;
  padding[8 + 8 + 45] = 'x'; // a padding byte of the path
  StringNarSource padIn(padding);
  EXPECT_THROW(readTrailer(padIn), NarError);
}
