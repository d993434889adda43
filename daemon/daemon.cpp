// SPDX-License-Identifier: Apache-2.0
// `slawatch run`: the owner that wires the daemon's two halves and runs them.
// Everything that can refuse to start does so in start(), before any thread
// runs; then the storage pipeline resumes where the last run stopped while
// the probe loop starts probing.
//
// Data flows one way: probe -> ProbeLoop -> ResultWriter (in SharedState)
// -> StoragePipeline -> Store. The loop sends the pipeline messages
// (request_flush, reload, stop); the pipeline answers only through
// SharedState (figures, store health, a lost database, a finished stop).

#include "daemon/daemon.hpp"

#include "daemon/checkpointer.hpp"
#include "daemon/open_store.hpp"
#include "daemon/probe_loop.hpp"
#include "daemon/shared_state.hpp"
#include "daemon/storage_pipeline.hpp"
#include "storage/writer_lock.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

namespace slawatch::daemon {
namespace {

class Daemon {
public:
    Daemon(config::Config config, const Options& options)
        : options_(options), config_(std::move(config)) {}
    ~Daemon() {
        // The storage thread ends before the objects it uses go.
        if (pipeline_) pipeline_->join();
    }

    int run() {
        start();
        const int code = loop_->run();
        pipeline_->join();
        return code;
    }

private:
    void start();
    void lock_database();
    std::unique_ptr<Checkpointer> load_checkpointer() const;
    void enable_alerts();
    void enable_witness();
    void announce() const;

    Options options_;
    config::Config config_;  // as started; each half keeps its own copy from there
    std::optional<storage::WriterLock> lock_;  // declared first: released last
    SharedState shared_;
    std::unique_ptr<StoragePipeline> pipeline_;
    std::unique_ptr<ProbeLoop> loop_;
};

void Daemon::start() {
    lock_database();
    auto opened = open_store(config_, options_);
    auto checkpointer = load_checkpointer();
    pipeline_ = std::make_unique<StoragePipeline>(shared_, config_, std::move(opened),
                                                  std::move(checkpointer));
    loop_ = std::make_unique<ProbeLoop>(shared_, *pipeline_, config_, options_.version);
    auto probes = loop_->prepare();
    enable_alerts();
    enable_witness();
    {
        std::lock_guard lock(shared_.mutex);
        shared_.metrics.set_vantage(config_.vantage.name);
    }
    pipeline_->start();
    loop_->start(std::move(probes));
    announce();
    notify::ready();
}

// One writer per database, for the daemon's whole life: a second `run`, a
// replay or a maintenance change is refused meanwhile.
void Daemon::lock_database() {
    try {
        lock_.emplace(storage::WriterLock::acquire(options_.db_path, "slawatch run"));
    } catch (const storage::WriterLockBusy& e) {
        throw StartError(1, fmt::format("{}; refusing to start a second writer", e.what()));
    } catch (const storage::StoreError& e) {
        throw StartError(1, e.what());
    }
}

std::unique_ptr<Checkpointer> Daemon::load_checkpointer() const {
    try {
        return std::make_unique<Checkpointer>(config_);
    } catch (const storage::evidence::KeyError& e) {
        throw StartError(2, fmt::format("{}: {}", config_.file.string(), e.what()));
    }
}

void Daemon::enable_alerts() {
    try {
        pipeline_->enable_alerts();
    } catch (const alerts::HookSetupError& e) {
        throw StartError(2, fmt::format("{}: {}", config_.file.string(), e.what()));
    } catch (const std::exception& e) {
        throw StartError(1, fmt::format("alerts: {}", e.what()));
    }
}

void Daemon::enable_witness() {
    try {
        pipeline_->enable_witness();
    } catch (const WitnessSetupError& e) {
        throw StartError(2, fmt::format("{}: {}", config_.file.string(), e.what()));
    } catch (const std::exception& e) {
        throw StartError(1, fmt::format("witness: {}", e.what()));
    }
}

void Daemon::announce() const {
    spdlog::info(
        "slawatch {} running as vantage point {}: {} probes, {} runs a minute each, "
        "database {}{}",
        options_.version, config_.vantage.name, config_.probes.size(),
        config_.monitor.probes_per_minute, options_.db_path.string(),
        config_.metrics.enabled
            ? fmt::format(", metrics on http://{}/metrics", config_.metrics.listen)
            : std::string());
}

}  // namespace

int run(config::Config config, const Options& options) {
    Daemon daemon(std::move(config), options);
    return daemon.run();
}

}  // namespace slawatch::daemon
