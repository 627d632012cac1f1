#!/bin/sh
# Invalid UTF-8 reaching a JSON rendering (found by eval_fuzzer in
# flakeRefToString) is a clean error with exit code 1, as in Nix: never an
# abort, never a value.
set -u
bastion=$1
corpus=$(dirname "$0")/../../fuzz/corpus/parse
status=0
for expr in "$corpus/flakeref-invalid-utf8.nix"; do
  out=$("$bastion" nix-instantiate --eval --strict "$expr" 2>&1)
  rc=$?
  case "$rc:$out" in
  1:*"invalid UTF-8 byte"*) echo "ok: $expr" ;;
  *)
    echo "FAIL: $expr: exit $rc: $out"
    status=1
    ;;
  esac
done
printf 'builtins.toJSON "g\377"' >"${TMPDIR:-/tmp}/bastion-bad-utf8-$$.nix"
out=$("$bastion" nix-instantiate --eval "${TMPDIR:-/tmp}/bastion-bad-utf8-$$.nix" 2>&1)
rc=$?
rm -f "${TMPDIR:-/tmp}/bastion-bad-utf8-$$.nix"
case "$rc:$out" in
1:*"JSON serialization error"*) echo "ok: toJSON" ;;
*)
  echo "FAIL: toJSON: exit $rc: $out"
  status=1
  ;;
esac
exit $status
