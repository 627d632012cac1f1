# The builder of runCommand: what stdenv's genericBuild does with a
# buildCommand (passed as a file, as nixpkgs passes it), with the shell
# options nixpkgs' builds run under (-e from the command line; pipefail
# where the shell has it: dash, for one, does not).
(set -o pipefail) 2>/dev/null && set -o pipefail
if [ -z "${buildCommandPath:-}" ] || [ ! -f "$buildCommandPath" ]; then
  echo "runCommand: no buildCommand" >&2
  exit 1
fi
. "$buildCommandPath"
