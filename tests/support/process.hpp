// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: temporary directories and real child processes (slawatch, tcmpp-sim).

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace slawatch::testing {

// Paths of the binaries under test, baked in by CMake.
std::string slawatch_bin();
std::string tcmpp_sim_bin();

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(std::string_view name) const { return path_ / name; }
    // Writes `content` to `name` and returns the full path.
    std::filesystem::path write(std::string_view name, std::string_view content) const;

private:
    std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& file);

struct RunResult {
    int exit_code = -1;  // 128 + signal when killed
    std::string out;
    std::string err;
    long max_rss_kb = 0;                // the child's peak resident set (wait4 ru_maxrss)
    std::chrono::milliseconds wall{0};  // from spawn to exit
};

// Runs argv to completion (killed after `timeout`) with `input` on stdin and
// `extra_env` ("NAME=value") added to the environment.
RunResult run(const std::vector<std::string>& argv, std::string_view input = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(60),
              const std::vector<std::string>& extra_env = {});

// A child process running in the background; killed (SIGKILL) and reaped on
// destruction if still running. stdout and stderr go to files.
class Process {
public:
    Process(const std::vector<std::string>& argv, const std::filesystem::path& log_dir,
            const std::vector<std::string>& extra_env = {});
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }
    void signal(int sig) const;
    // Exit code (128 + signal when killed), or nullopt if still running after `timeout`.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    bool running();
    // Whether the process, once waited for, was killed by a signal and dumped core.
    bool core_dumped() const { return core_dumped_; }
    std::string out() const;
    std::string err() const;

private:
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
    bool core_dumped_ = false;
    std::filesystem::path out_file_;
    std::filesystem::path err_file_;
};

// A TCP port on 127.0.0.1 that was free a moment ago, below the kernel's
// ephemeral range so that no outgoing connection takes it meanwhile.
std::uint16_t free_port();

// Polls until something accepts on 127.0.0.1:port, or the timeout passes.
bool wait_for_port(std::uint16_t port, std::chrono::milliseconds timeout);

// Polls `predicate` every 50 ms until it holds or the timeout passes.
template <class Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (predicate()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return predicate();
}

}  // namespace slawatch::testing
