#!/usr/bin/env bash
# Builds Bastion and runs its main job.
#
#   ./setup.sh              configure + build into build/ (RelWithDebInfo), then the main job:
#                           build the meeka host (examples/meeka) in build/main-job/store, boot
#                           it and probe it from a second container (bastion os test); without
#                           root it builds the system and says why it cannot boot it
#   ./setup.sh --sanitize   the same into build-asan/ with AddressSanitizer + UBSan
#                           (-DBASTION_SANITIZE=ON), then the main job with that binary
#
# The Debian packages it needs are installed by .ci/run (see README.md, "Dependencies").
set -euo pipefail
cd "$(dirname "$0")"

build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
case "${1:-}" in
  "") ;;
  --sanitize)
    build_dir=build-asan
    cmake_args+=(-DBASTION_SANITIZE=ON)
    ;;
  -h | --help)
    sed -n '2,11p' "$0"
    exit 0
    ;;
  *)
    echo "setup.sh: unknown argument '$1' (try --help)" >&2
    exit 2
    ;;
esac

cmake -S . -B "$build_dir" "${cmake_args[@]}"
cmake --build "$build_dir" -j"$(nproc)"

examples/meeka/main-job.sh "$build_dir/bastion" "$build_dir/main-job/store"
