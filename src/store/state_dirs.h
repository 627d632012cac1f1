// The directories and files around the database that Nix 2.8's LocalStore
// creates when it opens a store (libstore/local-store.cc), so that a store
// Bastion initialised looks to Nix exactly like one Nix initialised.
#pragma once

#include <string>

namespace bastion::store {

struct StoreLayout {
  std::string realStoreDir; // <root>/nix/store
  std::string stateDir;     // <root>/nix/var/nix
  std::string dbDir;        // <root>/nix/var/nix/db
  std::string dbPath() const { return dbDir + "/db.sqlite"; }
  std::string schemaPath() const { return dbDir + "/schema"; }
};

StoreLayout storeLayout(const std::string &root);

// store/.links, profiles/per-user/<user>, gcroots/{profiles,per-user/<user>},
// temproots, db, the reserved-space file. Refuses a store directory that
// is (or lies below) a symlink, as Nix does.
void createStateDirs(const StoreLayout &layout);

// The `schema` file: 0 when there is none (a new store).
int readSchemaVersion(const StoreLayout &layout);
void writeSchemaVersion(const StoreLayout &layout, int version);

// Opens db/big-lock and takes it shared, as every Nix process does while it
// uses the store (an exclusive holder is upgrading the schema). Returns the
// descriptor, to be kept open for the store's lifetime.
int lockBigLock(const StoreLayout &layout);
// Switches the big lock between shared and exclusive (waiting), as a new
// store is initialised under the exclusive lock so that two processes
// opening it at once do not both create it.
void relockBigLock(int fd, bool exclusive);

} // namespace bastion::store
