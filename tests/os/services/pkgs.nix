# The service tests' package set: the hermetic one of the system tests.
import ../pkgs.nix
