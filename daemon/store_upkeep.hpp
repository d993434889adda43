// SPDX-License-Identifier: Apache-2.0
#pragma once
// The store's periodic upkeep on the storage thread: retention hourly, and
// compaction hourly, a day per storage tick until done, so that the store is
// never held long and writes and finalization go on between the steps.

#include "config/config.hpp"
#include "daemon/shared_state.hpp"
#include "storage/minute_deriver.hpp"

#include <chrono>

namespace slawatch::daemon {

class StoreUpkeep {
public:
    explicit StoreUpkeep(SharedState& shared) : shared_(shared) {}

    // Called every storage tick: runs what is due.
    void on_tick(storage::MinuteDeriver& store, const config::Config& config);

private:
    void apply_retention(storage::MinuteDeriver& store, const config::Config& config);
    void compact_step(storage::MinuteDeriver& store, const config::Config& config);
    void add_to_run(const storage::CompactionResult& r);

    SharedState& shared_;
    std::chrono::steady_clock::time_point next_retention_ =
        std::chrono::steady_clock::now() + std::chrono::minutes(1);
    // The first time once the start's own work (resume, re-derivation) is under way.
    std::chrono::steady_clock::time_point next_compaction_ =
        std::chrono::steady_clock::now() + std::chrono::seconds(15);
    bool compacting_ = false;
    storage::CompactionResult compaction_run_;  // the run so far, logged once done
};

}  // namespace slawatch::daemon
