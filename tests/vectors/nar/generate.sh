#!/usr/bin/env bash
# Regenerates the NAR test vectors with Nix 2.8 (nix-store --dump,
# nix-hash, nix nar ls): for each tree NAME below, NAME.nar (the archive
# Nix wrote) and NAME.json ({"nix32": nix-hash --type sha256 --base32,
# "narSize": bytes, "ls": nix nar ls --json -R NAME.nar /}).
# Read by tests/unit/format_nar_vectors_test.cpp and
# store_nar_fs_test.cpp; seeds of fuzz/nar_fuzzer (fuzz/CMakeLists.txt).
# Nothing here touches a store.
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w"
printf '' >empty
printf 'hello\n' >small
printf '#!/bin/sh\necho hi\n' >exe && chmod 755 exe
ln -s ../some/target link
mkdir d
# Names that need bytewise order, an executable (0700) in a
# subdirectory, a nested directory, a symlink.
mkdir -p tree/a/sub
printf B >tree/B
printf a >tree/a/f && chmod 700 tree/a/f
printf ab >tree/a-b
ln -s a tree/a.b
printf x >tree/a/sub/deep
for n in empty small exe link d tree; do
  nix-store --dump "$n" >"$out/$n.nar"
  hash=$(nix-hash --type sha256 --base32 "$n")
  size=$(stat -c %s "$out/$n.nar")
  ls=$(nix --extra-experimental-features nix-command nar ls --json -R "$out/$n.nar" / 2>/dev/null)
  printf '{"nix32": "%s", "narSize": %s, "ls": %s}\n' "$hash" "$size" "$ls" >"$out/$n.json"
done
