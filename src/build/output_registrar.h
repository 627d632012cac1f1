// Finishing builds off the build threads: a build's outputs, once moved
// into the store, still have to reach the disk and be registered. Both
// wait on the disk more than they compute, so a thread of their own does
// them while the build thread starts the next builder, and does them for
// every build that finished meanwhile at once: one sync of the store
// directory and one transaction for the lot.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/path_lock.h"
#include "store/store.h"

namespace bastion::build {

// A build's outputs in the store but not yet valid. Their locks are held
// until they are registered, so another process building the same
// derivation waits and then finds them valid.
struct MovedOutputs {
  std::vector<std::unique_ptr<store::PathLock>> locks;
  std::vector<store::ValidPathInfo> infos;
};

class OutputRegistrar {
public:
  // Called on the registrar's thread once the outputs are valid (error
  // empty) or could not be registered.
  using Done = std::function<void(const std::string &error)>;

  explicit OutputRegistrar(store::LocalStore &store);
  // Registers whatever is still queued, then stops.
  ~OutputRegistrar();
  OutputRegistrar(const OutputRegistrar &) = delete;
  OutputRegistrar &operator=(const OutputRegistrar &) = delete;

  void submit(MovedOutputs outputs, Done done);

private:
  struct Item {
    MovedOutputs outputs;
    Done done;
  };
  void run();
  void registerBatch(std::vector<Item> &batch);

  store::LocalStore &store_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Item> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace bastion::build
