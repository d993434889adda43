// SPDX-License-Identifier: Apache-2.0
#pragma once
// Reading for reports: the store's own figures (Figures, from the minute rows
// it derived: the daemon's view, the detector's input), the span derived so
// far, and the figures people are shown, re-derived from verified evidence.

#include "storage/figures.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

namespace slawatch::storage {

class VerifiedFigures;  // storage/verified_figures.hpp
struct FigureOptions;   // storage/verified_figures.hpp

class ReportSource : public Figures {
public:
    // Starts a read transaction that lasts until the store is destroyed, so
    // that every later read sees one snapshot (a writer committing meanwhile
    // is not seen). For read-only stores that print figures.
    virtual void hold_snapshot() = 0;

    // The first and last minute with a stored row (any probe), if any.
    virtual std::optional<std::pair<sla::EpochMinute, sla::EpochMinute>> derived_range() const = 0;

    // The figures people are shown (verified_figures.hpp): verifies the
    // evidence log in this store's snapshot (hold_snapshot() first) and
    // re-derives every minute in memory from the verified results and folded
    // counts alone, under this store's config. Throws UnverifiedEvidence when
    // the evidence does not verify.
    virtual std::unique_ptr<VerifiedFigures> verified_figures(const FigureOptions& options) = 0;

    // The SQLite steps the store's reads have run since it was opened: what
    // the hostile-database budget (read_budget.hpp) bounds.
    virtual std::uint64_t read_steps() const = 0;
    // Lifts that budget: for a benchmark that repeats its reads.
    virtual void lift_read_budget() = 0;
};

}  // namespace slawatch::storage
