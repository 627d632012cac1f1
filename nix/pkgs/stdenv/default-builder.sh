# The builder of stdenv.mkDerivation, as nixpkgs' default-builder.sh.
. "$stdenv/setup"
genericBuild
