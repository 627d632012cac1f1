# stdenv's setup for <bastion/pkgs> (sourced by default-builder.sh after
# the prelude stdenv.nix writes: toolchain, libc, bash, coreutils paths):
# nixpkgs' generic builder reduced to its documented contract — phases
# with pre/post hooks and overridable bodies, the dont*/do* switches,
# inputs' bin/include/lib/pkgconfig directories and nix-support/setup-hook
# files, a cc wrapper that links against the store's libc, patchShebangs.
set -eu
set -o pipefail
shopt -s nullglob

: "${outputs:=out}"
: "${NIX_BUILD_CORES:=1}"
export NIX_BUILD_CORES
export SHELL="$bastionBash/bin/bash"
export CONFIG_SHELL="$SHELL"
prefix="${prefix:-$out}"

runHook() {
  local hook="$1"
  shift
  local f
  # Functions registered with addHook, then the attribute of the name.
  if declare -p "${hook}Hooks" >/dev/null 2>&1; then
    local -n list="${hook}Hooks"
    for f in "${list[@]}"; do eval "$f" "$@"; done
  fi
  if [ -n "${!hook:-}" ]; then eval "${!hook}"; fi
  return 0
}
for h in preUnpack postUnpack prePatch postPatch preConfigure postConfigure preBuild postBuild \
  preCheck postCheck preInstall postInstall preFixup postFixup preInstallCheck postInstallCheck \
  preDist postDist preHook postHook; do
  declare -a "${h}Hooks=()"
done
addHook() {
  declare -p "$1Hooks" >/dev/null 2>&1 || declare -ga "$1Hooks=()"
  local -n l="$1Hooks"
  l+=("$2")
}

# --- inputs -------------------------------------------------------------
# Each input's directories, for Debian's layout (usr/…) and ours (…/):
# PATH, headers, libraries (with a run path, so what links runs), pkg-config
# files, and its setup hook. propagatedBuildInputs' inputs follow theirs.
NIX_CFLAGS_COMPILE="${NIX_CFLAGS_COMPILE:-}"
NIX_LDFLAGS="${NIX_LDFLAGS:-}"
PKG_CONFIG_PATH="${PKG_CONFIG_PATH:-}"
inputPath=""
declare -A seenInput=()
addInput() {
  local p="$1" d
  [ -n "${seenInput[$p]:-}" ] && return 0
  seenInput[$p]=1
  for d in "$p/bin" "$p/usr/bin" "$p/sbin" "$p/usr/sbin"; do
    [ -d "$d" ] && inputPath="$inputPath${inputPath:+:}$d"
  done
  for d in "$p/include" "$p/usr/include"; do
    [ -d "$d" ] && NIX_CFLAGS_COMPILE="$NIX_CFLAGS_COMPILE -isystem $d"
  done
  for d in "$p/lib" "$p/usr/lib/x86_64-linux-gnu" "$p/usr/lib"; do
    [ -d "$d" ] && NIX_LDFLAGS="$NIX_LDFLAGS -L$d -Wl,-rpath,$d"
  done
  for d in "$p/lib/pkgconfig" "$p/share/pkgconfig" "$p/usr/lib/x86_64-linux-gnu/pkgconfig" "$p/usr/share/pkgconfig"; do
    [ -d "$d" ] && PKG_CONFIG_PATH="$PKG_CONFIG_PATH${PKG_CONFIG_PATH:+:}$d"
  done
  if [ -f "$p/nix-support/setup-hook" ]; then
    # shellcheck disable=SC1091
    . "$p/nix-support/setup-hook"
  fi
  if [ -f "$p/nix-support/propagated-build-inputs" ]; then
    for d in $(cat "$p/nix-support/propagated-build-inputs"); do addInput "$d"; done
  fi
}
for p in ${nativeBuildInputs:-} ${buildInputs:-} ${propagatedBuildInputs:-} ${propagatedNativeBuildInputs:-}; do
  addInput "$p"
done
# The cc wrapper first; bash, dash (sh, as Debian's /bin/sh) and coreutils
# before the toolchain, so that
# patchShebangs and wrappers refer to those small packages, not to it.
export PATH="$NIX_BUILD_TOP/.cc-wrapper/bin${inputPath:+:$inputPath}:$bastionBash/bin:$bastionDash/bin:$bastionCoreutils/bin:$bastionToolchain/usr/bin"
export NIX_CFLAGS_COMPILE NIX_LDFLAGS PKG_CONFIG_PATH
export CC=cc CXX=c++ CPP="cc -E" LD=ld AR=ar NM=nm RANLIB=ranlib STRIP=strip OBJCOPY=objcopy

# The cc wrapper: Debian's gcc with the merged toolchain as sysroot,
# programs given the store's loader and a run path into libc6, libgcc-s1,
# libstdc++6 and $out/lib, and the inputs' flags (NIX_CFLAGS_COMPILE,
# NIX_LDFLAGS, as nixpkgs' cc-wrapper reads them).
mkdir -p "$NIX_BUILD_TOP/.cc-wrapper/bin"
for pair in cc=gcc gcc=gcc c++=g++ g++=g++ cpp=cpp; do
  name=${pair%%=*} real=${pair#*=}
  link=""
  [ "$name" != cpp ] && link='-Wl,--dynamic-linker='"$bastionLoader"' -Wl,-rpath,'"$out"'/lib'"$bastionRpath"
  cat >"$NIX_BUILD_TOP/.cc-wrapper/bin/$name" <<WRAPPER
#!$bastionBash/bin/bash
link="$link"
for a in "\$@"; do case \$a in -c | -E | -S | -M | -MM) link="" ;; esac; done
exec "$bastionToolchain/usr/bin/$real" --sysroot="$bastionToolchain" \$NIX_CFLAGS_COMPILE "\$@" \${link:+\$link \$NIX_LDFLAGS}
WRAPPER
  chmod +x "$NIX_BUILD_TOP/.cc-wrapper/bin/$name"
done

# --- helpers ------------------------------------------------------------
stripHash() { local b="${1##*/}"; if [[ $b =~ ^[0-9a-df-np-sv-z]{32}- ]]; then echo "${b:33}"; else echo "$b"; fi; }

# Rewrites each #! line under the paths given to the interpreter of that
# name found on PATH ("/usr/bin/env NAME" too), as nixpkgs' patchShebangs.
patchShebangs() {
  local f line interp args cmd new
  while IFS= read -r -d '' f; do
    [ -f "$f" ] && [ -x "$f" ] || continue
    IFS= read -r line <"$f" || true
    [[ $line == '#!'* ]] || continue
    line=${line#\#!}
    line=${line#"${line%%[![:space:]]*}"}
    interp=${line%%[[:space:]]*}
    args=${line#"$interp"}
    [[ $interp == "$NIX_STORE"/* ]] && continue
    if [ "${interp##*/}" = env ]; then
      args=${args#"${args%%[![:space:]]*}"}
      cmd=${args%%[[:space:]]*}
      args=${args#"$cmd"}
    else
      cmd=${interp##*/}
    fi
    new=$(command -v "$cmd" || true)
    if [ -z "$new" ] || [[ $new != /* ]]; then
      echo "patchShebangs: $f: no '$cmd' on PATH, left as it is" >&2
      continue
    fi
    echo "patching script interpreter paths in $f: $interp -> $new"
    sed -i -e "1 s|.*|#!$new$args|" "$f"
  done < <(find "$@" -type f -perm -0100 -print0)
}
NIX_STORE="${NIX_STORE:-/nix/store}"

unpackFile() {
  local src="$1"
  echo "unpacking source archive $src"
  if [ -d "$src" ]; then
    cp -pr -- "$src" "$(stripHash "$src")"
    return
  fi
  case "$src" in
  *.tar | *.tar.* | *.tgz | *.tbz2 | *.tbz | *.txz) tar xf "$src" --warning=no-timestamp ;;
  *.zip) unzip -qo "$src" ;;
  *)
    echo "unpackFile: do not know how to unpack $src" >&2
    return 1
    ;;
  esac
}

# --- phases -------------------------------------------------------------
unpackPhase() {
  runHook preUnpack
  local srcsList="${srcs:-${src:-}}" before after i
  if [ -z "$srcsList" ]; then
    echo "variable \$src or \$srcs should point to the source" >&2
    exit 1
  fi
  before=$(ls -A)
  for i in $srcsList; do unpackFile "$i"; done
  if [ -z "${sourceRoot:-}" ]; then
    after=$(comm -13 <(printf '%s\n' $before | sort) <(ls -A | sort))
    local n
    n=$(printf '%s\n' $after | grep -c . || true)
    if [ "$n" != 1 ]; then
      echo "unpacker produced multiple directories (or none): $after" >&2
      exit 1
    fi
    sourceRoot=$after
  fi
  echo "source root is $sourceRoot"
  chmod -R u+w -- "$sourceRoot"
  cd "$sourceRoot"
  # Nix's sandbox has a /bin/sh that configure scripts and build scripts
  # count on; Bastion's has none (unless sandbox-paths adds one), so the
  # sources' own scripts get their interpreters from PATH instead.
  [ -n "${dontPatchSourceShebangs:-}" ] || patchShebangs . >/dev/null
  runHook postUnpack
}

patchPhase() {
  runHook prePatch
  local i
  for i in ${patches:-}; do
    echo "applying patch $i"
    case "$i" in
    *.gz) gzip -dc "$i" ;;
    *.xz) xz -dc "$i" ;;
    *.bz2) bzip2 -dc "$i" ;;
    *) cat "$i" ;;
    esac | patch ${patchFlags:--p1}
  done
  runHook postPatch
}

configurePhase() {
  runHook preConfigure
  : "${configureScript:=}"
  if [ -z "$configureScript" ] && [ -x ./configure ]; then configureScript=./configure; fi
  if [ -n "$configureScript" ]; then
    local flags=()
    [ -z "${dontAddPrefix:-}" ] && flags+=("${prefixKey:---prefix=}$prefix")
    echo "configure flags: ${flags[*]} ${configureFlags:-}"
    # shellcheck disable=SC2086
    $configureScript "${flags[@]}" ${configureFlags:-}
  else
    echo "no configure script, doing nothing"
  fi
  runHook postConfigure
}

hasMakefile() { [ -n "${makefile:-}" ] || [ -e Makefile ] || [ -e makefile ] || [ -e GNUmakefile ]; }

buildPhase() {
  runHook preBuild
  if hasMakefile; then
    local jobs=1
    [ -n "${enableParallelBuilding:-}" ] && jobs=$NIX_BUILD_CORES
    # shellcheck disable=SC2086
    make ${makefile:+-f $makefile} -j"$jobs" SHELL="$SHELL" ${makeFlags:-} ${buildFlags:-}
  else
    echo "no Makefile or custom buildPhase, doing nothing"
  fi
  runHook postBuild
}

checkPhase() {
  runHook preCheck
  # shellcheck disable=SC2086
  hasMakefile && make ${makefile:+-f $makefile} SHELL="$SHELL" ${makeFlags:-} ${checkFlags:-} ${checkTarget:-check}
  runHook postCheck
}

installPhase() {
  runHook preInstall
  mkdir -p "$prefix"
  # shellcheck disable=SC2086
  if hasMakefile; then
    make ${makefile:+-f $makefile} SHELL="$SHELL" ${makeFlags:-} ${installFlags:-} ${installTargets:-install}
  else
    echo "no Makefile or custom installPhase, doing nothing"
  fi
  runHook postInstall
}

fixupPhase() {
  runHook preFixup
  local o
  for o in $outputs; do
    [ -e "${!o}" ] || continue
    [ -z "${dontPatchShebangs:-}" ] && patchShebangs "${!o}"
  done
  runHook postFixup
}

installCheckPhase() {
  runHook preInstallCheck
  # shellcheck disable=SC2086
  hasMakefile && make ${makefile:+-f $makefile} SHELL="$SHELL" ${makeFlags:-} ${installCheckFlags:-} ${installCheckTarget:-installcheck}
  runHook postInstallCheck
}

distPhase() {
  runHook preDist
  # shellcheck disable=SC2086
  make ${makefile:+-f $makefile} ${distFlags:-} ${distTarget:-dist}
  mkdir -p "$out/tarballs"
  cp -pvd ${tarballs:-*.tar.gz} "$out/tarballs"
  runHook postDist
}

genericBuild() {
  if [ -f "${buildCommandPath:-}" ]; then
    . "$buildCommandPath"
    return
  fi
  if [ -n "${buildCommand:-}" ]; then
    eval "$buildCommand"
    return
  fi
  local phases="${phases:-${prePhases:-} unpackPhase patchPhase ${preConfigurePhases:-} configurePhase ${preBuildPhases:-} buildPhase checkPhase ${preInstallPhases:-} installPhase ${preFixupPhases:-} fixupPhase installCheckPhase ${preDistPhases:-} distPhase ${postPhases:-}}"
  local phase skip
  for phase in $phases; do
    skip=""
    case $phase in
    unpackPhase) [ -n "${dontUnpack:-}" ] && skip=1 ;;
    patchPhase) [ -n "${dontPatch:-}" ] && skip=1 ;;
    configurePhase) [ -n "${dontConfigure:-}" ] && skip=1 ;;
    buildPhase) [ -n "${dontBuild:-}" ] && skip=1 ;;
    checkPhase) [ -z "${doCheck:-}" ] && skip=1 ;;
    installPhase) [ -n "${dontInstall:-}" ] && skip=1 ;;
    fixupPhase) [ -n "${dontFixup:-}" ] && skip=1 ;;
    installCheckPhase) [ -z "${doInstallCheck:-}" ] && skip=1 ;;
    distPhase) [ -z "${doDist:-}" ] && skip=1 ;;
    esac
    [ -n "$skip" ] && continue
    echo "running $phase"
    # An attribute of the phase's name replaces the function's body.
    if [ -n "${!phase:-}" ]; then eval "${!phase}"; else "$phase"; fi
    # unpackPhase may have changed into the source root, as nixpkgs' does.
  done
}

runHook postHook
