# Bastion's lib: nixpkgs' lib API (the sub-libraries under their names, and
# their common functions at the top level), reachable as <bastion/lib> and,
# when the search path has no nixpkgs, as <nixpkgs/lib>.
let
  # The sub-libraries are files of the form `{ lib }: { … }`; each gets the
  # finished lib lazily, so they may use each other freely.
  build =
    lib:
    let
      call = file: import file { inherit lib; };
      trivial = call ./trivial.nix;
      lists = call ./lists.nix;
      strings = call ./strings.nix;
      attrsets = call ./attrsets.nix;
      fixedPoints = call ./fixed-points.nix;
      options = call ./options.nix;
      modules = call ./modules.nix;
      types = call ./types.nix;
      generators = call ./generators.nix;
      asserts = call ./asserts.nix;
      debug = call ./debug.nix;
      versions = call ./versions.nix;
      meta = call ./meta.nix;
      customisation = call ./customisation.nix;
      stringsWithDeps = call ./strings-with-deps.nix;
      filesystem = call ./filesystem.nix;
    in
    # Later sets win where names repeat: lib.hasPrefix is the string one,
    # lib.replicate the list one, lib.importJSON the plain one.
    modules
    // debug
    // meta
    // customisation
    // asserts
    // attrsets
    // lists
    // strings
    // options
    // fixedPoints
    // trivial
    // stringsWithDeps
    // {
      inherit (filesystem) pathType pathIsDirectory pathIsRegularFile;
      inherit (versions) splitVersion;
      inherit (lists) replicate;
      inherit (types)
        isType
        setType
        defaultTypeMerge
        defaultFunctor
        isOptionType
        mkOptionType
        ;
      inherit (modules) mkIf mkMerge mkOverride;
      inherit (builtins)
        addErrorContext
        unsafeGetAttrPos
        tryEval
        toString
        isPath
        baseNameOf
        dirOf
        compareVersions
        fromTOML
        hashFile
        hashString
        parseDrvName
        placeholder
        readDir
        readFileType
        toFile
        toXML
        trace
        ;
      inherit
        trivial
        lists
        strings
        attrsets
        fixedPoints
        options
        modules
        types
        generators
        asserts
        debug
        versions
        meta
        customisation
        stringsWithDeps
        filesystem
        ;
    };

  # lib.extend: a new lib with an overlay applied, as nixpkgs' lib has.
  extensible =
    rattrs:
    let
      self = rattrs self // {
        extend = overlay: extensible (final: let prev = rattrs final; in prev // overlay final prev);
      };
    in
    self;
in
extensible build
