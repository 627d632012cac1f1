# NixOS names whose headers, link libraries and pkg-config files Debian
# ships in a separate -dev package: the package under its NixOS name with a
# `dev` attribute, as nixpkgs' multiple-output packages have one. So
# `openssl.dev`, and `buildInputs = [ openssl ]` (stdenv.mkDerivation takes
# an input's dev, as nixpkgs' does), get libssl-dev. `out` stays the
# library or program package itself.
{ packages }:
let
  withDev = pkg: dev: packages.${pkg} // { dev = packages.${dev}; };
in
{
  openssl = withDev "openssl" "libssl-dev";
  curl = withDev "curl" "libcurl4-openssl-dev";
  zlib = withDev "zlib1g" "zlib1g-dev";
  sqlite = withDev "libsqlite3-0" "libsqlite3-dev";
  libxml2 = withDev "libxml2" "libxml2-dev";
  expat = withDev "libexpat1" "libexpat1-dev";
  ncurses = withDev "libncurses6" "libncurses-dev";
  readline = withDev "libreadline8" "libreadline-dev";
  libffi = withDev "libffi8" "libffi-dev";
  pcre2 = withDev "libpcre2-8-0" "libpcre2-dev";
  libuv = withDev "libuv1" "libuv1-dev";
  jansson = withDev "libjansson4" "libjansson-dev";
  libyaml = withDev "libyaml-0-2" "libyaml-dev";
  zstd = withDev "zstd" "libzstd-dev";
  xz = withDev "xz-utils" "liblzma-dev";
  bzip2 = withDev "bzip2" "libbz2-dev";
}
