#!/bin/bash
# cli.version-help: every Nix personality answers --version as Nix 2.8 does
# (its first line is Nix's, byte for byte) and names Bastion on the next;
# `bastion --version`, `bastion help`, `bastion help COMMAND` and a
# personality reached through a symlink of its name answer too, exit 0.
set -u
bin=$1
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for tool in nix-build nix-instantiate nix-store nix-env nix-hash nix-collect-garbage nix; do
  out=$("$bin" $tool --version); rc=$?
  check "$tool --version exits 0" "[ $rc = 0 ]"
  if command -v $tool >/dev/null; then
    want=$($tool --version 2>/dev/null | head -1)
    check "$tool --version's first line is Nix's ($want)" "[ \"\$(echo \"\$out\" | head -1)\" = \"\$want\" ]"
  fi
  check "$tool --version names Bastion" "echo \"\$out\" | sed -n 2p | grep -q '^bastion '"
  ln -s "$bin" "$tmp/$tool"
  check "$tool through a symlink" "[ \"\$(\"$tmp/$tool\" --version)\" = \"\$out\" ]"
done
# --version acts at once: nix-build does not look for default.nix (there is none here).
check "nix-build --version reads no default.nix" "(cd \"$tmp\" && \"$bin\" nix-build --version >/dev/null)"
check "bastion --version" "\"$bin\" --version | grep -q '^bastion [0-9]'"
check "bastion help lists the commands" "\"$bin\" help | grep -q 'serve-cache'"
check "bastion help nix-build" "\"$bin\" help nix-build | grep -q '^Usage: nix-build'"
check "bastion help nix-store" "\"$bin\" help nix-store >/dev/null"
# Every command `bastion help` lists answers --help (a usage on stdout, exit
# 0, in a directory with nothing to read), --version, and `bastion help CMD`:
# a new command that is listed without them fails here.
cmds=$("$bin" help | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' | grep -vx help | sort -u)
check "bastion help lists commands" "[ \$(echo \"\$cmds\" | wc -l) -ge 15 ]"
for c in $cmds; do
  out=$(cd "$tmp" && timeout 20 "$bin" $c --help </dev/null 2>/dev/null); rc=$?
  check "$c --help exits 0" "[ $rc = 0 ]"
  check "$c --help prints a usage" "echo \"\$out\" | grep -qi 'usage'"
  check "bastion help $c" "(cd \"$tmp\" && timeout 20 \"$bin\" help $c </dev/null >/dev/null 2>&1)"
  v=$(cd "$tmp" && timeout 20 "$bin" $c --version </dev/null 2>/dev/null); rc=$?
  check "$c --version exits 0 and names Bastion" "[ $rc = 0 ] && echo \"\$v\" | grep -q '^bastion [0-9]'"
done
check "an unknown command fails with 1" "! \"$bin\" no-such-command 2>/dev/null; [ \$? = 0 ] && { \"$bin\" no-such-command 2>/dev/null; [ \$? = 1 ]; }"
exit $fail
