# makeWrapper and wrapProgram, as nixpkgs' make-wrapper.sh setup hook
# provides them: a bash script that sets up the environment and execs the
# original. Flags: --argv0 NAME, --inherit-argv0, --set VAR VAL,
# --set-default VAR VAL, --unset VAR, --prefix/--suffix VAR SEP VAL,
# --run CMD, --add-flags FLAGS, --append-flags FLAGS, --chdir DIR.
makeWrapper() {
  local original="$1" wrapper="$2"
  shift 2
  if [ ! -x "$original" ]; then
    echo "makeWrapper: '$original' does not exist or is not executable" >&2
    return 1
  fi
  local argv0="" inherit="" flagsBefore="" flagsAfter="" body=""
  while [ $# -gt 0 ]; do
    case "$1" in
    --argv0) argv0="$2"; shift 2 ;;
    --inherit-argv0) inherit=1; shift ;;
    --set) body+="export $2=$(printf '%q' "$3")"$'\n'; shift 3 ;;
    --set-default) body+="export $2=\${$2-$(printf '%q' "$3")}"$'\n'; shift 3 ;;
    --unset) body+="unset $2"$'\n'; shift 2 ;;
    --prefix)
      body+="$2=$(printf '%q' "$4")\${$2:+$(printf '%q' "$3")}\$$2"$'\n'"export $2"$'\n'
      shift 4 ;;
    --suffix)
      body+="$2=\$$2\${$2:+$(printf '%q' "$3")}$(printf '%q' "$4")"$'\n'"export $2"$'\n'
      shift 4 ;;
    --run) body+="$2"$'\n'; shift 2 ;;
    --add-flags) flagsBefore+=" $2"; shift 2 ;;
    --append-flags) flagsAfter+=" $2"; shift 2 ;;
    --chdir) body+="cd $(printf '%q' "$2")"$'\n'; shift 2 ;;
    *) echo "makeWrapper: unknown argument '$1'" >&2; return 1 ;;
    esac
  done
  local exec="exec"
  if [ -n "$argv0" ]; then exec="exec -a $(printf '%q' "$argv0")"; elif [ -n "$inherit" ]; then exec='exec -a "$0"'; fi
  mkdir -p "$(dirname "$wrapper")"
  {
    echo "#!$bastionBash/bin/bash -e"
    printf '%s' "$body"
    echo "$exec $(printf '%q' "$original")$flagsBefore \"\$@\"$flagsAfter"
  } >"$wrapper"
  chmod +x "$wrapper"
}

wrapProgram() {
  local prog="$1"
  shift
  local hidden
  hidden="$(dirname "$prog")/.$(basename "$prog")-wrapped"
  while [ -e "$hidden" ]; do hidden="${hidden}_"; done
  mv "$prog" "$hidden"
  makeWrapper "$hidden" "$prog" --inherit-argv0 "$@"
}
