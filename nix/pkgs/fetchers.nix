# nixpkgs' fetchers with nixpkgs' argument names, as fixed-output
# derivations built by builtin builders (no curl, no stdenv): fetchurl by
# Nix's builtin:fetchurl (one URL) or builtin:fetch-urls (several, tried in
# order; src/build/builtin_fetch.h), fetchzip and fetchFromGitHub by
# builtin:fetch-urls' libarchive unpack. What needs a shell step after the
# download (postFetch, netrc, curl options) is refused with a clear error
# rather than silently skipped. fetchgit is in fetchgit.nix.
{ lib, fetchgit }:
let
  # The output hash nixpkgs' fetchurl derives from its arguments.
  hashOf = what: urls:
    { hash ? "", sha256 ? "", sha512 ? "", sha1 ? "", md5 ? "", outputHash ? "", outputHashAlgo ? "", ... }:
    if hash != "" then { outputHashAlgo = null; outputHash = hash; }
    else if md5 != "" then throw "${what} does not support md5 anymore, please use sha256 or sha512"
    else if outputHash != "" && outputHashAlgo != "" then { inherit outputHashAlgo outputHash; }
    else if sha512 != "" then { outputHashAlgo = "sha512"; outputHash = sha512; }
    else if sha256 != "" then { outputHashAlgo = "sha256"; outputHash = sha256; }
    else if sha1 != "" then { outputHashAlgo = "sha1"; outputHash = sha1; }
    else throw "${what} requires a hash for fixed-output derivation: ${lib.concatStringsSep ", " urls}";

  urlsOf = what: url: urls:
    let
      us =
        if urls != [ ] && url == "" then urls
        else if url != "" && urls == [ ] then [ url ]
        else throw "${what} requires either `url` or `urls` to be set";
    in
    map
      (u:
        if lib.hasPrefix "mirror://" u
        then throw "${what}: '${u}': mirror:// URLs are not supported, give the mirror's own URL"
        else u)
      us;

  unsupported = what: name: value: default:
    if value != default
    then throw "${what}: '${name}' is not supported by Bastion's ${what} (it has no shell step after the download)"
    else null;

  fixedOutput = { name, urls, hashAttrs, mode, extra ? { }, meta ? { }, passthru ? { } }:
    let
      single = builtins.length urls == 1 && !(extra.unpack or false);
      drv = derivation ({
        inherit name;
        system = "builtin";
        builder = if single then "builtin:fetchurl" else "builtin:fetch-urls";
        outputHashMode = mode;
        preferLocalBuild = true;
      }
      // (if single then { url = builtins.head urls; } else { inherit urls; })
      // hashAttrs
      // extra);
    in
    drv // { inherit meta urls; url = builtins.head urls; } // passthru;

  fetchurl =
    { url ? ""
    , urls ? [ ]
    , name ? ""
    , pname ? ""
    , version ? ""
    , executable ? false
    , recursiveHash ? false
    , postFetch ? ""
    , downloadToTemp ? false
    , curlOpts ? ""
    , curlOptsList ? [ ]
    , netrcPhase ? null
    , netrcImpureEnvVars ? [ ]
    , showURLs ? false
    , meta ? { }
    , passthru ? { }
    , preferLocalBuild ? true
    , hash ? ""
    , sha256 ? ""
    , sha512 ? ""
    , sha1 ? ""
    , md5 ? ""
    , outputHash ? ""
    , outputHashAlgo ? ""
    }@args:
    let
      what = "fetchurl";
      urls_ = urlsOf what url urls;
      checks = [
        (unsupported what "postFetch" postFetch "")
        (unsupported what "downloadToTemp" downloadToTemp false)
        (unsupported what "curlOpts" curlOpts "")
        (unsupported what "curlOptsList" curlOptsList [ ])
        (unsupported what "netrcPhase" netrcPhase null)
        (unsupported what "showURLs" showURLs false)
      ];
    in
    builtins.seq (lib.all (c: c == null) checks) (fixedOutput {
      name =
        if pname != "" && version != "" then "${pname}-${version}"
        else if name != "" then name
        else baseNameOf (toString (builtins.head urls_));
      urls = urls_;
      hashAttrs = hashOf what urls_ args;
      mode = if recursiveHash then "recursive" else "flat";
      extra = lib.optionalAttrs executable { executable = true; };
      inherit meta passthru;
    });

  fetchzip =
    { name ? "source"
    , url ? ""
    , urls ? [ ]
    , stripRoot ? true
    # libarchive tells the format from the bytes, so the file name's
    # extension that nixpkgs' unpackFile needs is not used.
    , extension ? null
    , postFetch ? ""
    , extraPostFetch ? ""
    , meta ? { }
    , passthru ? { }
    , hash ? ""
    , sha256 ? ""
    , sha512 ? ""
    , sha1 ? ""
    , md5 ? ""
    , outputHash ? ""
    , outputHashAlgo ? ""
    }@args:
    let
      what = "fetchzip";
      urls_ = urlsOf what url urls;
      checks = [
        (unsupported what "postFetch" postFetch "")
        (unsupported what "extraPostFetch" extraPostFetch "")
      ];
    in
    builtins.seq (lib.all (c: c == null) checks) (fixedOutput {
      inherit name meta passthru;
      urls = urls_;
      hashAttrs = hashOf what urls_ args;
      mode = "recursive";
      extra = { unpack = true; inherit stripRoot; };
    });

  fetchFromGitHub =
    { owner
    , repo
    , rev
    , name ? "source"
    , fetchSubmodules ? false
    , leaveDotGit ? null
    , deepClone ? false
    , private ? false
    , forceFetchGit ? false
    , sparseCheckout ? [ ]
    # A host name as in nixpkgs ("github.com", a GitHub Enterprise host),
    # or, here also, a base URL with its scheme ("http://127.0.0.1:8080"):
    # tests point it at a loopback server.
    , githubBase ? "github.com"
    , varPrefix ? null
    , meta ? { }
    , ...
    }@args:
    let
      base = if lib.hasInfix "://" githubBase then githubBase else "https://${githubBase}";
      baseUrl = "${base}/${owner}/${repo}";
      rest = removeAttrs args [
        "owner" "repo" "rev" "fetchSubmodules" "private" "githubBase" "varPrefix"
        "forceFetchGit" "leaveDotGit" "deepClone" "sparseCheckout" "meta"
      ];
      useGit = fetchSubmodules || (leaveDotGit == true) || deepClone || forceFetchGit || sparseCheckout != [ ];
      meta' = { homepage = baseUrl; } // meta;
      passthru = { gitRepoUrl = baseUrl; inherit rev owner repo; };
    in
    if private then throw "fetchFromGitHub: 'private' (netrc credentials) is not supported"
    else if useGit then
      fetchgit (rest // {
        url = "${baseUrl}.git";
        inherit rev fetchSubmodules deepClone sparseCheckout;
        leaveDotGit = if leaveDotGit == null then deepClone else leaveDotGit;
      }) // { meta = meta'; } // passthru
    else
      fetchzip (rest // {
        url = "${baseUrl}/archive/${rev}.tar.gz";
        meta = meta';
        passthru = passthru // (rest.passthru or { });
      });
in
{
  inherit fetchurl fetchzip fetchFromGitHub;
}
