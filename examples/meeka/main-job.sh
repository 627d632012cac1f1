#!/usr/bin/env bash
# The main job (../../setup.sh runs it after building Bastion): build the
# meeka host (configuration.nix) in Bastion's own store under the build
# directory, then boot it and probe it from a second container
# (`bastion os test test.nix`), printing each check. Without root, or
# without a working systemd-nspawn, it builds the system and says why it
# cannot boot it.
#
#   examples/meeka/main-job.sh BASTION STORE
#
# Exit 0 when the system built and (where it can boot) every check passed.
set -uo pipefail
bastion=$1
# The store is a root directory, named absolutely as --store wants it.
store=$(realpath -m "$2")
here="$(cd "$(dirname "$0")" && pwd)"
flags=(--store "$store")
# Bastion's sandbox has no /bin/sh of its own; the machine's static busybox
# serves the builders that ask for one (as every build test here does).
[ -x /bin/busybox ] && flags+=(--option sandbox-paths /bin/sh=/bin/busybox)

echo "== main job: bastion os build -c examples/meeka/configuration.nix (store $store)"
start=$(date +%s.%N)
if ! top=$("$bastion" os build -c "$here/configuration.nix" --no-out-link "${flags[@]}"); then
  echo "main job: FAILED: the meeka system did not build" >&2
  exit 1
fi
built=$(date +%s.%N)
awk -v t="$top" -v a="$start" -v b="$built" 'BEGIN { printf "main job: built %s in %.1f s\n", t, b - a }'

why=""
if [ "$(id -u)" -ne 0 ]; then
  why="booting a container needs root (systemd-nspawn, network namespaces); run ./setup.sh as root"
elif ! command -v systemd-nspawn >/dev/null; then
  why="systemd-nspawn is not installed (Debian's systemd-container)"
elif ! command -v ip >/dev/null; then
  why="ip is not installed (Debian's iproute2)"
fi
if [ -n "$why" ]; then
  echo "main job: built, not booted: $why"
  exit 0
fi

echo "== main job: bastion os test examples/meeka/test.nix (boot meeka, probe it from a second container)"
log=$(mktemp)
# Shown as it runs: the boots, the subtests and a failure with its output;
# the nodes' logs stay in their files (the path is printed).
"$bastion" os test "$here/test.nix" "${flags[@]}" 2>&1 | tee "$log" | awk '
  /^---- log of / { inlog = 1; next }
  /^error: / { inlog = 0; detail = 1; print; next }
  /^  / { if (detail && !inlog) print; next }
  { detail = 0; inlog = 0 }
  /^(subtest|test |the nodes|[a-z]+: booted|[a-z]+: \/nix\/store)/ { print }'
rc=${PIPESTATUS[0]}
echo "== main job: what was checked"
grep -E "^subtest: .*: ok" "$log" | sed 's/^subtest: /  ok    /; s/: ok (\(.*\))$/  (\1)/'
grep -E "^error: " "$log" | sed 's/^error: /  FAIL  /'
rm -f "$log"
if [ "$rc" -ne 0 ]; then
  echo "main job: FAILED (bastion os test exited with $rc; the nodes' logs are kept, see above)"
  exit 1
fi
awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "main job: meeka built, booted and probed in %.1f s\n", b - a }'
