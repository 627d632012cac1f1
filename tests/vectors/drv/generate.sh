#!/usr/bin/env bash
# Regenerates tests/vectors/drv with Nix 2.8: every derivation of
# vectors.nix (and those it depends on) instantiated into a throw-away
# store, each written here as <store path name>.drv, byte for byte what
# Nix wrote. The name is what Nix computed for the .drv (its store path);
# the output paths Nix computed are inside it. Read by
# tests/unit/format_drv_vectors_test.cpp; seeds of fuzz/drv_fuzzer.
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)
s=$(mktemp -d)
trap 'chmod -R u+w "$s"; rm -rf "$s"' EXIT
rm -f "$out"/*.drv
for drv in $(nix-instantiate --store "$s" --option build-users-group "" "$out/vectors.nix" 2>/dev/null); do
  for p in $(nix-store --store "$s" --option build-users-group "" -qR "$drv"); do
    case "$p" in *.drv) cp "$s$p" "$out/$(basename "$p")" && chmod 644 "$out/$(basename "$p")" ;; esac
  done
done
