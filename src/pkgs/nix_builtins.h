// The evaluator's view of a pinned Debian suite, for <bastion/pkgs>:
//   builtins.debianPackageNames LOCK  -> every real package name, sorted
//   builtins.debianPackage LOCK NAME  -> { name version url sha256 size
//                                          closure } or null
// `closure` is what apt installs for NAME alone (Depends and Pre-Depends,
// no base set), NAME included. The index is parsed once per process, so
// looking one package up costs one resolve, not a pass over 64,000.
#pragma once

namespace bastion::pkgs {

// Adds the two primops to lang's registry; call before any EvalState.
void registerNixBuiltins();

} // namespace bastion::pkgs
