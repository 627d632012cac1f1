# The talk's docker-nextcloud derivation: a script running docker compose on
# the project (here a local compose file instead of a fetched repository).
{ pkgs, ... }:
let
  argProjectName = "--project-name '$name'";
  argComposeFile = "--file '$src/docker-compose.yml'";
  dockerCmd = "compose ${argProjectName} ${argComposeFile}";
in
derivation {
  name = "docker-nextcloud";
  system = builtins.currentSystem;
  src = ./docker-compose.yml;
  builder = "${pkgs.busybox}/bin/busybox";
  args = [
    "sh"
    "-c"
    ''
      ${pkgs.busybox}/bin/busybox mkdir $out \
      && echo "${pkgs.docker}/bin/docker ${dockerCmd}" \
      > $out/$name.sh \
      && ${pkgs.busybox}/bin/busybox chmod +x $out/$name.sh
    ''
  ];
}
