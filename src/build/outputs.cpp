#include "build/outputs.h"

#include <sys/stat.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "build/refs_scan.h"
#include "format/nar.h"
#include "store/canonicalise.h"
#include "store/content_address.h"
#include "store/fs_util.h"
#include "store/nar_fs.h"

namespace bastion::build {
namespace {

using format::StorePath;

std::string sri(const format::Hash &h) { return h.to(format::HashFormat::SRI, true); }

// "r:sha256" -> (Recursive, SHA256); "sha1" -> (Flat, SHA1).
std::pair<format::FileIngestionMethod, format::HashAlgo>
fixedMethod(const format::DerivationOutput &o) {
  std::string algo = o.hashAlgo;
  format::FileIngestionMethod method = format::FileIngestionMethod::Flat;
  if (algo.rfind("r:", 0) == 0) {
    method = format::FileIngestionMethod::Recursive;
    algo = algo.substr(2);
  } else if (algo.rfind("text:", 0) == 0) {
    method = format::FileIngestionMethod::Text;
    algo = algo.substr(5);
  }
  return {method, format::parseHashAlgoOrThrow(algo)};
}

struct Inspector {
  store::LocalStore &store;
  const BuiltDerivation &built;
  std::map<std::string, StorePath> byHashPart; // candidate references
  std::map<StorePath, store::ValidPathInfo> outputInfos;

  Inspector(store::LocalStore &s, const BuiltDerivation &b) : store(s), built(b) {
    for (auto &p : built.inputClosure)
      byHashPart.emplace(p.hashPart, p);
    for (auto &[_, p] : built.outputs)
      byHashPart.emplace(p.hashPart, p);
  }

  store::ValidPathInfo inspect(const std::string &outputName, const StorePath &path) {
    std::string actual = built.builtStoreDir + "/" + path.baseName();
    if (!store::pathExists(actual))
      throw BuildError("builder for '" + built.drvPath +
                       "' failed to produce output path for output '" + outputName + "' at '" +
                       actual + "'");
    store::canonicalisePathMetaData(actual, false);

    std::set<std::string> parts;
    for (auto &[h, _] : byHashPart)
      parts.insert(h);
    RefScanSink refs(parts);
    format::HashSink narHash(format::HashAlgo::SHA256);
    format::HashNarSink hashing(narHash);
    TeeNarSink tee(hashing, refs);
    store::dumpPath(actual, tee);

    store::ValidPathInfo info;
    info.path = path;
    info.deriver = built.drvPath;
    info.narSize = narHash.bytesHashed();
    info.narHash = narHash.finish();
    info.ultimate = true;
    for (auto &h : refs.found())
      info.references.insert(byHashPart.at(h));

    const format::DerivationOutput &out = built.drv.outputs.at(outputName);
    if (!out.hash.empty())
      checkFixed(outputName, out, actual, info);
    return info;
  }

  void checkFixed(const std::string &outputName, const format::DerivationOutput &out,
                  const std::string &actual, store::ValidPathInfo &info) {
    auto [method, algo] = fixedMethod(out);
    format::Hash wanted = format::parseHashAny(out.hash, algo);
    format::Hash got;
    if (method == format::FileIngestionMethod::Recursive) {
      got = store::hashPath(algo, actual);
    } else {
      struct stat st;
      if (lstat(actual.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & S_IXUSR))
        throw BuildError(
            "output path '" + actual +
            "' should be a non-executable regular file since recursive hashing is not enabled "
            "(outputHashMode=flat)");
      got = store::hashFile(algo, actual);
    }
    if (got != wanted) {
      // As Nix does, keep what was built under the path its actual hash
      // names, so the user can inspect it (or pin the new hash) at once.
      keepMismatched(method, got, info, actual);
      throw BuildError("hash mismatch in fixed-output derivation '" + built.drvPath +
                           "':\n  specified: " + sri(wanted) + "\n  got:    " + sri(got),
                       BuildError::kHashMismatch);
    }
    if (!info.references.empty())
      throw BuildError("illegal path references in fixed-output derivation '" + built.drvPath +
                       "'");
    info.ca = store::renderContentAddress(method, got);
    (void)outputName;
  }

  void keepMismatched(format::FileIngestionMethod method, const format::Hash &got,
                      const store::ValidPathInfo &info, const std::string &actual) {
    store::ValidPathInfo kept = info;
    kept.path =
        format::makeFixedOutputPath(method, got, info.path.name, {}, false, store.storeDir());
    kept.ca = store::renderContentAddress(method, got);
    if (!info.references.empty() || store.isValidPath(kept.path))
      return;
    std::string dest = store.realPath(kept.path);
    store::deletePath(dest);
    store::movePath(actual, dest);
    store.registerValidPaths({kept});
  }

  // Outputs may refer to each other, but not in a cycle: Nix's topoSort
  // over the outputs, in name order, reports the first back edge.
  void checkCycles() {
    std::map<StorePath, std::string> nameOf;
    for (auto &[name, path] : built.outputs)
      nameOf.emplace(path, name);
    std::set<std::string> visited, parents;
    std::function<void(const std::string &, const std::string *)> visit =
        [&](const std::string &name, const std::string *parent) {
          if (parents.count(name))
            throw BuildError("cycle detected in build of '" + built.drvPath +
                             "' in the references of output '" + name + "' from output '" +
                             *parent + "'");
          if (!visited.insert(name).second)
            return;
          parents.insert(name);
          std::set<std::string> children;
          for (auto &r : outputInfos.at(built.outputs.at(name)).references)
            if (auto it = nameOf.find(r); it != nameOf.end())
              children.insert(it->second);
          for (auto &c : children)
            if (c != name)
              visit(c, &name);
          parents.erase(name);
        };
    for (auto &[name, _] : built.outputs)
      visit(name, nullptr);
  }

  // ---- allowedReferences and friends --------------------------------------

  std::set<StorePath> closureOf(const StorePath &start) {
    std::set<StorePath> done;
    std::vector<StorePath> todo{start};
    while (!todo.empty()) {
      StorePath p = todo.back();
      todo.pop_back();
      if (!done.insert(p).second)
        continue;
      std::set<StorePath> refs;
      if (auto it = outputInfos.find(p); it != outputInfos.end())
        refs = it->second.references;
      else if (auto info = store.queryPathInfo(p))
        refs = info->references;
      for (auto &r : refs)
        todo.push_back(r);
    }
    return done;
  }

  // Output names stand for the output paths; anything else must be a store path.
  std::set<StorePath> resolveSpec(const std::vector<std::string> &spec) {
    std::set<StorePath> out;
    for (auto &s : spec) {
      if (auto it = built.outputs.find(s); it != built.outputs.end())
        out.insert(it->second);
      else {
        try {
          out.insert(store.parseStorePath(s));
        } catch (std::exception &) {
          throw BuildError("derivation contains an illegal reference specifier '" + s + "'");
        }
      }
    }
    return out;
  }

  void checkRefs(const store::ValidPathInfo &info,
                 const std::optional<std::vector<std::string>> &value, bool allowed, bool recursive,
                 bool ignoreSelfRefs) {
    if (!value)
      return;
    std::set<StorePath> spec = resolveSpec(*value);
    std::set<StorePath> used = recursive ? closureOf(info.path) : info.references;
    if (recursive && ignoreSelfRefs)
      used.erase(info.path);
    std::string bad;
    for (auto &p : used)
      if (allowed != (spec.count(p) > 0))
        bad += "\n  " + store.printStorePath(p);
    if (!bad.empty())
      throw BuildError("output '" + store.printStorePath(info.path) +
                       "' is not allowed to refer to the following paths:" + bad);
  }

  uint64_t closureSize(const StorePath &p) {
    uint64_t total = 0;
    for (auto &q : closureOf(p)) {
      if (auto it = outputInfos.find(q); it != outputInfos.end())
        total += it->second.narSize;
      else if (auto info = store.queryPathInfo(q))
        total += info->narSize;
    }
    return total;
  }

  struct Checks {
    std::optional<uint64_t> maxSize, maxClosureSize;
    std::optional<std::vector<std::string>> allowedReferences, allowedRequisites,
        disallowedReferences, disallowedRequisites;
    bool ignoreSelfRefs = false;
  };

  void applyChecks(const store::ValidPathInfo &info, const Checks &c) {
    if (c.maxSize && info.narSize > *c.maxSize)
      throw BuildError("path '" + store.printStorePath(info.path) + "' is too large at " +
                       std::to_string(info.narSize) + " bytes; limit is " +
                       std::to_string(*c.maxSize) + " bytes");
    if (c.maxClosureSize) {
      uint64_t size = closureSize(info.path);
      if (size > *c.maxClosureSize)
        throw BuildError("closure of path '" + store.printStorePath(info.path) +
                         "' is too large at " + std::to_string(size) + " bytes; limit is " +
                         std::to_string(*c.maxClosureSize) + " bytes");
    }
    checkRefs(info, c.allowedReferences, true, false, c.ignoreSelfRefs);
    checkRefs(info, c.allowedRequisites, true, true, c.ignoreSelfRefs);
    checkRefs(info, c.disallowedReferences, false, false, c.ignoreSelfRefs);
    checkRefs(info, c.disallowedRequisites, false, true, c.ignoreSelfRefs);
  }

  static std::optional<std::vector<std::string>>
  words(const std::map<std::string, std::string> &env, const std::string &name) {
    auto it = env.find(name);
    if (it == env.end())
      return std::nullopt;
    std::vector<std::string> out;
    std::istringstream in(it->second);
    for (std::string w; in >> w;)
      out.push_back(w);
    return out;
  }

  void checkAll() {
    const auto &env = built.drv.env;
    if (auto json = env.find("__json"); json != env.end()) {
      auto attrs = nlohmann::json::parse(json->second, nullptr, false);
      auto checksAttr = attrs.is_object() ? attrs.find("outputChecks") : attrs.end();
      if (checksAttr == attrs.end() || !checksAttr->is_object())
        return;
      for (auto &[name, path] : built.outputs) {
        auto spec = checksAttr->find(name);
        if (spec == checksAttr->end() || !spec->is_object())
          continue;
        Checks c;
        auto list = [&](const char *key) -> std::optional<std::vector<std::string>> {
          auto it = spec->find(key);
          if (it == spec->end())
            return std::nullopt;
          if (!it->is_array())
            throw BuildError("attribute '" + std::string(key) + "' of derivation '" +
                             built.drvPath + "' must be a list of strings");
          std::vector<std::string> v;
          for (auto &e : *it) {
            if (!e.is_string())
              throw BuildError("attribute '" + std::string(key) + "' of derivation '" +
                               built.drvPath + "' must be a list of strings");
            v.push_back(e.get<std::string>());
          }
          return v;
        };
        auto size = [&](const char *key) -> std::optional<uint64_t> {
          auto it = spec->find(key);
          if (it == spec->end())
            return std::nullopt;
          if (!it->is_number_unsigned())
            throw BuildError("attribute '" + std::string(key) + "' of derivation '" +
                             built.drvPath + "' must be an integer");
          return it->get<uint64_t>();
        };
        c.maxSize = size("maxSize");
        c.maxClosureSize = size("maxClosureSize");
        c.allowedReferences = list("allowedReferences");
        c.allowedRequisites = list("allowedRequisites");
        c.disallowedReferences = list("disallowedReferences");
        c.disallowedRequisites = list("disallowedRequisites");
        c.ignoreSelfRefs = spec->value("ignoreSelfRefs", false);
        applyChecks(outputInfos.at(path), c);
      }
      return;
    }
    // Without structured attributes the same checks apply to every output.
    Checks c;
    c.ignoreSelfRefs = true;
    c.allowedReferences = words(env, "allowedReferences");
    c.allowedRequisites = words(env, "allowedRequisites");
    c.disallowedReferences = words(env, "disallowedReferences");
    c.disallowedRequisites = words(env, "disallowedRequisites");
    for (auto &[_, path] : built.outputs)
      applyChecks(outputInfos.at(path), c);
  }
};

} // namespace

std::vector<store::ValidPathInfo> inspectOutputs(store::LocalStore &store,
                                                 const BuiltDerivation &built) {
  Inspector in(store, built);
  for (auto &[name, path] : built.outputs)
    in.outputInfos.emplace(path, in.inspect(name, path));
  in.checkCycles();
  in.checkAll();
  std::vector<store::ValidPathInfo> infos;
  for (auto &[_, info] : in.outputInfos)
    infos.push_back(info);
  return infos;
}

void moveOutputs(store::LocalStore &store, const BuiltDerivation &built,
                 const std::vector<store::ValidPathInfo> &infos) {
  for (auto &info : infos) {
    std::string dest = store.realPath(info.path);
    // An invalid leftover (from a crash) is in the way; valid paths are never here.
    store::deletePath(dest);
    store::movePath(built.builtStoreDir + "/" + info.path.baseName(), dest);
  }
}

void syncOutput(store::LocalStore &store, const store::ValidPathInfo &info) {
  // Already canonical, so this only syncs every file and directory of it.
  store::canonicalisePathMetaData(store.realPath(info.path), true);
}

} // namespace bastion::build
