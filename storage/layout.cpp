// SPDX-License-Identifier: Apache-2.0
#include "storage/layout.hpp"

#include <fmt/format.h>

namespace slawatch::storage::layout {

std::string sql_result_time_ms(std::string_view x) {
    return fmt::format("({} >> {})", x, result_probe_bits);
}

std::string sql_result_probe(std::string_view x) {
    return fmt::format("({} & {})", x, result_probe_mask);
}

std::string sql_minute_state(std::string_view x) {
    return fmt::format("({} & {})", x, state_mask);
}

std::string sql_minute_samples(std::string_view x) {
    return fmt::format("(({} >> {}) & {})", x, samples_shift, samples_mask);
}

std::string sql_minute_failures(std::string_view x) {
    return fmt::format("({} >> {})", x, failures_shift);
}

}  // namespace slawatch::storage::layout
