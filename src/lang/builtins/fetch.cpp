// builtins.fetchurl and fetchTarball, as upstream Nix's fetch() in
// primops/fetchTree.cc: the argument is a URL or a set { url, sha256?,
// name? }; fetchurl adds the downloaded file to the store as a flat
// fixed-output path named after the URL's last component, fetchTarball
// unpacks an archive and adds the tree (its single top-level directory, if
// that is all there is) recursively under the name "source".
//
// A pinned result already in the store is not downloaded again; within one
// evaluation each URL is fetched once. In read-only mode (nix-instantiate
// --eval) the store only computes the path, so nothing is written.
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "format/hash.h"
#include "format/store_path.h"
#include "lang/builtins/store_call.h"
#include "lang/eval.h"
#include "lang/eval_store.h"
#include "lang/heap.h"
#include "store/download.h"
#include "store/fs_util.h"
#include "store/unpack.h"
#include "util/path.h"

namespace bastion::lang {
namespace {

using format::FileIngestionMethod;

// Nix's checkURI: in restricted mode only URIs under an allowed-uris prefix.
void checkURI(EvalState &state, const std::string &uri, PosIdx pos) {
  if (!state.settings.restrictEval)
    return;
  auto it = state.settings.options.find("allowed-uris");
  std::string list = it == state.settings.options.end() ? "" : it->second;
  size_t i = 0;
  while (i < list.size()) {
    size_t b = list.find_first_not_of(" \t\n", i);
    if (b == std::string::npos)
      break;
    size_t e = list.find_first_of(" \t\n", b);
    if (e == std::string::npos)
      e = list.size();
    std::string prefix = list.substr(b, e - b);
    i = e;
    if (uri == prefix ||
        (uri.size() > prefix.size() && uri.compare(0, prefix.size(), prefix) == 0 &&
         (prefix.back() == '/' || uri[prefix.size()] == '/')))
      return;
  }
  state.throwError(ErrorKind::Restricted,
                   "access to URI '" + uri + "' is forbidden in restricted mode", pos);
}

// Downloads (and unpacks) `url` and adds the result to the store: the
// printed store path and the content hash it was computed from (the file's
// sha256, or the tree's NAR sha256).
std::pair<std::string, format::Hash> downloadToStore(EvalStore &store, const std::string &url,
                                                     const std::string &name, bool unpack) {
  store::TempDir tmp("bastion-fetch-");
  std::string file = tmp.path + "/download";
  store::downloadToFile(url, file);
  if (!unpack)
    return store.addPath(name, file, FileIngestionMethod::Flat, {});
  std::string tree = tmp.path + "/unpacked";
  store::unpackArchive(file, tree);
  return store.addPath(name, store::tarballRoot(tree), FileIngestionMethod::Recursive, {});
}

void fetch(EvalState &state, PosIdx pos, Value **args, Value &v, const std::string &who,
           bool unpack, std::string name) {
  std::optional<std::string> url;
  std::optional<format::Hash> expected;
  state.forceValue(*args[0], pos);
  bool isAttrs = args[0]->type == VType::Attrs;
  bool nameGiven = false;
  if (isAttrs) {
    for (auto &a : *args[0]->attrs) {
      const std::string &n = state.symbols[a.name];
      if (n == "url") {
        url = state.forceStringNoCtx(*a.value, a.pos, "while evaluating the url we should fetch");
      } else if (n == "sha256") {
        std::string_view h = state.forceStringNoCtx(
            *a.value, a.pos, "while evaluating the sha256 of the content we should fetch");
        std::string warning;
        expected = storeCall(state, pos, [&] {
          return format::parseHashAllowEmpty(h, format::HashAlgo::SHA256, &warning);
        });
        if (!warning.empty())
          state.warn(warning);
      } else if (n == "name") {
        nameGiven = true;
        name = state.forceStringNoCtx(*a.value, a.pos,
                                      "while evaluating the name of the content we should fetch");
      } else {
        state.throwError(ErrorKind::Eval, "unsupported argument '" + n + "' to '" + who + "'", pos);
      }
    }
    if (!url)
      state.throwError(ErrorKind::Eval, "'url' argument required", pos);
  } else {
    url = state.forceStringNoCtx(*args[0], pos, "while evaluating the url we should fetch");
  }

  if (who == "fetchTarball" && url->starts_with("channel:"))
    url = "https://nixos.org/channels/" + url->substr(8) + "/nixexprs.tar.xz";
  checkURI(state, *url, pos);

  if (name.empty())
    name = util::baseNameOf(*url);
  try {
    format::checkStorePathName(name);
  } catch (format::BadStorePath &e) {
    // The wording, double space included, is upstream's.
    std::string fix = nameGiven ? "Please change the value for the 'name' attribute passed to '" +
                                      who + "', so that it can create a valid store path."
                      : isAttrs
                          ? "Please add a valid 'name' attribute to the argument for '" + who +
                                "', so that it can create a valid store path."
                          : "Please pass an attribute set with 'url' and 'name' attributes to '" +
                                who + "',  so that it can create a valid store path.";
    state.throwError(
        ErrorKind::Eval,
        "invalid store path name when fetching URL '" + *url + "': " + e.what() + ". " + fix, pos);
  }

  if (state.settings.pureEval && !expected)
    state.throwError(ErrorKind::Eval,
                     "in pure evaluation mode, '" + who + "' requires a 'sha256' argument", pos);

  EvalStore &store = state.store();
  FileIngestionMethod method = unpack ? FileIngestionMethod::Recursive : FileIngestionMethod::Flat;
  // A pinned result that is already there is not downloaded again.
  if (expected) {
    std::string expectedPath = storeCall(state, pos, [&] {
      return format::printStorePath(
          format::makeFixedOutputPath(method, *expected, name, {}, false, state.settings.storeDir),
          state.settings.storeDir);
    });
    if (storeCall(state, pos, [&] { return store.isValidPath(expectedPath); })) {
      mkStorePathString(state, expectedPath, v);
      return;
    }
  }

  std::string key = std::string(unpack ? "tarball " : "file ") + name + " " + *url;
  auto it = store.downloads.find(key);
  if (it == store.downloads.end())
    it = store.downloads
             .emplace(key, storeCall(state, pos,
                                     [&] { return downloadToStore(store, *url, name, unpack); }))
             .first;
  auto &[path, got] = it->second;

  if (expected && got != *expected)
    state.throwError(ErrorKind::Eval,
                     "hash mismatch in file downloaded from '" + *url +
                         "':\n  specified: " + expected->to(format::HashFormat::Nix32, true) +
                         "\n  got:       " + got.to(format::HashFormat::Nix32, true),
                     pos);
  mkStorePathString(state, path, v);
}

void prim_fetchurl(EvalState &state, PosIdx pos, Value **args, Value &v) {
  fetch(state, pos, args, v, "fetchurl", false, "");
}
RegisterPrimOp r_fetchurl("__fetchurl", 1, prim_fetchurl);

void prim_fetchTarball(EvalState &state, PosIdx pos, Value **args, Value &v) {
  fetch(state, pos, args, v, "fetchTarball", true, "source");
}
RegisterPrimOp r_fetchTarball("fetchTarball", 1, prim_fetchTarball);

} // namespace
} // namespace bastion::lang
