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
NIX_STORE="${NIX_STORE:-/nix/store}"
: "${NIX_BUILD_CORES:=1}"
export NIX_BUILD_CORES
export SHELL="$bastionBash/bin/bash"
export CONFIG_SHELL="$SHELL"
prefix="${prefix:-$out}"

# Which output gets what, as nixpkgs' multiple-outputs.sh: the first of
# the candidates that is an output (outputDev=dev when there is a dev).
hasOutput() { [[ " $outputs " == *" $1 "* ]]; }
firstOutput() {
  local o
  for o in "$@"; do
    if hasOutput "$o" || [ "$o" = REMOVE ]; then
      echo "$o"
      return
    fi
  done
  echo out
}
: "${outputDev:=$(firstOutput dev out)}"
: "${outputBin:=$(firstOutput bin out)}"
: "${outputInclude:=$outputDev}"
: "${outputLib:=$(firstOutput lib out)}"
: "${outputDoc:=$(firstOutput doc out)}"
: "${outputDevdoc:=$(firstOutput devdoc REMOVE)}"
: "${outputMan:=$(firstOutput man "$outputBin")}"
: "${outputDevman:=$(firstOutput devman "$outputMan")}"
: "${outputInfo:=$(firstOutput info "$outputBin")}"
multipleOutputs=""
[ "$outputs" != out ] && multipleOutputs=1

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
# (coreutils, find and sed while the inputs are looked at; PATH proper below)
PATH="$bastionCoreutils/bin:$bastionToolchain/usr/bin"
NIX_CFLAGS_COMPILE="${NIX_CFLAGS_COMPILE:-}"
NIX_LDFLAGS="${NIX_LDFLAGS:-}"
PKG_CONFIG_PATH="${PKG_CONFIG_PATH:-}"
inputPath=""
declare -A seenInput=() debianInput=()
for p in ${bastionDebianInputs:-}; do debianInput[$p]=1; done
addInput() {
  local p="$1" d
  [ -n "${seenInput[$p]:-}" ] && return 0
  seenInput[$p]=1
  for d in "$p/bin" "$p/usr/bin" "$p/sbin" "$p/usr/sbin"; do
    [ -d "$d" ] && inputPath="$inputPath${inputPath:+:}$d"
  done
  # A Debian package's headers, libraries and .pc files are used from the
  # merged tree below (here its libfoo.so may be a dangling link, and ld
  # would take libfoo.a instead).
  [ -n "${debianInput[$p]:-}" ] && return 0
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
    for d in $(<"$p/nix-support/propagated-build-inputs"); do addInput "$d"; done
  fi
}
for p in ${nativeBuildInputs:-} ${buildInputs:-} ${propagatedBuildInputs:-} ${propagatedNativeBuildInputs:-}; do
  addInput "$p"
done

# Debian packages the inputs need (stdenv.nix: their Depends closure less
# the toolchain): -dev packages link into their library packages
# (libssl.so -> libssl.so.3, in libssl3), so their usr/include, usr/lib
# and pkg-config files are merged into one tree of links where those
# resolve; programs are linked there and get a run path into the real
# packages (shrunk to what they need in fixup). Their programs (pkgconf's
# pkg-config for the pkg-config package) go on PATH through the merged
# usr/bin (pkg-config -> pkgconf is a link into pkgconf-bin).
debianRoot="$NIX_BUILD_TOP/.debian-inputs"
linkInto() {
  local src="$1" dst="$2" l t
  [ -d "$src" ] || return 0
  mkdir -p "$dst"
  cp -rs --remove-destination "$src/." "$dst/"
  chmod -R u+w "$dst"
  # cp -s linked each link to the link; a relative one is copied instead,
  # so it resolves in the merged tree; an absolute one is made to.
  while IFS= read -r -d '' l; do
    t=$(readlink "$l")
    case $t in
    "$NIX_STORE"/*) ;;
    /*) ln -sfn "$debianRoot$t" "$dst/${l#"$src"/}" ;;
    *) ln -sfn "$t" "$dst/${l#"$src"/}" ;;
    esac
  done < <(find "$src" -type l -print0)
}
if [ -n "${bastionDebianInputs:-}${bastionDebianLibs:-}" ]; then
  # Merged-usr, as the packages were unpacked: /lib/… links (zlib1g-dev's
  # libz.so -> /lib/x86_64-linux-gnu/libz.so.1.2.13) resolve under usr/.
  mkdir -p "$debianRoot/usr/lib" "$debianRoot/usr/bin"
  ln -s usr/lib "$debianRoot/lib"
  ln -s usr/bin "$debianRoot/bin"
  for p in $bastionDebianInputs; do
    for d in usr/bin usr/include usr/lib/x86_64-linux-gnu usr/lib/pkgconfig usr/share/pkgconfig; do
      linkInto "$p/$d" "$debianRoot/$d"
    done
    [ -d "$p/usr/lib/x86_64-linux-gnu" ] && NIX_LDFLAGS="$NIX_LDFLAGS -Wl,-rpath,$p/usr/lib/x86_64-linux-gnu"
  done
  for p in ${bastionDebianLibs:-}; do
    d="$p/usr/lib/x86_64-linux-gnu"
    [ -d "$d" ] || continue
    mkdir -p "$debianRoot/${d#"$p"/}"
    for f in "$d"/*.so.*; do
      [ -e "$debianRoot/${f#"$p"/}" ] || ln -s "$f" "$debianRoot/${f#"$p"/}"
    done
    NIX_LDFLAGS="$NIX_LDFLAGS -Wl,-rpath,$d"
  done
  # Debian's .pc files say prefix=/usr: here that is the merged tree.
  for f in "$debianRoot"/usr/lib/x86_64-linux-gnu/pkgconfig/*.pc "$debianRoot"/usr/lib/pkgconfig/*.pc \
    "$debianRoot"/usr/share/pkgconfig/*.pc; do
    sed -E "s#(^|[=[:space:]'\"])/usr(/|\$|[[:space:]])#\1$debianRoot/usr\2#g" "$f" >"$f.new"
    mv -f "$f.new" "$f"
  done
  [ -d "$debianRoot/usr/bin" ] && inputPath="$inputPath${inputPath:+:}$debianRoot/usr/bin"
  for d in "$debianRoot/usr/include/x86_64-linux-gnu" "$debianRoot/usr/include"; do
    [ -d "$d" ] && NIX_CFLAGS_COMPILE="$NIX_CFLAGS_COMPILE -isystem $d"
  done
  d="$debianRoot/usr/lib/x86_64-linux-gnu"
  [ -d "$d" ] && NIX_LDFLAGS="$NIX_LDFLAGS -L$d -Wl,-rpath-link,$d"
  for d in "$debianRoot/usr/lib/x86_64-linux-gnu/pkgconfig" "$debianRoot/usr/lib/pkgconfig" \
    "$debianRoot/usr/share/pkgconfig"; do
    [ -d "$d" ] && PKG_CONFIG_PATH="$PKG_CONFIG_PATH${PKG_CONFIG_PATH:+:}$d"
  done
fi
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
    # A program of the merged Debian inputs: the store file it links to.
    [[ $new == "$debianRoot"/* ]] && new=$(readlink -f "$new")
    if [ -z "$new" ] || [[ $new != /* ]]; then
      echo "patchShebangs: $f: no '$cmd' on PATH, left as it is" >&2
      continue
    fi
    echo "patching script interpreter paths in $f: $interp -> $new"
    sed -i -e "1 s|.*|#!$new$args|" "$f"
  done < <(find "$@" -type f -perm -0100 -print0)
}

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
    # With several outputs, autoconf's directories point into them (as
    # nixpkgs' setOutputFlags); fixup moves whatever still lands in $out.
    if [ -n "$multipleOutputs" ] && [ -n "${setOutputFlags-1}" ]; then
      flags+=("--bindir=${!outputBin}/bin" "--sbindir=${!outputBin}/sbin"
        "--includedir=${!outputInclude}/include" "--oldincludedir=${!outputInclude}/include"
        "--mandir=${!outputMan}/share/man" "--infodir=${!outputInfo}/share/info"
        "--docdir=${!outputDoc}/share/doc/${shareDocName:-${pname:-$name}}"
        "--libdir=${!outputLib}/lib" "--libexecdir=${!outputLib}/libexec"
        "--localedir=${!outputLib}/share/locale")
    fi
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

# --- fixup (nixpkgs' fixupPhase and its default hooks) ------------------
# Moves what matches $1 (paths relative to an output) from every other
# output into output $2 ("REMOVE": deleted), as nixpkgs' moveToOutput.
moveToOutput() {
  local patt="$1" dstOut="$2" o srcPath dstPath
  for o in $outputs; do
    [ "${!o}" = "$dstOut" ] && continue
    for srcPath in "${!o}"/$patt; do
      [ -e "$srcPath" ] || [ -L "$srcPath" ] || continue
      if [ "$dstOut" = REMOVE ]; then
        echo "removing ${srcPath#"${!o}"/} from $o"
        rm -rf "$srcPath"
        continue
      fi
      dstPath="$dstOut${srcPath#"${!o}"}"
      echo "moving ${srcPath#"${!o}"/} from $o to ${dstOut##*-}"
      if [ -d "$dstPath" ] && [ -d "$srcPath" ]; then
        rmdir "$srcPath" --ignore-fail-on-non-empty
        [ -d "$srcPath" ] && { cp -a "$srcPath"/. "$dstPath"/ && rm -rf "$srcPath"; }
      else
        mkdir -p "$(dirname "$dstPath")"
        mv "$srcPath" "$dstPath"
      fi
      # An emptied parent goes (share/ once share/doc has moved).
      rmdir -p --ignore-fail-on-non-empty "$(dirname "$srcPath")" 2>/dev/null || true
    done
  done
}

isELF() {
  local magic
  magic=$(head -c 4 "$1" 2>/dev/null | tr -d '\0') || return 1
  [ "$magic" = $'\x7fELF' ]
}

# Headers, pkg-config, cmake and aclocal files to dev; docs, man and info
# pages to theirs; dev propagates the outputs holding libraries and
# programs, so an input of dev gets them too.
multioutFixup() {
  [ -n "$multipleOutputs" ] || return 0
  local o f REMOVE=REMOVE # "${!outputDevdoc}" is REMOVE when there is no devdoc
  moveToOutput share/info "${!outputInfo}"
  moveToOutput share/doc "${!outputDoc}"
  moveToOutput share/gtk-doc "${!outputDevdoc}"
  moveToOutput share/man "${!outputMan}"
  moveToOutput share/man/man3 "${!outputDevman}"
  if [ -n "${moveToDev-1}" ]; then
    moveToOutput include "${!outputInclude}"
    moveToOutput lib/pkgconfig "${!outputDev}"
    moveToOutput share/pkgconfig "${!outputDev}"
    moveToOutput lib/cmake "${!outputDev}"
    moveToOutput share/aclocal "${!outputDev}"
    for f in "${!outputDev}"/{lib,share}/pkgconfig/*.pc; do
      echo "patching $f: includedir in ${outputInclude}"
      sed -i -e "/^includedir=/s|=\${prefix}|=${!outputInclude}|" \
        -e "/^includedir=/s|=$out/|=${!outputInclude}/|" "$f"
    done
  fi
  local propagator="$outputDev" wanted=""
  if [ -z "${propagatedBuildOutputs+1}" ]; then
    for o in $outputBin $outputInclude $outputLib; do
      [ "$o" = "$propagator" ] || [[ " $wanted " == *" $o "* ]] || wanted="$wanted $o"
    done
  else
    wanted="$propagatedBuildOutputs"
  fi
  if [ -n "${wanted// /}" ]; then
    mkdir -p "${!propagator}/nix-support"
    for o in $wanted; do
      printf ' %s' "${!o}" >>"${!propagator}/nix-support/propagated-build-inputs"
    done
  fi
}

# strip -S of the ELF files under stripDebugList, strip -s under
# stripAllList (dontStrip: neither), as nixpkgs' strip.sh.
stripDirs() {
  local stripFlags="$1" d f
  shift
  for d in "$@"; do
    [ -e "$prefix/$d" ] || continue
    while IFS= read -r -d '' f; do
      isELF "$f" || continue
      echo "stripping ($stripFlags) $f"
      # shellcheck disable=SC2086
      $STRIP $stripFlags "$f" 2>/dev/null || echo "strip: $f left as it is" >&2
    done < <(find "$prefix/$d" -type f -print0)
  done
}

fixupOutput() {
  # man, doc and info at the top of an output belong under share/.
  local d f
  for d in man doc info; do
    if [ -d "$prefix/$d" ] && [ ! -L "$prefix/$d" ]; then
      mkdir -p "$prefix/share"
      if [ -d "$prefix/share/$d" ]; then
        cp -a "$prefix/$d"/. "$prefix/share/$d"/ && rm -rf "${prefix:?}/$d"
      else
        mv "$prefix/$d" "$prefix/share/$d"
      fi
    fi
  done
  if [ -z "${dontStrip:-}" ]; then
    # shellcheck disable=SC2086
    stripDirs "${stripDebugFlags:--S}" ${stripDebugList-lib lib32 lib64 libexec bin sbin}
    # shellcheck disable=SC2086
    [ -n "${stripAllList:-}" ] && stripDirs "${stripAllFlags:--s}" $stripAllList
  fi
  # Run paths only into the directories that hold a needed library (the
  # wrapper gives every input's; nixpkgs' patchelf hook shrinks them too).
  if [ -z "${dontPatchELF:-}" ]; then
    while IFS= read -r -d '' f; do
      isELF "$f" || continue
      patchelf --print-rpath "$f" >/dev/null 2>&1 || continue
      patchelf --shrink-rpath "$f"
    done < <(find "$prefix" -type f -print0)
  fi
  [ -z "${dontPatchShebangs:-}" ] && patchShebangs "$prefix"
  return 0
}

fixupPhase() {
  local o
  # Every output exists, even one nothing was installed into.
  for o in $outputs; do
    [ -e "${!o}" ] || mkdir -p "${!o}"
    chmod -R u+w "${!o}"
  done
  runHook preFixup
  multioutFixup
  for o in $outputs; do
    prefix="${!o}" fixupOutput
  done
  # As nixpkgs: propagatedBuildInputs recorded for whoever uses this.
  if [ -n "${propagatedBuildInputs:-}" ]; then
    mkdir -p "${!outputDev}/nix-support"
    printf ' %s' $propagatedBuildInputs >>"${!outputDev}/nix-support/propagated-build-inputs"
  fi
  if [ -n "${setupHook:-}" ]; then
    mkdir -p "${!outputDev}/nix-support"
    cp "$setupHook" "${!outputDev}/nix-support/setup-hook"
  fi
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
