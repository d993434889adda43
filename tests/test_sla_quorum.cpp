// SPDX-License-Identifier: Apache-2.0
// The quorum rule across vantage points (sla/quorum.hpp), case by case.
#include "sla/quorum.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace slawatch::sla;
using S = MinuteState;

namespace {

MinuteState combine(std::vector<S> states, int k, const std::vector<MaintenanceWindow>& w = {},
                    EpochMinute minute = 1000) {
    return quorum_state(states, k, w, minute);
}

// A window over minutes [from, to), announced `lead` seconds before it starts.
MaintenanceWindow window(EpochMinute from, EpochMinute to, EpochSeconds lead) {
    return {from * 60, to * 60, from * 60 - lead, "upgrade"};
}

}  // namespace

TEST_CASE("quorum: votes are counted, unknown and local_network are dark", "[sla][quorum]") {
    const std::vector<S> all{S::up,      S::down,          S::maintenance, S::customer,
                             S::unknown, S::local_network, S::down,        S::up};
    const auto v = count_votes(all);
    CHECK(v.up == 2);
    CHECK(v.down == 2);
    CHECK(v.maintenance == 1);
    CHECK(v.customer == 1);
    CHECK(v.dark == 2);
    CHECK(v.observed() == 6);
    CHECK(is_dark(S::unknown));
    CHECK(is_dark(S::local_network));
    CHECK_FALSE(is_dark(S::down));
    CHECK_FALSE(is_dark(S::customer));
}

TEST_CASE("quorum: down needs K vantage points that saw it down", "[sla][quorum]") {
    // One host alone: its own network may be to blame (SLA 4.2).
    CHECK(combine({S::down, S::up, S::up}, 2) == S::up);
    CHECK(combine({S::down, S::down, S::up}, 2) == S::down);
    CHECK(combine({S::down, S::down, S::down}, 3) == S::down);
    CHECK(combine({S::down, S::down, S::up}, 3) == S::unknown);
    // K = 1: any one host's down is enough.
    CHECK(combine({S::down, S::up, S::up}, 1) == S::down);
    // Dark hosts do not vote: two down and one dark is still down at K = 2.
    CHECK(combine({S::down, S::down, S::local_network}, 2) == S::down);
}

TEST_CASE("quorum: a down quorum inside an announced window is maintenance", "[sla][quorum]") {
    const std::vector<MaintenanceWindow> in_time{window(1000, 1010, 86'400)};
    CHECK(combine({S::down, S::down, S::up}, 2, in_time, 1000) == S::maintenance);
    CHECK(combine({S::down, S::down, S::up}, 2, in_time, 1009) == S::maintenance);
    // Outside the window, or a notice after the start (R4): still down.
    CHECK(combine({S::down, S::down, S::up}, 2, in_time, 1010) == S::down);
    const std::vector<MaintenanceWindow> late{window(1000, 1010, -60)};
    CHECK(combine({S::down, S::down, S::up}, 2, late, 1005) == S::down);
    // The pure form: the caller says whether a window excuses the minute.
    CHECK(quorum_state(QuorumVotes{0, 2, 0, 0, 1}, 2, true) == S::maintenance);
    CHECK(quorum_state(QuorumVotes{0, 2, 0, 0, 1}, 2, false) == S::down);
    // A window does not turn an up quorum into maintenance.
    CHECK(combine({S::up, S::up, S::up}, 2, in_time, 1005) == S::up);
}

TEST_CASE("quorum: up needs K that saw it up or excluded it", "[sla][quorum]") {
    CHECK(combine({S::up, S::up, S::unknown}, 2) == S::up);
    CHECK(combine({S::up, S::unknown, S::local_network}, 2) == S::unknown);
    // Not K up, but K that excluded it for the provider's benefit: the
    // exclusion most of them gave.
    CHECK(combine({S::up, S::maintenance, S::maintenance}, 3) == S::maintenance);
    CHECK(combine({S::up, S::customer, S::customer}, 3) == S::customer);
    CHECK(combine({S::customer, S::customer, S::maintenance}, 2) == S::customer);
    // A tie: maintenance before customer.
    CHECK(combine({S::maintenance, S::customer, S::unknown}, 2) == S::maintenance);
    CHECK(combine({S::up, S::maintenance, S::customer}, 3) == S::maintenance);
    // up >= K wins over the exclusions.
    CHECK(combine({S::up, S::up, S::customer}, 2) == S::up);
}

TEST_CASE("quorum: too many dark vantage points leave the minute unknown", "[sla][quorum]") {
    CHECK(combine({S::down, S::local_network, S::local_network}, 2) == S::unknown);
    CHECK(combine({S::unknown, S::unknown, S::unknown}, 1) == S::unknown);
    CHECK(combine({S::up, S::local_network, S::unknown}, 2) == S::unknown);
    // One down and one up at K = 2: neither side reaches K.
    CHECK(combine({S::down, S::up, S::unknown}, 2) == S::unknown);
}

TEST_CASE("quorum: with K <= n/2 both sides can reach K and down wins", "[sla][quorum]") {
    // 4 hosts, K = 2: two saw it down, two saw it up.
    CHECK(combine({S::down, S::down, S::up, S::up}, 2) == S::down);
    // K = 1 of 2.
    CHECK(combine({S::up, S::down}, 1) == S::down);
    // K = 1, nobody down: one up is enough.
    CHECK(combine({S::up, S::local_network}, 1) == S::up);
}

TEST_CASE("quorum: vantage points disagree when the ones that observed differ", "[sla][quorum]") {
    const std::vector<S> same{S::up, S::up, S::unknown};
    const std::vector<S> differ{S::up, S::down, S::up};
    const std::vector<S> excluded{S::customer, S::up};
    const std::vector<S> dark_only{S::local_network, S::unknown, S::down};
    CHECK_FALSE(vantages_disagree(same));
    CHECK(vantages_disagree(differ));
    CHECK(vantages_disagree(excluded));
    CHECK_FALSE(vantages_disagree(dark_only));  // one observer cannot disagree
    CHECK_FALSE(vantages_disagree(std::vector<S>{}));
}
