# One Debian package as a derivation: its .deb fetched by the hash the
# pinned Packages index gives (a fixed output), unpacked (builtin, no host
# dpkg), then relocated against the unpacked packages of its Depends
# closure (see src/build/builtin_debian.h for why those stay unrelocated).
{ lock }:
let
  storeName = s: builtins.replaceStrings [ ":" "~" ] [ "-" "_" ] s;
  info = name: builtins.debianPackage lock name;

  # builtin:fetch-urls rather than Nix's builtin:fetchurl: it shows the
  # bytes downloaded and checks the hash itself, so a .deb that does not
  # match is an error naming the URL and both hashes, and is not kept
  # (src/build/builtin_fetch.h).
  deb = i: derivation {
    name = storeName "${i.name}_${i.version}.deb";
    builder = "builtin:fetch-urls";
    system = "builtin";
    urls = [ i.url ];
    size = i.size;
    outputHashMode = "flat";
    outputHashAlgo = "sha256";
    outputHash = i.sha256;
    preferLocalBuild = true;
  };

  unpacked = i: derivation {
    name = storeName "${i.name}-${i.version}-unpacked";
    builder = "builtin:debian-unpack";
    system = "builtin";
    deb = deb i;
    preferLocalBuild = true;
  };

  # Each package's info and unpacked tree, once per name.
  infos = builtins.listToAttrs (map (n: { name = n; value = info n; }) names);
  unpackedOf = n: unpacked infos.${n};
  names = builtins.debianPackageNames lock;

  package = n:
    let
      i = infos.${n};
      self = derivation {
        name = storeName "${i.name}-${i.version}";
        builder = "builtin:debian-relocate";
        system = "builtin";
        src = unpackedOf n;
        deps = map unpackedOf (builtins.filter (d: d != n) i.closure);
        preferLocalBuild = true;
      };
    in
    self // {
      pname = i.name;
      version = i.version;
      deb = deb i;
      unpacked = unpackedOf n;
      debianClosure = i.closure;
      meta = { description = "Debian package ${i.name} ${i.version}"; };
    };
in
{
  inherit names package;
  packages = builtins.listToAttrs (map (n: { name = n; value = package n; }) names);
}
