# flags: --argstr name custom --arg n 5 -A pkg
# --arg / --argstr reach a function at the top; -A selects.
{ name ? "default", n ? 1 }:
{
  pkg = derivation { inherit name; system = "x86_64-linux"; builder = "/bin/sh"; count = n; };
  other = derivation { name = "other"; system = "x86_64-linux"; builder = "/bin/sh"; };
}
