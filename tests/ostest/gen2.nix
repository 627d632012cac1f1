# The module two-node.nix's server gets as its second generation
# (server.switch_root("gen2.nix")).
{ environment.etc."ostest-generation".text = "2\n"; }
