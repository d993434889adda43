// SPDX-License-Identifier: Apache-2.0
// The standard process_* metrics, read from /proc as the official client
// libraries do, so dashboards made for any exporter work unchanged.
#include "daemon/metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace slawatch::daemon {

namespace {

// Fields of /proc/self/stat after the command name, numbered as in proc(5).
std::vector<std::string> stat_fields() {
    std::ifstream in("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const auto close = text.rfind(')');
    std::vector<std::string> fields{"", "", ""};  // pid and comm: fields 1 and 2
    if (close == std::string::npos) return {};
    std::istringstream rest(text.substr(close + 1));
    for (std::string f; rest >> f;) fields.push_back(f);
    return fields;
}

std::optional<double> boot_time_seconds() {
    std::ifstream in("/proc/stat");
    for (std::string key; in >> key;) {
        if (key == "btime") {
            double v = 0;
            if (in >> v) return v;
            return std::nullopt;
        }
        in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    return std::nullopt;
}

double field(const std::vector<std::string>& f, std::size_t n) {
    return n < f.size() ? std::strtod(f[n].c_str(), nullptr) : 0.0;
}

}  // namespace

void render_process_metrics(Exposition& e) {
    const auto f = stat_fields();
    if (f.size() < 25) return;  // not Linux /proc: leave the family out rather than guess
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));

    e.family("process_cpu_seconds_total", "counter",
             "Total user and system CPU time spent in seconds.");
    e.sample("process_cpu_seconds_total", "", (field(f, 14) + field(f, 15)) / ticks);

    std::error_code ec;
    double fds = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++fds;
    e.gauge("process_open_fds", "Number of open file descriptors.", fds);
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        e.gauge("process_max_fds", "Maximum number of open file descriptors.",
                limit.rlim_cur == RLIM_INFINITY ? -1.0 : static_cast<double>(limit.rlim_cur));
    }

    e.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", field(f, 23));
    e.gauge("process_resident_memory_bytes", "Resident memory size in bytes.", field(f, 24) * page);
    if (auto boot = boot_time_seconds()) {
        e.gauge("process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.",
                *boot + field(f, 22) / ticks);
    }
}

}  // namespace slawatch::daemon
