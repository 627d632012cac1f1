#include "store/compression.h"

#include <bzlib.h>
#include <lzma.h>
#include <zstd.h>

#include <cassert>

#include "store/shared_lib.h"
#include "store/store.h"

namespace bastion::store {
namespace {

SharedLib &liblzma() {
  static SharedLib *lib = new SharedLib(BASTION_LIBLZMA_SONAME);
  return *lib;
}
SharedLib &libzstd() {
  static SharedLib *lib = new SharedLib(BASTION_LIBZSTD_SONAME);
  return *lib;
}
SharedLib &libbz2() {
  static SharedLib *lib = new SharedLib(BASTION_LIBBZ2_SONAME);
  return *lib;
}

constexpr size_t kChunk = 256 * 1024;

struct Identity : Codec {
  ByteSink out;
  explicit Identity(ByteSink o) : out(std::move(o)) {}
  void write(std::string_view data) override {
    if (!data.empty())
      out(data);
  }
  void finish() override {}
};

struct Xz : Codec {
  ByteSink out;
  bool compress;
  lzma_stream strm = LZMA_STREAM_INIT;
  std::string buf = std::string(kChunk, '\0');
  bool ended = false;

  Xz(ByteSink o, bool c) : out(std::move(o)), compress(c) {
    lzma_ret r = compress ? BASTION_LAZY(liblzma(), lzma_easy_encoder)(&strm, 6, LZMA_CHECK_CRC64)
                          : BASTION_LAZY(liblzma(), lzma_stream_decoder)(&strm, UINT64_MAX,
                                                                         LZMA_CONCATENATED);
    if (r != LZMA_OK)
      throw StoreError("cannot initialise xz " +
                       std::string(compress ? "compression" : "decoding"));
  }
  ~Xz() override { BASTION_LAZY(liblzma(), lzma_end)(&strm); }
  void run(std::string_view data, lzma_action action) {
    strm.next_in = reinterpret_cast<const uint8_t *>(data.data());
    strm.avail_in = data.size();
    for (;;) {
      strm.next_out = reinterpret_cast<uint8_t *>(buf.data());
      strm.avail_out = buf.size();
      lzma_ret r = BASTION_LAZY(liblzma(), lzma_code)(&strm, action);
      size_t n = buf.size() - strm.avail_out;
      if (n)
        out(std::string_view(buf.data(), n));
      if (r == LZMA_STREAM_END) {
        ended = true;
        return;
      }
      if (r != LZMA_OK)
        throw StoreError(std::string("xz ") + (compress ? "compression" : "data") + " error " +
                         std::to_string(int(r)) + (compress ? "" : " (corrupt input)"));
      if (strm.avail_in == 0 && strm.avail_out != 0)
        return;
    }
  }
  void write(std::string_view data) override { run(data, LZMA_RUN); }
  void finish() override {
    run({}, LZMA_FINISH);
    if (!ended)
      throw StoreError("xz data is truncated");
  }
};

struct Zstd : Codec {
  ByteSink out;
  bool compress;
  ZSTD_CCtx *c = nullptr;
  ZSTD_DCtx *d = nullptr;
  std::string buf = std::string(kChunk, '\0');
  bool frameDone = true; // decompression: the last frame ended

  Zstd(ByteSink o, bool comp) : out(std::move(o)), compress(comp) {
    if (compress) {
      c = BASTION_LAZY(libzstd(), ZSTD_createCCtx)();
      // Level 3 (zstd's default, as Nix's libarchive filter) on two threads.
      BASTION_LAZY(libzstd(), ZSTD_CCtx_setParameter)(c, ZSTD_c_compressionLevel, 3);
      BASTION_LAZY(libzstd(), ZSTD_CCtx_setParameter)(c, ZSTD_c_nbWorkers, 2);
    } else {
      d = BASTION_LAZY(libzstd(), ZSTD_createDCtx)();
    }
    if (!c && !d)
      throw StoreError("cannot initialise zstd");
  }
  ~Zstd() override {
    if (c)
      BASTION_LAZY(libzstd(), ZSTD_freeCCtx)(c);
    if (d)
      BASTION_LAZY(libzstd(), ZSTD_freeDCtx)(d);
  }
  void check(size_t r) {
    if (BASTION_LAZY(libzstd(), ZSTD_isError)(r))
      throw StoreError(std::string("zstd ") + (compress ? "compression" : "data") +
                       " error: " + BASTION_LAZY(libzstd(), ZSTD_getErrorName)(r));
  }
  void write(std::string_view data) override {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    if (compress) {
      while (in.pos < in.size) {
        ZSTD_outBuffer o{buf.data(), buf.size(), 0};
        check(BASTION_LAZY(libzstd(), ZSTD_compressStream2)(c, &o, &in, ZSTD_e_continue));
        if (o.pos)
          out(std::string_view(buf.data(), o.pos));
      }
      return;
    }
    while (in.pos < in.size) {
      ZSTD_outBuffer o{buf.data(), buf.size(), 0};
      size_t r = BASTION_LAZY(libzstd(), ZSTD_decompressStream)(d, &o, &in);
      check(r);
      frameDone = r == 0;
      if (o.pos)
        out(std::string_view(buf.data(), o.pos));
    }
  }
  void finish() override {
    if (!compress) {
      // Flush what the decoder still holds.
      for (;;) {
        ZSTD_inBuffer in{nullptr, 0, 0};
        ZSTD_outBuffer o{buf.data(), buf.size(), 0};
        size_t r = BASTION_LAZY(libzstd(), ZSTD_decompressStream)(d, &o, &in);
        check(r);
        if (o.pos)
          out(std::string_view(buf.data(), o.pos));
        if (o.pos < o.size) {
          frameDone = frameDone || r == 0;
          break;
        }
      }
      if (!frameDone)
        throw StoreError("zstd data is truncated");
      return;
    }
    ZSTD_inBuffer in{nullptr, 0, 0};
    for (;;) {
      ZSTD_outBuffer o{buf.data(), buf.size(), 0};
      size_t left = BASTION_LAZY(libzstd(), ZSTD_compressStream2)(c, &o, &in, ZSTD_e_end);
      check(left);
      if (o.pos)
        out(std::string_view(buf.data(), o.pos));
      if (left == 0)
        return;
    }
  }
};

struct Bzip2 : Codec {
  ByteSink out;
  bool compress;
  bz_stream strm{};
  std::string buf = std::string(kChunk, '\0');
  bool ended = false;

  Bzip2(ByteSink o, bool c) : out(std::move(o)), compress(c) {
    int r = compress ? BASTION_LAZY(libbz2(), BZ2_bzCompressInit)(&strm, 9, 0, 30)
                     : BASTION_LAZY(libbz2(), BZ2_bzDecompressInit)(&strm, 0, 0);
    if (r != BZ_OK)
      throw StoreError("cannot initialise bzip2");
  }
  ~Bzip2() override {
    if (compress)
      BASTION_LAZY(libbz2(), BZ2_bzCompressEnd)(&strm);
    else
      BASTION_LAZY(libbz2(), BZ2_bzDecompressEnd)(&strm);
  }
  void run(std::string_view data, int action) {
    strm.next_in = const_cast<char *>(data.data());
    strm.avail_in = unsigned(data.size());
    for (;;) {
      strm.next_out = buf.data();
      strm.avail_out = unsigned(buf.size());
      int r = compress ? BASTION_LAZY(libbz2(), BZ2_bzCompress)(&strm, action)
                       : BASTION_LAZY(libbz2(), BZ2_bzDecompress)(&strm);
      size_t n = buf.size() - strm.avail_out;
      if (n)
        out(std::string_view(buf.data(), n));
      if (r == BZ_STREAM_END) {
        ended = true;
        return;
      }
      if (r != BZ_OK && r != BZ_RUN_OK && r != BZ_FINISH_OK)
        throw StoreError("bzip2 " + std::string(compress ? "compression" : "data") + " error " +
                         std::to_string(r));
      if (action == BZ_RUN && strm.avail_in == 0 && strm.avail_out != 0)
        return;
      if (!compress && strm.avail_in == 0 && strm.avail_out != 0)
        return;
    }
  }
  void write(std::string_view data) override {
    if (ended && !compress && !data.empty())
      throw StoreError("bzip2 data has trailing garbage");
    // bz_stream counts in unsigned int.
    while (data.size() > kChunk) {
      run(data.substr(0, kChunk), BZ_RUN);
      data.remove_prefix(kChunk);
    }
    run(data, BZ_RUN);
  }
  void finish() override {
    if (compress)
      run({}, BZ_FINISH);
    if (!ended)
      throw StoreError("bzip2 data is truncated");
  }
};

std::unique_ptr<Codec> make(const std::string &method, ByteSink out, bool compress) {
  if (method == "none" || method.empty())
    return std::make_unique<Identity>(std::move(out));
  if (method == "xz")
    return std::make_unique<Xz>(std::move(out), compress);
  if (method == "zstd")
    return std::make_unique<Zstd>(std::move(out), compress);
  if (method == "bzip2")
    return std::make_unique<Bzip2>(std::move(out), compress);
  throw StoreError("unknown compression method '" + method + "'");
}

} // namespace

std::unique_ptr<Codec> makeCompressor(const std::string &method, ByteSink out) {
  return make(method, std::move(out), true);
}

std::unique_ptr<Codec> makeDecompressor(const std::string &method, ByteSink out) {
  return make(method, std::move(out), false);
}

std::string compressionExtension(const std::string &method) {
  if (method == "none" || method.empty())
    return "";
  if (method == "xz")
    return ".xz";
  if (method == "zstd")
    return ".zst";
  if (method == "bzip2")
    return ".bz2";
  throw StoreError("unknown compression method '" + method + "'");
}

} // namespace bastion::store
