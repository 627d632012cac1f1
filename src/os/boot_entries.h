// systemd-boot entries for a root's generations, as NixOS's
// systemd-boot-builder.py writes them (the seed's rollback slide):
//
//   DIR/boot/loader/entries/bastion-generation-N.conf
//     title Bastion
//     version Generation N Bastion <nixos-version>[, Linux Kernel V], Built on YYYY-MM-DD
//     linux /efi/bastion/<store name>-<file>.efi      only if the toplevel has `kernel`
//     initrd /efi/bastion/<store name>-<file>.efi     only if it has `initrd`
//     options init=/nix/store/…/init [<kernel-params>]
//     machine-id <id>
//   DIR/boot/loader/loader.conf: "default bastion-generation-N.conf"
//
// The kernel and initrd are copied to DIR/boot/efi/bastion/ as NixOS copies
// them to the EFI partition. Every file is replaced atomically.
#pragma once

#include <set>
#include <string>

#include "os/root_layout.h"
#include "store/profiles.h"

namespace bastion::os {

// The entry's file name, "bastion-generation-N.conf".
std::string bootEntryName(store::GenerationNumber n);

// Writes the entry of generation `n`, whose toplevel is the store path
// `toplevel` (printed, "/nix/store/…") in the root's own store.
void writeBootEntry(const RootPaths &paths, store::GenerationNumber n, const std::string &toplevel,
                    const std::string &machineId);

// Makes generation `n` the loader's default.
void writeLoaderConf(const RootPaths &paths, store::GenerationNumber n);

// Removes the entries of generations not in `keep` (deleted ones), then
// the kernels and initrds no remaining entry names.
void removeStaleBootEntries(const RootPaths &paths, const std::set<store::GenerationNumber> &keep);

} // namespace bastion::os
