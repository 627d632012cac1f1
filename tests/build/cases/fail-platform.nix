# Another platform: the same refusal, with the (empty) required features.
# flags: --option system-features nixos-test
# expect: error: a 'aarch64-linux' with features {} is required to build
# expect: but I am a 'x86_64-linux' with features {nixos-test}
derivation { name = "platform"; system = "aarch64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; }
