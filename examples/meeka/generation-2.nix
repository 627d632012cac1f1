# meeka's second generation in test.nix: one /etc file more, to tell the
# generations apart after the reboot and the rollback.
{ environment.etc."meeka-generation".text = "2\n"; }
