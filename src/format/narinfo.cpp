#include "format/narinfo.h"

#include <charconv>

#include "format/signature.h"
#include "format/store_path.h"

namespace bastion::format {
namespace {

std::optional<uint64_t> parseNumber(std::string_view s) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty())
    return std::nullopt;
  return n;
}

// Calls f(lineNumber, key, value) for every "Key: value" line.
template <typename F> void forEachLine(std::string_view text, const std::string &whence, F &&f) {
  size_t line = 0;
  while (!text.empty()) {
    line++;
    size_t nl = text.find('\n');
    std::string_view l = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (l.empty())
      continue;
    size_t colon = l.find(':');
    if (colon == std::string_view::npos)
      throw NarInfoError(whence + ":" + std::to_string(line) + ": expected 'Key: value', got '" +
                         std::string(l) + "'");
    std::string_view value = l.substr(colon + 1);
    if (value.starts_with(' '))
      value.remove_prefix(1);
    f(line, l.substr(0, colon), value);
  }
}

} // namespace

NarInfo parseNarInfo(std::string_view text, const std::string &whence, std::string_view storeDir) {
  NarInfo info;
  bool havePath = false, haveNarHash = false, haveNarSize = false;
  forEachLine(text, whence, [&](size_t line, std::string_view key, std::string_view value) {
    auto bad = [&](const std::string &what) {
      return NarInfoError(whence + ":" + std::to_string(line) + ": " + what);
    };
    auto hash = [&]() {
      try {
        return parseHashAnyPrefixed(value);
      } catch (const HashError &e) {
        throw bad("bad " + std::string(key) + " '" + std::string(value) + "': " + e.what());
      }
    };
    auto number = [&]() {
      auto n = parseNumber(value);
      if (!n)
        throw bad("bad " + std::string(key) + " '" + std::string(value) + "'");
      return *n;
    };
    auto baseName = [&](std::string_view b) {
      try {
        parseStorePathBaseName(b);
      } catch (const BadStorePath &e) {
        throw bad(std::string(key) + ": " + e.what());
      }
      return std::string(b);
    };
    if (key == "StorePath") {
      try {
        parseStorePath(value, storeDir);
      } catch (const BadStorePath &e) {
        throw bad(std::string("StorePath: ") + e.what());
      }
      info.storePath = value;
      havePath = true;
    } else if (key == "URL") {
      info.url = value;
    } else if (key == "Compression") {
      info.compression = value;
    } else if (key == "FileHash") {
      info.fileHash = hash();
    } else if (key == "FileSize") {
      info.fileSize = number();
    } else if (key == "NarHash") {
      info.narHash = hash();
      haveNarHash = true;
    } else if (key == "NarSize") {
      info.narSize = number();
      haveNarSize = true;
    } else if (key == "References") {
      size_t pos = 0;
      while (pos < value.size()) {
        size_t sp = value.find(' ', pos);
        std::string_view r = value.substr(pos, sp == std::string_view::npos ? sp : sp - pos);
        if (!r.empty())
          info.references.insert(baseName(r));
        if (sp == std::string_view::npos)
          break;
        pos = sp + 1;
      }
    } else if (key == "Deriver") {
      if (value != "unknown-deriver")
        info.deriver = baseName(value);
    } else if (key == "System") {
      info.system = value;
    } else if (key == "Sig") {
      info.sigs.insert(std::string(value));
    } else if (key == "CA") {
      info.ca = value;
    }
  });
  auto missing = [&](const char *what) {
    return NarInfoError(whence + ": NAR info file is corrupt: it has no " + what);
  };
  if (!havePath)
    throw missing("StorePath");
  if (info.url.empty())
    throw missing("URL");
  if (!haveNarHash)
    throw missing("NarHash");
  if (!haveNarSize || info.narSize == 0)
    throw missing("NarSize");
  return info;
}

std::string printNarInfo(const NarInfo &info) {
  std::string s;
  s += "StorePath: " + info.storePath + "\n";
  s += "URL: " + info.url + "\n";
  s += "Compression: " + info.compression + "\n";
  if (info.fileHash) {
    s += "FileHash: " + info.fileHash->to(HashFormat::Nix32, true) + "\n";
    s += "FileSize: " + std::to_string(info.fileSize) + "\n";
  }
  s += "NarHash: " + info.narHash.to(HashFormat::Nix32, true) + "\n";
  s += "NarSize: " + std::to_string(info.narSize) + "\n";
  s += "References: ";
  bool first = true;
  for (const std::string &r : info.references) {
    s += (first ? "" : " ") + r;
    first = false;
  }
  s += "\n";
  if (!info.deriver.empty())
    s += "Deriver: " + info.deriver + "\n";
  if (!info.system.empty())
    s += "System: " + info.system + "\n";
  for (const std::string &sig : info.sigs)
    s += "Sig: " + sig + "\n";
  if (!info.ca.empty())
    s += "CA: " + info.ca + "\n";
  return s;
}

std::string narInfoFingerprint(const NarInfo &info, std::string_view storeDir) {
  std::set<std::string> refs;
  for (const std::string &r : info.references)
    refs.insert(std::string(storeDir) + "/" + r);
  return pathFingerprint(info.storePath, info.narHash, info.narSize, refs);
}

CacheInfo parseCacheInfo(std::string_view text, const std::string &whence) {
  CacheInfo info;
  forEachLine(text, whence, [&](size_t line, std::string_view key, std::string_view value) {
    if (key == "StoreDir")
      info.storeDir = value;
    else if (key == "WantMassQuery")
      info.wantMassQuery = value == "1";
    else if (key == "Priority") {
      auto n = parseNumber(value);
      if (!n)
        throw NarInfoError(whence + ":" + std::to_string(line) + ": bad Priority '" +
                           std::string(value) + "'");
      info.priority = int(*n);
    }
  });
  return info;
}

std::string printCacheInfo(const CacheInfo &info) {
  std::string s = "StoreDir: " + info.storeDir + "\n";
  if (info.wantMassQuery)
    s += "WantMassQuery: 1\n";
  if (info.priority != 50)
    s += "Priority: " + std::to_string(info.priority) + "\n";
  return s;
}

} // namespace bastion::format
