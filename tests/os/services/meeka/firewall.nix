{ ... }:

{
  networking.firewall.enable = true;
}
