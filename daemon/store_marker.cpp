// SPDX-License-Identifier: Apache-2.0
#include "daemon/store_marker.hpp"

#include "sla/clock.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace slawatch::daemon {
namespace {

std::string utc_now() {
    const std::time_t t = sla::now_ms() / 1000;
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(t));
}

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

}  // namespace

std::filesystem::path marker_path(const std::filesystem::path& db) {
    auto p = db;
    p += ".identity";
    return p;
}

std::optional<StoreMarker> read_marker(const std::filesystem::path& db) {
    const auto path = marker_path(db);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::nullopt;
        throw std::runtime_error(
            fmt::format("cannot read the marker {}: {}", path.string(), std::strerror(errno)));
    }
    std::ifstream in(path);
    if (!S_ISREG(st.st_mode) || !in)
        throw std::runtime_error(
            fmt::format("cannot read the marker {}: not a readable file", path.string()));
    StoreMarker m;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const auto key = trim(line.substr(0, eq));
        auto value = trim(line.substr(eq + 1));
        if (key == "created" || key == "first_opened") {
            m.event = key;
            m.at = std::move(value);
        } else if (key == "database") {
            m.database = std::move(value);
        } else if (key == "vantage") {
            m.vantage = std::move(value);
        } else if (key == "device") {
            m.device = std::move(value);
        } else if (key == "inode") {
            m.inode = std::move(value);
        }
    }
    return m;
}

void write_marker(const std::filesystem::path& db, const StoreMarker& marker) {
    const auto path = marker_path(db);
    auto tmp = path;
    tmp += ".tmp";
    const auto text = fmt::format(
        "# slawatch run: the evidence database of this state directory. A start that finds\n"
        "# this marker but not the database refuses; `slawatch run --new-database` starts a\n"
        "# new one (docs/operations.md, \"The database marker\"). No secrets.\n"
        "database = {}\nvantage = {}\n{} = {}\ndevice = {}\ninode = {}\n",
        marker.database, marker.vantage, marker.event, marker.at, marker.device, marker.inode);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        throw std::runtime_error(
            fmt::format("cannot write the marker {}: {}", tmp.string(), std::strerror(errno)));
    bool ok = ::fchmod(fd, 0600) == 0 &&
              ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
              ::fsync(fd) == 0;
    const int e = errno;
    ok = ::close(fd) == 0 && ok;
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = ok ? errno : e;
        ::unlink(tmp.c_str());
        throw std::runtime_error(
            fmt::format("cannot write the marker {}: {}", path.string(), std::strerror(err)));
    }
}

StoreMarker make_marker(const std::filesystem::path& db, const std::string& vantage, bool created,
                        FileIdentity identity) {
    return {db.string(),
            vantage,
            created ? "created" : "first_opened",
            utc_now(),
            std::to_string(identity.device),
            std::to_string(identity.inode)};
}

bool same_file(const StoreMarker& marker, FileIdentity identity) {
    return marker.device == std::to_string(identity.device) &&
           marker.inode == std::to_string(identity.inode);
}

std::string describe(const StoreMarker& marker) {
    const auto when = marker.at.empty() ? std::string("at an unrecorded time") : marker.at;
    return fmt::format(
        "{} {}{} (device {} inode {})", marker.event == "created" ? "created" : "first opened",
        when, marker.vantage.empty() ? std::string() : " by vantage point " + marker.vantage,
        marker.device.empty() ? "?" : marker.device, marker.inode.empty() ? "?" : marker.inode);
}

}  // namespace slawatch::daemon
