// Realiser::realise (realise.h): the derivation graph in dependency order, N at a time.
#include <algorithm>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "build/build_error.h"
#include "build/build_one.h"
#include "build/realise.h"

namespace bastion::build {
namespace {

using format::StorePath;

struct Node {
  BuildJob job;
  std::set<std::string> wanted;       // output names needed by someone
  std::set<std::string> dependencies; // drv paths that must be built first
  std::set<std::string> dependents;
  enum State { Pending, Running, Done, Failed } state = Pending;
  bool expanded = false; // its inputs are in the graph: it will be built
  std::string failure;
  int status = 0; // BuildError::status bits
};

class Scheduler {
public:
  Scheduler(store::LocalStore &store, const BuildSettings &settings)
      : store_(store), settings_(settings), progress_(settings.quiet, settings.showPlan) {}

  std::vector<std::map<std::string, std::string>> run(const std::vector<DerivedPath> &targets) {
    for (auto &t : targets)
      add(t.drvPath, t.outputs, settings_.check);
    std::vector<std::string> plan;
    for (auto &[p, n] : nodes_)
      if (n.state == Node::Pending)
        plan.push_back(p);
    progress_.plan(plan);
    pending_ = plan.size();
    // -j 0: builds only elsewhere, and Bastion has no remote builders.
    if (!plan.empty() && settings_.maxJobs == 0)
      throw BuildError(
          "unable to start any build; either increase '--max-jobs' or enable remote builds.\n"
          "https://nixos.org/manual/nix/stable/advanced-topics/distributed-builds.html");
    loop();

    std::vector<std::string> failures;
    int status = 0;
    for (auto &[p, n] : nodes_)
      if (n.state == Node::Failed && !n.failure.empty()) {
        failures.push_back(n.failure);
        status |= n.status;
      }
    if (!failures.empty()) {
      std::string msg;
      for (size_t i = 0; i < failures.size(); i++)
        msg += (i ? "\n" : "") + failures[i];
      size_t failedTargets = 0;
      for (auto &t : targets)
        if (nodes_.count(t.drvPath) && nodes_.at(t.drvPath).state == Node::Failed)
          failedTargets++;
      if (failures.size() > 1 || failedTargets > 1)
        msg += "\nerror: build of " + std::to_string(failedTargets) + " derivation" +
               (failedTargets == 1 ? "" : "s") + " failed";
      throw BuildError(msg, status);
    }

    std::vector<std::map<std::string, std::string>> results;
    for (auto &t : targets) {
      format::Derivation drv = store_.readDerivation(store_.parseStorePath(t.drvPath));
      std::map<std::string, std::string> outs;
      for (auto &[name, o] : drv.outputs)
        if (t.outputs.empty() || t.outputs.count(name))
          outs[name] = o.path;
      results.push_back(outs);
    }
    return results;
  }

private:
  // Adds `drvPath` (and, if it needs building, its inputs) to the graph.
  // Returns false when everything wanted from it is already valid.
  bool add(const std::string &drvPath, const std::set<std::string> &outputs, bool check) {
    auto it = nodes_.find(drvPath);
    if (it == nodes_.end()) {
      Node n;
      n.job.drvPath = drvPath;
      n.job.drv = store_.readDerivation(store_.parseStorePath(drvPath));
      n.job.check = check;
      for (auto &[name, o] : n.job.drv.outputs) {
        if (o.path.empty())
          throw BuildError("derivation '" + drvPath + "' has an output '" + name +
                           "' without a path, which Bastion cannot build");
        n.job.outputs.emplace(name, store_.parseStorePath(o.path));
      }
      it = nodes_.emplace(drvPath, std::move(n)).first;
    }
    Node &node = it->second;
    std::set<std::string> want = outputs;
    if (want.empty())
      for (auto &[name, _] : node.job.outputs)
        want.insert(name);
    for (auto &o : want) {
      if (!node.job.outputs.count(o))
        throw BuildError("derivation '" + drvPath + "' does not have an output named '" + o + "'");
      node.wanted.insert(o);
    }
    if (!check && settings_.substitute && anyInvalid(node)) {
      std::set<StorePath> missing;
      for (auto &o : node.wanted)
        if (!store_.isValidPath(node.job.outputs.at(o)))
          missing.insert(node.job.outputs.at(o));
      settings_.substitute(store_, missing);
    }
    if (!check && !anyInvalid(node)) {
      if (!node.expanded)
        node.state = Node::Done;
      return node.expanded;
    }
    if (node.expanded)
      return true;
    node.expanded = true;
    node.state = Node::Pending;
    for (auto &[input, outs] : node.job.drv.inputDrvs)
      if (add(input, outs, false)) {
        node.dependencies.insert(input);
        nodes_.at(input).dependents.insert(drvPath);
      }
    return true;
  }

  bool anyInvalid(const Node &n) {
    for (auto &o : n.wanted)
      if (!store_.isValidPath(n.job.outputs.at(o)))
        return true;
    return false;
  }

  bool ready(const Node &n) {
    if (n.state != Node::Pending)
      return false;
    for (auto &d : n.dependencies)
      if (nodes_.at(d).state != Node::Done)
        return false;
    return true;
  }

  // A failure dooms everything that depends on it.
  void fail(const std::string &drvPath, std::string why) {
    Node &n = nodes_.at(drvPath);
    n.state = Node::Failed;
    n.failure = std::move(why);
    for (auto &d : n.dependents) {
      Node &dep = nodes_.at(d);
      if (dep.state == Node::Pending) {
        pending_--;
        fail(d, "");
      }
    }
  }

  // max-jobs worker threads, each taking the next ready derivation until
  // none is left or can become ready. A pool rather than a thread per
  // build: creating and tearing down threads (stacks, arenas) costs
  // cross-CPU TLB flushes that are a visible part of a trivial build.
  // A build counts as running until the registrar has registered its
  // outputs; its worker goes on to the next one meanwhile.
  void loop() {
    OutputRegistrar registrar(store_);
    registrar_ = &registrar;
    unsigned workers = settings_.maxJobs;
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < workers; i++)
      threads.emplace_back([this] { work(); });
    for (auto &t : threads)
      t.join();
    registrar_ = nullptr;
  }

  // A build is over: its outputs are valid, or it failed.
  void finish(Node &n, const std::string &error, int status) {
    progress_.finished(n.job.drvPath, error.empty());
    std::lock_guard<std::mutex> lock(mutex_);
    if (error.empty())
      n.state = Node::Done;
    else {
      fail(n.job.drvPath, error);
      n.status = status;
      if (!settings_.keepGoing)
        stopping_ = true;
    }
    running_--;
    cv_.notify_all();
  }

  void work() {
    Workspace workspace;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      Node *next = nullptr;
      if (!stopping_)
        for (auto &[p, n] : nodes_)
          if (ready(n)) {
            next = &n;
            break;
          }
      if (!next) {
        if (running_ == 0) {
          // Nothing runs and nothing is ready: nothing ever will be.
          cv_.notify_all();
          return;
        }
        cv_.wait(lock);
        continue;
      }
      Node &n = *next;
      n.state = Node::Running;
      pending_--;
      n.job.moreToCome = pending_ > 0;
      running_++;
      lock.unlock();
      std::string error;
      int status = 0;
      MovedOutputs moved;
      try {
        moved = buildDerivation(store_, settings_, progress_, n.job, workspace);
      } catch (BuildError &e) {
        error = e.what();
        status = e.status;
      } catch (std::exception &e) {
        error = e.what();
      }
      if (error.empty() && !moved.infos.empty())
        registrar_->submit(std::move(moved), [this, &n](const std::string &e) { finish(n, e, 0); });
      else
        finish(n, error, status);
      lock.lock();
    }
  }

  store::LocalStore &store_;
  const BuildSettings &settings_;
  Progress progress_;
  std::map<std::string, Node> nodes_;
  std::mutex mutex_;
  std::condition_variable cv_;
  unsigned running_ = 0; // building, or waiting to be registered
  size_t pending_ = 0;   // not started yet
  bool stopping_ = false;
  OutputRegistrar *registrar_ = nullptr;
};

} // namespace

std::vector<std::map<std::string, std::string>>
Realiser::realise(const std::vector<DerivedPath> &targets) {
  // The derivations were most likely just written in a batch: make them
  // valid for everyone before building them.
  store_.flushBatch();
  Scheduler s(store_, settings_);
  return s.run(targets);
}

} // namespace bastion::build
