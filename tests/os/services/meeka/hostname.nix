{ ... }:

{
  networking.hostName = "meeka";
  services.openssh.enable = true;
}
