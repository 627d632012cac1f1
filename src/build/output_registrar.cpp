#include "build/output_registrar.h"

#include <exception>

#include "build/outputs.h"
#include "store/fs_util.h"

namespace bastion::build {

OutputRegistrar::OutputRegistrar(store::LocalStore &store)
    : store_(store), thread_([this] { run(); }) {}

OutputRegistrar::~OutputRegistrar() {
  {
    std::lock_guard<std::mutex> l(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void OutputRegistrar::submit(MovedOutputs outputs, Done done) {
  {
    std::lock_guard<std::mutex> l(mutex_);
    queue_.push_back({std::move(outputs), std::move(done)});
  }
  cv_.notify_one();
}

void OutputRegistrar::run() {
  for (;;) {
    std::vector<Item> batch;
    {
      std::unique_lock<std::mutex> l(mutex_);
      cv_.wait(l, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      batch.swap(queue_);
    }
    registerBatch(batch);
  }
}

void OutputRegistrar::registerBatch(std::vector<Item> &batch) {
  // Every file of every output on disk, then the store directory (for the
  // renames that put them there), and only then the database.
  std::vector<std::string> errors(batch.size());
  std::vector<store::ValidPathInfo> infos;
  for (size_t i = 0; i < batch.size(); i++) {
    try {
      for (auto &info : batch[i].outputs.infos)
        syncOutput(store_, info);
      infos.insert(infos.end(), batch[i].outputs.infos.begin(), batch[i].outputs.infos.end());
    } catch (std::exception &e) {
      errors[i] = e.what();
    }
  }
  if (!infos.empty()) {
    std::string error;
    try {
      store::syncPath(store_.realStoreDir());
      store_.registerValidPaths(infos);
    } catch (std::exception &e) {
      error = e.what();
    }
    if (!error.empty())
      for (size_t i = 0; i < batch.size(); i++)
        if (errors[i].empty())
          errors[i] = error;
  }
  for (size_t i = 0; i < batch.size(); i++) {
    batch[i].outputs.locks.clear();
    batch[i].done(errors[i]);
  }
}

} // namespace bastion::build
